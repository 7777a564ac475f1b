// MFCC as torchaudio 0.13 computes it with
//   torchaudio.transforms.MFCC(sample_rate=16000, n_mfcc=40,
//       melkwargs={n_fft: 2048, hop_length: 512, n_mels: 40, mel_scale: "htk"})
// Reference: torchaudio/transforms/_transforms.py (Spectrogram, MelScale, AmplitudeToDB, MFCC) and
// torchaudio/functional/functional.py (spectrogram, melscale_fbanks, amplitude_to_DB, create_dct).
//  - Spectrogram: center=True with reflect padding of n_fft/2, periodic Hann window of n_fft,
//    power 2, onesided, not normalized.
//  - Mel filters: HTK mel = 2595 * log10(1 + f / 700), n_mels + 2 points equally spaced in mel from
//    f_min to f_max, triangular filters over linspace(0, sr/2, n_fft/2 + 1), norm=None.
//  - dB: 10 * log10(max(x, 1e-10)) (ref 1.0, amin 1e-10), then floored at (max over the clip - top_db).
//  - DCT-II with "ortho" scaling: sqrt(2/N) * cos(pi/N * (n + 0.5) * k), row k=0 scaled by 1/sqrt(2).

#include "core/audio/MfccExtractor.h"

#include <kiss_fftr.h>

#include <algorithm>
#include <cassert>
#include <cmath>
#include <numbers>
#include <sstream>

namespace perfnas {
namespace {

constexpr float kAmplitudeMin = 1e-10F;

double hzToMelHtk(double hz) { return 2595.0 * std::log10(1.0 + hz / 700.0); }
double melToHzHtk(double mel) { return 700.0 * (std::pow(10.0, mel / 2595.0) - 1.0); }

// One triangular filter as the range of FFT bins where its weight is non-zero.
struct MelFilter {
    int firstBin = 0;
    std::vector<float> weights;
};

}  // namespace

std::string MfccSettings::key() const {
    std::ostringstream out;
    out << "mfcc-torchaudio0.13 sr=" << sampleRateHz << " n_fft=" << frameSamples
        << " hop=" << hopSamples << " n_mels=" << melBands << " n_mfcc=" << coefficients
        << " f=" << minHz << '-' << maxHz << " top_db=" << topDb << " htk periodic-hann reflect";
    return out.str();
}

struct MfccExtractor::Impl {
    MfccSettings settings;
    int bins = 0;  // n_fft / 2 + 1
    kiss_fftr_cfg fft = nullptr;
    std::vector<float> window;
    std::vector<MelFilter> filters;
    std::vector<float> dct;  // coefficients x melBands, row-major
    // Scratch, reused between calls.
    std::vector<float> padded;
    std::vector<float> frame;
    std::vector<kiss_fft_cpx> spectrum;
    std::vector<float> power;
    std::vector<float> melDb;  // frames x melBands

    explicit Impl(const MfccSettings& s) : settings(s), bins(s.frameSamples / 2 + 1) {
        const int n = s.frameSamples;
        fft = kiss_fftr_alloc(n, /*inverse_fft=*/0, nullptr, nullptr);
        window.resize(static_cast<std::size_t>(n));
        for (int i = 0; i < n; ++i) {  // periodic Hann: denominator n, not n - 1
            window[static_cast<std::size_t>(i)] =
                static_cast<float>(0.5 - 0.5 * std::cos(2.0 * std::numbers::pi * i / n));
        }
        buildMelFilters();
        buildDct();
        frame.resize(static_cast<std::size_t>(n));
        spectrum.resize(static_cast<std::size_t>(bins));
        power.resize(static_cast<std::size_t>(bins));
    }
    ~Impl() { kiss_fftr_free(fft); }
    Impl(const Impl&) = delete;
    Impl& operator=(const Impl&) = delete;

    void buildMelFilters() {
        const int mels = settings.melBands;
        const double melMin = hzToMelHtk(settings.minHz);
        const double melMax = hzToMelHtk(settings.maxHz);
        std::vector<double> edgesHz(static_cast<std::size_t>(mels + 2));
        for (int i = 0; i < mels + 2; ++i) {
            edgesHz[static_cast<std::size_t>(i)] =
                melToHzHtk(melMin + (melMax - melMin) * i / (mels + 1));
        }
        const double nyquist = settings.sampleRateHz / 2;  // torchaudio uses sr // 2
        filters.resize(static_cast<std::size_t>(mels));
        for (int m = 0; m < mels; ++m) {
            const double left = edgesHz[static_cast<std::size_t>(m)];
            const double center = edgesHz[static_cast<std::size_t>(m + 1)];
            const double right = edgesHz[static_cast<std::size_t>(m + 2)];
            MelFilter& filter = filters[static_cast<std::size_t>(m)];
            filter.firstBin = -1;
            for (int bin = 0; bin < bins; ++bin) {
                const double hz = nyquist * bin / (bins - 1);
                const double down = (hz - left) / (center - left);
                const double up = (right - hz) / (right - center);
                const double weight = std::max(0.0, std::min(down, up));
                if (weight <= 0.0) {
                    if (filter.firstBin >= 0) break;  // past the triangle
                    continue;
                }
                if (filter.firstBin < 0) filter.firstBin = bin;
                // Zero-weight bins inside the triangle cannot occur: it is convex.
                filter.weights.push_back(static_cast<float>(weight));
            }
            if (filter.firstBin < 0) filter.firstBin = 0;  // an empty filter (too narrow)
        }
    }

    void buildDct() {
        const int mels = settings.melBands;
        const int coeffs = settings.coefficients;
        dct.resize(static_cast<std::size_t>(coeffs * mels));
        for (int k = 0; k < coeffs; ++k) {
            const double scale = std::sqrt(2.0 / mels) * (k == 0 ? 1.0 / std::sqrt(2.0) : 1.0);
            for (int n = 0; n < mels; ++n) {
                dct[static_cast<std::size_t>(k * mels + n)] = static_cast<float>(
                    scale * std::cos(std::numbers::pi / mels * (n + 0.5) * k));
            }
        }
    }

    // torch.nn.functional.pad(mode="reflect"): mirror without repeating the edge sample.
    void reflectPad(std::span<const float> clip) {
        const auto half = static_cast<std::ptrdiff_t>(settings.frameSamples / 2);
        const auto length = static_cast<std::ptrdiff_t>(clip.size());
        padded.resize(static_cast<std::size_t>(length + 2 * half));
        for (std::ptrdiff_t i = 0; i < half; ++i) {
            padded[static_cast<std::size_t>(i)] = clip[static_cast<std::size_t>(half - i)];
            padded[static_cast<std::size_t>(half + length + i)] =
                clip[static_cast<std::size_t>(length - 2 - i)];
        }
        std::copy(clip.begin(), clip.end(), padded.begin() + half);
    }

    void compute(std::span<const float> clip, std::span<float> out) {
        const int frames = 1 + static_cast<int>(clip.size()) / settings.hopSamples;
        const int mels = settings.melBands;
        const int coeffs = settings.coefficients;
        assert(out.size() == static_cast<std::size_t>(coeffs * frames));
        assert(clip.size() > static_cast<std::size_t>(settings.frameSamples / 2));
        reflectPad(clip);
        melDb.resize(static_cast<std::size_t>(frames * mels));

        float maxDb = -std::numeric_limits<float>::infinity();
        for (int t = 0; t < frames; ++t) {
            const float* source = padded.data() + static_cast<std::ptrdiff_t>(t) * settings.hopSamples;
            for (std::size_t i = 0; i < frame.size(); ++i) frame[i] = source[i] * window[i];
            kiss_fftr(fft, frame.data(), spectrum.data());
            for (std::size_t b = 0; b < power.size(); ++b) {
                power[b] = spectrum[b].r * spectrum[b].r + spectrum[b].i * spectrum[b].i;
            }
            float* rowDb = melDb.data() + static_cast<std::ptrdiff_t>(t) * mels;
            for (int m = 0; m < mels; ++m) {
                const MelFilter& filter = filters[static_cast<std::size_t>(m)];
                const float* p = power.data() + filter.firstBin;
                float energy = 0.0F;
                for (std::size_t j = 0; j < filter.weights.size(); ++j) energy += p[j] * filter.weights[j];
                const float db = 10.0F * std::log10(std::max(energy, kAmplitudeMin));
                rowDb[m] = db;
                maxDb = std::max(maxDb, db);
            }
        }

        const float floorDb = maxDb - static_cast<float>(settings.topDb);
        for (float& db : melDb) db = std::max(db, floorDb);

        for (int k = 0; k < coeffs; ++k) {
            const float* basis = dct.data() + static_cast<std::ptrdiff_t>(k) * mels;
            float* outRow = out.data() + static_cast<std::ptrdiff_t>(k) * frames;
            for (int t = 0; t < frames; ++t) {
                const float* rowDb = melDb.data() + static_cast<std::ptrdiff_t>(t) * mels;
                float sum = 0.0F;
                for (int n = 0; n < mels; ++n) sum += basis[n] * rowDb[n];
                outRow[t] = sum;
            }
        }
    }
};

MfccExtractor::MfccExtractor(const MfccSettings& settings)
    : m_impl(std::make_unique<Impl>(settings)) {}
MfccExtractor::~MfccExtractor() = default;

const MfccSettings& MfccExtractor::settings() const { return m_impl->settings; }

int MfccExtractor::frameCount(std::size_t clipSamples) const {
    return 1 + static_cast<int>(clipSamples) / m_impl->settings.hopSamples;
}

void MfccExtractor::compute(std::span<const float> clip, std::span<float> out) {
    m_impl->compute(clip, out);
}

std::vector<float> MfccExtractor::compute(std::span<const float> clip) {
    std::vector<float> out(static_cast<std::size_t>(m_impl->settings.coefficients) *
                           static_cast<std::size_t>(frameCount(clip.size())));
    compute(clip, out);
    return out;
}

}  // namespace perfnas
