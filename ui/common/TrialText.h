#pragma once
// How the studio names phases, states and architectures: "refinement 2", "finished",
// "{4×10, 100} {3×3, 60} ..." (Table II notation, design.md). Pure functions.
#include <QString>

#include "core/search/SuccessiveHalving.h"
#include "core/storage/ExperimentStore.h"

namespace perfnas::ui {

QString phaseLabel(const PhaseRecord& phase);    // "search", "refinement 2", "fine-tune"
QString stateLabel(TrialState state);            // design.md's names
// The trial's architecture in Table II notation, or "" when its spec cannot be read.
QString trialNotation(const TrialRecord& trial);
QString formatDuration(double seconds);
// Multi-fidelity search: "2 of 2 (900 it.)"; a finished trial below the top adds "stopped".
QString rungLabel(const TrialRecord& trial, const FidelitySettings& fidelity);          // "42 s", "3 min 5 s", "2 h 10 min"

}  // namespace perfnas::ui
