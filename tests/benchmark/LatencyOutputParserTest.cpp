// LatencyOutputParser: perfnas bench-model's JSON and onnxruntime_perf_test's text report, each
// with a real-shaped sample, and output that lacks the figures.
#include <QtTest>
#include <cmath>

#include "core/benchmark/LatencyOutputParser.h"

using namespace perfnas;

namespace {

// The report onnxruntime_perf_test 1.16 prints after `-r 100` (abridged: the lines parsed plus
// neighbours).
const char* kOnnxRuntimeReport = R"(Session creation time cost: 0.0421 s
First inference time cost: 2 ms
Total inference time cost: 0.123 s
Total inference requests: 100
Average inference time cost: 1.23 ms
Total inference run time: 0.124 s
Number of inferences per second: 806.45
Avg CPU usage: 98 %
Peak working set size: 31457280 bytes
Min Latency: 0.00108 s
Max Latency: 0.00201 s
P50 Latency: 0.00119 s
P90 Latency: 0.00135 s
P95 Latency: 0.00141 s
P99 Latency: 0.00188 s
P999 Latency: 0.00201 s
)";

}  // namespace

class LatencyOutputParserTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void namesCreateParsers() {
        for (const std::string& name : LatencyOutputParser::names()) {
            const auto parser = LatencyOutputParser::create(name);
            QVERIFY(parser);
            QCOMPARE(parser->name(), name);
        }
        QVERIFY(!LatencyOutputParser::create("tflite"));
    }

    void readsPerfnasBenchModelJson() {
        const auto parser = LatencyOutputParser::create("perfnas");
        const auto parsed = parser->parse(
            R"({"runs": 5, "median_ms": 1.5, "p90_ms": 2.25, "mean_ms": 1.75, "cv": 0.125,
                                              "device": "CPU, 1 thread", "threads": 1, "newer_key": true})"
            "\n");
        QVERIFY2(parsed, parsed ? "" : parsed.error().message.c_str());
        QCOMPARE(parsed->statistics.runs, 5);
        QCOMPARE(parsed->statistics.medianMs, 1.5);
        QCOMPARE(parsed->statistics.p90Ms, 2.25);
        QCOMPARE(parsed->statistics.meanMs, 1.75);
        QCOMPARE(parsed->statistics.coefficientOfVariation, 0.125);
        QCOMPARE(parsed->device, std::string("CPU, 1 thread"));
        QCOMPARE(parsed->threads, 1);
    }

    void readsOnnxRuntimePerfTestReport() {
        const auto parser = LatencyOutputParser::create("onnxruntime");
        const auto parsed = parser->parse(kOnnxRuntimeReport);
        QVERIFY2(parsed, parsed ? "" : parsed.error().message.c_str());
        QCOMPARE(parsed->statistics.runs, 100);
        QCOMPARE(parsed->statistics.meanMs, 1.23);
        QVERIFY(std::abs(parsed->statistics.medianMs - 1.19) < 1e-9);  // seconds in the report
        QVERIFY(std::abs(parsed->statistics.p90Ms - 1.35) < 1e-9);
        QVERIFY(parsed->note.empty());
        // Older versions print no percentiles: the average stands in, and the note says so.
        const auto older =
            parser->parse("Total inference requests: 10\nAverage inference time cost: 4.5 ms\n");
        QVERIFY(older);
        QCOMPARE(older->statistics.medianMs, 4.5);
        QVERIFY(!older->note.empty());
    }

    void outputWithoutFiguresIsAnError_data() {
        QTest::addColumn<QString>("parser");
        QTest::addColumn<QString>("output");
        QTest::addColumn<QString>("expected");
        QTest::newRow("perfnas: text") << "perfnas"
                                       << "Segmentation fault"
                                       << "not a JSON document";
        QTest::newRow("perfnas: missing median")
            << "perfnas"
            << R"({"runs": 3, "p90_ms": 1, "mean_ms": 1, "cv": 0})"
            << "median_ms";
        QTest::newRow("perfnas: string figure")
            << "perfnas"
            << R"({"runs": 3, "median_ms": "1", "p90_ms": 1, "mean_ms": 1, "cv": 0})"
            << "median_ms";
        QTest::newRow("onnxruntime: no average") << "onnxruntime"
                                                 << "Total inference requests: 10\n"
                                                 << "Average inference time cost";
        QTest::newRow("onnxruntime: empty") << "onnxruntime"
                                            << ""
                                            << "Average inference time cost";
    }
    void outputWithoutFiguresIsAnError() {
        QFETCH(QString, parser);
        QFETCH(QString, output);
        QFETCH(QString, expected);
        const auto parsed =
            LatencyOutputParser::create(parser.toStdString())->parse(output.toStdString());
        QVERIFY(!parsed);
        QCOMPARE(parsed.error().code, ErrorCode::InvalidInput);
        QVERIFY2(parsed.error().message.find(expected.toStdString()) != std::string::npos,
                 parsed.error().message.c_str());
    }
};

QTEST_GUILESS_MAIN(LatencyOutputParserTest)
#include "LatencyOutputParserTest.moc"
