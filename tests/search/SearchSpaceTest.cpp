#include <QtTest>
#include <cmath>

#include "core/search/SearchSpace.h"

using namespace perfnas;

namespace {

const char* const kSeedPath = PERFNAS_SOURCE_DIR "/resources/seeds/paper-seed.json";

ArchitectureSpec paperSeed() {
    auto seed = ArchitectureSpec::fromFile(kSeedPath);
    return seed.ok() ? *seed : ArchitectureSpec{};
}

// Two units on a 6x6 input; unit 1 halves the width.
ArchitectureSpec smallSeed() {
    return {.name = "small",
            .inputHeight = 6,
            .inputWidth = 6,
            .classes = 3,
            .units = {{.kh = 3, .kw = 3, .filters = 8, .stride = {1, 2}},
                      {.kh = 2, .kw = 2, .filters = 4}}};
}

bool sameDomain(const Domain& a, const Domain& b) {
    return a.kind == b.kind && a.values() == b.values() && a.frozen == b.frozen && a.min == b.min &&
           a.max == b.max && (a.kind != DomainKind::Integer || a.step == b.step);
}

}  // namespace

class SearchSpaceTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void paperDefaultMatchesThePaper() {
        const ArchitectureSpec seed = paperSeed();
        QCOMPARE(seed.units.size(), std::size_t{6});
        const SearchSpace space = SearchSpace::paperDefault(seed);
        QVERIFY(space.validate().ok());
        QCOMPARE(space.units.size(), std::size_t{6});
        QCOMPARE(space.units[0][UnitParameter::Kh].values(), (std::vector<double>{1, 2, 3, 4}));
        QCOMPARE(space.units[0][UnitParameter::Kw].min, 1.0);
        QCOMPARE(space.units[0][UnitParameter::Kw].max, 10.0);
        for (std::size_t u = 0; u < 6; ++u) {
            const Domain& filters = space.units[u][UnitParameter::Filters];
            QCOMPARE(filters.kind, DomainKind::Integer);
            QCOMPARE(filters.min, 1.0);
            QCOMPARE(filters.max, 100.0);
            QCOMPARE(filters.step, 1);
            if (u == 0) continue;
            for (UnitParameter p : {UnitParameter::Kh, UnitParameter::Kw}) {
                QCOMPARE(space.units[u][p].values(), (std::vector<double>{1, 2, 3, 4, 5}));
                QVERIFY(!space.units[u][p].isFrozen());
            }
        }
        // 4 * 10 * 100 for unit 1, 5 * 5 * 100 for each of units 2-6.
        QCOMPARE(space.parameterSpace().log10Count(), std::log10(4000.0) + 5 * std::log10(2500.0));
        QVERIFY(std::abs(space.parameterSpace().log10Count() - 20.591760) < 1e-6);
        // The seed itself is a point of its default space.
        QVERIFY(space.parameterSpace().contains(space.configurationOf(seed)));
    }

    void paperDefaultClipsKernelsToTheInput() {
        ArchitectureSpec seed = smallSeed();
        seed.inputHeight = 4;
        const SearchSpace space = SearchSpace::paperDefault(seed);
        QVERIFY2(space.validate().ok(),
                 space.validate().ok() ? "" : space.validate().error().message.c_str());
        QCOMPARE(space.units[0][UnitParameter::Kh].max, 3.0);  // the seed's 3x3
        QCOMPARE(space.units[1][UnitParameter::Kh].max, 4.0);  // 5, clipped to the height 4
        QCOMPARE(space.units[1][UnitParameter::Kw].max, 3.0);  // 5, clipped to ceil(6 / 2)
        QCOMPARE(space.units[1][UnitParameter::Filters].max, 4.0);
    }

    void parameterSpaceNamesAndOrder() {
        const SearchSpace space = SearchSpace::paperDefault(smallSeed());
        const ParameterSpace parameters = space.parameterSpace();
        QCOMPARE(parameters.size(), std::size_t{6});
        QCOMPARE(parameters.dimensions[0].name, std::string("unit1.kh"));
        QCOMPARE(parameters.dimensions[SearchSpace::dimensionIndex(1, UnitParameter::Kw)].name,
                 std::string("unit2.kw"));
        QCOMPARE(parameters.dimensions[5].name, std::string("unit2.filters"));
        QCOMPARE(parameterName(UnitParameter::Filters), std::string("filters"));
        QCOMPARE(parseUnitParameter("kw"), std::optional<UnitParameter>(UnitParameter::Kw));
        QCOMPARE(parseUnitParameter("stride"), std::optional<UnitParameter>());
    }

    void architectureAndConfigurationRoundTrip() {
        const SearchSpace space = SearchSpace::paperDefault(smallSeed());
        const Configuration configuration{1, 3, 5, 2, 1, 4};
        const ArchitectureSpec spec = space.architecture(configuration, "trial-7");
        QCOMPARE(spec.name, std::string("trial-7"));
        QCOMPARE(spec.units[0],
                 (ConvUnit{.kh = 1, .kw = 3, .filters = 5, .stride = {1, 2}}));  // stride kept
        QCOMPARE(spec.units[1], (ConvUnit{.kh = 2, .kw = 1, .filters = 4}));
        QCOMPARE(spec.inputHeight, 6);
        QCOMPARE(spec.classes, 3);
        QCOMPARE(space.configurationOf(spec), configuration);
        QCOMPARE(space.configurationOf(smallSeed()), (Configuration{3, 3, 8, 2, 2, 4}));
    }

    void invalidSpacesNameUnitAndParameter_data() {
        QTest::addColumn<QString>("json");
        QTest::addColumn<QString>("message");
        // smallSeed: unit 2 sees a 6x3 input after unit 1's stride (1, 2).
        QTest::newRow("kernel wider than the strided input")
            << R"({"units": [{}, {"kw": {"min": 1, "max": 4}}]})"
            << "unit 2 kw: upper bound 4 exceeds the unit's input width 3";
        QTest::newRow("kernel taller than the input")
            << R"({"units": [{"kh": {"choices": [1, 7]}}]})"
            << "unit 1 kh: upper bound 7 exceeds the unit's input height 6";
        QTest::newRow("zero filters") << R"({"units": [{"filters": {"min": 0, "max": 4}}]})"
                                      << "unit 1 filters: values must be at least 1, got 0";
        QTest::newRow("empty range") << R"({"units": [{}, {"filters": {"min": 5, "max": 4}}]})"
                                     << "unit 2 filters: empty range 5..4";
        QTest::newRow("unsorted choices") << R"({"units": [{"filters": {"choices": [8, 4]}}]})"
                                          << "unit 1 filters: choices must be ascending";
        QTest::newRow("frozen outside")
            << R"({"units": [{"kh": {"min": 1, "max": 3, "frozen": 5}}]})"
            << "unit 1 kh: frozen value 5 is outside the domain";
        QTest::newRow("unknown domain key")
            << R"({"units": [{}, {"kw": {"min": 1, "maximum": 3}}]})"
            << "unit 2 kw: unknown field 'maximum'";
        QTest::newRow("unknown unit key") << R"({"units": [{"stride": [1, 1]}]})"
                                          << "unit 1: unknown field 'stride'";
        QTest::newRow("unknown top key") << R"({"units": [], "sampler": "tpe"})"
                                         << "search space: unknown field 'sampler'";
        QTest::newRow("choices and a range")
            << R"({"units": [{"kh": {"choices": [1, 2], "max": 3}}]})"
            << "unit 1 kh: give either 'choices' or 'min'/'max'/'step'";
        QTest::newRow("fraction") << R"({"units": [{"kh": {"max": 2.5}}]})"
                                  << "unit 1 kh.max: expected an integer, got 2.5";
        QTest::newRow("too many units") << R"({"units": [{}, {}, {}]})"
                                        << "3 units, but the seed has 2";
        QTest::newRow("domain not an object") << R"({"units": [{"kh": 3}]})"
                                              << "unit 1 kh: expected a JSON object";
        QTest::newRow("not json") << "{units"
                                  << "not valid JSON";
    }
    void invalidSpacesNameUnitAndParameter() {
        QFETCH(QString, json);
        QFETCH(QString, message);
        auto space = SearchSpace::fromJson(json.toStdString(), smallSeed());
        QVERIFY(!space.ok());
        QCOMPARE(space.error().code, ErrorCode::InvalidInput);
        QVERIFY2(QString::fromStdString(space.error().message).contains(message),
                 space.error().message.c_str());
    }

    void validateChecksUnitCountAndKind() {
        SearchSpace space = SearchSpace::paperDefault(smallSeed());
        space.units[1][UnitParameter::Filters] = Domain::logUniform(1, 8);
        QVERIFY(
            QString::fromStdString(space.validate().error().message)
                .contains("unit 2 filters: must be an integer range or a list of integer choices"));
        space.units.pop_back();
        QVERIFY(QString::fromStdString(space.validate().error().message)
                    .contains("1 units, but the seed has 2"));
        // A frozen kernel within the input is fine even when the range's bound is not.
        SearchSpace frozenWide = SearchSpace::paperDefault(smallSeed());
        frozenWide.units[1][UnitParameter::Kw] = Domain::integer(1, 5);
        QVERIFY(!frozenWide.validate().ok());
        frozenWide.units[1][UnitParameter::Kw].frozen = 3;
        QVERIFY(frozenWide.validate().ok());
    }

    void missingUnitsAndFieldsTakeThePaperDefault() {
        auto space = SearchSpace::fromJson(
            R"({"units": [{"filters": {"max": 6}, "kh": {"frozen": 2}}]})", smallSeed());
        QVERIFY2(space.ok(), space.ok() ? "" : space.error().message.c_str());
        const SearchSpace defaults = SearchSpace::paperDefault(smallSeed());
        QCOMPARE(space->units[0][UnitParameter::Filters].values(),
                 (std::vector<double>{1, 2, 3, 4, 5, 6}));
        QCOMPARE(space->units[0][UnitParameter::Kh].frozen, std::optional<double>(2));
        QCOMPARE(space->units[0][UnitParameter::Kh].max,
                 3.0);  // the default range stays for the record
        QVERIFY(
            sameDomain(space->units[0][UnitParameter::Kw], defaults.units[0][UnitParameter::Kw]));
        for (UnitParameter p : kUnitParameters)
            QVERIFY(sameDomain(space->units[1][p], defaults.units[1][p]));
        QVERIFY(SearchSpace::fromJson("{}", smallSeed()).ok());
    }

    void jsonRoundTrips() {
        SearchSpace space = SearchSpace::paperDefault(paperSeed());
        space.units[0][UnitParameter::Filters] = Domain::choice({10, 20, 40, 80});
        space.units[2][UnitParameter::Filters] = Domain::integer(4, 100, 8);
        space.units[3][UnitParameter::Kh].frozen = 3;
        space.units[4][UnitParameter::Filters] = Domain::choice({16, 32});
        space.units[4][UnitParameter::Filters].frozen = 32;
        QVERIFY(space.validate().ok());
        auto parsed = SearchSpace::fromJson(space.toJson(), paperSeed());
        QVERIFY2(parsed.ok(), parsed.ok() ? "" : parsed.error().message.c_str());
        QCOMPARE(parsed->seed, space.seed);
        for (std::size_t u = 0; u < space.units.size(); ++u) {
            for (UnitParameter p : kUnitParameters) {
                QVERIFY2(sameDomain(parsed->units[u][p], space.units[u][p]),
                         qPrintable(QString("unit %1 %2")
                                        .arg(u + 1)
                                        .arg(QString::fromStdString(parameterName(p)))));
            }
        }
        QCOMPARE(parsed->toJson(), space.toJson());
        QVERIFY(QString::fromStdString(space.toJson()).contains(R"("frozen": 32)"));
    }

    void freezingChecksTheDomain() {
        const SearchSpace space = SearchSpace::paperDefault(paperSeed());
        auto frozen = space.frozen(2, UnitParameter::Kw, 3);
        QVERIFY(frozen.ok());
        QCOMPARE(frozen->units[2][UnitParameter::Kw].frozen, std::optional<double>(3));
        QVERIFY(!space.units[2][UnitParameter::Kw].isFrozen());  // the original is unchanged
        QCOMPARE(frozen->parameterSpace().log10Count(),
                 space.parameterSpace().log10Count() - std::log10(5.0));
        // Re-freezing to another value of the range is allowed.
        auto refrozen = frozen->frozen(2, UnitParameter::Kw, 5);
        QVERIFY(refrozen.ok());
        QCOMPARE(refrozen->units[2][UnitParameter::Kw].frozen, std::optional<double>(5));

        auto outside = space.frozen(2, UnitParameter::Kw, 6);
        QVERIFY(!outside.ok());
        QCOMPARE(outside.error().code, ErrorCode::InvalidInput);
        QVERIFY2(QString::fromStdString(outside.error().message)
                     .contains("unit 3 kw: value 6 is outside the domain 1..5"),
                 outside.error().message.c_str());
        auto noUnit = space.frozen(6, UnitParameter::Kh, 1);
        QVERIFY(!noUnit.ok());
        QVERIFY(QString::fromStdString(noUnit.error().message).contains("unit 7: no such unit"));
    }
};

QTEST_GUILESS_MAIN(SearchSpaceTest)
#include "SearchSpaceTest.moc"
