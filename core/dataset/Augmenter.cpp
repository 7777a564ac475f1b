// Reference: tensorflow/examples/speech_commands/input_data.py, AudioProcessor.get_data():
// time_shift_amount = randint(-shift, shift); positive shifts pad the front, negative the back;
// with probability background_frequency a random background stretch is added at
// uniform(0, background_volume); the sum is clipped to [-1, 1].
#include "core/dataset/Augmenter.h"

#include <algorithm>

namespace perfnas {
namespace {

// SplitMix64: a tiny, well-mixed generator; its output is identical on every platform, unlike
// the std:: distributions.
class SplitMix64 {
public:
    explicit SplitMix64(std::uint64_t seed) : m_state(seed) {}
    std::uint64_t next() {
        std::uint64_t z = (m_state += 0x9E3779B97F4A7C15ULL);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
        return z ^ (z >> 31);
    }
    double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }  // [0, 1)
    std::int64_t integer(std::int64_t low, std::int64_t high) {  // [low, high]
        return low + static_cast<std::int64_t>(next() % static_cast<std::uint64_t>(high - low + 1));
    }

private:
    std::uint64_t m_state;
};

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
    SplitMix64 rng(m_seed * 0x2545F4914F6CDD1DULL ^ sampleKey);
    const auto maxShift = static_cast<std::int64_t>(m_settings.timeShiftMs * m_settings.sampleRateHz / 1000.0);
    const std::int64_t shift = maxShift > 0 ? rng.integer(-maxShift, maxShift) : 0;
    // out[i] = clip[i - shift], zero outside the clip.
    for (std::int64_t i = 0; i < length; ++i) {
        const std::int64_t source = i - shift;
        out[static_cast<std::size_t>(i)] =
            source >= 0 && source < length ? static_cast<float>(clip[static_cast<std::size_t>(source)]) * kPcmScale
                                           : 0.0F;
    }

    const bool addNoise = !m_noise.empty() && rng.uniform() < m_settings.noiseProbability;
    if (!addNoise) return;
    const auto& recording = m_noise[rng.next() % m_noise.size()];
    if (recording.size() < clip.size()) return;
    const std::size_t offset = rng.next() % (recording.size() - clip.size() + 1);
    const auto volume = static_cast<float>(rng.uniform() * m_settings.noiseVolume);
    for (std::size_t i = 0; i < clip.size(); ++i) {
        out[i] = std::clamp(out[i] + volume * recording[offset + i], -1.0F, 1.0F);
    }
}

}  // namespace perfnas
