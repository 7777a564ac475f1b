#pragma once
// PhaseProgress: the progress figures both front ends show for an experiment — trials done /
// planned in the latest phase, trials per hour, the ETA, frontier size and hypervolume — computed
// from the experiment file alone, so a run in another process (a CLI search seen by the studio, a
// Slurm-backed search) shows the same. The ETA is PhasePlan's projection of the admitted work and
// exists only while trials run. Pure; `nowSeconds` (Unix time) is injected for tests.
#include <cstdint>
#include <optional>

#include "core/search/ExperimentSummary.h"

namespace perfnas {

struct PhaseProgress {
    std::optional<PhaseRecord> phase;  // the latest; none before the first is planned
    int done = 0;     // trials of the latest phase that ended (finished, failed, diverged)
    int planned = 0;  // its budget (fine-tuning: its trials); 0: no limit
    int running = 0;
    int failed = 0;  // failed or diverged, whole experiment
    double trialsPerHour = 0.0;
    std::optional<double> etaSeconds;  // while trials run and the speed is known
    int frontierSize = 0;
    double hypervolume = 0.0;

    bool live = true;  // false: trials are marked running but no process runs the file
                       // (core/storage/RunLock.h): they were interrupted, and there is no ETA

    static PhaseProgress of(const ExperimentSummary& summary, std::int64_t nowSeconds,
                            bool aRunHoldsTheFile = true);
};

}  // namespace perfnas
