#pragma once
// makeTrialExecutor: the executor an experiment's config asks for (execution.backend). Workers of
// the "subprocess" and "slurm" backends run `perfnasPath trial` with their files in
// <experiment stem>-work/ beside the experiment file, and load the dataset themselves from the
// feature cache the caller filled (passed as PERFNAS_CACHE_DIR when the config names none).
#include <filesystem>
#include <memory>

#include "core/dataset/FeatureSet.h"
#include "core/execution/TrialExecutor.h"
#include "core/search/ExperimentConfig.h"

namespace perfnas {

// `features` must outlive an "inprocess" executor. `perfnasPath` empty: this executable.
std::unique_ptr<TrialExecutor> makeTrialExecutor(const ExperimentConfig& config,
                                                 const FeatureSet& features,
                                                 const std::filesystem::path& experimentFile,
                                                 const std::filesystem::path& perfnasPath = {});

std::filesystem::path trialWorkFolder(const std::filesystem::path& experimentFile);

}  // namespace perfnas
