#pragma once
// FeatureSet: a loaded dataset, ready for training: per split the MFCC matrices and labels, and
// for the training split the 1 s waveforms too (augmentation works on audio, then recomputes
// MFCCs); the background-noise recordings; and every file that was skipped, with the reason.

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "core/dataset/DatasetScanner.h"
#include "core/dataset/SplitAssigner.h"

namespace perfnas {

struct SplitData {
    std::vector<std::string> paths;  // relative to the dataset root
    std::vector<std::int32_t> labels;
    std::vector<float> mfcc;              // clips x coefficients x frames
    std::vector<std::int16_t> waveforms;  // clips x 16000, training split only (x 32768)

    std::size_t size() const { return labels.size(); }
};

struct FeatureSet {
    std::vector<std::string> classNames;
    std::array<SplitData, 3> splits;                  // indexed by Split
    std::vector<std::vector<float>> backgroundNoise;  // 16 kHz mono recordings
    std::vector<SkippedFile> skipped;
    bool usesLists = false;
    int coefficients = 40;
    int frames = 32;

    SplitData& split(Split s) { return splits[static_cast<std::size_t>(s)]; }
    const SplitData& split(Split s) const { return splits[static_cast<std::size_t>(s)]; }
};

}  // namespace perfnas
