// LatencyChartView on a synthetic experiment with stored BenchmarkRecords: one bar per measured
// model, the seed first and in its own (highlighted) set, TOP-1 and speed-up above the bars, the
// latest successful record per model; PNG, SVG and PDF exports are real files.
#include <QBarSet>
#include <QImage>
#include <QTemporaryDir>
#include <QXmlStreamReader>
#include <QtTest>

#include "tests/ui/SyntheticExperiment.h"
#include "ui/benchmark/LatencyChartView.h"

using namespace perfnas;
using namespace perfnas::ui;

namespace {
double latencyOf(double mfpops) { return 0.5 + 0.01 * mfpops; }
}  // namespace

class LatencyChartViewTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() {
        QVERIFY(m_folder.isValid());
        const auto file = std::filesystem::path(m_folder.path().toStdString()) / "latency.sqlite";
        auto store = test::makeSyntheticExperiment(
            file, test::smallSearchConfig("/data/unused", 40), {.finetune = true});
        auto summary = ExperimentSummary::load(*store);
        QVERIFY(summary);
        // As `perfnas bench` stores them: the seed as trial 0, then the frontier; an older seed
        // record, a failed one and another target that must not show.
        QVERIFY(
            store->addBenchmark({.trialId = 0, .target = "local", .runs = 5, .medianMs = 99.0}));
        QVERIFY(store->addBenchmark({.trialId = 0,
                                     .target = "local",
                                     .runs = 5,
                                     .medianMs = m_seedMs,
                                     .detailsJson = R"({"device": "CPU, 1 thread"})"}));
        for (int id : summary->frontier) {
            if (id == summary->seedTrialId) continue;
            QVERIFY(store->addBenchmark({.trialId = id,
                                         .target = "local",
                                         .runs = 5,
                                         .medianMs = latencyOf(summary->trial(id)->mfpops)}));
            ++m_models;
        }
        QVERIFY(store->addBenchmark(
            {.trialId = summary->frontier.front(), .target = "local", .error = "timed out"}));
        QVERIFY(store->addBenchmark({.trialId = 0, .target = "cuda", .runs = 5, .medianMs = 0.2}));
        m_records = *store->benchmarks();
        m_summary = std::make_shared<const ExperimentSummary>(*summary);
    }

    void oneBarPerModelSeedFirstAndHighlighted() {
        LatencyChartView view;
        view.setData(m_summary, m_records, "local");
        const auto& bars = view.bars();
        QCOMPARE(static_cast<int>(bars.size()), 1 + m_models);
        QVERIFY(bars.front().seed);
        QCOMPARE(bars.front().medianMs, m_seedMs);  // the latest record wins
        QCOMPARE(view.seedSet()->count(), static_cast<int>(bars.size()));
        QCOMPARE(view.seedSet()->at(0), m_seedMs);
        QCOMPARE(view.modelSet()->at(0), 0.0);
        QVERIFY(view.seedSet()->color() != view.modelSet()->color());
        const QStringList categories = view.categoryLabels();
        QCOMPARE(categories.front(), QString("seed"));
        // The report's names, most expensive first, with the trial they are.
        QCOMPARE(categories.at(1), QString("kws1 (trial %1)").arg(bars[1].trialId));
        for (std::size_t i = 1; i < bars.size(); ++i) {
            const TrialRecord* trial = m_summary->trial(bars[i].trialId);
            QVERIFY(trial);
            QCOMPARE(view.seedSet()->at(static_cast<int>(i)), 0.0);
            QCOMPARE(view.modelSet()->at(static_cast<int>(i)), latencyOf(trial->mfpops));
            QCOMPARE(bars[i].speedup, m_seedMs / latencyOf(trial->mfpops));
            QVERIFY(bars[i].finetuned);  // the synthetic frontier was fine-tuned: test TOP-1
            if (i > 1) QVERIFY(bars[i].mfpops <= bars[i - 1].mfpops);
        }
        // Labels: TOP-1 (%) above every bar, and the speed-up against the seed for the others.
        const QStringList labels = view.barLabels();
        QCOMPARE(labels.size(), static_cast<qsizetype>(bars.size()));
        QVERIFY(!labels.front().contains("×"));
        for (std::size_t i = 1; i < bars.size(); ++i) {
            const QString& label = labels.at(static_cast<qsizetype>(i));
            QVERIFY2(label.startsWith(QString::number(100.0 * bars[i].top1, 'f', 1) + "% test"),
                     qPrintable(label));  // which TOP-1 it is
            QVERIFY2(label.endsWith(QString::number(bars[i].speedup, 'f', 2) + "×"),
                     qPrintable(label));
        }
        QVERIFY(view.chart()->title().contains("CPU, 1 thread"));

        LatencyChartView cuda;
        cuda.setData(m_summary, m_records, "cuda");
        QCOMPARE(cuda.bars().size(), std::size_t{1});
    }

    void exportsPngSvgAndPdf() {
        LatencyChartView view;
        view.resize(800, 500);
        view.setData(m_summary, m_records, "local");
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        const QString base = m_folder.filePath("latency");
        QString error;
        QVERIFY2(view.exportTo(base + ".png", &error), qPrintable(error));
        QVERIFY2(view.exportTo(base + ".svg", &error), qPrintable(error));
        QVERIFY2(view.exportTo(base + ".pdf", &error), qPrintable(error));
        QVERIFY(!view.exportTo(base + ".bmpx", &error));
        QVERIFY(error.contains(".png"));

        const QImage image(base + ".png");
        QCOMPARE(image.size(), QSize(1600, 1000));
        QFile svg(base + ".svg");
        QVERIFY(svg.open(QIODevice::ReadOnly));
        QXmlStreamReader xml(&svg);
        int rects = 0;
        int texts = 0;
        while (!xml.atEnd()) {
            if (xml.readNext() != QXmlStreamReader::StartElement) continue;
            rects += xml.name() == QLatin1String("rect");
            texts += xml.name() == QLatin1String("text");
        }
        QVERIFY2(!xml.hasError(), qPrintable(xml.errorString()));
        QVERIFY2(rects > m_models, qPrintable(QString("%1 rect elements").arg(rects)));
        QVERIFY(texts > 0);
        QFile pdf(base + ".pdf");
        QVERIFY(pdf.open(QIODevice::ReadOnly));
        QVERIFY(pdf.size() > 1000);
        QVERIFY(pdf.read(5) == "%PDF-");
    }

private:
    QTemporaryDir m_folder;
    SummaryPtr m_summary;
    std::vector<BenchmarkRecord> m_records;
    int m_models = 0;
    const double m_seedMs = 12.0;
};

QTEST_MAIN(LatencyChartViewTest)
#include "LatencyChartViewTest.moc"
