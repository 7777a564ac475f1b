#include "ui/window/MainWindow.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QComboBox>
#include <QDateTime>
#include <QDockWidget>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QPushButton>
#include <QSaveFile>
#include <QScopeGuard>
#include <QSettings>
#include <QSplitter>
#include <QStackedWidget>
#include <QStatusBar>
#include <QTabWidget>
#include <QTimer>
#include <QToolBar>
#include <QVBoxLayout>

#include "core/search/ExperimentPlanner.h"
#include "core/storage/RunLock.h"
#include "ui/benchmark/BenchmarkPanel.h"
#include "ui/common/ChartExport.h"
#include "ui/common/ErrorDialog.h"
#include "ui/common/StudioPaths.h"
#include "ui/common/TrialText.h"
#include "ui/dataset/DemoDataJob.h"
#include "ui/search/ExperimentProgress.h"
#include "ui/search/ExperimentWatcher.h"
#include "ui/search/FrontierChartView.h"
#include "ui/search/HypervolumeChartView.h"
#include "ui/search/ImportancePanel.h"
#include "ui/search/NewExperimentDialog.h"
#include "ui/search/RefinementPanel.h"
#include "ui/search/SearchSpaceView.h"
#include "ui/search/TrialDetailPanel.h"
#include "ui/search/TrialTableModel.h"
#include "ui/search/TrialTablePanel.h"
#include "ui/window/StartPage.h"

namespace perfnas::ui {
namespace fs = std::filesystem;

MainWindow::MainWindow(QWidget* parent)
    : QMainWindow(parent),
      m_pages(new QStackedWidget(this)),
      m_start(new StartPage(this)),
      m_experimentPage(nullptr),
      m_splitter(nullptr),
      m_statusLabel(new QLabel(this)),
      m_stateLabel(new QLabel(this)),
      m_progressLabel(new QLabel(this)),
      m_statusTimer(new QTimer(this)),
      m_demoJob(new DemoDataJob(this)) {
    setObjectName("mainWindow");
    setWindowTitle(tr("PerfNAS Studio"));
    buildExperimentView();
    m_pages->addWidget(m_start);
    m_pages->addWidget(m_experimentPage);
    setCentralWidget(m_pages);
    m_statusLabel->setObjectName("experimentStatus");
    statusBar()->addWidget(m_statusLabel, 1);
    statusBar()->addPermanentWidget(m_progressLabel);
    statusBar()->addPermanentWidget(m_stateLabel);
    buildActions();

    connect(m_start, &StartPage::newRequested, this, &MainWindow::newExperiment);
    connect(m_start, &StartPage::openRequested, this, &MainWindow::openExperimentDialog);
    connect(m_start, &StartPage::openFileRequested, this, &MainWindow::openExperiment);
    connect(m_start, &StartPage::demoRequested, this, &MainWindow::openDemoExperiment);
    connect(m_demoJob, &DemoDataJob::progressed, m_start, &StartPage::setDemoProgress);
    connect(m_statusTimer, &QTimer::timeout, this, &MainWindow::updateStatus);
    m_statusTimer->start(1000);
    m_start->setRecentFiles(StudioPaths::recentFiles());
    restoreLayout();
    closeExperiment();
}

MainWindow::~MainWindow() = default;

void MainWindow::buildExperimentView() {
    m_chart = new FrontierChartView(this);
    m_table = new TrialTablePanel(this);
    m_space = new SearchSpaceView(this);
    m_space->setEditable(false);
    // The space needs the full width for three range sliders per unit: a tab beside the trials.
    auto* tabs = new QTabWidget(this);
    tabs->setObjectName("bottomTabs");
    tabs->addTab(m_table, tr("Trials"));
    tabs->addTab(m_space, tr("Search space"));
    m_progressChart = new HypervolumeChartView(this);
    tabs->addTab(m_progressChart, tr("Progress"));
    m_benchmark = new BenchmarkPanel(this);
    tabs->addTab(m_benchmark, tr("Latency"));
    connect(m_benchmark, &BenchmarkPanel::benchmarksStored, this, [this] {
        if (m_watcher) m_watcher->refresh();
    });
    m_splitter = new QSplitter(Qt::Vertical, this);
    m_splitter->setObjectName("chartTableSplitter");
    m_chart->setMinimumHeight(240);  // below this the axis labels elide
    // The cost the chart is drawn against: the objective's, or any other the file has figures for.
    m_costChoice = new QComboBox(this);
    m_costChoice->setObjectName("costChoice");
    m_costChoice->setSizeAdjustPolicy(QComboBox::AdjustToContents);  // "latency on ssh://..." uncut
    m_costChoice->setToolTip(
        tr("Draw the frontier against another cost: MFPOPS, parameters or the "
           "latency measured on a target (perfnas bench or the Latency tab)"));
    connect(m_costChoice, &QComboBox::currentIndexChanged, this, [this](int index) {
        if (index >= 0 && index < static_cast<int>(m_costAxes.size()))
            m_chart->setShownCost(m_costAxes[static_cast<std::size_t>(index)]);
    });
    auto* chartPane = new QWidget(this);
    auto* chartLayout = new QVBoxLayout(chartPane);
    chartLayout->setContentsMargins(0, 0, 0, 0);
    auto* costRow = new QHBoxLayout;
    costRow->addStretch(1);
    costRow->addWidget(new QLabel(tr("Cost:"), this));
    costRow->addWidget(m_costChoice);
    chartLayout->addLayout(costRow);
    chartLayout->addWidget(m_chart, 1);
    m_splitter->addWidget(chartPane);
    m_splitter->addWidget(tabs);
    m_splitter->setStretchFactor(0, 3);
    m_splitter->setStretchFactor(1, 2);
    m_experimentPage = m_splitter;

    m_detail = new TrialDetailPanel(this);
    m_refinement = new RefinementPanel(this);
    auto addDock = [this](QWidget* widget, const QString& title, const QString& name,
                          Qt::DockWidgetArea area) {
        auto* dock = new QDockWidget(title, this);
        dock->setObjectName(name);  // saveState() needs it
        dock->setWidget(widget);
        addDockWidget(area, dock);
        m_docks << dock;
        return dock;
    };
    QDockWidget* detail = addDock(m_detail, tr("Trial"), "trialDock", Qt::RightDockWidgetArea);
    QDockWidget* refinement =
        addDock(m_refinement, tr("Refinement"), "refinementDock", Qt::RightDockWidgetArea);
    tabifyDockWidget(detail, refinement);
    m_importance = new ImportancePanel(this);
    QDockWidget* importance =
        addDock(m_importance, tr("Importance"), "importanceDock", Qt::RightDockWidgetArea);
    tabifyDockWidget(refinement, importance);
    detail->raise();

    connect(m_chart, &FrontierChartView::trialClicked, this, &MainWindow::selectTrial);
    connect(m_table, &TrialTablePanel::trialSelected, this, &MainWindow::selectTrial);
    connect(m_refinement, &RefinementPanel::freezeRequested, this, &MainWindow::confirmFreeze);
}

void MainWindow::buildActions() {
    QMenu* file = menuBar()->addMenu(tr("&File"));
    file->addAction(tr("&New experiment…"), QKeySequence::New, this, &MainWindow::newExperiment);
    file->addAction(tr("&Open experiment…"), QKeySequence::Open, this,
                    &MainWindow::openExperimentDialog);
    QMenu* recent = file->addMenu(tr("Open &recent"));
    connect(recent, &QMenu::aboutToShow, this, [this, recent] {
        recent->clear();
        for (const QString& path : StudioPaths::recentFiles()) {
            recent->addAction(path, this, [this, path] { openExperiment(path); });
        }
        if (recent->isEmpty()) recent->addAction(tr("No recent experiments"))->setEnabled(false);
    });
    file->addAction(tr("&Demo experiment"), this, &MainWindow::openDemoExperiment);
    m_closeAction = file->addAction(tr("&Close experiment"), QKeySequence::Close, this, [this] {
        if (runningWork().isEmpty()) return closeExperiment();
        confirmStop(tr("Stop the run and close?"), tr("Closing"), tr("Stop and close"),
                    [this] { closeExperiment(); });
    });
    file->addSeparator();
    m_exportChartAction = file->addAction(tr("Export the frontier &chart…"), this, [this] {
        exportChartWithDialog(m_chart, this, tr("Export the frontier chart"),
                              QStringLiteral("frontier"), [this](const QString& saved) {
                                  statusBar()->showMessage(tr("Chart saved to %1").arg(saved),
                                                           10000);
                              });
    });
    m_exportTableAction =
        file->addAction(tr("Export the &trials as CSV…"), this, &MainWindow::exportTrialTable);
    file->addSeparator();
    file->addAction(tr("&Quit"), QKeySequence::Quit, this, &QWidget::close);

    QMenu* run = menuBar()->addMenu(tr("&Experiment"));
    m_runAction = run->addAction(tr("&Run"), QKeySequence(Qt::CTRL | Qt::Key_R), this, [this] {
        if (m_session && m_session->state() == ExperimentSession::State::Paused)
            m_session->resume();
        else
            startRun();
    });
    m_runAction->setToolTip(
        tr("Run the experiment's open phases (Ctrl+R); finished trials are never rerun"));
    m_pauseAction = run->addAction(tr("&Pause"), QKeySequence(Qt::CTRL | Qt::Key_P), this, [this] {
        if (m_session) m_session->pause();
    });
    m_pauseAction->setToolTip(tr("Let running trials finish, start no new ones (Ctrl+P)"));
    m_stopAction =
        run->addAction(tr("&Stop"), QKeySequence(Qt::CTRL | Qt::Key_Period), this, [this] {
            if (m_session) m_session->stop();
        });
    m_stopAction->setToolTip(
        tr("Cancel running trials now; they are queued again for the next run (Ctrl+.)"));
    m_finetuneAction =
        run->addAction(tr("&Fine-tune the frontier"), QKeySequence(Qt::CTRL | Qt::Key_T), this,
                       &MainWindow::confirmFinetune);
    m_finetuneAction->setToolTip(tr(
        "Continue every Pareto-optimal model to the full budget and measure test TOP-1 (Ctrl+T)"));

    QMenu* view = menuBar()->addMenu(tr("&View"));
    for (QDockWidget* dock : m_docks) view->addAction(dock->toggleViewAction());

    QMenu* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About PerfNAS Studio"), this, [this] {
        QMessageBox::about(
            this, tr("About PerfNAS Studio"),
            tr("<h3>PerfNAS Studio %1</h3>"
               "<p>Performance-oriented neural architecture search for keyword spotting: it "
               "searches the kernel sizes and filter counts of a seed CNN for models as accurate "
               "as the seed at a fraction of its cost (operations, parameters or measured "
               "latency), refines the search space from what the Pareto models share, fine-tunes "
               "them and measures their latency.</p>"
               "<p>The command line, <tt>perfnas</tt>, runs the same experiments without a "
               "display; see its <tt>--help</tt> and the docs folder of the sources.</p>")
                .arg(QApplication::applicationVersion()));
    });
    help->addAction(tr("About &Qt"), qApp, &QApplication::aboutQt);

    QToolBar* tools = addToolBar(tr("Experiment"));
    tools->setObjectName("experimentToolBar");
    tools->addActions({m_runAction, m_pauseAction, m_stopAction, m_finetuneAction});
}

void MainWindow::restoreLayout() {
    QSettings settings;
    if (!restoreGeometry(settings.value("window/geometry").toByteArray())) resize(1280, 800);
    restoreState(settings.value("window/state").toByteArray());
    // First run: the chart gets the larger share (the tabs' size hints would otherwise squeeze it).
    if (!m_splitter->restoreState(settings.value("window/splitter").toByteArray()))
        m_splitter->setSizes({480, 320});
}

void MainWindow::saveLayout() {
    // The layout of an open experiment, not of the start page.
    for (QDockWidget* dock : m_docksHiddenByStartPage) dock->show();
    const auto hideAgain = qScopeGuard([this] {
        for (QDockWidget* dock : m_docksHiddenByStartPage) dock->hide();
    });
    QSettings settings;
    settings.setValue("window/geometry", saveGeometry());
    settings.setValue("window/state", saveState());
    settings.setValue("window/splitter", m_splitter->saveState());
}

void MainWindow::closeEvent(QCloseEvent* event) {
    if (!runningWork().isEmpty() && !m_closeConfirmed) {
        event->ignore();
        confirmStop(tr("Stop the run and quit?"), tr("Quitting"), tr("Stop and quit"), [this] {
            m_closeConfirmed = true;
            close();
        });
        return;
    }
    saveLayout();
    m_pendingSession.reset();
    closeExperiment();
    event->accept();
}

QString MainWindow::runningWork() const {
    if (!m_session || !m_session->isBusy()) return {};
    if (!m_summary || m_summary->phases.empty()) return tr("A run");
    for (const PhaseRecord& phase : m_summary->phases) {
        if (phase.state == PhaseState::Running) return tr("The %1 phase").arg(phaseLabel(phase));
    }
    return tr("A run");
}

void MainWindow::confirm(const QString& title, const QString& question, const QString& details,
                         const QString& confirmText, std::function<void()> action) {
    auto* box =
        new QMessageBox(QMessageBox::Question, title, question, QMessageBox::NoButton, this);
    box->setObjectName("confirmDialog");
    box->setInformativeText(details);
    box->setAttribute(Qt::WA_DeleteOnClose);
    QPushButton* confirmButton = box->addButton(confirmText, QMessageBox::AcceptRole);
    QPushButton* cancel = box->addButton(QMessageBox::Cancel);
    box->setDefaultButton(cancel);
    box->setEscapeButton(cancel);
    connect(box, &QMessageBox::buttonClicked, this,
            [confirmButton, action = std::move(action)](QAbstractButton* clicked) {
                if (clicked == confirmButton) action();
            });
    box->open();
}

void MainWindow::confirmStop(const QString& title, const QString& doing, const QString& confirmText,
                             std::function<void()> action) {
    confirm(title, tr("%1 is running in this window.").arg(runningWork()),
            tr("%1 stops it: running trials are cancelled and queued again for the next run. "
               "Finished trials and rungs stay in the experiment file.")
                .arg(doing),
            confirmText, std::move(action));
}

QString MainWindow::startDetails(double estimatedSeconds) const {
    QString details;
    if (estimatedSeconds >= 0)
        details += tr(" Estimated time at the speed measured so far: %1.")
                       .arg(formatDuration(estimatedSeconds));
    if (const QString work = runningWork(); !work.isEmpty())
        details += tr(" %1 ends first: its running trials are cancelled.").arg(work);
    return details;
}

void MainWindow::confirmFreeze(const std::vector<Freeze>& freezes) {
    if (!m_summary) return;
    QStringList frozen;
    for (const Freeze& freeze : freezes)
        frozen << freezeText(freeze.unit, freeze.parameter, freeze.value);
    const PhasePreview preview = ExperimentPlanner::previewFreeze(*m_summary);
    QStringList budget;
    if (preview.trials > 0) budget << tr("up to %1 trials").arg(preview.trials);
    if (preview.maxMinutes > 0)
        budget << tr("at most %1 per run").arg(formatDuration(preview.maxMinutes * 60));
    QString details = budget.isEmpty() ? QString() : tr("Budget: %1.").arg(budget.join(tr(", ")));
    details += tr(" Trials found so far stay on the frontier.");
    details += startDetails(preview.estimatedSeconds);
    confirm(tr("Freeze and refine?"),
            tr("Freeze %1 and search the reduced space as refinement round %2.")
                .arg(frozen.join(tr(", ")))
                .arg(preview.round),
            details.trimmed(), tr("Freeze and run"), [this, freezes] {
                m_runFailures.clear();
                ensureSession()->freezeAndStart(freezes);
            });
}

void MainWindow::confirmFinetune() {
    if (!m_summary) return;
    const PhasePreview preview = ExperimentPlanner::previewFinetune(*m_summary);
    if (preview.trials == 0) {
        statusBar()->showMessage(tr("Every frontier model is fine-tuned to %L1 iterations already.")
                                     .arg(preview.iterations),
                                 10000);
        return;
    }
    QString details =
        tr("Each continues from its checkpoint with the fine-tuning settings, then its test TOP-1 "
           "is measured.") +
        startDetails(preview.estimatedSeconds);
    confirm(tr("Fine-tune the frontier?"),
            tr("Fine-tune %n model(s) (the frontier and the seed) to %L1 iterations each.", nullptr,
               preview.trials)
                .arg(preview.iterations),
            details, tr("Fine-tune"), [this] {
                m_runFailures.clear();
                ensureSession()->finetuneAndStart();
            });
}

QString MainWindow::statusText() const { return m_statusLabel->text(); }

void MainWindow::newExperiment() {
    // One dialog until its experiment exists: after a failed creation it reopens as it was left.
    if (!m_newDialog) {
        m_newDialog = new NewExperimentDialog(this);
        connect(m_newDialog, &QDialog::accepted, this,
                [this] { createExperiment(m_newDialog->file(), m_newDialog->config()); });
    }
    m_newDialog->open();
}

void MainWindow::exportTrialTable() {
    auto* dialog = new QFileDialog(this, tr("Export the trials"), QStringLiteral("trials.csv"),
                                   tr("CSV table (*.csv)"));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setAcceptMode(QFileDialog::AcceptSave);
    dialog->setDefaultSuffix("csv");
    connect(dialog, &QFileDialog::fileSelected, this, [this](const QString& file) {
        QSaveFile out(file);
        if (out.open(QIODevice::WriteOnly) && out.write(m_table->model()->toCsv().toUtf8()) >= 0 &&
            out.commit()) {
            statusBar()->showMessage(tr("Trials saved to %1").arg(file), 10000);
            return;
        }
        showErrorDialog(this,
                        {.title = tr("Cannot export the trials"),
                         .happened = tr("%1 cannot be written: %2").arg(file, out.errorString()),
                         .whatToDo = tr("Choose a writable folder.")});
    });
    dialog->open();
}

void MainWindow::openExperimentDialog() {
    auto* dialog = new QFileDialog(this, tr("Open experiment"), QString(),
                                   tr("PerfNAS experiments (*.sqlite);;All files (*)"));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setFileMode(QFileDialog::ExistingFile);
    connect(dialog, &QFileDialog::fileSelected, this, &MainWindow::openExperiment);
    dialog->open();
}

void MainWindow::openExperiment(const QString& file) {
    if (!QFileInfo::exists(file)) {
        showErrorDialog(this, {.title = tr("Cannot open experiment"),
                               .happened = tr("%1 does not exist.").arg(file),
                               .whatToDo = tr("Choose an experiment file (.sqlite) written by "
                                              "`perfnas search` or this studio.")});
        return;
    }
    closeExperiment();
    m_file = fs::absolute(file.toStdString());
    m_pages->setCurrentWidget(m_experimentPage);
    m_statusLabel->setText(tr("Reading %1 …").arg(file));
    watch(m_file);
    updateActions();
}

void MainWindow::watch(const fs::path& file) {
    m_detail->setExperimentFile(file);
    m_benchmark->setExperimentFile(file);
    m_watcher = std::make_unique<ExperimentWatcher>(file);
    connect(m_watcher.get(), &ExperimentWatcher::summaryLoaded, this, &MainWindow::showSummary);
    connect(m_watcher.get(), &ExperimentWatcher::loadFailed, this, [this](const QString& message) {
        if (m_loadedOnce) {  // a transient read error of a live file: keep showing the last state
            statusBar()->showMessage(tr("Could not read the latest changes: %1").arg(message),
                                     10000);
            return;
        }
        const QString path = QString::fromStdString(m_file.string());
        closeExperiment();
        showErrorDialog(
            this, {.title = tr("Cannot open experiment"),
                   .happened = tr("%1 could not be read.").arg(path),
                   .whatToDo = tr(
                       "Choose a PerfNAS experiment file (.sqlite) created by `perfnas search` or "
                       "this studio. A file written by a newer PerfNAS needs a newer studio."),
                   .details = message});
    });
}

void MainWindow::closeExperiment() {
    if (m_session) {
        // A busy session finishes stopping on its own (trials cancel within a second) and deletes
        // itself, so closing never waits on a trial.
        ExperimentSession* session = m_session.release();
        session->disconnect(this);
        if (session->isBusy()) {
            session->setParent(qApp);
            connect(session, &ExperimentSession::stateChanged, session,
                    [session](ExperimentSession::State state) {
                        if (state == ExperimentSession::State::Idle) session->deleteLater();
                    });
            session->stop();
        } else {
            delete session;
        }
    }
    m_watcher.reset();
    m_summary.reset();
    m_loadedOnce = false;
    m_selectedTrial = 0;
    m_runFailures.clear();
    m_file.clear();
    m_progressLabel->clear();
    m_stateLabel->clear();
    m_statusLabel->clear();
    m_chart->setSummary(nullptr);
    m_progressChart->setSummary(nullptr);
    m_chart->setShownCost(std::nullopt);  // the next experiment opens on its objective
    m_costAxes.clear();
    m_costChoice->clear();
    m_table->setSummary(nullptr);
    m_refinement->setSummary(nullptr);
    m_importance->setSummary(nullptr);
    m_benchmark->setExperimentFile({});
    m_detail->showTrial(nullptr, 0);
    m_start->setRecentFiles(StudioPaths::recentFiles());
    m_pages->setCurrentWidget(m_start);
    // The start page has the window to itself: the docks it hides come back with an experiment.
    for (QDockWidget* dock : m_docks) {
        if (!dock->isHidden()) {  // not isVisible(): before show() nothing is visible yet
            m_docksHiddenByStartPage << dock;
            dock->hide();
        }
    }
    setWindowTitle(tr("PerfNAS Studio"));
    if (m_runAction) updateActions();
}

void MainWindow::createExperiment(const fs::path& file, const ExperimentConfig& config) {
    // The open experiment stays open (and running) until the new file exists.
    m_pendingSession = std::make_unique<ExperimentSession>(file);
    ExperimentSession* pending = m_pendingSession.get();
    const QString creating =
        tr("Creating %1: loading the dataset …").arg(QString::fromStdString(file.string()));
    statusBar()->showMessage(creating);
    connect(
        pending, &ExperimentSession::datasetProgress, this,
        [this, creating](qint64 done, qint64 total) {
            statusBar()->showMessage(tr("%1 %2 of %3 clips").arg(creating).arg(done).arg(total));
        });
    connect(pending, &ExperimentSession::created, this,
            [this, file] { adoptCreatedSession(file); });
    connect(pending, &ExperimentSession::errorOccurred, this, &MainWindow::creationFailed);
    pending->create(config);
}

void MainWindow::adoptCreatedSession(const fs::path& file) {
    std::unique_ptr<ExperimentSession> session = std::move(m_pendingSession);
    session->disconnect(this);
    statusBar()->clearMessage();
    closeExperiment();
    m_file = file;
    m_pages->setCurrentWidget(m_experimentPage);
    m_statusLabel->setText(tr("Reading %1 …").arg(QString::fromStdString(file.string())));
    m_session = std::move(session);
    connectSession(m_session.get());
    watch(m_file);
    sessionStateChanged(m_session->state());
    if (m_newDialog) m_newDialog->deleteLater();
}

void MainWindow::creationFailed(const Error& error) {
    // Deleted after this signal: the session is its sender.
    if (m_pendingSession) m_pendingSession.release()->deleteLater();
    statusBar()->clearMessage();
    QWidget* parent = this;
    if (m_newDialog) {  // back to the dialog, every entry as it was
        m_newDialog->open();
        parent = m_newDialog;
    }
    showErrorDialog(parent,
                    {.title = tr("The experiment was not created"),
                     .happened = QString::fromStdString(error.message),
                     .whatToDo = tr("Fix what the message names (usually the dataset folder or "
                                    "the experiment file's folder) and create it again. The open "
                                    "experiment, if any, was not touched.")});
}

void MainWindow::openDemoExperiment() {
    const fs::path experiment = StudioPaths::demoExperimentFile();
    if (fs::exists(experiment)) return openExperiment(QString::fromStdString(experiment.string()));
    const auto resources = StudioPaths::resourceFolder();
    if (!resources) {
        showErrorDialog(
            this,
            {.title = tr("Demo experiment unavailable"),
             .happened =
                 tr("The demo experiment config (examples/demo-experiment.json) was not found."),
             .whatToDo = tr(
                 "Set PERFNAS_RESOURCE_DIR to the resources folder of PerfNAS, or reinstall it.")});
        return;
    }
    const fs::path data = StudioPaths::demoDataFolder();
    auto createDemo = [this, experiment, data,
                       config = *resources / "examples" / "demo-experiment.json"] {
        auto loaded = ExperimentConfig::fromFile(config);
        if (!loaded) {
            showErrorDialog(this,
                            {.title = tr("Demo experiment unavailable"),
                             .happened = QString::fromStdString(loaded.error().message),
                             .whatToDo = tr("Reinstall PerfNAS: its example config is damaged.")});
            return;
        }
        loaded->dataset.root = data;
        createExperiment(experiment, *loaded);
    };
    if (fs::exists(data / DemoDataSynthesizer::kMarkerFileName)) return createDemo();
    m_start->setDemoBusy(true, tr("Synthesizing the demo dataset into %1 (first use only) …")
                                   .arg(QString::fromStdString(data.string())));
    auto connection = std::make_shared<QMetaObject::Connection>();
    *connection =
        connect(m_demoJob, &DemoDataJob::finished, this,
                [this, connection, createDemo, data](bool ok, const QString& message) {
                    disconnect(*connection);
                    m_start->setDemoBusy(false, ok ? message : QString());
                    if (!ok) {
                        showErrorDialog(
                            this, {.title = tr("Cannot synthesize the demo data"),
                                   .happened = message,
                                   .whatToDo = tr("The demo data needs espeak-ng (apt install "
                                                  "espeak-ng) and a writable %1.")
                                                   .arg(QString::fromStdString(data.string()))});
                        return;
                    }
                    createDemo();
                });
    m_demoJob->start({.outputDir = data});
}

ExperimentSession* MainWindow::ensureSession() {
    if (!m_session) {
        m_session = std::make_unique<ExperimentSession>(m_file);
        connectSession(m_session.get());
    }
    return m_session.get();
}

void MainWindow::connectSession(ExperimentSession* session) {
    connect(session, &ExperimentSession::stateChanged, this, &MainWindow::sessionStateChanged);
    connect(session, &ExperimentSession::datasetProgress, this, [this](qint64 done, qint64 total) {
        m_progressLabel->setText(tr("Loading the dataset: %1 of %2 clips").arg(done).arg(total));
    });
    auto refresh = [this] {
        if (m_watcher) m_watcher->refresh();
    };
    connect(session, &ExperimentSession::trialStarted, this, refresh);
    connect(session, &ExperimentSession::trialFinished, this, refresh);
    connect(session, &ExperimentSession::phasePlanned, this, refresh);
    connect(session, &ExperimentSession::phaseChanged, this, refresh);
    connect(session, &ExperimentSession::trialFailed, this,
            [this, refresh](const TrialRecord& trial) {
                if (trial.state == TrialState::Failed || trial.state == TrialState::Diverged)
                    m_runFailures.push_back(trial);
                refresh();
            });
    connect(session, &ExperimentSession::trialProgress, this,
            [this](int trialId, const TrainingProgress& progress) {
                m_progressLabel->setText(tr("Trial %1: iteration %2 of %3")
                                             .arg(trialId)
                                             .arg(progress.iteration)
                                             .arg(progress.iterations));
                m_detail->showProgress(trialId, progress);
            });
    connect(session, &ExperimentSession::runFinished, this, &MainWindow::runFinished);
    connect(session, &ExperimentSession::errorOccurred, this, [this](const Error& error) {
        showErrorDialog(
            this, {.title = tr("The run stopped"),
                   .happened = QString::fromStdString(error.message),
                   .whatToDo = tr(
                       "Finished trials are saved in the experiment file. Fix what the message "
                       "names (dataset folder, disk space, the file) and press Run to resume.")});
    });
}

void MainWindow::startRun() {
    if (m_file.empty()) return;
    // Another process (a `perfnas search`) runs this file: the runner would refuse; say so here.
    if (const auto pid = RunLock::holder(m_file); pid && (!m_session || !m_session->isBusy())) {
        showErrorDialog(this,
                        {.title = tr("Already running"),
                         .happened = tr("Another process (pid %1) runs this experiment; the "
                                        "window shows its progress live.")
                                         .arg(*pid),
                         .whatToDo = tr("Let it finish, or stop it (Ctrl-C in its terminal) and "
                                        "press Run here to resume.")});
        return;
    }
    m_runFailures.clear();
    ensureSession()->start();
}

void MainWindow::sessionStateChanged(ExperimentSession::State state) {
    m_benchmark->setTrainingActive(state != ExperimentSession::State::Idle);
    // Literals inside tr(), so that lupdate finds them.
    switch (state) {
        case ExperimentSession::State::Idle:
            m_stateLabel->clear();
            m_progressLabel->clear();
            break;
        case ExperimentSession::State::Loading:
            m_stateLabel->setText(tr("loading"));
            break;
        case ExperimentSession::State::Running:
            m_stateLabel->setText(tr("running"));
            break;
        case ExperimentSession::State::Paused:
            m_stateLabel->setText(tr("paused"));
            break;
        case ExperimentSession::State::Stopping:
            m_stateLabel->setText(tr("stopping"));
            break;
    }
    updateActions();
}

void MainWindow::runFinished(const RunReport& outcome) {
    if (m_watcher) m_watcher->refresh();
    statusBar()->showMessage(
        outcome.stopped ? tr("Stopped: %1 trials finished in this run").arg(outcome.trialsFinished)
                        : tr("Done: %1 trials finished in this run. %2")
                              .arg(outcome.trialsFinished)
                              .arg(QString::fromStdString(outcome.note)),
        15000);
    if (m_runFailures.empty()) return;
    // One dialog for the run, not one per trial.
    QStringList lines;
    std::map<std::string, int> reasons;
    for (const TrialRecord& trial : m_runFailures) {
        lines << tr("trial %1 (%2): %3")
                     .arg(trial.id)
                     .arg(stateLabel(trial.state))
                     .arg(QString::fromStdString(trial.error));
        ++reasons[trial.error.substr(0, 80)];
    }
    const auto common =
        std::max_element(reasons.begin(), reasons.end(),
                         [](const auto& a, const auto& b) { return a.second < b.second; });
    showErrorDialog(
        this,
        {.title = tr("Some trials failed"),
         .happened =
             tr("%1 trials failed or diverged in this run; the search went on without them. "
                "Most common reason (%2×): %3")
                 .arg(m_runFailures.size())
                 .arg(common->second)
                 .arg(QString::fromStdString(common->first)),
         .whatToDo =
             tr("Diverged trials usually need a lower learning rate; failed ones name their cause "
                "below. Filter the table by state to see them."),
         .details = lines.join('\n')});
    m_runFailures.clear();
}

void MainWindow::showSummary(const SummaryPtr& summary) {
    const bool first = !m_loadedOnce;
    m_summary = summary;
    m_loadedOnce = true;
    if (first) {
        const QString path = QString::fromStdString(m_file.string());
        StudioPaths::addRecentFile(path);
        setWindowTitle(tr("%1 — PerfNAS Studio").arg(QFileInfo(path).fileName()));
        for (QDockWidget* dock : m_docksHiddenByStartPage) dock->show();
        m_docksHiddenByStartPage.clear();
    }
    m_chart->setSummary(summary);
    m_progressChart->setSummary(summary);
    if (const std::vector<CostAxis> axes = summary->costAxes(); axes != m_costAxes) {
        const CostAxis shown = m_chart->shownCost();  // the objective's unless chosen
        const QSignalBlocker blocker(m_costChoice);
        m_costAxes = axes;
        m_costChoice->clear();
        for (const CostAxis& axis : axes) m_costChoice->addItem(costAxisLabel(axis));
        const auto kept = std::find(axes.begin(), axes.end(), shown);
        m_costChoice->setCurrentIndex(kept == axes.end() ? 0
                                                         : static_cast<int>(kept - axes.begin()));
    }
    m_table->setSummary(summary);
    m_refinement->setSummary(summary);
    m_importance->setSummary(summary);
    m_space->setSpace(summary->currentSpace);
    m_benchmark->setSummary(summary);
    m_detail->showTrial(summary, m_selectedTrial);
    updateStatus();
    updateActions();
    Q_EMIT summaryShown();
}

void MainWindow::selectTrial(int trialId) {
    m_selectedTrial = trialId;
    m_chart->setSelectedTrial(trialId);
    m_table->selectTrial(trialId);
    m_detail->showTrial(m_summary, trialId);
}

void MainWindow::updateStatus() {
    if (!m_summary) return;
    // Pause lets running trials finish: say so while they still train.
    if (m_session && m_session->state() == ExperimentSession::State::Paused) {
        const bool finishing = std::any_of(
            m_summary->trials.begin(), m_summary->trials.end(),
            [](const TrialRecord& trial) { return trial.state == TrialState::Running; });
        m_stateLabel->setText(finishing ? tr("pausing: running trials finish first")
                                        : tr("paused"));
    }
    // Once a second: whether a run (here or in another process) holds the file.
    m_statusLabel->setText(progressText(PhaseProgress::of(
        *m_summary, QDateTime::currentSecsSinceEpoch(), RunLock::holder(m_file).has_value())));
}

void MainWindow::updateActions() {
    const bool open = !m_file.empty();
    const ExperimentSession::State state =
        m_session ? m_session->state() : ExperimentSession::State::Idle;
    const bool busy = state != ExperimentSession::State::Idle;
    m_runAction->setEnabled(open && (!busy || state == ExperimentSession::State::Paused));
    m_runAction->setText(state == ExperimentSession::State::Paused ? tr("&Resume") : tr("&Run"));
    m_pauseAction->setEnabled(state == ExperimentSession::State::Running ||
                              state == ExperimentSession::State::Loading);
    m_stopAction->setEnabled(busy && state != ExperimentSession::State::Stopping);
    m_finetuneAction->setEnabled(open && m_summary && !m_summary->frontier.empty() &&
                                 state != ExperimentSession::State::Stopping);
    m_closeAction->setEnabled(open);
    m_exportChartAction->setEnabled(open && m_summary);
    m_exportTableAction->setEnabled(open && m_summary);
    m_refinement->setEnabled(open && state != ExperimentSession::State::Stopping);
}

}  // namespace perfnas::ui
