#include "core/audio/WavWriter.h"

#include <sndfile.h>

#include <cmath>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace perfnas {
namespace {

struct SndFileCloser {
    void operator()(SNDFILE* file) const { sf_close(file); }
};

Error writeError(const std::filesystem::path& file, ErrorCode code, const std::string& reason) {
    return makeError(code, file.string() + ": " + reason);
}

// Our own float -> int16 conversion (instead of libsndfile's) fixes the scaling and clipping rule:
// x * 32767 rounded to nearest, symmetric, never wrapping.
std::int16_t toPcm16(float sample) {
    if (!(sample == sample)) return 0;  // NaN
    const float clipped = sample > 1.0F ? 1.0F : (sample < -1.0F ? -1.0F : sample);
    return static_cast<std::int16_t>(std::lround(clipped * 32767.0F));
}

}  // namespace

Status WavWriter::writePcm16(const std::filesystem::path& file, std::span<const float> samples,
                             int sampleRateHz) {
    if (sampleRateHz <= 0) {
        return writeError(file, ErrorCode::InvalidInput,
                          "invalid sample rate " + std::to_string(sampleRateHz) + " Hz");
    }
    SF_INFO info{};
    info.samplerate = sampleRateHz;
    info.channels = 1;
    info.format = SF_FORMAT_WAV | SF_FORMAT_PCM_16;
    std::unique_ptr<SNDFILE, SndFileCloser> handle(sf_open(file.c_str(), SFM_WRITE, &info));
    if (!handle) {
        return writeError(
            file, ErrorCode::IoFailure,
            std::string("cannot create WAV file (libsndfile: ") + sf_strerror(nullptr) + ")");
    }

    std::vector<std::int16_t> pcm(samples.size());
    for (std::size_t i = 0; i < samples.size(); ++i) pcm[i] = toPcm16(samples[i]);
    const auto frames = static_cast<sf_count_t>(pcm.size());
    if (sf_write_short(handle.get(), pcm.data(), frames) != frames) {
        return writeError(
            file, ErrorCode::IoFailure,
            std::string("short write (libsndfile: ") + sf_strerror(handle.get()) + ")");
    }
    // sf_close finalises the header sizes; its error is the last chance to see a full disk.
    if (const int rc = sf_close(handle.release()); rc != 0) {
        return writeError(file, ErrorCode::IoFailure,
                          std::string("closing failed (libsndfile: ") + sf_error_number(rc) + ")");
    }
    return Done{};
}

}  // namespace perfnas
