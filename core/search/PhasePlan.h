#pragma once
// PhasePlan: the work a search or refinement phase still has, projected from the experiment file
// alone (docs/method.md, "The wall-clock budget"), so the runner's admission rule, the CLI's ETA
// and the studio's ETA are one computation: the rest of every trial in progress at its own measured
// speed (the seed to the top rung), and the promotions still to come per rung at the median speed
// of the measured trials; the workers share the total, but the phase lasts at least as long as its
// longest single trial, a new one's first run included. Holds
// references: use it while the summary lives.
#include <limits>
#include <optional>
#include <vector>

#include "core/search/ExperimentSummary.h"

namespace perfnas {

// How much work the running phase has left, as projected.
struct PhaseOutlook {
    int phaseId = 0;
    int trialsStarted = 0;            // configurations tried in the phase so far
    int trialBudget = 0;              // 0: none
    double remainingSeconds = -1.0;   // until the phase ends; < 0: not known yet (nothing measured)
    double budgetSeconds = 0.0;       // the phase's wall-clock budget per run; 0: none
    std::vector<int> rungIterations;  // empty without rungs
};

class PhasePlan {
public:
    static constexpr double kNoDeadline = std::numeric_limits<double>::infinity();

    PhasePlan(const ExperimentSummary& summary, const PhaseRecord& phase);

    // The iterations a trial of this phase trains to in its next (or current) run: its rung's end,
    // or its training budget without rungs.
    int targetIterations(const TrialRecord& trial) const;
    bool usesRungs() const;

    // While the trial budget allows one and all admitted work with the new trial fits in
    // `secondsToDeadline`. Before any trial was measured, true (the first trials measure the
    // speed).
    bool admitsNewTrial(double secondsToDeadline) const;
    // Whether `trial`'s next rung, at its own measured speed, ends before the deadline.
    bool admitsPromotion(const TrialRecord& trial, double secondsToDeadline) const;
    // The admitted work plus the new trials the budgets will still admit (none when
    // `acceptsNewTrials` is false, e.g. the space is exhausted).
    PhaseOutlook outlook(double secondsToDeadline, bool acceptsNewTrials = true) const;

private:
    // `seedCap`: the most of the seed's rest that counts. The ETA counts all of it; admission
    // only what falls before the deadline (the seed trains to the top rung whatever the
    // deadline, and its overrun must not keep the other workers from new trials).
    double projectedSeconds(double typicalSecondsPerIteration, int newTrials,
                            double seedCap = kNoDeadline) const;
    int trialsStarted() const;

    const ExperimentSummary& m_summary;
    const PhaseRecord& m_phase;
};

}  // namespace perfnas
