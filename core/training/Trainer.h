#pragma once
// Trainer: trains the network an ArchitectureSpec describes on a FeatureSet with Adam and a step
// learning-rate schedule, validating periodically; or continues a checkpoint to a longer budget
// (fine-tuning). Synchronous: progress callback from the calling thread, cancellation honoured
// between iterations (well within a second). A NaN/Inf loss ends the run as Diverged; exceptions
// from libtorch become Errors. Runs are deterministic for a seed on one thread.

#include <filesystem>
#include <functional>

#include "core/common/CancelToken.h"
#include "core/common/Result.h"
#include "core/dataset/FeatureSet.h"
#include "core/model/ArchitectureSpec.h"
#include "core/training/TrainingParams.h"
#include "core/training/TrainingResult.h"

namespace perfnas {

using TrainingProgressCallback = std::function<void(const TrainingProgress&)>;

class Trainer {
public:
    static Result<TrainingResult> train(const ArchitectureSpec& spec, const FeatureSet& features,
                                        const TrainingParams& params,
                                        const TrainingProgressCallback& progress = {},
                                        const CancelToken& cancel = {});

    // Continues the checkpoint in `folder` up to params.iterations in total with `params`' schedule
    // (its learning rate, decay, augmentation), writing checkpoints to params.checkpointFolder.
    static Result<TrainingResult> resume(const std::filesystem::path& folder,
                                         const FeatureSet& features, const TrainingParams& params,
                                         const TrainingProgressCallback& progress = {},
                                         const CancelToken& cancel = {});
};

}  // namespace perfnas
