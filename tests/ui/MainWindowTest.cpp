// MainWindow driven like a user: opening an experiment file shows its trials in the table, chart
// and status bar, and reopening restores it; an unreadable file gives one dialog that says what
// to do; clicking Freeze on a suggestion creates the refinement phase in the store and runs it
// with the real engine on a small dataset, and its trials appear in the table.
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QScatterSeries>
#include <QSettings>
#include <QStackedWidget>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QtTest>

#include "core/dataset/DatasetLoader.h"
#include "tests/support/DatasetFixture.h"
#include "tests/ui/SyntheticExperiment.h"
#include "ui/search/FrontierChartView.h"
#include "ui/search/RefinementPanel.h"
#include "ui/search/TrialTableModel.h"
#include "ui/search/TrialTablePanel.h"
#include "ui/window/MainWindow.h"
#include "ui/window/StartPage.h"

using namespace perfnas;
using namespace perfnas::ui;
namespace fs = std::filesystem;

namespace {
const std::vector<std::string> kWords = {"yes",   "no", "up",  "down", "left",
                                         "right", "on", "off", "stop", "go"};

QMessageBox* visibleErrorDialog(QWidget* window) {
    for (auto* box : window->findChildren<QMessageBox*>("errorDialog")) {
        if (box->isVisible()) return box;
    }
    return nullptr;
}
}  // namespace

class MainWindowTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() {
        QVERIFY(m_folder.isValid());
        m_root = fs::path(m_folder.path().toStdString());
        // Settings and recent files go to the temporary folder, not the user's.
        qputenv("XDG_CONFIG_HOME", QByteArray::fromStdString((m_root / "config").string()));
        qputenv("XDG_DATA_HOME", QByteArray::fromStdString((m_root / "share").string()));
        qputenv("PERFNAS_CACHE_DIR",
                QByteArray::fromStdString((m_root / "feature-cache").string()));
        QCoreApplication::setOrganizationName("PerfNAS-test");
        QCoreApplication::setApplicationName("MainWindowTest");
    }

    void opensAnExperimentAndShowsItsTrials() {
        const fs::path file = m_root / "open.sqlite";
        auto store =
            test::makeSyntheticExperiment(file, test::smallSearchConfig("/data/unused", 40));
        const int trials = static_cast<int>(store->trials()->size());
        store.reset();
        for (int round = 0; round < 2; ++round) {  // the second time: reopening restores the view
            MainWindow window;
            window.show();
            QVERIFY(QTest::qWaitForWindowExposed(&window));
            window.openExperiment(QString::fromStdString(file.string()));
            QTRY_COMPARE_WITH_TIMEOUT(window.trialTable()->model()->rowCount(), trials, 10000);
            QVERIFY(window.summary());
            QCOMPARE(window.chartView()->frontierSeries()->count(),
                     static_cast<int>(window.summary()->frontier.size()));
            QVERIFY2(window.statusText().contains(QString("search: %1/40 trials").arg(trials)),
                     qPrintable(window.statusText()));
            QVERIFY(window.statusText().contains("frontier"));
            QVERIFY(window.windowTitle().contains("open.sqlite"));
            window.close();
        }
        QSettings settings;
        QVERIFY(settings.value("recentFiles")
                    .toStringList()
                    .contains(QString::fromStdString(file.string())));
        QVERIFY(settings.contains("window/state"));
    }

    void showsTrialsAsAnotherProcessWritesThem() {
        const fs::path file = m_root / "live.sqlite";
        auto store = test::makeSyntheticExperiment(
            file, test::smallSearchConfig("/data/unused", 10), {.trials = 10, .failures = false});
        MainWindow window;
        window.openExperiment(QString::fromStdString(file.string()));
        QTRY_COMPARE_WITH_TIMEOUT(window.trialTable()->model()->rowCount(), 10, 10000);
        TrialRecord extra = *store->trial(2);
        extra.id = 0;
        extra.validationTop1 = 0.99;  // a new best: joins the frontier
        QVERIFY(store->addTrial(extra));
        QTRY_COMPARE_WITH_TIMEOUT(window.trialTable()->model()->rowCount(), 11, 10000);
        QTRY_VERIFY_WITH_TIMEOUT(std::count(window.summary()->frontier.begin(),
                                            window.summary()->frontier.end(), 11) == 1,
                                 5000);
        const std::vector<int> plotted =
            window.chartView()->trialIdsOf(window.chartView()->frontierSeries());
        QCOMPARE(std::count(plotted.begin(), plotted.end(), 11), 1);
    }

    void unreadableFileSaysWhatToDo() {
        const fs::path file = m_root / "not-an-experiment.sqlite";
        test::writeText(file, "this is not a database");
        MainWindow window;
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        window.openExperiment(QString::fromStdString(file.string()));
        QMessageBox* box = nullptr;
        QTRY_VERIFY_WITH_TIMEOUT((box = visibleErrorDialog(&window)) != nullptr, 10000);
        QVERIFY(box->text().contains("not-an-experiment.sqlite"));
        QVERIFY(box->informativeText().contains("experiment file"));
        QVERIFY(window.startPage()->isVisible());  // back to the start page, nothing half-open
        QCOMPARE(window.findChildren<QMessageBox*>("errorDialog").size(), 1);
    }

    void freezeStartsARefinementPhaseThatRuns() {
        const fs::path data = m_root / "data";
        test::makeKeywordDataset(data, kWords, 6);
        ExperimentConfig config = test::smallSearchConfig(data, 30);
        config.cacheFolder = m_root / "cache";
        auto loaded = DatasetLoader::load(config.dataset, {.cacheFolder = config.cacheFolder});
        QVERIFY2(loaded, loaded ? "" : loaded.error().message.c_str());
        const fs::path file = m_root / "freeze.sqlite";
        test::makeSyntheticExperiment(
            file, config,
            {.trials = 30, .datasetHash = DatasetLoader::contentDigest(loaded->features)});

        MainWindow window;
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        window.openExperiment(QString::fromStdString(file.string()));
        QTRY_VERIFY_WITH_TIMEOUT(window.summary() && !window.summary()->suggestions.empty(), 10000);
        const Suggestion suggestion = window.summary()->suggestions.front();
        QPushButton* freeze = window.refinementPanel()->freezeButton(0);
        QVERIFY(freeze);
        QTest::mouseClick(freeze, Qt::LeftButton);

        // The store holds a refinement phase with that parameter frozen...
        auto frozenInStore = [&] {
            auto reader = ExperimentStore::open(file, ExperimentStore::Access::ReadOnly);
            if (!reader) return false;
            auto phases = (*reader)->phases();
            if (!phases) return false;
            for (const PhaseRecord& phase : phases.value()) {
                if (phase.kind != PhaseKind::Refinement) continue;
                auto space = SearchSpace::fromJson(phase.spaceJson, config.seed);
                const Domain& domain =
                    space->units[static_cast<std::size_t>(suggestion.unit)][suggestion.parameter];
                return domain.isFrozen() && *domain.frozen == suggestion.value;
            }
            return false;
        };
        QTRY_VERIFY_WITH_TIMEOUT(frozenInStore(), 20000);
        QTRY_VERIFY_WITH_TIMEOUT(
            window.refinementPanel()->frozenText().contains(QString("= %1").arg(suggestion.value)),
            10000);
        // ...and its trials train for real and show up in the table and the chart.
        QTRY_VERIFY_WITH_TIMEOUT(window.trialTable()->model()->rowCount() == 32 &&
                                     window.summary()->phases.back().state == PhaseState::Finished,
                                 180000);
        const int refinementPhase = window.summary()->phases.back().id;
        const TrialRecord& last = window.summary()->trials.back();
        QCOMPARE(last.phaseId, refinementPhase);
        QVERIFY2(last.state == TrialState::Finished, last.error.c_str());
        QVERIFY(window.chartView()->phaseSeries(refinementPhase) != nullptr);
        QCOMPARE(window.findChildren<QMessageBox*>("errorDialog").size(), 0);
    }

    void demoExperimentSynthesizesDataAndRuns() {
        MainWindow window;
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QTest::mouseClick(window.startPage()->demoButton(), Qt::LeftButton);
        // First use: the demo data is synthesized (espeak-ng), then the demo config's experiment is
        // created in the per-user data folder and starts training.
        QTRY_VERIFY_WITH_TIMEOUT(window.summary() != nullptr, 180000);
        QVERIFY(window.findChildren<QMessageBox*>("errorDialog").isEmpty());
        QCOMPARE(QString::fromStdString(window.summary()->config.name), QString("demo"));
        QVERIFY(fs::exists(m_root / "share"));
        QTRY_VERIFY_WITH_TIMEOUT(
            window.session() && window.session()->state() == ExperimentSession::State::Running,
            120000);
        window.close();  // stops the run without waiting for it
    }

private:
    QTemporaryDir m_folder;
    fs::path m_root;
};

QTEST_MAIN(MainWindowTest)
#include "MainWindowTest.moc"
