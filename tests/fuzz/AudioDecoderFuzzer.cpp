// The audio loader on arbitrary bytes (a dataset is outside input): AudioDecoder::loadClip reads a
// file, so each input is written to a scratch file first. No crash, and an accepted clip is exactly
// one second of finite samples.
#include <cmath>

#include "core/audio/AudioDecoder.h"
#include "tests/fuzz/FuzzSupport.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::filesystem::path file = perfnas::fuzz::scratchFolder() / "clip.wav";
    perfnas::fuzz::writeBytes(file, data, size);
    auto clip = perfnas::AudioDecoder::loadClip(file);
    if (!clip) {
        perfnas::fuzz::check(clip.error().message.find(file.string()) != std::string::npos,
                             "the error names the file", clip.error().message);
        return 0;
    }
    perfnas::fuzz::check(clip->size() == perfnas::AudioDecoder::kClipSamples,
                         "a clip is one second");
    for (float sample : *clip) perfnas::fuzz::check(std::isfinite(sample), "samples are finite");
    return 0;
}
