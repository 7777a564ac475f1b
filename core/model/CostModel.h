#pragma once
// CostModel: the paper's inference cost of an ArchitectureSpec. Per conv unit (Eq. 1)
// FPOPS = M * C * ceil(H/Sh) * ceil(W/Sw) * (2 * kh * kw + 1) and (Eq. 2) params = M * C * kh * kw,
// with C input channels and H x W the unit's input ("same" padding). Pure function of the spec.

#include <cstdint>
#include <vector>

#include "core/model/ArchitectureSpec.h"

namespace perfnas {

struct UnitCost {
    int inputHeight = 0;
    int inputWidth = 0;
    int inputChannels = 0;
    int outputHeight = 0;
    int outputWidth = 0;
    std::int64_t fpops = 0;
    std::int64_t params = 0;            // conv weights (Eq. 2)
    std::int64_t activationFloats = 0;  // output feature map size
};

struct ModelCost {
    std::vector<UnitCost> units;
    std::int64_t fpops = 0;   // sum over conv units
    std::int64_t params = 0;  // sum of conv weights
    // Largest input + output feature maps alive at once during batch-1 inference, in bytes
    // (float32).
    std::int64_t peakActivationBytes = 0;

    double mfpops() const { return static_cast<double>(fpops) / 1e6; }
};

class CostModel {
public:
    // The spec must be valid (ArchitectureSpec::validate()).
    static ModelCost evaluate(const ArchitectureSpec& spec);
};

}  // namespace perfnas
