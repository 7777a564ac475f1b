#pragma once
// ExperimentProgress: the status-bar figures of an experiment — trials done / planned in the
// latest phase, trials per hour, ETA, frontier size, hypervolume — computed from a summary alone,
// so a file a CLI search writes shows the same. Pure; `nowSeconds` is injected for tests.
#include <QString>
#include <cstdint>
#include <optional>

#include "core/search/ExperimentSummary.h"

namespace perfnas::ui {

struct ExperimentProgress {
    QString phase;      // "search", "refinement 1", ... ; empty without phases
    int done = 0;       // trials of the latest phase that ended (finished, failed, diverged)
    int planned = 0;    // its budget (fine-tuning: its trials); 0: no limit
    int running = 0;
    int failed = 0;     // failed or diverged, whole experiment
    double trialsPerHour = 0.0;
    std::optional<double> etaSeconds;  // while trials remain and the rate is known
    int frontierSize = 0;
    double hypervolume = 0.0;

    static ExperimentProgress of(const ExperimentSummary& summary, std::int64_t nowSeconds);
    QString text() const;  // one status-bar line
};

}  // namespace perfnas::ui
