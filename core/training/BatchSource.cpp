#include "core/training/BatchSource.h"

#include <algorithm>
#include <cmath>

#include "core/common/Random.h"

namespace perfnas {

InputNormalization InputNormalization::fromTraining(const FeatureSet& features) {
    const std::vector<float>& values = features.split(Split::Training).mfcc;
    if (values.empty()) return {};
    double sum = 0.0;
    double squares = 0.0;
    for (float v : values) {
        sum += v;
        squares += static_cast<double>(v) * v;
    }
    const double mean = sum / static_cast<double>(values.size());
    const double variance =
        std::max(squares / static_cast<double>(values.size()) - mean * mean, 1e-12);
    return {.mean = static_cast<float>(mean), .stdDev = static_cast<float>(std::sqrt(variance))};
}

BatchSource::BatchSource(const FeatureSet& features, const AugmentationSettings& augmentation,
                         const InputNormalization& normalization, std::uint64_t seed, int batchSize,
                         const MfccSettings& mfcc)
    : m_features(features),
      m_augmenter(augmentation, features.backgroundNoise, seed),
      m_normalization(normalization),
      m_seed(seed),
      m_batchSize(batchSize),
      m_extractor(mfcc) {}

std::size_t BatchSource::inputsPerBatch() const {
    return static_cast<std::size_t>(m_batchSize) *
           static_cast<std::size_t>(m_features.coefficients) *
           static_cast<std::size_t>(m_features.frames);
}

void BatchSource::fill(std::int64_t batchIndex, std::span<float> inputs,
                       std::span<std::int64_t> labels) {
    const SplitData& training = m_features.split(Split::Training);
    const std::size_t perClip =
        static_cast<std::size_t>(m_features.coefficients * m_features.frames);
    const std::size_t clipSamples =
        training.size() ? training.waveforms.size() / training.size() : 0;
    const float scale = 1.0F / m_normalization.stdDev;
    const bool augment = m_augmenter.settings().enabled && clipSamples > 0;
    m_waveform.resize(clipSamples);
    for (int b = 0; b < m_batchSize; ++b) {
        const std::uint64_t key =
            static_cast<std::uint64_t>(batchIndex) * static_cast<std::uint64_t>(m_batchSize) +
            static_cast<std::uint64_t>(b);
        const std::size_t clip = streamSeed(m_seed, key) % training.size();
        labels[static_cast<std::size_t>(b)] = training.labels[clip];
        std::span<float> out = inputs.subspan(static_cast<std::size_t>(b) * perClip, perClip);
        if (augment) {
            m_augmenter.apply(
                std::span(training.waveforms).subspan(clip * clipSamples, clipSamples), m_waveform,
                key);
            m_extractor.compute(m_waveform, out);
        } else {
            std::copy_n(training.mfcc.begin() + static_cast<std::ptrdiff_t>(clip * perClip),
                        perClip, out.begin());
        }
        for (float& v : out) v = (v - m_normalization.mean) * scale;
    }
}

}  // namespace perfnas
