#pragma once
// SamplingHistory: what the sampler learns from when a phase proposes its next trial. Optimizer
// phases see the optimizer trials (one objective: error); search and refinement phases see every
// architecture trial (error and cost; log10 cost with `sampler.log_cost`).
// Diverged trials count as infeasible at the worst error. With rungs, the observations are the
// trials' results at the highest rung that has at least `minimumObservations` of them (BOHB's rule,
// Falkner et al. 2018): a model fitted to few full-budget results beats none, and below that count
// the cheaper rung's many results say more.
#include <vector>

#include "core/search/ExperimentSummary.h"
#include "core/search/Sampler.h"

namespace perfnas {

struct SamplingHistory {
    std::vector<Observation> observations;
    std::vector<Configuration> excluded;  // every trial so far, in any state
    std::vector<Configuration> running;   // queued or running (constant liar)
    int rung = 0;                         // the rung the observations come from

    static SamplingHistory of(const ExperimentSummary& summary, bool optimizer,
                              int minimumObservations);
};

}  // namespace perfnas
