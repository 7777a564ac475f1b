#include <QtTest>

#include "core/model/ArchitectureSpec.h"
#include "core/model/CostModel.h"

using namespace perfnas;

namespace {

const char* const kSeedPath = PERFNAS_SOURCE_DIR "/resources/seeds/paper-seed.json";

ArchitectureSpec specOf(const std::vector<ConvUnit>& units) {
    return {.name = "test", .units = units};
}

// Paper Table II, kws1: {3x3,40},{3x3,30},{1x1,30},{5x5,50},{5x5,50},{5x5,50} with the seed's
// strides.
ArchitectureSpec kws1() {
    return specOf({{3, 3, 40, {1, 2}}, {3, 3, 30}, {1, 1, 30}, {5, 5, 50}, {5, 5, 50}, {5, 5, 50}});
}

}  // namespace

class ArchitectureSpecTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void shippedSeedCostsAsComputedByHand() {
        auto seed = ArchitectureSpec::fromFile(kSeedPath);
        QVERIFY2(seed.ok(), seed.ok() ? "" : seed.error().message.c_str());
        QCOMPARE(seed->units.size(), std::size_t{6});
        const ModelCost cost = CostModel::evaluate(*seed);
        // Unit 1: 100*1*40*16*(2*40+1) = 5,184,000; units 2-6: 100*100*40*16*(2*9+1) = 121,600,000.
        QCOMPARE(cost.units[0].fpops, std::int64_t{5'184'000});
        QCOMPARE(cost.units[1].fpops, std::int64_t{121'600'000});
        QCOMPARE(cost.fpops, std::int64_t{613'184'000});
        QCOMPARE(cost.mfpops(), 613.184);
        QCOMPARE(cost.params, std::int64_t{454'000});
        QCOMPARE(cost.units[0].outputWidth, 16);
        // Peak: two 100x40x16 maps at once.
        QCOMPARE(cost.peakActivationBytes, std::int64_t{2 * 100 * 40 * 16 * 4});
    }

    void builtInPaperSeedMatchesTheShippedFile() {
        auto shipped =
            ArchitectureSpec::fromFile(PERFNAS_SOURCE_DIR "/resources/seeds/paper-seed.json");
        QVERIFY(shipped);
        QVERIFY(*shipped == ArchitectureSpec::paperSeed());
    }

    void tableTwoKws1() {
        const ModelCost cost = CostModel::evaluate(kws1());
        // 40*1*640*19 + 30*40*640*19 + 30*30*640*3 + 50*30*640*51 + 2*(50*50*640*51)
        QCOMPARE(cost.fpops, std::int64_t{228'966'400});
        QCOMPARE(cost.params,
                 std::int64_t{40 * 9 + 30 * 40 * 9 + 30 * 30 + 50 * 30 * 25 + 2 * 50 * 50 * 25});
    }

    void stridesRoundUp() {
        ArchitectureSpec spec = specOf({{3, 3, 8, {3, 5}}});
        const ModelCost cost = CostModel::evaluate(spec);
        QCOMPARE(cost.units[0].outputHeight, 14);  // ceil(40 / 3)
        QCOMPARE(cost.units[0].outputWidth, 7);    // ceil(32 / 5)
    }

    void jsonRoundTripsAndPrintsTableTwoNotation() {
        const ArchitectureSpec spec = kws1();
        auto parsed = ArchitectureSpec::fromJson(spec.toJson());
        QVERIFY(parsed.ok());
        QCOMPARE(*parsed, spec);
        QCOMPARE(ArchitectureSpec::unitNotation(spec.units[3]), std::string("5x5, 50"));
        QCOMPARE(spec.notation().substr(0, 21), std::string("{3x3, 40} {3x3, 30} {"));
    }

    void invalidSpecsAreRejectedWithTheReason_data() {
        QTest::addColumn<QString>("json");
        QTest::addColumn<QString>("message");
        const QString head = R"({"input": {"height": 40, "width": 32}, "classes": 10, "units": )";
        QTest::newRow("kernel larger than input")
            << head + R"([{"kh": 41, "kw": 3, "filters": 4}]})"
            << "kernel 41x3 is larger than its input 40x32";
        QTest::newRow("kernel larger after stride")
            << head +
                   R"([{"kh": 3, "kw": 3, "filters": 4, "stride": [1, 8]}, {"kh": 3, "kw": 5, "filters": 4}]})"
            << "units[1]: kernel 3x5 is larger than its input 40x4";
        QTest::newRow("zero filters") << head + R"([{"kh": 3, "kw": 3, "filters": 0}]})"
                                      << "units[0].filters";
        QTest::newRow("unknown unit field")
            << head + R"([{"kh": 3, "kw": 3, "filters": 4, "pad": 1}]})"
            << "unknown field 'pad'";
        QTest::newRow("unknown top field")
            << head + R"([{"kh": 3, "kw": 3, "filters": 4}], "dropout": 0.1})"
            << "unknown field 'dropout'";
        QTest::newRow("no units") << head + "[]}"
                                  << "at least one conv unit";
        QTest::newRow("fractional kernel") << head + R"([{"kh": 2.5, "kw": 3, "filters": 4}]})"
                                           << "units[0].kh: expected an integer";
        QTest::newRow("bad stride")
            << head + R"([{"kh": 3, "kw": 3, "filters": 4, "stride": [1]}]})"
            << "units[0].stride";
        QTest::newRow("one class")
            << R"({"input": {"height": 40, "width": 32}, "classes": 1, "units": [{"kh": 3, "kw": 3, "filters": 4}]})"
            << "classes";
        QTest::newRow("missing input") << R"({"classes": 10, "units": []})"
                                       << "missing field 'input'";
        QTest::newRow("not json") << "{units: "
                                  << "not valid JSON";
    }
    void invalidSpecsAreRejectedWithTheReason() {
        QFETCH(QString, json);
        QFETCH(QString, message);
        auto spec = ArchitectureSpec::fromJson(json.toStdString());
        QVERIFY(!spec.ok());
        QCOMPARE(spec.error().code, ErrorCode::InvalidInput);
        QVERIFY2(QString::fromStdString(spec.error().message).contains(message),
                 spec.error().message.c_str());
    }

    void missingFileIsNotFound() {
        auto spec = ArchitectureSpec::fromFile("/no/such/spec.json");
        QVERIFY(!spec.ok());
        QCOMPARE(spec.error().code, ErrorCode::NotFound);
        QVERIFY(QString::fromStdString(spec.error().message).contains("/no/such/spec.json"));
    }
};

QTEST_GUILESS_MAIN(ArchitectureSpecTest)
#include "ArchitectureSpecTest.moc"
