#pragma once
// HypervolumeHistory: how the experiment's hypervolume (docs/method.md) grew over its wall-clock
// time, so a user sees whether the search still improves. One step per candidate (a finished
// search or refinement trial; with rungs, at the top rung) in the order they finished: the
// hypervolume of every candidate finished by then, all phases so far. Incremental: only a
// candidate that enters the frontier recomputes the area, over the frontier alone.
#include <vector>

#include "core/search/ExperimentSummary.h"

namespace perfnas {

struct HypervolumeStep {
    double minutes = 0.0;  // since the experiment's first trial started
    double hypervolume = 0.0;
    int phaseId = 0;  // the phase of the candidate that finished
    int trialId = 0;
};

std::vector<HypervolumeStep> hypervolumeHistory(const ExperimentSummary& summary);

}  // namespace perfnas
