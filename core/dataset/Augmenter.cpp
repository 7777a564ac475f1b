// Reference: tensorflow/examples/speech_commands/input_data.py, AudioProcessor.get_data():
// time_shift_amount = randint(-shift, shift); positive shifts pad the front, negative the back;
// with probability background_frequency a random background stretch is added at
// uniform(0, background_volume); the sum is clipped to [-1, 1].
#include "core/dataset/Augmenter.h"

#include <algorithm>

#include "core/common/Random.h"

namespace perfnas {
namespace {

constexpr float kPcmScale = 1.0F / 32768.0F;

}  // namespace

Augmenter::Augmenter(const AugmentationSettings& settings,
                     const std::vector<std::vector<float>>& backgroundNoise, std::uint64_t seed)
    : m_settings(settings), m_noise(backgroundNoise), m_seed(seed) {}

void Augmenter::apply(std::span<const std::int16_t> clip, std::span<float> out,
                      std::uint64_t sampleKey) const {
    const auto length = static_cast<std::int64_t>(clip.size());
    if (!m_settings.enabled) {
        std::transform(clip.begin(), clip.end(), out.begin(),
                       [](std::int16_t s) { return static_cast<float>(s) * kPcmScale; });
        return;
    }
    Random rng(streamSeed(m_seed, sampleKey));
    const auto maxShift =
        static_cast<std::int64_t>(m_settings.timeShiftMs * m_settings.sampleRateHz / 1000.0);
    const std::int64_t shift = maxShift > 0 ? rng.between(-maxShift, maxShift) : 0;
    // out[i] = clip[i - shift], zero outside the clip.
    for (std::int64_t i = 0; i < length; ++i) {
        const std::int64_t source = i - shift;
        out[static_cast<std::size_t>(i)] =
            source >= 0 && source < length
                ? static_cast<float>(clip[static_cast<std::size_t>(source)]) * kPcmScale
                : 0.0F;
    }

    const bool addNoise = !m_noise.empty() && rng.unit() < m_settings.noiseProbability;
    if (!addNoise) return;
    const auto& recording = m_noise[rng.bits64() % m_noise.size()];
    if (recording.size() < clip.size()) return;
    const std::size_t offset = rng.bits64() % (recording.size() - clip.size() + 1);
    const auto volume = static_cast<float>(rng.unit() * m_settings.noiseVolume);
    for (std::size_t i = 0; i < clip.size(); ++i) {
        out[i] = std::clamp(out[i] + volume * recording[offset + i], -1.0F, 1.0F);
    }
}

}  // namespace perfnas
