#pragma once
// BackgroundNoise: the _background_noise_ recordings of the demo dataset, 16 kHz mono scaled to
// kRms. Deterministic (equal arguments, equal samples on any machine); pure, thread-safe.

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "core/common/Result.h"

namespace perfnas {

enum class NoiseColour { White, Pink, Brown, MainsHum };

class BackgroundNoise {
public:
    static constexpr double kRms = 0.1;  // every recording is scaled to this RMS

    static std::vector<float> coloured(NoiseColour colour, std::size_t length, std::uint64_t seed);

    // Talkers (at `talkerRateHz`) looped from random offsets and mixed at random gains.
    // Errors: those of resampling the talkers to 16 kHz.
    static Result<std::vector<float>> babble(std::span<const std::vector<float>> talkers,
                                             int talkerRateHz, std::size_t length,
                                             std::uint64_t seed);
};

}  // namespace perfnas
