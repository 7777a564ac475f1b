#pragma once
// ExperimentSession: runs an experiment file's phases in this process. One worker thread owns the
// writer ExperimentStore, the loaded dataset and the ExperimentRunner; every request returns at
// once and its outcome arrives as a signal emitted on the session's own (GUI) thread. Progress is
// throttled to ~10 Hz per trial. The engine's errors arrive as values (errorOccurred), code kept;
// anything thrown on the worker becomes an Internal error the same way.
// Destroying the session stops the run (trials cancel within a second) and joins the worker.
#include <QObject>
#include <QThread>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>

#include "core/common/CancelToken.h"
#include "core/dataset/DatasetLoader.h"
#include "core/search/Experiment.h"
#include "ui/common/CoreMetaTypes.h"

namespace perfnas::ui {

struct SessionOptions {
    std::filesystem::path cacheFolder;  // feature cache; empty: the config's, else core's default
    int workerNice = 5;  // Linux: the worker and the training threads it starts yield to the GUI
};

class ExperimentSession : public QObject {
    Q_OBJECT
public:
    enum class State { Idle, Loading, Running, Paused, Stopping };
    Q_ENUM(State)

    explicit ExperimentSession(std::filesystem::path file, SessionOptions options = {},
                               QObject* parent = nullptr);
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
    void pause();  // running trials finish; no new ones start
    void resume();
    void stop();  // returns at once; runFinished (stopped) follows within about a second

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
    void runFinished(const perfnas::RunReport& report);
    void errorOccurred(const perfnas::Error& error);  // the request ended on this error

private:
    class Observer;
    // One step of a request; an Error ends the request (Cancelled silently).
    using Task = std::function<Status(std::uint64_t generation)>;

    void enqueue(std::vector<Task> tasks);
    void workerLoop();
    void setState(State state);                             // GUI thread
    void postState(State state, std::uint64_t generation);  // worker thread
    template <typename F>
    void post(F&& function);

    // Worker-thread steps.
    Status openExperiment();
    Status ensureDataset(const ExperimentConfig& config, std::uint64_t generation);
    Status runTask(std::uint64_t generation);
    Status createTask(const ExperimentConfig& config, std::uint64_t generation);
    Status freezeTask(const std::vector<Freeze>& freezes, std::uint64_t generation);
    Status finetuneTask(int iterations, std::uint64_t generation);
    bool isCurrent(std::uint64_t generation);
    void endRequest(std::uint64_t generation, const Error& error);

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
    std::optional<Experiment> m_experiment;
    std::optional<LoadedDataset> m_dataset;
    std::string m_datasetKey;

    // A QThread without an event loop running workerLoop (the studio's long-lived workers are
    // QThreads, ui/common/BackgroundWork.h); last: started after everything above exists.
    std::unique_ptr<QThread> m_thread;
};

}  // namespace perfnas::ui
