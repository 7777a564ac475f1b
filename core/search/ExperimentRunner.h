#pragma once
// ExperimentRunner: Algorithm 1's loop. Runs every unfinished phase of an experiment file: asks the
// sampler for configurations, runs up to `workers` trials at once on a TrialExecutor (each on its
// own worker thread), commits every result to the store before reporting it, and plans the next
// phase the config asks for. Trials a killed process left behind rerun first; a failed or diverged
// trial is recorded with its reason and the search goes on. The store is used only from the thread
// that calls run(); pause(), resume() and stop() may be called from any thread.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>

#include "core/execution/TrialExecutor.h"
#include "core/search/ExperimentSummary.h"
#include "core/search/PhasePlan.h"
#include "core/storage/ExperimentStore.h"

namespace perfnas {

class ExperimentObserver {
public:
    virtual ~ExperimentObserver() = default;
    // From the thread that runs the experiment, after the change is committed.
    virtual void phaseChanged(const PhaseRecord&) {}
    virtual void trialStarted(const TrialRecord&) {}
    virtual void trialFinished(const TrialRecord&) {}
    virtual void trialFailed(const TrialRecord&) {
    }  // failed, diverged or cancelled; `error` says why
    virtual void frontierChanged(const ExperimentSummary&) {}
    // From worker threads, every few iterations: keep it cheap.
    virtual void trialProgress(int /*trialId*/, const TrainingProgress&) {}
};

struct RunReport {
    int trialsFinished = 0;  // in this run
    int trialsFailed = 0;    // failed or diverged
    bool stopped = false;    // stop() ended the run; interrupted trials are queued again
    std::string note;        // e.g. the space was exhausted before the trial budget
};

class ExperimentRunner {
public:
    using Clock = std::chrono::steady_clock;
    // `store`, `executor` and `observer` must outlive the runner. `clock` measures the phases'
    // wall-clock budgets (tests inject one).
    ExperimentRunner(ExperimentStore& store, TrialExecutor& executor,
                     ExperimentObserver* observer = nullptr,
                     std::function<Clock::time_point()> clock = Clock::now);

    Result<RunReport> run();

    void pause();  // running trials finish; no new ones start
    void resume();
    void stop();  // running trials are cancelled (within a second) and queued again
    // stop() for a signal handler: only sets a flag (async-signal-safe); seen within 250 ms.
    void stopFromSignalHandler() noexcept { m_stopRequested.store(true); }

private:
    void wake();

    ExperimentStore& m_store;
    TrialExecutor& m_executor;
    ExperimentObserver* m_observer;
    std::function<Clock::time_point()> m_clock;
    std::atomic<bool> m_paused{false};
    std::atomic<bool> m_stopRequested{false};
    std::mutex m_mutex;
    std::condition_variable m_wakeUp;
};

}  // namespace perfnas
