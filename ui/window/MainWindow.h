#pragma once
// MainWindow: the studio. Without an experiment it shows the start page; with one, the frontier
// chart over the trial table (tabs: trials, search space, latency), and docks for the trial detail,
// refinement and search space. Views follow an ExperimentWatcher (read-only, so a file a CLI search
// writes shows live); runs, freezes and fine-tuning go through an ExperimentSession created on
// demand. Layout and recent files are remembered with QSettings. Errors are non-blocking dialogs;
// what would discard work or start a long phase (freeze, fine-tune, closing while a run trains)
// asks first, Cancel being the default. A new experiment replaces the open one only once its file
// exists. GUI thread.
#include <QMainWindow>
#include <QPointer>
#include <filesystem>
#include <functional>
#include <memory>

#include "ui/common/CoreMetaTypes.h"
#include "ui/search/ExperimentSession.h"

class QAction;
class QComboBox;
class QDockWidget;
class QLabel;
class QSplitter;
class QStackedWidget;
class QTimer;

namespace perfnas::ui {

class BenchmarkPanel;
class DemoDataJob;
class ExperimentWatcher;
class FrontierChartView;
class HypervolumeChartView;
class ImportancePanel;
class NewExperimentDialog;
class RefinementPanel;
class SearchSpaceView;
class StartPage;
class TrialDetailPanel;
class TrialTablePanel;

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    void openExperiment(const QString& file);
    void closeExperiment();
    // Creates `file` for `config` and runs it (the new-experiment and demo paths).
    void createExperiment(const std::filesystem::path& file, const ExperimentConfig& config);
    void openDemoExperiment();
    // Selects a trial in the chart, the table and the trial panel (0: none).
    void selectTrial(int trialId);

    // Parts, for tests and screenshots.
    const SummaryPtr& summary() const { return m_summary; }
    ExperimentSession* session() const { return m_session.get(); }
    FrontierChartView* chartView() const { return m_chart; }
    TrialTablePanel* trialTable() const { return m_table; }
    TrialDetailPanel* trialDetail() const { return m_detail; }
    RefinementPanel* refinementPanel() const { return m_refinement; }
    SearchSpaceView* searchSpaceView() const { return m_space; }
    StartPage* startPage() const { return m_start; }
    BenchmarkPanel* benchmarkPanel() const { return m_benchmark; }
    QString statusText() const;

Q_SIGNALS:
    void summaryShown();  // the views show a new summary

protected:
    void closeEvent(QCloseEvent* event) override;

private:
    void buildActions();
    void buildExperimentView();
    void restoreLayout();
    void saveLayout();
    void watch(const std::filesystem::path& file);
    void showSummary(const SummaryPtr& summary);
    ExperimentSession* ensureSession();
    void connectSession(ExperimentSession* session);
    void adoptCreatedSession(const std::filesystem::path& file);
    void creationFailed(const Error& error);
    // A window-modal question whose default button is Cancel; `action` runs on confirmation.
    void confirm(const QString& title, const QString& question, const QString& details,
                 const QString& confirmText, std::function<void()> action);
    // confirm() for stopping this window's run by `doing` ("Closing", "Quitting") it.
    void confirmStop(const QString& title, const QString& doing, const QString& confirmText,
                     std::function<void()> action);
    // What a freeze or fine-tune adds to its question: the estimate, and the run it ends.
    QString startDetails(double estimatedSeconds) const;
    void confirmFreeze(const std::vector<Freeze>& freezes);
    void confirmFinetune();
    // What a busy session is doing, for a question before it is stopped; "" when idle.
    QString runningWork() const;
    void sessionStateChanged(ExperimentSession::State state);
    void runFinished(const RunReport& outcome);
    void startRun();
    void updateActions();
    void updateStatus();
    void newExperiment();
    void openExperimentDialog();
    void exportTrialTable();

    QStackedWidget* m_pages;
    StartPage* m_start;
    QWidget* m_experimentPage;
    QSplitter* m_splitter;
    FrontierChartView* m_chart;
    HypervolumeChartView* m_progressChart;  // the "Progress" tab
    ImportancePanel* m_importance;          // the "Importance" dock
    TrialTablePanel* m_table;
    TrialDetailPanel* m_detail;
    RefinementPanel* m_refinement;
    SearchSpaceView* m_space;
    BenchmarkPanel* m_benchmark;
    QList<QDockWidget*> m_docks;
    QList<QDockWidget*> m_docksHiddenByStartPage;  // shown again when an experiment opens
    QComboBox* m_costChoice;
    std::vector<CostAxis> m_costAxes;  // the choices of m_costChoice, in order
    QLabel* m_statusLabel;
    QLabel* m_stateLabel;
    QLabel* m_progressLabel;
    QTimer* m_statusTimer;
    QAction* m_runAction = nullptr;
    QAction* m_pauseAction = nullptr;
    QAction* m_stopAction = nullptr;
    QAction* m_finetuneAction = nullptr;
    QAction* m_closeAction = nullptr;
    QAction* m_exportChartAction = nullptr;
    QAction* m_exportTableAction = nullptr;

    std::filesystem::path m_file;
    std::unique_ptr<ExperimentWatcher> m_watcher;
    std::unique_ptr<ExperimentSession> m_session;
    // Creating a new experiment: the open one stays until the new file exists.
    std::unique_ptr<ExperimentSession> m_pendingSession;
    QPointer<NewExperimentDialog> m_newDialog;  // kept until its experiment exists
    bool m_closeConfirmed = false;
    DemoDataJob* m_demoJob;
    SummaryPtr m_summary;
    bool m_loadedOnce = false;
    int m_selectedTrial = 0;
    std::vector<TrialRecord>
        m_runFailures;  // failed or diverged in the current run: one dialog at its end
};

}  // namespace perfnas::ui
