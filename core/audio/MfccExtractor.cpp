// MFCC as torchaudio 0.13 computes it with
//   torchaudio.transforms.MFCC(sample_rate=16000, n_mfcc=40,
//       melkwargs={n_fft: 2048, hop_length: 512, n_mels: 40, mel_scale: "htk"})
// Reference: torchaudio/transforms/_transforms.py (Spectrogram, MelScale, AmplitudeToDB, MFCC) and
// torchaudio/functional/functional.py (spectrogram, melscale_fbanks, amplitude_to_DB, create_dct).
//  - Spectrogram: center=True with reflect padding of n_fft/2, periodic Hann window of n_fft,
//    power 2, onesided, not normalized.
//  - Mel filters: HTK mel = 2595 * log10(1 + f / 700), n_mels + 2 points equally spaced in mel from
//    f_min to f_max, triangular filters over linspace(0, sr/2, n_fft/2 + 1), norm=None.
//  - dB: 10 * log10(max(x, 1e-10)) (ref 1.0, amin 1e-10), then floored at (max over the clip -
//  top_db).
//  - DCT-II with "ortho" scaling: sqrt(2/N) * cos(pi/N * (n + 0.5) * k), row k=0 scaled by
//  1/sqrt(2).
// Speed: for power-of-two n_fft the frames are transformed kLanes at a time, one frame per SIMD
// lane (the way pocketfft batches transforms): a radix-2 complex FFT of n_fft/2 points on the
// packed even/odd samples, then the standard split into the n_fft/2 + 1 real-input bins (Numerical
// Recipes 12.3 / "realft"). Other sizes use KissFFT's real FFT one frame at a time.

#include "core/audio/MfccExtractor.h"

#include <kiss_fftr.h>

#include <algorithm>
#include <cassert>
#include <cmath>
#include <limits>
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

// Frames transformed together, one per lane of a GCC/Clang vector: 4 floats is one SSE register on
// the x86-64 baseline (NEON on arm64) and keeps the FFT's working set (2 x 1024 x 16 B) in L1.
// Measured: 8 lanes is 6x slower without AVX (split through memory) and 25% slower even with
// -mavx2.
constexpr int kLanes = 4;
using Lanes = float __attribute__((vector_size(kLanes * sizeof(float))));

struct MfccExtractor::Impl {
    MfccSettings settings;
    int bins = 0;           // n_fft / 2 + 1
    bool lanesFft = false;  // n_fft is a power of two >= 4: the frame-parallel path
    kiss_fftr_cfg fft = nullptr;
    std::vector<float> window;
    std::vector<MelFilter> filters;
    std::vector<float> dct;  // coefficients x melBands, row-major
    // Frame-parallel FFT tables: bit-reversed order, per-stage twiddles, real-split twiddles.
    std::vector<int> bitReverse;              // n_fft/2 entries
    std::vector<float> twiddleRe, twiddleIm;  // stage of size s at offset s/2 - 1, s/2 entries
    std::vector<float> splitRe, splitIm;      // exp(-2 pi i k / n_fft), k = 0..n_fft/2
    // Scratch, reused between calls.
    std::vector<float> padded;
    std::vector<float> frame;
    std::vector<kiss_fft_cpx> spectrum;
    std::vector<float> power;
    std::vector<Lanes> laneRe, laneIm, lanePower;
    std::vector<float> melDb;  // melBands x frames (frame-major rows for the DCT's inner loop)

    explicit Impl(const MfccSettings& s) : settings(s), bins(s.frameSamples / 2 + 1) {
        const int n = s.frameSamples;
        lanesFft = n >= 4 && (n & (n - 1)) == 0;
        window.resize(static_cast<std::size_t>(n));
        for (int i = 0; i < n; ++i) {  // periodic Hann: denominator n, not n - 1
            window[static_cast<std::size_t>(i)] =
                static_cast<float>(0.5 - 0.5 * std::cos(2.0 * std::numbers::pi * i / n));
        }
        buildMelFilters();
        buildDct();
        if (lanesFft) {
            buildLaneTables();
        } else {
            fft = kiss_fftr_alloc(n, /*inverse_fft=*/0, nullptr, nullptr);
            frame.resize(static_cast<std::size_t>(n));
            spectrum.resize(static_cast<std::size_t>(bins));
            power.resize(static_cast<std::size_t>(bins));
        }
    }
    ~Impl() {
        if (fft != nullptr) kiss_fftr_free(fft);
    }
    Impl(const Impl&) = delete;
    Impl& operator=(const Impl&) = delete;

    void buildLaneTables() {
        const int half = settings.frameSamples / 2;
        int bitsCount = 0;
        while ((1 << bitsCount) < half) ++bitsCount;
        bitReverse.resize(static_cast<std::size_t>(half));
        for (int i = 0; i < half; ++i) {
            int reversed = 0;
            for (int b = 0; b < bitsCount; ++b) reversed |= ((i >> b) & 1) << (bitsCount - 1 - b);
            bitReverse[static_cast<std::size_t>(i)] = reversed;
        }
        twiddleRe.assign(static_cast<std::size_t>(std::max(1, half - 1)), 0.0F);
        twiddleIm.assign(twiddleRe.size(), 0.0F);
        for (int size = 2; size <= half; size *= 2) {
            for (int k = 0; k < size / 2; ++k) {
                const double angle = -2.0 * std::numbers::pi * k / size;
                twiddleRe[static_cast<std::size_t>(size / 2 - 1 + k)] =
                    static_cast<float>(std::cos(angle));
                twiddleIm[static_cast<std::size_t>(size / 2 - 1 + k)] =
                    static_cast<float>(std::sin(angle));
            }
        }
        splitRe.resize(static_cast<std::size_t>(half + 1));
        splitIm.resize(static_cast<std::size_t>(half + 1));
        for (int k = 0; k <= half; ++k) {
            const double angle = -2.0 * std::numbers::pi * k / settings.frameSamples;
            splitRe[static_cast<std::size_t>(k)] = static_cast<float>(std::cos(angle));
            splitIm[static_cast<std::size_t>(k)] = static_cast<float>(std::sin(angle));
        }
        laneRe.resize(static_cast<std::size_t>(half));
        laneIm.resize(static_cast<std::size_t>(half));
        lanePower.resize(static_cast<std::size_t>(bins));
    }

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
                dct[static_cast<std::size_t>(k * mels + n)] =
                    static_cast<float>(scale * std::cos(std::numbers::pi / mels * (n + 0.5) * k));
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

    // Power spectra of frames [first, first + kLanes) into lanePower (bin-major, one frame per
    // lane); lanes past `frames` hold zeros and are ignored.
    void lanePowerSpectra(int first, int frames) {
        const int n = settings.frameSamples;
        const int half = n / 2;
        // Window and pack x[2j] + i x[2j+1] of each frame into bit-reversed order.
        for (int lane = 0; lane < kLanes; ++lane) {
            const int t = first + lane;
            if (t >= frames) {
                for (int j = 0; j < half; ++j) {
                    laneRe[static_cast<std::size_t>(j)][lane] = 0.0F;
                    laneIm[static_cast<std::size_t>(j)][lane] = 0.0F;
                }
                continue;
            }
            const float* source =
                padded.data() + static_cast<std::ptrdiff_t>(t) * settings.hopSamples;
            for (int j = 0; j < half; ++j) {
                const auto to = static_cast<std::size_t>(bitReverse[static_cast<std::size_t>(j)]);
                laneRe[to][lane] = source[2 * j] * window[static_cast<std::size_t>(2 * j)];
                laneIm[to][lane] = source[2 * j + 1] * window[static_cast<std::size_t>(2 * j + 1)];
            }
        }
        // Radix-2 decimation in time, in place (the input is already in bit-reversed order).
        Lanes* re = laneRe.data();
        Lanes* im = laneIm.data();
        // Sizes 2 and 4 together: their twiddles are 1 and -i, so no multiplications.
        int firstSize = 4;
        if (half >= 4) {
            for (int j = 0; j < half; j += 4) {
                const Lanes s0r = re[j] + re[j + 1], s0i = im[j] + im[j + 1];
                const Lanes d0r = re[j] - re[j + 1], d0i = im[j] - im[j + 1];
                const Lanes s1r = re[j + 2] + re[j + 3], s1i = im[j + 2] + im[j + 3];
                const Lanes d1r = re[j + 2] - re[j + 3], d1i = im[j + 2] - im[j + 3];
                re[j] = s0r + s1r;
                im[j] = s0i + s1i;
                re[j + 2] = s0r - s1r;
                im[j + 2] = s0i - s1i;
                re[j + 1] = d0r + d1i;  // d0 + (-i) d1
                im[j + 1] = d0i - d1r;
                re[j + 3] = d0r - d1i;
                im[j + 3] = d0i + d1r;
            }
            firstSize = 8;
        } else {
            for (int j = 0; j < half; j += 2) {  // size 2 only
                const Lanes ar = re[j], ai = im[j], br = re[j + 1], bi = im[j + 1];
                re[j] = ar + br;
                im[j] = ai + bi;
                re[j + 1] = ar - br;
                im[j + 1] = ai - bi;
            }
        }
        for (int size = firstSize; size <= half; size *= 2) {
            const int step = size / 2;
            const float* wr = twiddleRe.data() + (step - 1);
            const float* wi = twiddleIm.data() + (step - 1);
            for (int start = 0; start < half; start += size) {
                Lanes* aRe = re + start;
                Lanes* aIm = im + start;
                Lanes* bRe = aRe + step;
                Lanes* bIm = aIm + step;
                for (int k = 0; k < step; ++k) {
                    const Lanes cr = bRe[k] * wr[k] - bIm[k] * wi[k];
                    const Lanes ci = bRe[k] * wi[k] + bIm[k] * wr[k];
                    const Lanes xr = aRe[k], xi = aIm[k];
                    aRe[k] = xr + cr;
                    aIm[k] = xi + ci;
                    bRe[k] = xr - cr;
                    bIm[k] = xi - ci;
                }
            }
        }
        // Split: X[k] = E[k] + W^k O[k], E = (Z[k] + conj Z[h-k]) / 2, O = (Z[k] - conj Z[h-k]) /
        // 2i.
        for (int k = 0; k <= half; ++k) {
            const int a = k == half ? 0 : k;
            const int b = k == 0 ? 0 : half - k;
            const Lanes er = 0.5F * (re[a] + re[b]);
            const Lanes ei = 0.5F * (im[a] - im[b]);
            const Lanes or_ = 0.5F * (im[a] + im[b]);
            const Lanes oi = 0.5F * (re[b] - re[a]);
            const float wr = splitRe[static_cast<std::size_t>(k)];
            const float wi = splitIm[static_cast<std::size_t>(k)];
            const Lanes xr = er + (or_ * wr - oi * wi);
            const Lanes xi = ei + (or_ * wi + oi * wr);
            lanePower[static_cast<std::size_t>(k)] = xr * xr + xi * xi;
        }
    }

    // Mel energies in dB of frames [first, first + count) from lanePower into melDb.
    float laneMelDb(int first, int count, int frames) {
        float maxDb = -std::numeric_limits<float>::infinity();
        for (int m = 0; m < settings.melBands; ++m) {
            const MelFilter& filter = filters[static_cast<std::size_t>(m)];
            const Lanes* p = lanePower.data() + filter.firstBin;
            Lanes energy = {};
            for (std::size_t j = 0; j < filter.weights.size(); ++j)
                energy += p[j] * filter.weights[j];
            float* row = melDb.data() + static_cast<std::ptrdiff_t>(m) * frames + first;
            for (int lane = 0; lane < count; ++lane) {
                const float db = 10.0F * std::log10(std::max(energy[lane], kAmplitudeMin));
                row[lane] = db;
                maxDb = std::max(maxDb, db);
            }
        }
        return maxDb;
    }

    float scalarMelDb(int t, int frames) {
        const int mels = settings.melBands;
        const float* source = padded.data() + static_cast<std::ptrdiff_t>(t) * settings.hopSamples;
        for (std::size_t i = 0; i < frame.size(); ++i) frame[i] = source[i] * window[i];
        kiss_fftr(fft, frame.data(), spectrum.data());
        for (std::size_t b = 0; b < power.size(); ++b) {
            power[b] = spectrum[b].r * spectrum[b].r + spectrum[b].i * spectrum[b].i;
        }
        float maxDb = -std::numeric_limits<float>::infinity();
        for (int m = 0; m < mels; ++m) {
            const MelFilter& filter = filters[static_cast<std::size_t>(m)];
            const float* p = power.data() + filter.firstBin;
            float energy = 0.0F;
            for (std::size_t j = 0; j < filter.weights.size(); ++j)
                energy += p[j] * filter.weights[j];
            const float db = 10.0F * std::log10(std::max(energy, kAmplitudeMin));
            melDb[static_cast<std::size_t>(m * frames + t)] = db;
            maxDb = std::max(maxDb, db);
        }
        return maxDb;
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
        if (lanesFft) {
            for (int first = 0; first < frames; first += kLanes) {
                lanePowerSpectra(first, frames);
                maxDb = std::max(maxDb, laneMelDb(first, std::min(kLanes, frames - first), frames));
            }
        } else {
            for (int t = 0; t < frames; ++t) maxDb = std::max(maxDb, scalarMelDb(t, frames));
        }

        const float floorDb = maxDb - static_cast<float>(settings.topDb);
        for (float& db : melDb) db = std::max(db, floorDb);

        // out[k][t] = sum_n dct[k][n] * melDb[n][t], frames innermost so the loop vectorizes.
        std::fill(out.begin(), out.end(), 0.0F);
        for (int k = 0; k < coeffs; ++k) {
            float* outRow = out.data() + static_cast<std::ptrdiff_t>(k) * frames;
            for (int n = 0; n < mels; ++n) {
                const float weight = dct[static_cast<std::size_t>(k * mels + n)];
                const float* rowDb = melDb.data() + static_cast<std::ptrdiff_t>(n) * frames;
                for (int t = 0; t < frames; ++t) outRow[t] += weight * rowDb[t];
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
