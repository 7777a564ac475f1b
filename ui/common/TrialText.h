#pragma once
// How the studio names phases, states and architectures: "refinement 2", "finished",
// "{4×10, 100} {3×3, 60} ..." (Table II notation, docs/architecture.md). Pure functions.
#include <QString>

#include "core/search/ExperimentSummary.h"
#include "core/search/SearchSpace.h"
#include "core/search/SuccessiveHalving.h"
#include "core/storage/ExperimentStore.h"

namespace perfnas::ui {

QString phaseLabel(const PhaseRecord& phase);  // "search", "refinement 2", "fine-tune"
QString stateLabel(TrialState state);          // docs/experiment-file.md's names
// The trial's architecture in Table II notation, or "" when its spec cannot be read.
QString trialNotation(const TrialRecord& trial);
QString formatDuration(double seconds);  // "42 s", "3 min 5 s", "2 h 10 min"
QString freezeText(int unit, UnitParameter parameter, int value);  // "unit 2 kh = 3" (unit from 0)
QString costAxisLabel(const CostAxis& axis);  // "MFPOPS", "parameters", "latency on local:1, ms"
// Multi-fidelity search: "1/2" (rung / top rung; a finished trial below the top adds "stopped"),
// or detailed "rung 1 of 2 (600 iterations), stopped early".
QString rungLabel(const TrialRecord& trial, const FidelitySettings& fidelity,
                  bool detailed = false);

}  // namespace perfnas::ui
