#include "core/search/SamplingHistory.h"

#include <algorithm>
#include <cmath>
#include <map>

namespace perfnas {
namespace {

bool belongs(const ExperimentSummary& summary, const TrialRecord& trial, bool optimizer) {
    const PhaseRecord* owner = summary.phase(trial.phaseId);
    if (!owner || owner->kind == PhaseKind::Finetune) return false;
    return (owner->kind == PhaseKind::Optimizer) == optimizer;
}

// The cost objective: on a log scale (the plane of the frontier chart and the hypervolume) when
// the sampler is set so, else linear.
double costObjective(const ExperimentSummary& summary, const TrialRecord& trial) {
    if (!summary.config.tpe.logCost) return summary.costOf(trial);
    return std::log10(std::max(summary.costOf(trial), 1e-12));
}

// A diverged trial tells the sampler where not to go: worst error, and infeasible, so that it
// ranks behind every trial that trained and lands in g(x) even when it is the cheapest.
Observation divergedObservation(const ExperimentSummary& summary, const TrialRecord& trial,
                                bool optimizer) {
    Observation observation{.configuration = trial.configuration, .objectives = {1.0}};
    if (!optimizer) observation.objectives.push_back(costObjective(summary, trial));
    observation.constraintViolation = 1.0;
    return observation;
}

}  // namespace

SamplingHistory SamplingHistory::of(const ExperimentSummary& summary, bool optimizer,
                                    int minimumObservations) {
    SamplingHistory history;
    const bool rungs = summary.config.fidelity && !optimizer;
    std::map<int, int> resultsPerRung;
    for (const TrialRecord& trial : summary.trials) {
        if (!belongs(summary, trial, optimizer)) continue;
        history.excluded.push_back(trial.configuration);
        if (trial.state == TrialState::Running || trial.state == TrialState::Queued) {
            if (trial.rungResults.empty()) history.running.push_back(trial.configuration);
        }
        for (const RungResult& result : trial.rungResults) ++resultsPerRung[result.rung];
    }
    if (rungs) {
        for (const auto& [rung, count] : resultsPerRung) {
            if (count >= std::max(1, minimumObservations))
                history.rung = std::max(history.rung, rung);
        }
    }

    for (const TrialRecord& trial : summary.trials) {
        if (!belongs(summary, trial, optimizer)) continue;
        double top1 = trial.validationTop1;
        if (trial.state == TrialState::Diverged) {
            history.observations.push_back(divergedObservation(summary, trial, optimizer));
            continue;
        }
        if (rungs) {
            const auto result =
                std::find_if(trial.rungResults.begin(), trial.rungResults.end(),
                             [&history](const RungResult& r) { return r.rung == history.rung; });
            if (result == trial.rungResults.end()) continue;
            top1 = result->validationTop1;
        } else if (trial.state != TrialState::Finished) {
            continue;
        }
        Observation observation{.configuration = trial.configuration};
        observation.objectives = {1.0 - top1};
        if (!optimizer) observation.objectives.push_back(costObjective(summary, trial));
        if (summary.config.minTop1)
            observation.constraintViolation = std::max(0.0, *summary.config.minTop1 - top1);
        history.observations.push_back(std::move(observation));
    }
    return history;
}

}  // namespace perfnas
