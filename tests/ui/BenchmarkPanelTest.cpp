// BenchmarkPanel with the real engine: a local benchmark of a small experiment's Pareto set runs on
// the job's thread, its records land in the experiment file and show as a chart; the export
// dialog writes a report and an error for a model without a checkpoint. The GUI thread never waits.
#include <QListWidget>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include "tests/ui/SyntheticExperiment.h"
#include "ui/benchmark/BenchmarkJob.h"
#include "ui/benchmark/BenchmarkPanel.h"
#include "ui/benchmark/LatencyChartView.h"
#include "ui/report/ExportDialog.h"

using namespace perfnas;
using namespace perfnas::ui;

class BenchmarkPanelTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() {
        QVERIFY(m_folder.isValid());
        m_file = std::filesystem::path(m_folder.path().toStdString()) / "panel.sqlite";
        // Small architectures (2..8 filters); the seed is the paper's: a few ms per run.
        ExperimentConfig config = test::smallSearchConfig("/data/unused", 12);
        auto store = test::makeSyntheticExperiment(m_file, config, {.failures = false});
        auto summary = ExperimentSummary::load(*store);
        QVERIFY(summary);
        m_summary = std::make_shared<const ExperimentSummary>(*summary);
    }

    void localBenchmarkStoresAndShowsRecords() {
        BenchmarkPanel panel;
        panel.setExperimentFile(m_file);
        panel.setSummary(m_summary);
        QVERIFY(panel.targets().contains("local"));
        std::vector<int> expected;
        for (int id : m_summary->frontier) {
            if (id != m_summary->seedTrialId) expected.push_back(id);
        }
        QCOMPARE(panel.checkedTrials(), expected);  // the Pareto set by default
        panel.setRuns(3);
        QSignalSpy stored(&panel, &BenchmarkPanel::benchmarksStored);
        QSignalSpy failed(&panel, &BenchmarkPanel::benchmarkFailed);
        panel.runBenchmark();
        QVERIFY(panel.job()->isRunning());
        QTRY_VERIFY_WITH_TIMEOUT(stored.count() == 1 || failed.count() == 1, 120000);
        QVERIFY2(failed.isEmpty(),
                 failed.isEmpty() ? "" : qPrintable(failed.front().front().toString()));

        auto store = ExperimentStore::open(m_file, ExperimentStore::Access::ReadOnly);
        QVERIFY(store);
        const auto records = (*store)->benchmarks();
        QVERIFY(records);
        QCOMPARE(records->size(), 1 + expected.size());
        QCOMPARE(records->front().trialId, 0);  // the seed first
        for (const BenchmarkRecord& record : *records) {
            QCOMPARE(record.target, std::string("local"));
            QCOMPARE(record.runs, 3);
            QVERIFY(record.medianMs > 0.0);
        }
        LatencyChartView* chart = panel.chartFor("local");
        QVERIFY(chart);
        QCOMPARE(chart->bars().size(), records->size());
        QVERIFY(chart->bars().front().seed);
        QVERIFY(panel.correlationText().contains("Spearman") || expected.empty());

        // A second panel (a reopened studio) reads the stored records off the GUI thread.
        BenchmarkPanel reopened;
        QSignalSpy shown(&reopened, &BenchmarkPanel::benchmarksShown);
        reopened.setExperimentFile(m_file);
        reopened.setSummary(m_summary);
        QTRY_VERIFY(shown.count() >= 1);
        QVERIFY(reopened.chartFor("local"));
        QCOMPARE(reopened.records().size(), records->size());
    }

    void warnsWhileARunTrainsOnTheLocalCpu() {
        BenchmarkPanel panel;
        QVERIFY(panel.trainingWarning().isEmpty());
        panel.setTrainingActive(true);
        QVERIFY(panel.trainingWarning().contains("training on this CPU"));
        panel.setTrainingActive(false);
        QVERIFY(panel.trainingWarning().isEmpty());
    }

    void exportDialogWritesReportsAndNamesModelErrors() {
        ExportDialog dialog(m_file, m_summary);
        QSignalSpy finished(&dialog, &ExportDialog::exportFinished);
        const QString report = m_folder.filePath("report.html");
        dialog.exportReport("html", report);
        QTRY_COMPARE(finished.count(), 1);
        QVERIFY2(finished.front().at(0).toBool(), qPrintable(finished.front().at(1).toString()));
        QFile file(report);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QVERIFY(file.readAll().contains("<table"));
        // Synthetic trials have no checkpoints: the error names the trial.
        const int trial = m_summary->frontier.back();
        dialog.exportModel(trial, "onnx", m_folder.filePath("model"));
        QTRY_COMPARE(finished.count(), 2);
        QVERIFY(!finished.back().at(0).toBool());
        QVERIFY2(finished.back().at(1).toString().contains(QString("trial %1").arg(trial)),
                 qPrintable(finished.back().at(1).toString()));
    }

private:
    QTemporaryDir m_folder;
    std::filesystem::path m_file;
    SummaryPtr m_summary;
};

QTEST_MAIN(BenchmarkPanelTest)
#include "BenchmarkPanelTest.moc"
