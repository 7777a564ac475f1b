#pragma once
// MfccExtractor: the 40x32 MFCC matrix of a one-second 16 kHz clip, exactly as docs/method.md
// defines it (torchaudio 0.13 transforms.MFCC semantics). One instance per thread: compute() uses
// scratch buffers; constructing one precomputes the window, mel filters and DCT (~0.1 ms).

#include <cstddef>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace perfnas {

struct MfccSettings {
    int sampleRateHz = 16000;
    int frameSamples = 2048;  // n_fft = window length (128 ms)
    int hopSamples = 512;     // 32 ms
    int melBands = 40;
    int coefficients = 40;
    double minHz = 0.0;
    double maxHz = 8000.0;
    double topDb = 80.0;

    // Stable text form of every setting, for cache keys.
    std::string key() const;
};

class MfccExtractor {
public:
    explicit MfccExtractor(const MfccSettings& settings = {});
    ~MfccExtractor();
    MfccExtractor(const MfccExtractor&) = delete;
    MfccExtractor& operator=(const MfccExtractor&) = delete;

    const MfccSettings& settings() const;

    // Frames for a clip of `clipSamples` samples with centered framing: 1 + clipSamples / hop.
    int frameCount(std::size_t clipSamples) const;

    // Writes coefficients x frames values, coefficient-major (row c holds frame 0..F-1),
    // into `out`, which must hold coefficients * frameCount(clip.size()) floats.
    // `clip` must be longer than frameSamples / 2 (reflect padding).
    void compute(std::span<const float> clip, std::span<float> out);
    std::vector<float> compute(std::span<const float> clip);

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

}  // namespace perfnas
