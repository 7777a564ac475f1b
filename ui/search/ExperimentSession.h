#pragma once
// ExperimentSession: runs an experiment file's phases in this process. One worker thread owns the
// writer ExperimentStore, the loaded dataset and the ExperimentRunner; every request returns at
// once and its outcome arrives as a signal emitted on the session's own (GUI) thread. Progress is
// throttled to ~10 Hz per trial. Nothing thrown escapes the worker: it becomes errorOccurred.
// Destroying the session stops the run (trials cancel within a second) and joins the worker.
#include <QObject>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <thread>

#include "core/common/CancelToken.h"
#include "core/dataset/DatasetLoader.h"
#include "core/search/ExperimentPlanner.h"
#include "core/search/ExperimentRunner.h"
#include "ui/common/CoreMetaTypes.h"

namespace perfnas::ui {

struct RunOutcome {
    int trialsFinished = 0;  // in this run
    int trialsFailed = 0;
    bool stopped = false;
    QString note;
};

struct SessionOptions {
    std::filesystem::path cacheFolder;  // feature cache; empty: the config's, else core's default
    int workerNice = 5;  // Linux: the worker and the training threads it starts yield to the GUI
};

class ExperimentSession : public QObject {
    Q_OBJECT
public:
    enum class State { Idle, Loading, Running, Paused, Stopping };
    Q_ENUM(State)

    explicit ExperimentSession(std::filesystem::path file, SessionOptions options = {}, QObject* parent = nullptr);
    ~ExperimentSession() override;

    const std::filesystem::path& file() const { return m_file; }
    State state() const { return m_state; }
    bool isBusy() const { return m_state != State::Idle; }

    // Creates the file for `config` (loading the dataset for its digest), then runs it.
    void create(ExperimentConfig config);
    // Runs (resumes) the file's open phases; ignored while busy.
    void start();
    // Ends the current run if any, freezes into a refinement phase and runs it.
    void freezeAndStart(std::vector<Freeze> freezes);
    // Ends the current run if any, plans fine-tuning of the frontier and runs it.
    void finetuneAndStart(int iterations = 0);
    void pause();   // running trials finish; no new ones start
    void resume();
    void stop();    // returns at once; runFinished (stopped) follows within about a second

Q_SIGNALS:
    void stateChanged(perfnas::ui::ExperimentSession::State state);
    void created();  // create() wrote the new experiment file
    void datasetProgress(qint64 done, qint64 total);
    void phaseChanged(const perfnas::PhaseRecord& phase);
    void phasePlanned(const perfnas::PhaseRecord& phase);  // by a freeze or fine-tune request
    void trialStarted(const perfnas::TrialRecord& trial);
    void trialFinished(const perfnas::TrialRecord& trial);
    void trialFailed(const perfnas::TrialRecord& trial);  // failed, diverged or cancelled
    void trialProgress(int trialId, const perfnas::TrainingProgress& progress);
    void frontierChanged(const perfnas::ui::SummaryPtr& summary);
    void runFinished(const perfnas::ui::RunOutcome& outcome);
    void errorOccurred(const QString& message);  // the run ended on this error

private:
    class Observer;
    using Task = std::function<void(std::uint64_t generation)>;

    void enqueue(std::vector<Task> tasks);
    void workerLoop();
    void setState(State state);                                // GUI thread
    void postState(State state, std::uint64_t generation);     // worker thread
    template <typename F> void post(F&& function);

    // Worker-thread steps; an Error return ends the request with errorOccurred.
    Status openStore();
    Status ensureDataset(const ExperimentConfig& config, std::uint64_t generation);
    void runTask(std::uint64_t generation);
    void createTask(const ExperimentConfig& config, std::uint64_t generation);
    bool isCurrent(std::uint64_t generation);

    const std::filesystem::path m_file;
    const SessionOptions m_options;
    State m_state = State::Idle;  // GUI thread's view

    std::mutex m_mutex;  // guards everything below that both threads touch
    std::condition_variable m_wake;
    std::deque<std::pair<std::uint64_t, Task>> m_tasks;
    std::uint64_t m_generation = 0;  // stop() bumps it: queued and running work of older ones ends
    bool m_quit = false;
    bool m_pauseRequested = false;
    ExperimentRunner* m_runner = nullptr;
    CancelToken m_loadCancel;
    std::map<int, std::chrono::steady_clock::time_point> m_lastProgress;

    // Worker thread only.
    std::unique_ptr<ExperimentStore> m_store;
    std::optional<LoadedDataset> m_dataset;
    std::string m_datasetKey;

    std::thread m_thread;  // last: started after everything above exists
};

}  // namespace perfnas::ui

Q_DECLARE_METATYPE(perfnas::ui::RunOutcome)
