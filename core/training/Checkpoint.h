#pragma once
// Checkpoint: a folder that holds everything needed to continue training or to evaluate a
// network — checkpoint.json (spec, classes, input normalization, iteration, hyper-parameters,
// MFCC settings), model.pt (weights + batch-norm statistics) and optimizer.pt (Adam state).
// checkpoint.json is written last through a rename, so a folder with it is complete.

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "core/common/Result.h"
#include "core/model/ArchitectureSpec.h"
#include "core/model/StepPlan.h"
#include "core/training/BatchSource.h"
#include "core/training/TrainingParams.h"

namespace perfnas {

struct CheckpointInfo {
    ArchitectureSpec spec;
    std::vector<std::string> classNames;
    InputNormalization normalization;
    std::string mfccSettings;  // MfccSettings::key() of the features it was trained on
    int iteration = 0;         // iterations completed
    TrainingParams params;
    double validationTop1 = 0.0;
    // How the steps ran; a continuation runs the same way, so that it equals an uninterrupted run.
    StepPlan stepPlan;
};

class Checkpoint {
public:
    static std::filesystem::path infoFile(const std::filesystem::path& folder);
    static std::filesystem::path modelFile(const std::filesystem::path& folder);
    static std::filesystem::path optimizerFile(const std::filesystem::path& folder);

    static Status writeInfo(const std::filesystem::path& folder, const CheckpointInfo& info);
    // An error names the folder and what is missing or malformed.
    static Result<CheckpointInfo> readInfo(const std::filesystem::path& folder);
};

}  // namespace perfnas
