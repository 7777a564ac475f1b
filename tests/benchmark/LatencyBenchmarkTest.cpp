// LatencyBenchmark: statistics by their definitions, Spearman's rank correlation against values
// computed by hand (scipy.stats.spearmanr gives the same), and real measurements on this CPU.
#include <QtTest>
#include <cmath>

#include "core/benchmark/LatencyBenchmark.h"

using namespace perfnas;

class LatencyBenchmarkTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void statisticsFollowTheirDefinitions() {
        const LatencyStatistics s = LatencyStatistics::of({5, 1, 4, 2, 3, 10, 6, 7, 9, 8});
        QCOMPARE(s.runs, 10);
        QCOMPARE(s.medianMs, 5.5);
        QCOMPARE(s.p90Ms, 9.0);  // nearest rank: ceil(0.9 * 10) = 9th smallest
        QCOMPARE(s.meanMs, 5.5);
        QVERIFY(std::abs(s.coefficientOfVariation - std::sqrt(82.5 / 9.0) / 5.5) < 1e-12);
        QCOMPARE(LatencyStatistics::of({2, 4, 9}).medianMs, 4.0);
        QCOMPARE(LatencyStatistics::of({}).runs, 0);
    }

    void rankCorrelation_data() {
        QTest::addColumn<QVector<double>>("x");
        QTest::addColumn<QVector<double>>("y");
        QTest::addColumn<double>("expected");
        QTest::newRow("same order")
            << QVector<double>{1, 2, 3, 4} << QVector<double>{10, 20, 25, 100} << 1.0;
        QTest::newRow("reversed") << QVector<double>{1, 2, 3, 4} << QVector<double>{4, 3, 2, 1}
                                  << -1.0;
        // d = (0, 1, -1, 0, 0): 1 - 6 * 2 / (5 * 24) = 0.9
        QTest::newRow("one swap") << QVector<double>{1, 2, 3, 4, 5}
                                  << QVector<double>{1, 3, 2, 4, 5} << 0.9;
        // ties: ranks x (1.5, 1.5, 3, 4), y (1, 2, 3, 4); Pearson of ranks = 0.948683...
        QTest::newRow("ties") << QVector<double>{7, 7, 8, 9} << QVector<double>{1, 2, 3, 4}
                              << 0.9486832980505138;
    }
    void rankCorrelation() {
        QFETCH(QVector<double>, x);
        QFETCH(QVector<double>, y);
        QFETCH(double, expected);
        const double value = perfnas::rankCorrelation({x.begin(), x.end()}, {y.begin(), y.end()});
        QVERIFY2(std::abs(value - expected) < 1e-12, std::to_string(value).c_str());
        QVERIFY(std::isnan(perfnas::rankCorrelation({1}, {2})));
        QVERIFY(std::isnan(perfnas::rankCorrelation({1, 1, 1}, {1, 2, 3})));
    }

    void measuresRealNetworksInterleaved() {
        ArchitectureSpec tiny{.name = "tiny", .units = {{.kh = 3, .kw = 3, .filters = 4}}};
        const ArchitectureSpec seed = ArchitectureSpec::paperSeed();  // ~400x the operations
        std::size_t progressCalls = 0;
        auto measured =
            LatencyBenchmark::measure({seed, tiny}, {.runs = 7, .warmupRuns = 2},
                                      [&](std::size_t, std::size_t) { ++progressCalls; });
        QVERIFY2(measured, measured ? "" : measured.error().message.c_str());
        QCOMPARE(measured->size(), std::size_t{2});
        QCOMPARE((*measured)[0].runs, 7);
        QCOMPARE(progressCalls, std::size_t{7});
        QVERIFY((*measured)[1].medianMs > 0.0);
        QVERIFY2((*measured)[0].medianMs > 5 * (*measured)[1].medianMs,
                 (std::to_string((*measured)[0].medianMs) + " vs " +
                  std::to_string((*measured)[1].medianMs))
                     .c_str());
    }

    void refusesWhatItCannotDo() {
        if (!LatencyBenchmark::cudaAvailable()) {
            auto cuda = LatencyBenchmark::measure({ArchitectureSpec::paperSeed()},
                                                  {.device = ComputeDevice::Cuda});
            QVERIFY(!cuda);
            QVERIFY(cuda.error().message.find("cuda") != std::string::npos);
        }
        QVERIFY(!LatencyBenchmark::measure({ArchitectureSpec::paperSeed()}, {.runs = 0}));
        CancelToken cancel;
        cancel.cancel();
        auto cancelled =
            LatencyBenchmark::measure({ArchitectureSpec::paperSeed()}, {.runs = 5}, {}, cancel);
        QVERIFY(!cancelled);
        QCOMPARE(cancelled.error().code, ErrorCode::Cancelled);
    }
};

QTEST_GUILESS_MAIN(LatencyBenchmarkTest)
#include "LatencyBenchmarkTest.moc"
