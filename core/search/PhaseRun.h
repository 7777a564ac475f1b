#pragma once
// PhaseRun: ExperimentRunner's work on one phase, in named steps. Each free worker gets, in this
// order, a queued trial (interrupted or promoted), a promotion to the next rung (multi-fidelity
// search, core/search/SuccessiveHalving.h), or a new proposal while the trial budget and the
// wall-clock budget admit one. A trial is marked in the store before it starts and its result is
// committed before it is reported. Lives on the runner's thread; worker threads only push their
// reports under `mutex` and notify `wakeUp`.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include "core/search/ArchitectureLatency.h"
#include "core/search/ExperimentRunner.h"
#include "core/search/Sampler.h"

namespace perfnas {

class PhaseRun {
public:
    using Clock = std::chrono::steady_clock;
    struct Context {
        ExperimentStore& store;
        TrialExecutor& executor;
        ExperimentObserver* observer;
        std::mutex& mutex;
        std::condition_variable& wakeUp;
        const std::atomic<bool>& paused;
        const std::atomic<bool>& stopRequested;
        std::function<Clock::time_point()> now;
    };

    PhaseRun(Context context, PhaseRecord phase);
    ~PhaseRun();
    PhaseRun(const PhaseRun&) = delete;
    PhaseRun& operator=(const PhaseRun&) = delete;

    // Runs the phase until it has nothing left to do (then marks it finished) or stop() was
    // requested (running trials are cancelled and queued again).
    Status execute(RunReport& report);

    // The step that chooses a free worker's next trial, marked Queued in the store (a promotion
    // or a new proposal is added first); nullopt: nothing to start now.
    Result<std::optional<TrialRecord>> nextTrial(const ExperimentSummary& summary,
                                                 RunReport& report);

private:
    struct Active {
        CancelToken cancel;
        std::thread worker;
    };

    std::optional<TrialRecord> queuedTrial(const ExperimentSummary& summary) const;
    Result<std::optional<TrialRecord>> promotion(const ExperimentSummary& summary);
    double secondsToDeadline() const;
    Result<std::optional<TrialRecord>> proposal(const ExperimentSummary& summary,
                                                RunReport& report);
    Status start(TrialRecord trial, const ExperimentSummary& summary, RunReport& report);
    Status record(const TrialReport& result, const ExperimentSummary& summary, RunReport& report);
    Status failToStart(TrialRecord trial, const std::string& problem, RunReport& report);
    void cancelAll();
    void requeueAbandoned();

    bool usesRungs(const ExperimentSummary& summary) const;

    Context m_context;
    PhaseRecord m_phase;
    std::map<int, Active> m_active;
    std::deque<TrialReport> m_reports;  // guarded by m_context.mutex
    std::unique_ptr<Sampler> m_sampler;
    std::unique_ptr<ArchitectureLatency> m_latency;  // with the latency objective
    bool m_exhausted = false;
    Clock::time_point m_deadline = Clock::time_point::max();
};

}  // namespace perfnas
