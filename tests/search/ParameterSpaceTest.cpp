#include <QtTest>
#include <cmath>

#include "core/search/ParameterSpace.h"

using namespace perfnas;

Q_DECLARE_METATYPE(perfnas::Domain)
Q_DECLARE_METATYPE(std::vector<double>)

namespace {

Domain frozenAt(Domain domain, double value) {
    domain.frozen = value;
    return domain;
}

}  // namespace

class ParameterSpaceTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void valuesAndCount_data() {
        QTest::addColumn<Domain>("domain");
        QTest::addColumn<std::vector<double>>("values");
        QTest::addColumn<double>("count");
        QTest::newRow("integer") << Domain::integer(1, 4) << std::vector<double>{1, 2, 3, 4} << 4.0;
        QTest::newRow("integer with step")
            << Domain::integer(2, 9, 3) << std::vector<double>{2, 5, 8} << 3.0;
        QTest::newRow("single integer") << Domain::integer(7, 7) << std::vector<double>{7} << 1.0;
        QTest::newRow("choice") << Domain::choice({16, 25, 64}) << std::vector<double>{16, 25, 64}
                                << 3.0;
        QTest::newRow("log-uniform is continuous")
            << Domain::logUniform(1e-4, 1e-2) << std::vector<double>{} << 0.0;
        QTest::newRow("frozen integer")
            << frozenAt(Domain::integer(1, 5), 3) << std::vector<double>{3} << 1.0;
        QTest::newRow("frozen log-uniform")
            << frozenAt(Domain::logUniform(1e-4, 1e-2), 1e-3) << std::vector<double>{1e-3} << 1.0;
    }
    void valuesAndCount() {
        QFETCH(Domain, domain);
        QFETCH(std::vector<double>, values);
        QFETCH(double, count);
        QCOMPARE(domain.values(), values);
        QCOMPARE(domain.count(), count);
        QVERIFY(domain.validate("x").ok());
        for (double v : values) QVERIFY(domain.contains(v));
    }

    void containsExactlyTheAllowedValues_data() {
        QTest::addColumn<Domain>("domain");
        QTest::addColumn<double>("value");
        QTest::addColumn<bool>("contained");
        QTest::newRow("integer inside") << Domain::integer(1, 5) << 5.0 << true;
        QTest::newRow("integer above") << Domain::integer(1, 5) << 6.0 << false;
        QTest::newRow("integer below") << Domain::integer(1, 5) << 0.0 << false;
        QTest::newRow("integer fraction") << Domain::integer(1, 5) << 2.5 << false;
        QTest::newRow("off the step") << Domain::integer(2, 9, 3) << 4.0 << false;
        QTest::newRow("on the step") << Domain::integer(2, 9, 3) << 8.0 << true;
        QTest::newRow("choice listed") << Domain::choice({16, 25}) << 25.0 << true;
        QTest::newRow("choice between") << Domain::choice({16, 25}) << 20.0 << false;
        QTest::newRow("log inside") << Domain::logUniform(1e-4, 1e-2) << 3.3e-3 << true;
        QTest::newRow("log above") << Domain::logUniform(1e-4, 1e-2) << 0.011 << false;
        QTest::newRow("frozen value") << frozenAt(Domain::integer(1, 5), 3) << 3.0 << true;
        QTest::newRow("frozen, other value of the range")
            << frozenAt(Domain::integer(1, 5), 3) << 4.0 << false;
    }
    void containsExactlyTheAllowedValues() {
        QFETCH(Domain, domain);
        QFETCH(double, value);
        QFETCH(bool, contained);
        QCOMPARE(domain.contains(value), contained);
    }

    void invalidDomainsNameTheDimension_data() {
        QTest::addColumn<Domain>("domain");
        QTest::addColumn<QString>("message");
        QTest::newRow("empty range") << Domain::integer(5, 1) << "unit2.kh: empty range 5..1";
        QTest::newRow("zero step")
            << Domain::integer(1, 5, 0) << "unit2.kh: step must be at least 1, got 0";
        QTest::newRow("no choices") << Domain::choice({}) << "unit2.kh: no choices";
        QTest::newRow("unsorted choices")
            << Domain::choice({3, 1}) << "ascending without duplicates, got 3 before 1";
        QTest::newRow("duplicate choices")
            << Domain::choice({1, 1}) << "ascending without duplicates";
        QTest::newRow("log bound zero")
            << Domain::logUniform(0.0, 1.0) << "log-uniform bounds must be positive";
        QTest::newRow("log empty") << Domain::logUniform(0.1, 0.01) << "empty range";
        QTest::newRow("frozen outside") << frozenAt(Domain::integer(1, 5), 9)
                                        << "unit2.kh: frozen value 9 is outside the domain";
        QTest::newRow("frozen off the step")
            << frozenAt(Domain::integer(1, 5, 2), 2) << "frozen value 2";
        QTest::newRow("frozen not a choice")
            << frozenAt(Domain::choice({16, 32}), 20) << "frozen value 20";
    }
    void invalidDomainsNameTheDimension() {
        QFETCH(Domain, domain);
        QFETCH(QString, message);
        const Status status = domain.validate("unit2.kh");
        QVERIFY(!status.ok());
        QCOMPARE(status.error().code, ErrorCode::InvalidInput);
        QVERIFY2(QString::fromStdString(status.error().message).contains(message),
                 status.error().message.c_str());
    }

    void spaceCountsAndContains() {
        ParameterSpace space{.dimensions = {{"a", Domain::integer(1, 4)},
                                            {"b", Domain::choice({16, 25, 64})},
                                            {"lr", Domain::logUniform(1e-4, 1e-2)},
                                            {"c", frozenAt(Domain::integer(1, 100), 50)}}};
        QVERIFY(space.validate().ok());
        QCOMPARE(space.size(), std::size_t{4});
        QCOMPARE(space.log10Count(), std::log10(12.0));  // the continuous lr is not counted
        QVERIFY(space.contains({2, 25, 1e-3, 50}));
        QVERIFY(!space.contains({2, 25, 1e-3, 51}));  // history with another frozen value
        QVERIFY(!space.contains({2, 25, 1e-3}));
        QVERIFY(!space.contains({2, 26, 1e-3, 50}));
    }

    void spaceValidationNamesTheDimension() {
        ParameterSpace space{
            .dimensions = {{"a", Domain::integer(1, 4)}, {"b", Domain::integer(3, 2)}}};
        QVERIFY(!space.validate().ok());
        QVERIFY(
            QString::fromStdString(space.validate().error().message).startsWith("b: empty range"));
        space.dimensions[1] = {"a", Domain::integer(1, 2)};
        QVERIFY(!space.validate().ok());
        QVERIFY(QString::fromStdString(space.validate().error().message)
                    .contains("a: dimension name used twice"));
    }
};

QTEST_GUILESS_MAIN(ParameterSpaceTest)
#include "ParameterSpaceTest.moc"
