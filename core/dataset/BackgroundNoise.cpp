#include "core/dataset/BackgroundNoise.h"

// Pink noise: Paul Kellet's economy filter (three first-order sections, coefficients as published
// at musicdsp.org). Brown noise: a leaky integrator, y = (y + 0.02 x) / 1.02 per sample. Mains hum:
// 50 or 60 Hz with 8 harmonics, amplitude 1/h for odd and 1/h^1.6 for even h, over 1 % white hiss.

#include <algorithm>
#include <cmath>
#include <random>

#include "core/audio/AudioDecoder.h"
#include "core/common/Random.h"

namespace perfnas {
namespace {

constexpr int kRateHz = AudioDecoder::kClipRateHz;

void normalizeRms(std::vector<float>& samples, double targetRms) {
    double energy = 0, peak = 0;
    for (float x : samples) energy += double(x) * x, peak = std::max(peak, double(std::fabs(x)));
    if (energy <= 0) return;
    const double gain = std::min(targetRms / std::sqrt(energy / samples.size()), 0.98 / peak);
    for (float& x : samples) x = static_cast<float>(x * gain);
}

}  // namespace

std::vector<float> BackgroundNoise::coloured(NoiseColour colour, std::size_t length,
                                             std::uint64_t seed) {
    Random random(seed);
    std::vector<float> out(length);
    double b0 = 0, b1 = 0, b2 = 0, phases[8];
    const double mainsHz = random.unit() < 0.5 ? 50.0 : 60.0;
    for (double& phase : phases) phase = random.uniform(0, 2 * M_PI);
    for (std::size_t i = 0; i < length; ++i) {
        const double white = random.uniform(-1, 1);
        double y = white;
        if (colour == NoiseColour::Pink) {
            b0 = 0.99765 * b0 + white * 0.0990460;
            b1 = 0.96300 * b1 + white * 0.2965164;
            b2 = 0.57000 * b2 + white * 1.0526913;
            y = b0 + b1 + b2 + white * 0.1848;
        } else if (colour == NoiseColour::Brown) {
            y = b0 = (b0 + 0.02 * white) / 1.02;
        } else if (colour == NoiseColour::MainsHum) {
            y = 0.01 * white;
            for (int h = 1; h <= 8; ++h) {
                const double angle = 2 * M_PI * mainsHz * h * double(i) / kRateHz;
                y += std::sin(angle + phases[h - 1]) / std::pow(h, h % 2 ? 1.0 : 1.6);
            }
        }
        out[i] = static_cast<float>(y);
    }
    normalizeRms(out, kRms);
    return out;
}

// Several talkers reading random words, looped and overlapped: a cafe-like babble track.
Result<std::vector<float>> BackgroundNoise::babble(std::span<const std::vector<float>> talkers,
                                                   int talkerRateHz, std::size_t length,
                                                   std::uint64_t seed) {
    Random random(seed);
    std::vector<float> mix(length, 0.0F);
    for (const std::vector<float>& voice : talkers) {
        auto talker = AudioDecoder::resample(voice, talkerRateHz, kRateHz);
        if (!talker) return talker.error();
        normalizeRms(*talker, kRms);
        const double gain = random.uniform(0.5, 1.0);
        const std::size_t shift = random.below(talker->size());
        for (std::size_t i = 0; i < length; ++i) {
            mix[i] += static_cast<float>(gain * (*talker)[(i + shift) % talker->size()]);
        }
    }
    normalizeRms(mix, kRms);
    return mix;
}

}  // namespace perfnas
