#pragma once
// Evaluator: TOP-1 accuracy and loss of a trained network on one split of a FeatureSet — a model
// trained on one dataset folder can be tested on another in the same layout, as long as the class
// names match. Synchronous; errors name the checkpoint folder and the mismatch.

#include <filesystem>
#include <vector>

#include "core/common/Result.h"
#include "core/dataset/FeatureSet.h"

namespace perfnas {

struct EvaluationResult {
    double top1 = 0.0;  // fraction correct
    double loss = 0.0;  // mean cross-entropy
    std::size_t samples = 0;
    std::vector<std::vector<int>> confusion;  // [true class][predicted class]
};

class Evaluator {
public:
    static Result<EvaluationResult> evaluateCheckpoint(
        const std::filesystem::path& checkpointFolder, const FeatureSet& features, Split split,
        int threads = 0);
    // The same over every split together.
    static Result<EvaluationResult> evaluateCheckpointOnAll(
        const std::filesystem::path& checkpointFolder, const FeatureSet& features, int threads = 0);
};

}  // namespace perfnas
