#pragma once
// BatchSource: training batches from a FeatureSet — random clips of the training split, augmented
// in the waveform domain and turned into normalized MFCCs (or the cached MFCCs when augmentation is
// off). Batch n depends only on (seed, n), so a resumed run sees the same data as an uninterrupted
// one. One fill() at a time (it owns one MFCC extractor); the trainer runs it one batch ahead.

#include <cstdint>
#include <memory>
#include <span>

#include "core/audio/MfccExtractor.h"
#include "core/dataset/Augmenter.h"
#include "core/dataset/FeatureSet.h"

namespace perfnas {

struct InputNormalization {
    float mean = 0.0F;
    float stdDev = 1.0F;

    // Scalar mean and standard deviation of every training MFCC value.
    static InputNormalization fromTraining(const FeatureSet& features);
};

class BatchSource {
public:
    BatchSource(const FeatureSet& features, const AugmentationSettings& augmentation,
                const InputNormalization& normalization, std::uint64_t seed, int batchSize,
                const MfccSettings& mfcc = {});

    // inputs: batchSize x coefficients x frames; labels: batchSize.
    void fill(std::int64_t batchIndex, std::span<float> inputs, std::span<std::int64_t> labels);

    int batchSize() const { return m_batchSize; }
    std::size_t inputsPerBatch() const;

private:
    const FeatureSet& m_features;
    Augmenter m_augmenter;
    InputNormalization m_normalization;
    std::uint64_t m_seed;
    int m_batchSize;
    MfccExtractor m_extractor;
    std::vector<float> m_waveform;
};

}  // namespace perfnas
