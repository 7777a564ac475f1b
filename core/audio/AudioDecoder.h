#pragma once
// AudioDecoder: reads an audio file (WAV of any PCM/float format, FLAC, OGG) through libsndfile,
// downmixes to mono, resamples to 16 kHz with libsamplerate and pads/crops to one second.
// Stateless and thread-safe. Unreadable input is an Error naming the file and the reason.

#include <filesystem>
#include <span>
#include <vector>

#include "core/common/Result.h"

namespace perfnas {

struct MonoAudio {
    std::vector<float> samples;  // in [-1, 1]
    int sampleRateHz = 0;
};

class AudioDecoder {
public:
    static constexpr int kClipRateHz = 16000;
    static constexpr int kClipSamples = 16000;  // one second

    // Decode, downmix, resample, pad with zeros at the end or crop: exactly kClipSamples samples.
    static Result<std::vector<float>> loadClip(const std::filesystem::path& file);

    // Decode and downmix only, at the file's own rate. Zero-length files are errors.
    static Result<MonoAudio> decodeMono(const std::filesystem::path& file);

    static Result<std::vector<float>> resample(std::span<const float> samples, int fromRateHz,
                                               int toRateHz);

    // Zero-pad at the end or crop to `length` samples.
    static void fitToLength(std::vector<float>& samples, std::size_t length);

    // Extensions the dataset scanner treats as audio (lower case, with the dot).
    static bool hasAudioExtension(const std::filesystem::path& file);
};

}  // namespace perfnas
