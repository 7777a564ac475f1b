#pragma once
// The studio's one-line status-bar text of an experiment's progress (core/search/PhaseProgress.h).
#include <QString>

#include "core/search/PhaseProgress.h"

namespace perfnas::ui {

QString progressText(const PhaseProgress& progress);

}  // namespace perfnas::ui
