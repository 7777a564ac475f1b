#pragma once
// How the studio names phases, states and architectures: "refinement 2", "finished",
// "{4×10, 100} {3×3, 60} ..." (Table II notation, design.md). Pure functions.
#include <QString>

#include "core/storage/ExperimentStore.h"

namespace perfnas::ui {

QString phaseLabel(const PhaseRecord& phase);    // "search", "refinement 2", "fine-tune"
QString stateLabel(TrialState state);            // design.md's names
// The trial's architecture in Table II notation, or "" when its spec cannot be read.
QString trialNotation(const TrialRecord& trial);
QString formatDuration(double seconds);          // "42 s", "3 min 5 s", "2 h 10 min"

}  // namespace perfnas::ui
