#pragma once
// BenchmarkPanel: the studio's latency view. Targets (local CPU; CUDA when libtorch sees a GPU;
// SSH boards the user added, remembered with QSettings — a new board's host key is trusted only
// after the user saw its fingerprint and said yes), the models to measure (the Pareto set by
// default; the seed always runs alongside), runs and threads; Run measures on a BenchmarkJob thread
// and stores the results in the experiment file. One bar chart per target from the file's
// BenchmarkRecords (read off the GUI thread whenever the summary changes), MFPOPS-vs-latency rank
// correlation, chart export (PNG/SVG/PDF) and the export dialog for reports and models. GUI thread.
#include <QFutureWatcher>
#include <QWidget>
#include <filesystem>
#include <functional>
#include <map>

#include "core/search/ExperimentBenchmark.h"
#include "ui/common/CoreMetaTypes.h"

class QComboBox;
class QLabel;
class QListWidget;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QTabWidget;

namespace perfnas::ui {

class BenchmarkJob;
class LatencyChartView;

class BenchmarkPanel : public QWidget {
    Q_OBJECT
public:
    explicit BenchmarkPanel(QWidget* parent = nullptr);
    ~BenchmarkPanel() override;

    void setExperimentFile(const std::filesystem::path& file);  // empty: none
    void setSummary(const SummaryPtr& summary);
    // A run trains in this process: measuring on the local CPU would share its cores (warned).
    void setTrainingActive(bool active);
    QString trainingWarning() const;  // "" when none shows

    // Starts a benchmark of the checked models on the chosen target (what Run does).
    void runBenchmark();
    void setRuns(int runs);
    void setCheckedTrials(const std::vector<int>& trialIds);
    std::vector<int> checkedTrials() const;
    QStringList targets() const;  // the target combo's keys: "local", "cuda", ssh:// boards
    // Adds (or updates) a board target and selects it; remembered for the next session.
    void addBoard(const BenchmarkTarget& board);
    void selectTarget(const QString& key);
    // Asked when a board's host key is not in known_hosts yet, with its fingerprint; true trusts
    // it. Default: a question whose default answer is No. Tests answer it themselves.
    void setTrustQuestion(std::function<bool(const QString& message)> question);

    // Parts, for tests.
    BenchmarkJob* job() const { return m_job; }
    LatencyChartView* chartFor(const std::string& target) const;
    const std::vector<BenchmarkRecord>& records() const { return m_records; }
    QString correlationText() const;

Q_SIGNALS:
    void benchmarksStored();  // a run here wrote records (the watcher may refresh)
    void benchmarksShown();   // the charts show newly loaded records
    void benchmarkFailed(const QString& message);

private:
    struct Loaded {
        std::vector<BenchmarkRecord> records;
        QString error;
    };
    void reloadRecords();
    void showRecords(std::vector<BenchmarkRecord> records);
    void fillModels();
    void updateCorrelation();
    void updateButtons();
    void updateTrainingWarning();
    void exportChart();
    void openExportDialog();
    void targetChosen();
    void startJob(bool trustNewHost);
    void loadBoards();
    void saveBoards() const;

    std::filesystem::path m_file;
    SummaryPtr m_summary;
    std::vector<BenchmarkRecord> m_records;
    BenchmarkJob* m_job;
    QFutureWatcher<Loaded> m_loader;
    bool m_reloadAgain = false;

    QComboBox* m_target;
    QSpinBox* m_runs;
    QSpinBox* m_threads;
    QPushButton* m_run;
    QPushButton* m_cancel;
    QProgressBar* m_progress;
    QListWidget* m_models;
    QTabWidget* m_charts;
    QLabel* m_correlation;
    QLabel* m_message;
    QLabel* m_trainingWarning;
    bool m_trainingActive = false;
    QPushButton* m_exportChart;
    QPushButton* m_exportDialog;
    std::map<std::string, LatencyChartView*> m_chartViews;
    std::map<QString, BenchmarkTarget> m_boards;     // by normalized target
    QString m_lastTarget = QStringLiteral("local");  // what "Add board…" falls back to
    bool m_askedToTrust = false;                     // this run already trusts a new host key
    std::function<bool(const QString&)> m_trustQuestion;
};

}  // namespace perfnas::ui
