#pragma once
// StepPlan: how KwsNetwork executes a training step on the CPU. Which one is fastest depends on the
// CPU (oneDNN's kernels per instruction set), the architecture and the thread count: on an Intel
// Xeon channels-last weights and the fused batch-norm + ReLU trained the paper seed 1.2-1.3x faster
// than PyTorch's defaults, on an AMD Zen 4 they were slower at one thread. So a trainer measures
// the candidates (core/training/StepCalibration.h) instead of fixing one. All plans compute the
// same function; they differ in rounding only.
#include <array>
#include <optional>
#include <string>

namespace perfnas {

enum class TensorLayout {
    ChannelsLast,  // NHWC weights and activations: oneDNN's native layout, what the fused loops
                   // read
    Contiguous     // NCHW, libtorch's default
};

enum class BatchNormKernel {
    Fused,   // one autograd function over our loops (core/model/BatchNormRelu.h)
    Library  // torch's batch_norm followed by relu
};

struct StepPlan {
    TensorLayout layout = TensorLayout::ChannelsLast;
    BatchNormKernel batchNorm = BatchNormKernel::Fused;

    bool operator==(const StepPlan&) const = default;

    // "nhwc-fused", "nhwc-library", "nchw-library"
    std::string name() const {
        return std::string(layout == TensorLayout::ChannelsLast ? "nhwc" : "nchw") +
               (batchNorm == BatchNormKernel::Fused ? "-fused" : "-library");
    }
    static std::optional<StepPlan> parse(const std::string& name) {
        for (const StepPlan& plan : candidates()) {
            if (plan.name() == name) return plan;
        }
        return std::nullopt;
    }
    // The plans worth measuring. The fused loops need channels-last activations, so "nchw-fused"
    // would pay a reorder per unit and is left out.
    static constexpr std::array<StepPlan, 3> candidates() {
        return {StepPlan{TensorLayout::ChannelsLast, BatchNormKernel::Fused},
                StepPlan{TensorLayout::ChannelsLast, BatchNormKernel::Library},
                StepPlan{TensorLayout::Contiguous, BatchNormKernel::Library}};
    }
};

}  // namespace perfnas
