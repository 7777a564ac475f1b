#pragma once
// WavWriter: writes mono 16-bit PCM WAV files through libsndfile. Samples are clipped to [-1, 1]
// (NaN becomes 0) and rounded to the nearest 16-bit value, so equal input gives equal bytes.
// Stateless and thread-safe; failures are Errors naming the file and the reason.

#include <filesystem>
#include <span>

#include "core/common/Result.h"

namespace perfnas {

class WavWriter {
public:
    static Status writePcm16(const std::filesystem::path& file, std::span<const float> samples,
                             int sampleRateHz);
};

}  // namespace perfnas
