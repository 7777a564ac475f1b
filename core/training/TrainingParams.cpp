#include "core/training/TrainingParams.h"

#include <cmath>

#include "core/common/JsonFields.h"
#include "core/model/StepPlan.h"

namespace perfnas {

double TrainingParams::learningRateAt(int iteration) const {
    if (decayEvery <= 0) return learningRate;
    return learningRate * std::pow(decayFactor, iteration / decayEvery);
}

std::string TrainingParams::toJson() const {
    const nlohmann::json document = {{"iterations", iterations},
                                     {"batch_size", batchSize},
                                     {"learning_rate", learningRate},
                                     {"decay_factor", decayFactor},
                                     {"decay_every", decayEvery},
                                     {"validate_every", validateEvery},
                                     {"checkpoint_every", checkpointEvery},
                                     {"seed", seed},
                                     {"threads", threads},
                                     {"step_plan", stepPlan},
                                     {"augmentation",
                                      {{"enabled", augmentation.enabled},
                                       {"time_shift_ms", augmentation.timeShiftMs},
                                       {"noise_probability", augmentation.noiseProbability},
                                       {"noise_volume", augmentation.noiseVolume}}},
                                     {"checkpoint_folder", checkpointFolder.string()}};
    return document.dump();
}

Result<TrainingParams> TrainingParams::fromJson(const std::string& text) {
    auto document = parseJson(text, "training parameters");
    if (!document) return document.error();
    TrainingParams params;
    JsonFields fields(*document, "training");
    fields.optional("iterations", params.iterations)
        .optional("batch_size", params.batchSize)
        .optional("learning_rate", params.learningRate)
        .optional("decay_factor", params.decayFactor)
        .optional("decay_every", params.decayEvery)
        .optional("validate_every", params.validateEvery)
        .optional("checkpoint_every", params.checkpointEvery)
        .optional("seed", params.seed)
        .optional("threads", params.threads)
        .optional("step_plan", params.stepPlan)
        .optional("checkpoint_folder", params.checkpointFolder);
    if (const nlohmann::json* augmentation = fields.child("augmentation")) {
        AugmentationSettings& a = params.augmentation;
        JsonFields augmentationFields(*augmentation, fields.path("augmentation"));
        augmentationFields.optional("enabled", a.enabled)
            .optional("time_shift_ms", a.timeShiftMs)
            .optional("noise_probability", a.noiseProbability)
            .optional("noise_volume", a.noiseVolume);
        if (auto status = augmentationFields.finish(); !status) return status.error();
    }
    if (auto status = fields.finish(); !status) return status.error();
    if (params.iterations <= 0)
        return makeError(ErrorCode::InvalidInput, "training.iterations: must be positive");
    if (params.batchSize <= 0)
        return makeError(ErrorCode::InvalidInput, "training.batch_size: must be positive");
    if (!(params.learningRate > 0.0)) {
        return makeError(ErrorCode::InvalidInput, "training.learning_rate: must be positive");
    }
    if (params.stepPlan != "auto" && !StepPlan::parse(params.stepPlan)) {
        return makeError(ErrorCode::InvalidInput,
                         "training.step_plan: expected auto, nhwc-fused, nhwc-library or "
                         "nchw-library, got \"" +
                             params.stepPlan + "\"");
    }
    if (params.decayEvery < 0 || !(params.decayFactor > 0.0)) {
        return makeError(ErrorCode::InvalidInput,
                         "training.decay_factor / decay_every: the factor must be positive and the "
                         "interval >= 0");
    }
    return params;
}

}  // namespace perfnas
