// BenchmarkPanel with the real engine: a local benchmark of a small experiment's Pareto set runs on
// the job's thread, its records land in the experiment file and show as a chart; the export
// dialog writes a report and an error for a model without a checkpoint. The GUI thread never waits.
#include <QListWidget>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>
#include <fstream>

#include "tests/ui/SyntheticExperiment.h"
#include "ui/benchmark/BenchmarkJob.h"
#include "ui/benchmark/BenchmarkPanel.h"
#include "ui/benchmark/BoardDialog.h"
#include "ui/benchmark/LatencyChartView.h"
#include "ui/report/ExportDialog.h"

using namespace perfnas;
using namespace perfnas::ui;

class BenchmarkPanelTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);  // boards are remembered in QSettings
        QSettings().remove("latency/boards");
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

    void aBoardNeedsAValidTarget() {
        BoardDialog dialog;
        dialog.setBoard({.target = "pi@board"});
        QVERIFY(!dialog.board());
        QVERIFY(QString::fromStdString(dialog.board().error().message).contains("ssh://"));
        BenchmarkTarget board{.target = "ssh://pi@board"};
        board.board.knownHostsFile = "/no/such/known_hosts";
        dialog.setBoard(board);
        QVERIFY(!dialog.board());
        QVERIFY(QString::fromStdString(dialog.board().error().message).contains("known_hosts"));
    }

    // A board over the loopback sshd (ctest's sshd fixture): the first run finds its host key
    // unknown and asks with the fingerprint; declined, nothing is measured; trusted, the key is
    // recorded, the models are measured there and charted under the board's target, and a new
    // panel remembers the board.
    void measuresOnABoardOnlyAfterTheUserTrustsIt() {
        const QByteArray work = qgetenv("PERFNAS_SSHD_WORK");
        if (work.isEmpty()) QSKIP("PERFNAS_SSHD_WORK is not set: run through ctest");
        const std::filesystem::path sshd(work.toStdString());
        const auto readLine = [](const std::filesystem::path& file) {
            std::ifstream in(file);
            std::string line;
            std::getline(in, line);
            return line;
        };
        const std::filesystem::path root(m_folder.path().toStdString());
        const std::filesystem::path file = root / "board.sqlite";
        SummaryPtr summary;
        {
            auto store = test::makeSyntheticExperiment(
                file, test::smallSearchConfig("/data/unused", 6), {.trials = 6, .failures = false});
            auto loaded = ExperimentSummary::load(*store);
            QVERIFY(loaded);
            summary = std::make_shared<const ExperimentSummary>(*loaded);
        }
        const std::filesystem::path knownHosts = root / "board_known_hosts";
        std::ofstream(knownHosts).flush();  // empty: the board is new
        BenchmarkTarget board{.target = "ssh://" + readLine(sshd / "user") +
                                        "@127.0.0.1:" + readLine(sshd / "port")};
        board.board.identityFile = sshd / "client_key";
        board.board.knownHostsFile = knownHosts;
        board.remote.commandTemplate =
            std::string(PERFNAS_CLI_PATH) +
            " bench-model --model {model} --runs {runs} --warmup 1 --json";
        BoardDialog dialog;
        dialog.setBoard(board);
        const auto entered = dialog.board();
        QVERIFY2(entered, entered ? "" : entered.error().message.c_str());
        const QString target = QString::fromStdString(entered->target);

        BenchmarkPanel panel;
        panel.setExperimentFile(file);
        panel.setSummary(summary);
        panel.addBoard(*entered);
        QVERIFY(panel.targets().contains(target));
        panel.setRuns(3);
        QStringList asked;
        bool trust = false;
        panel.setTrustQuestion([&](const QString& message) {
            asked << message;
            return trust;
        });
        QSignalSpy stored(&panel, &BenchmarkPanel::benchmarksStored);
        QSignalSpy failed(&panel, &BenchmarkPanel::benchmarkFailed);
        panel.runBenchmark();
        QTRY_VERIFY_WITH_TIMEOUT(!failed.isEmpty(), 60000);
        QCOMPARE(asked.size(), 1);
        QVERIFY2(asked.front().contains("SHA256:"), qPrintable(asked.front()));
        QCOMPARE(std::filesystem::file_size(knownHosts), std::uintmax_t(0));  // not trusted

        trust = true;
        panel.runBenchmark();
        QTRY_VERIFY_WITH_TIMEOUT(stored.count() == 1 || failed.count() == 2, 120000);
        QVERIFY2(failed.count() == 1, qPrintable(failed.back().front().toString()));
        QCOMPARE(asked.size(), 2);
        QVERIFY(std::filesystem::file_size(knownHosts) > 0);  // recorded
        LatencyChartView* chart = panel.chartFor(entered->target);
        QVERIFY(chart);
        QVERIFY(chart->bars().size() >= 1 && chart->bars().front().seed);
        for (const LatencyBar& bar : chart->bars()) QVERIFY(bar.medianMs > 0);

        BenchmarkPanel reopened;  // the board is remembered
        QVERIFY(reopened.targets().contains(target));
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
