#pragma once
// Builds small Speech Commands-layout datasets on disk for tests: tones and noise written as real
// WAV files, plus the broken files a dataset load must survive.

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <numbers>
#include <string>
#include <vector>

#include "core/audio/WavWriter.h"
#include "core/dataset/SplitAssigner.h"

namespace perfnas::test {

// A clip whose pitch depends on the word, so classes differ; `variant` changes level, phase and
// a little deterministic noise, so clips of one word differ the way takes of a speaker do.
inline std::vector<float> toneClip(double frequencyHz, double seconds, int variant,
                                   int sampleRateHz = 16000) {
    std::vector<float> samples(static_cast<std::size_t>(seconds * sampleRateHz));
    const double level = 0.15 + 0.05 * (variant % 5);
    const double phase = 0.7 * variant;
    std::uint32_t noise = 2463534242U + static_cast<std::uint32_t>(variant) * 7919U;  // xorshift32
    for (std::size_t i = 0; i < samples.size(); ++i) {
        noise ^= noise << 13;
        noise ^= noise >> 17;
        noise ^= noise << 5;
        const double t = static_cast<double>(i) / sampleRateHz;
        samples[i] =
            static_cast<float>(level * std::sin(2 * std::numbers::pi * frequencyHz * t + phase) +
                               0.01 * (static_cast<double>(noise) / 4294967296.0 - 0.5));
    }
    return samples;
}

inline void writeClip(const std::filesystem::path& file, const std::vector<float>& samples,
                      int sampleRateHz = 16000) {
    std::filesystem::create_directories(file.parent_path());
    auto written = WavWriter::writePcm16(file, samples, sampleRateHz);
    if (!written) throw std::runtime_error(written.error().message);
}

inline void writeText(const std::filesystem::path& file, const std::string& text) {
    std::filesystem::create_directories(file.parent_path());
    std::ofstream(file, std::ios::binary) << text;
}

// `clipsPerWord` clips per word from speakers s0..s{n-1}; speaker 0 is listed for validation and
// speaker 1 for testing when `withLists`.
inline void makeKeywordDataset(const std::filesystem::path& root,
                               const std::vector<std::string>& words, int clipsPerWord,
                               bool withLists = true) {
    std::string validation;
    std::string testing;
    for (std::size_t w = 0; w < words.size(); ++w) {
        for (int n = 0; n < clipsPerWord; ++n) {
            const std::string name = "s" + std::to_string(n) + "_nohash_0.wav";
            writeClip(root / words[w] / name,
                      toneClip(300.0 + 150.0 * static_cast<double>(w), 1.0, n));
            if (n == 0) validation += words[w] + "/" + name + "\n";
            if (n == 1) testing += words[w] + "/" + name + "\n";
        }
    }
    if (withLists) {
        writeText(root / "validation_list.txt", validation);
        writeText(root / "testing_list.txt", testing);
    }
}

// Lists every clip of `words` in testing_list.txt and none in validation_list.txt: a folder like
// Speech Commands' separate test set, with nothing for training or validation.
inline void listEveryClipForTesting(const std::filesystem::path& root,
                                    const std::vector<std::string>& words) {
    std::string testing;
    for (const std::string& word : words) {
        for (const auto& entry : std::filesystem::directory_iterator(root / word)) {
            testing += word + "/" + entry.path().filename().string() + "\n";
        }
    }
    writeText(root / "validation_list.txt", "");
    writeText(root / "testing_list.txt", testing);
}

// Like makeKeywordDataset without lists, but from speakers that Speech Commands' hash rule puts in
// `split`: a folder of new recordings whose clips all land in one split.
inline void makeOneSplitDataset(const std::filesystem::path& root,
                                const std::vector<std::string>& words, int clipsPerWord,
                                Split split) {
    int made = 0;
    for (int speaker = 0; made < clipsPerWord; ++speaker) {
        const std::string name = "p" + std::to_string(speaker) + "_nohash_0.wav";
        if (SplitAssigner::hashRule(name) != split) continue;
        for (std::size_t w = 0; w < words.size(); ++w) {
            writeClip(root / words[w] / name,
                      toneClip(300.0 + 150.0 * static_cast<double>(w), 1.0, made));
        }
        ++made;
    }
}

}  // namespace perfnas::test
