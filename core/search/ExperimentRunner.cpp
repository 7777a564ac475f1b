#include "core/search/ExperimentRunner.h"

#include <algorithm>

#include "core/search/ExperimentPlanner.h"
#include "core/search/PhaseRun.h"
#include "core/storage/RunLock.h"

namespace perfnas {

ExperimentRunner::ExperimentRunner(ExperimentStore& store, TrialExecutor& executor,
                                   ExperimentObserver* observer,
                                   std::function<Clock::time_point()> clock)
    : m_store(store), m_executor(executor), m_observer(observer), m_clock(std::move(clock)) {}

void ExperimentRunner::pause() {
    m_paused = true;
    wake();
}

void ExperimentRunner::resume() {
    m_paused = false;
    wake();
}

void ExperimentRunner::stop() {
    m_stopRequested = true;
    wake();
}

void ExperimentRunner::wake() {
    std::lock_guard lock(m_mutex);
    m_wakeUp.notify_all();
}

Result<RunReport> ExperimentRunner::run() {
    RunReport report;
    // One runner per file: requeuing "interrupted" trials of a live run would train them twice.
    auto lock = RunLock::acquire(m_store.file());
    if (!lock) return lock.error();
    if (auto requeued = m_store.requeueInterrupted(); !requeued) return requeued.error();
    while (!m_stopRequested) {
        auto phases = m_store.phases();
        if (!phases) return phases.error();
        auto open = std::find_if(phases->begin(), phases->end(), [](const PhaseRecord& phase) {
            return phase.state != PhaseState::Finished;
        });
        if (open == phases->end()) {
            auto next = ExperimentPlanner::planNext(m_store);
            if (!next) return next.error();
            if (!*next) break;
            continue;
        }
        PhaseRun phase({.store = m_store,
                        .executor = m_executor,
                        .observer = m_observer,
                        .mutex = m_mutex,
                        .wakeUp = m_wakeUp,
                        .paused = m_paused,
                        .stopRequested = m_stopRequested,
                        .now = m_clock},
                       *open);
        if (auto status = phase.execute(report); !status) return status.error();
    }
    report.stopped = m_stopRequested.exchange(false);  // a later run() starts afresh
    return report;
}

}  // namespace perfnas
