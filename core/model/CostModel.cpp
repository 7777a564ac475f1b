// Reference: the paper, Section III, Eq. 1 (FPOPS) and Eq. 2 (parameters); docs/method.md,
// Definitions.
#include "core/model/CostModel.h"

#include <algorithm>

namespace perfnas {

ModelCost CostModel::evaluate(const ArchitectureSpec& spec) {
    ModelCost cost;
    int height = spec.inputHeight;
    int width = spec.inputWidth;
    int channels = 1;
    std::int64_t previousActivation = static_cast<std::int64_t>(height) * width;
    for (const ConvUnit& unit : spec.units) {
        UnitCost u{.inputHeight = height, .inputWidth = width, .inputChannels = channels};
        u.outputHeight = (height + unit.stride[0] - 1) / unit.stride[0];  // ceil(H / Sh)
        u.outputWidth = (width + unit.stride[1] - 1) / unit.stride[1];
        const std::int64_t outputPositions =
            static_cast<std::int64_t>(u.outputHeight) * u.outputWidth;
        const std::int64_t kernel = static_cast<std::int64_t>(unit.kh) * unit.kw;
        u.fpops = std::int64_t{unit.filters} * channels * outputPositions * (2 * kernel + 1);
        u.params = std::int64_t{unit.filters} * channels * kernel;
        u.activationFloats = outputPositions * unit.filters;
        cost.peakActivationBytes = std::max(
            cost.peakActivationBytes, (previousActivation + u.activationFloats) * std::int64_t{4});
        cost.fpops += u.fpops;
        cost.params += u.params;
        cost.units.push_back(u);
        previousActivation = u.activationFloats;
        height = u.outputHeight;
        width = u.outputWidth;
        channels = unit.filters;
    }
    return cost;
}

}  // namespace perfnas
