// MainWindow driven like a user: opening an experiment file shows its trials in the table, chart
// and status bar, and reopening restores it; an unreadable file gives one dialog that says what
// to do; clicking Freeze on a suggestion asks first, then creates the refinement phase in the
// store and runs it with the real engine on a small dataset, and its trials appear in the table; a
// failed creation keeps the open experiment and the new-experiment dialog's entries; closing while
// a run trains asks first.
#include <QDockWidget>
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
#include "ui/search/NewExperimentDialog.h"
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

QMessageBox* visibleDialog(QWidget* window, const QString& name) {
    for (auto* box : window->findChildren<QMessageBox*>(name)) {
        if (box->isVisible()) return box;
    }
    return nullptr;
}

QMessageBox* visibleErrorDialog(QWidget* window) { return visibleDialog(window, "errorDialog"); }

// A confirmation's safe default is Cancel; the test presses the action's button.
void confirm(QMessageBox* box) {
    QVERIFY(box);
    QCOMPARE(box->defaultButton(), box->button(QMessageBox::Cancel));
    for (QAbstractButton* button : box->buttons()) {
        if (box->buttonRole(button) == QMessageBox::AcceptRole) return button->click();
    }
    QFAIL("the confirmation has no accept button");
}

QAction* menuAction(QWidget* window, const QString& text) {
    for (QAction* action : window->findChildren<QAction*>()) {
        if (action->text() == text) return action;
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
            auto* trialDock = window.findChild<QDockWidget*>("trialDock");
            QVERIFY(trialDock && !trialDock->isVisible());  // the start page has the window
            window.openExperiment(QString::fromStdString(file.string()));
            QTRY_COMPARE_WITH_TIMEOUT(window.trialTable()->model()->rowCount(), trials, 10000);
            QVERIFY(window.summary());
            QVERIFY(trialDock->isVisible());  // and then the experiment, with its docks (again)
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
        // Nothing changes before the user confirms what the freeze will start.
        QTRY_VERIFY(visibleDialog(&window, "confirmDialog"));
        QMessageBox* question = visibleDialog(&window, "confirmDialog");
        QVERIFY2(question->text().contains("refinement round 1"), qPrintable(question->text()));
        QVERIFY2(question->informativeText().contains("up to 2 trials"),
                 qPrintable(question->informativeText()));
        QCOMPARE(window.summary()->phases.size(), std::size_t{1});
        confirm(question);

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
        // Closing asks first (Cancel by default); confirmed, it stops the run without waiting.
        window.close();
        QTRY_VERIFY(visibleDialog(&window, "confirmDialog"));
        QVERIFY(window.isVisible());
        QVERIFY(window.session() && window.session()->isBusy());
        confirm(visibleDialog(&window, "confirmDialog"));
        QTRY_VERIFY(!window.isVisible());
    }

    void aFailedCreationKeepsTheOpenExperimentAndTheDialog() {
        const fs::path file = m_root / "keep.sqlite";
        test::makeSyntheticExperiment(file, test::smallSearchConfig("/data/unused", 10));
        MainWindow window;
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        window.openExperiment(QString::fromStdString(file.string()));
        QTRY_VERIFY_WITH_TIMEOUT(window.summary() != nullptr, 10000);
        const std::string name = window.summary()->config.name;

        QAction* newExperiment = menuAction(&window, "&New experiment…");
        QVERIFY(newExperiment);
        newExperiment->trigger();
        auto* dialog = window.findChild<NewExperimentDialog*>();
        QVERIFY(dialog);
        QTRY_VERIFY(dialog->isVisible());
        // A file below a regular file is refused on the spot.
        dialog->setFile(QString::fromStdString((file / "inside.sqlite").string()));
        QVERIFY2(dialog->problem().contains("not a writable folder"),
                 qPrintable(dialog->problem()));
        // A missing folder is fine (created with the file); this creation fails on the dataset.
        const fs::path target = m_root / "new-folder" / "new.sqlite";
        dialog->setFile(QString::fromStdString(target.string()));
        dialog->done(QDialog::Accepted);
        QTRY_VERIFY_WITH_TIMEOUT(visibleErrorDialog(&window), 10000);
        QVERIFY2(visibleErrorDialog(&window)->windowTitle().contains("not created"),
                 qPrintable(visibleErrorDialog(&window)->windowTitle()));
        QVERIFY(!fs::exists(target));
        // The open experiment is untouched and the dialog is back with its entries.
        QVERIFY(window.summary());
        QCOMPARE(window.summary()->config.name, name);
        QVERIFY(window.windowTitle().contains("keep.sqlite"));
        QVERIFY(dialog->isVisible());
        QCOMPARE(dialog->file(), target);
    }

private:
    QTemporaryDir m_folder;
    fs::path m_root;
};

QTEST_MAIN(MainWindowTest)
#include "MainWindowTest.moc"
