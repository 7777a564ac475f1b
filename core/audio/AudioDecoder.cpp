#include "core/audio/AudioDecoder.h"

#include <samplerate.h>
#include <sndfile.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <memory>
#include <sstream>
#include <string>

namespace perfnas {
namespace {

struct SndFileCloser {
    void operator()(SNDFILE* file) const { sf_close(file); }
};

Error fileError(const std::filesystem::path& file, const std::string& reason) {
    return makeError(ErrorCode::InvalidInput, file.string() + ": " + reason);
}

// libsndfile quietly shortens a WAV whose data chunk runs past the end of the file; its parse log
// keeps the evidence as "data : 32000 (should be 1000)". A cut-off clip is damaged input.
std::string truncationNote(SNDFILE* handle) {
    std::string log(4096, '\0');
    sf_command(handle, SFC_GET_LOG_INFO, log.data(), static_cast<int>(log.size()));
    std::istringstream lines(log.c_str());
    for (std::string line; std::getline(lines, line);) {
        const auto shouldBe = line.find("(should be");
        if (line.starts_with("data") && shouldBe != std::string::npos) {
            const std::string promised =
                line.substr(line.find(':') + 1, shouldBe - line.find(':') - 1);
            const std::string present =
                line.substr(shouldBe + 10, line.find(')', shouldBe) - shouldBe - 10);
            return "truncated: the header promises" + promised +
                   "bytes of samples, the file holds" + present;
        }
    }
    return {};
}

}  // namespace

Result<MonoAudio> AudioDecoder::decodeMono(const std::filesystem::path& file) {
    std::error_code ec;
    if (!std::filesystem::exists(file, ec)) {
        return makeError(ErrorCode::NotFound, file.string() + ": no such file");
    }
    if (std::filesystem::is_directory(file, ec)) {
        return fileError(file, "is a folder, expected an audio file");
    }
    const auto bytes = std::filesystem::file_size(file, ec);
    if (!ec && bytes == 0) return fileError(file, "empty file (0 bytes)");

    SF_INFO info{};
    std::unique_ptr<SNDFILE, SndFileCloser> handle(sf_open(file.c_str(), SFM_READ, &info));
    if (!handle) {
        return fileError(file, std::string("not a readable audio file (libsndfile: ") +
                                   sf_strerror(nullptr) + ")");
    }
    if (info.channels <= 0 || info.samplerate <= 0) {
        return fileError(file, "invalid header (no channels or sample rate)");
    }
    if (const std::string truncated = truncationNote(handle.get()); !truncated.empty()) {
        return fileError(file, truncated);
    }
    if (info.frames <= 0) return fileError(file, "contains no audio samples (zero length)");

    // Read in blocks instead of allocating the header's frame count up front: a damaged header can
    // promise more frames than memory holds (found by tests/fuzz AudioDecoderFuzzer).
    constexpr sf_count_t kBlockFrames = 4096;
    const auto channels = static_cast<std::size_t>(info.channels);
    std::vector<float> interleaved(static_cast<std::size_t>(kBlockFrames) * channels);
    MonoAudio audio{.sampleRateHz = info.samplerate};
    const float scale = 1.0F / static_cast<float>(channels);
    for (sf_count_t got;
         (got = sf_readf_float(handle.get(), interleaved.data(), kBlockFrames)) > 0;) {
        for (std::size_t frame = 0; frame < static_cast<std::size_t>(got); ++frame) {
            float sum = 0.0F;
            for (std::size_t c = 0; c < channels; ++c) sum += interleaved[frame * channels + c];
            const float mono = channels == 1 ? sum : sum * scale;
            if (!std::isfinite(mono)) {
                return fileError(file, "sample " + std::to_string(audio.samples.size()) +
                                           " is not a finite number");
            }
            audio.samples.push_back(mono);
        }
    }
    const auto framesRead = static_cast<sf_count_t>(audio.samples.size());
    if (framesRead <= 0)
        return fileError(file, "truncated: header promises samples, none could be read");
    if (framesRead < info.frames) {
        return fileError(file, "truncated: read " + std::to_string(framesRead) + " of " +
                                   std::to_string(info.frames) + " frames");
    }
    return audio;
}

Result<std::vector<float>> AudioDecoder::resample(std::span<const float> samples, int fromRateHz,
                                                  int toRateHz) {
    if (fromRateHz == toRateHz) return std::vector<float>(samples.begin(), samples.end());
    const double ratio = static_cast<double>(toRateHz) / fromRateHz;
    // Checked before sizing the output: a bogus rate (1 Hz) would otherwise ask for gigabytes.
    if (fromRateHz <= 0 || toRateHz <= 0 || !src_is_valid_ratio(ratio)) {
        return makeError(
            ErrorCode::InvalidInput,
            "resampling " + std::to_string(fromRateHz) + " Hz -> " + std::to_string(toRateHz) +
                " Hz is not supported (libsamplerate converts ratios from 1/256 to 256)");
    }
    std::vector<float> output(static_cast<std::size_t>(std::ceil(samples.size() * ratio)) + 16);
    SRC_DATA data{};
    data.data_in = samples.data();
    data.input_frames = static_cast<long>(samples.size());
    data.data_out = output.data();
    data.output_frames = static_cast<long>(output.size());
    data.src_ratio = ratio;
    if (const int rc = src_simple(&data, SRC_SINC_MEDIUM_QUALITY, /*channels=*/1); rc != 0) {
        return makeError(ErrorCode::Internal,
                         std::string("resampling ") + std::to_string(fromRateHz) + " Hz -> " +
                             std::to_string(toRateHz) + " Hz failed: " + src_strerror(rc));
    }
    output.resize(static_cast<std::size_t>(data.output_frames_gen));
    return output;
}

void AudioDecoder::fitToLength(std::vector<float>& samples, std::size_t length) {
    samples.resize(length, 0.0F);
}

Result<std::vector<float>> AudioDecoder::loadClip(const std::filesystem::path& file) {
    auto decoded = decodeMono(file);
    if (!decoded) return decoded.error();
    std::vector<float> samples = std::move(decoded->samples);
    if (decoded->sampleRateHz != kClipRateHz) {
        auto resampled = resample(samples, decoded->sampleRateHz, kClipRateHz);
        if (!resampled) return fileError(file, resampled.error().message);
        samples = std::move(*resampled);
    }
    fitToLength(samples, kClipSamples);
    return samples;
}

bool AudioDecoder::hasAudioExtension(const std::filesystem::path& file) {
    std::string extension = file.extension().string();
    std::transform(extension.begin(), extension.end(), extension.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    static constexpr std::array<std::string_view, 3> kExtensions = {".wav", ".flac", ".ogg"};
    return std::find(kExtensions.begin(), kExtensions.end(), extension) != kExtensions.end();
}

}  // namespace perfnas
