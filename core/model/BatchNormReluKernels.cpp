#include "core/model/BatchNormReluKernels.h"

#include <algorithm>

// One build runs on any x86-64 and still uses AVX2 where the CPU has it (GCC function
// multiversioning).
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define PERFNAS_VECTOR_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define PERFNAS_VECTOR_CLONES
#endif

namespace perfnas::kernels {
namespace {

// The batch-norm's output before the ReLU; forward and backward must compute it identically.
inline float normalized(float x, float scale, float shift) { return x * scale + shift; }

}  // namespace

PERFNAS_VECTOR_CLONES
void accumulateChannelMoments(const float* x, std::int64_t rows, std::int64_t channels,
                              double* __restrict sum, double* __restrict sumSquares) {
    for (std::int64_t r = 0; r < rows; ++r) {
        const float* __restrict row = x + r * channels;
        for (std::int64_t c = 0; c < channels; ++c) {
            const double v = row[c];
            sum[c] += v;
            sumSquares[c] += v * v;
        }
    }
}

PERFNAS_VECTOR_CLONES
void scaleShiftRelu(const float* x, std::int64_t rows, std::int64_t channels,
                    const float* __restrict scale, const float* __restrict shift, float* y) {
    for (std::int64_t r = 0; r < rows; ++r) {
        const float* __restrict in = x + r * channels;
        float* __restrict out = y + r * channels;
        for (std::int64_t c = 0; c < channels; ++c)
            out[c] = std::max(normalized(in[c], scale[c], shift[c]), 0.0F);
    }
}

PERFNAS_VECTOR_CLONES
void accumulateReluGradientMoments(const float* gradOutput, const float* x,
                                   const float* __restrict scale, const float* __restrict shift,
                                   const float* __restrict mean, std::int64_t rows,
                                   std::int64_t channels, double* __restrict gradSum,
                                   double* __restrict gradDotCentered) {
    for (std::int64_t r = 0; r < rows; ++r) {
        const float* __restrict dy = gradOutput + r * channels;
        const float* __restrict in = x + r * channels;
        for (std::int64_t c = 0; c < channels; ++c) {
            const float g = normalized(in[c], scale[c], shift[c]) > 0.0F ? dy[c] : 0.0F;
            gradSum[c] += g;
            gradDotCentered[c] += static_cast<double>(g * (in[c] - mean[c]));
        }
    }
}

PERFNAS_VECTOR_CLONES
void batchNormReluInputGradient(const float* gradOutput, const float* x,
                                const float* __restrict scale, const float* __restrict shift,
                                const float* __restrict mean, const float* __restrict gain,
                                const float* __restrict offset, const float* __restrict slope,
                                std::int64_t rows, std::int64_t channels, float* gradInput) {
    for (std::int64_t r = 0; r < rows; ++r) {
        const float* __restrict dy = gradOutput + r * channels;
        const float* __restrict in = x + r * channels;
        float* __restrict dx = gradInput + r * channels;
        for (std::int64_t c = 0; c < channels; ++c) {
            const float g = normalized(in[c], scale[c], shift[c]) > 0.0F ? dy[c] : 0.0F;
            dx[c] = g * gain[c] - offset[c] - (in[c] - mean[c]) * slope[c];
        }
    }
}

}  // namespace perfnas::kernels
