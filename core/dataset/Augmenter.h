#pragma once
// Augmenter: training-time waveform augmentation as in Speech Commands' input_data.py — a random
// time shift (zero fill) and, with some probability, a random stretch of background noise mixed in
// at a random volume. Deterministic: the output depends only on (settings, seed, sampleKey), so
// results do not depend on thread count or order. Immutable after construction; thread-safe.

#include <cstdint>
#include <span>
#include <vector>

namespace perfnas {

struct AugmentationSettings {
    bool enabled = true;
    double timeShiftMs = 100.0;     // shift drawn uniformly from [-timeShiftMs, +timeShiftMs]
    double noiseProbability = 0.8;  // chance that a clip gets background noise
    double noiseVolume = 0.1;       // noise gain drawn uniformly from [0, noiseVolume]
    int sampleRateHz = 16000;
};

class Augmenter {
public:
    // `backgroundNoise` must outlive the augmenter.
    Augmenter(const AugmentationSettings& settings,
              const std::vector<std::vector<float>>& backgroundNoise, std::uint64_t seed);

    // Writes the augmented clip (same length as `clip`, PCM16 scaled by 1/32768) into `out`.
    // `sampleKey` identifies the draw (e.g. iteration * batch + position).
    void apply(std::span<const std::int16_t> clip, std::span<float> out,
               std::uint64_t sampleKey) const;

    const AugmentationSettings& settings() const { return m_settings; }

private:
    AugmentationSettings m_settings;
    const std::vector<std::vector<float>>& m_noise;
    std::uint64_t m_seed;
};

}  // namespace perfnas
