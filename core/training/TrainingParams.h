#pragma once
// TrainingParams: how one network is trained. Defaults are the paper's search budget (8,000
// iterations of Adam at lr 1e-3, batch 25); fullBudget() is its fine-tuning budget (40,000 at
// lr 5e-4, x0.3 every 10,000).

#include <cstdint>
#include <filesystem>
#include <string>

#include "core/common/Result.h"
#include "core/dataset/Augmenter.h"

namespace perfnas {

struct TrainingParams {
    int iterations = 8000;
    int batchSize = 25;
    double learningRate = 1e-3;
    double decayFactor = 1.0;  // step schedule: lr *= decayFactor every decayEvery iterations
    int decayEvery = 0;        // 0: constant learning rate
    int validateEvery = 500;   // validation TOP-1 and loss for the curve; 0: only at the end
    int checkpointEvery = 1000;
    std::uint64_t seed = 1;
    int threads = 0;  // libtorch intra-op threads; 0: every hardware thread
    // "auto": the StepPlan measured fastest for this CPU, architecture and thread count
    // (core/training/StepCalibration.h); or a plan's name to fix it.
    std::string stepPlan = "auto";
    AugmentationSettings augmentation;
    std::filesystem::path checkpointFolder;  // empty: no checkpoints

    static TrainingParams fullBudget() {
        return {.iterations = 40000, .learningRate = 5e-4, .decayFactor = 0.3, .decayEvery = 10000};
    }

    double learningRateAt(int iteration) const;

    // {"iterations", "batch_size", "learning_rate", "decay_factor", "decay_every",
    // "validate_every",
    //  "checkpoint_every", "seed", "threads", "step_plan", "augmentation": {...},
    //  "checkpoint_folder"}; missing
    // keys keep their defaults, unknown keys are errors.
    std::string toJson() const;
    static Result<TrainingParams> fromJson(const std::string& text);
};

}  // namespace perfnas
