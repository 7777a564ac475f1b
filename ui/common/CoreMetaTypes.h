#pragma once
// Core value types carried by queued signals and QVariants in the studio. A summary travels as a
// shared pointer to const: one load is shared by every view without copying 10,000 trials.
#include <QMetaType>
#include <memory>

#include "core/common/Result.h"
#include "core/search/ExperimentRunner.h"
#include "core/search/ExperimentSummary.h"
#include "core/training/TrainingResult.h"

namespace perfnas::ui {
using SummaryPtr = std::shared_ptr<const ExperimentSummary>;
}  // namespace perfnas::ui

Q_DECLARE_METATYPE(perfnas::TrialRecord)
Q_DECLARE_METATYPE(perfnas::PhaseRecord)
Q_DECLARE_METATYPE(perfnas::TrainingProgress)
Q_DECLARE_METATYPE(perfnas::ui::SummaryPtr)
Q_DECLARE_METATYPE(perfnas::RunReport)
Q_DECLARE_METATYPE(perfnas::Error)
