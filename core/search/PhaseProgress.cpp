#include "core/search/PhaseProgress.h"

#include <algorithm>

#include "core/search/PhasePlan.h"

namespace perfnas {

namespace {
bool ended(TrialState state) {
    return state == TrialState::Finished || state == TrialState::Failed ||
           state == TrialState::Diverged;
}
}  // namespace

PhaseProgress PhaseProgress::of(const ExperimentSummary& summary, std::int64_t nowSeconds,
                                bool aRunHoldsTheFile) {
    PhaseProgress progress;
    progress.frontierSize = static_cast<int>(summary.frontier.size());
    progress.hypervolume = summary.hypervolume;
    for (const TrialRecord& trial : summary.trials) {
        progress.failed += trial.state == TrialState::Failed || trial.state == TrialState::Diverged;
    }
    if (summary.phases.empty()) return progress;
    const PhaseRecord& phase = summary.phases.back();
    progress.phase = phase;
    std::int64_t lastEnd = 0;
    int phaseTrials = 0;
    for (const TrialRecord& trial : summary.trials) {
        if (trial.phaseId != phase.id) continue;
        ++phaseTrials;
        progress.running += trial.state == TrialState::Running;
        if (ended(trial.state)) {
            ++progress.done;
            lastEnd = std::max(lastEnd, trial.finishedAt);
        }
    }
    progress.planned = phase.kind == PhaseKind::Finetune ? phaseTrials : phase.trialBudget;
    // While trials run the clock is now; otherwise the phase's pace when it was last active.
    const std::int64_t until = progress.running > 0 && aRunHoldsTheFile ? nowSeconds : lastEnd;
    const double hours = static_cast<double>(until - phase.startedAt) / 3600.0;
    if (phase.startedAt > 0 && progress.done > 0 && hours > 0)
        progress.trialsPerHour = progress.done / hours;
    progress.live = aRunHoldsTheFile;
    if (phase.state != PhaseState::Finished && progress.running > 0 && progress.live) {
        const double toDeadline = phase.maxMinutes > 0 ? static_cast<double>(phase.startedAt) +
                                                             phase.maxMinutes * 60.0 -
                                                             static_cast<double>(nowSeconds)
                                                       : PhasePlan::kNoDeadline;
        const PhaseOutlook outlook = PhasePlan(summary, phase).outlook(toDeadline);
        if (outlook.remainingSeconds >= 0) progress.etaSeconds = outlook.remainingSeconds;
    }
    return progress;
}

}  // namespace perfnas
