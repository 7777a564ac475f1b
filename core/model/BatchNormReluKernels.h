#pragma once
// Loops of the fused batch-norm + ReLU training step (BatchNormRelu.cpp) on plain float arrays of
// `rows` x `channels` values, channel fastest (a channels-last tensor seen as N*H*W rows). No
// libtorch here: the file is compiled with -O3 -fno-trapping-math (as libtorch is; without it GCC
// keeps the ReLU masks as branches) and, on x86-64, cloned for AVX2, so the loops vectorize across
// channels; and with -ffp-contract=off, so that the backward loops recompute exactly the forward's
// x * scale + shift and take the ReLU's side from it instead of reading the output again.
// Sums go into double accumulators (added to, not overwritten).

#include <cstdint>

namespace perfnas::kernels {

// sum[c] += x[r][c], sumSquares[c] += x[r][c]^2.
void accumulateChannelMoments(const float* x, std::int64_t rows, std::int64_t channels, double* sum,
                              double* sumSquares);

// y[r][c] = max(0, x[r][c] * scale[c] + shift[c]).
void scaleShiftRelu(const float* x, std::int64_t rows, std::int64_t channels, const float* scale,
                    const float* shift, float* y);

// With g = (x * scale[c] + shift[c] > 0 ? gradOutput : 0), the ReLU's gradient:
// gradSum[c] += g, gradDotCentered[c] += g * (x - mean[c]).
void accumulateReluGradientMoments(const float* gradOutput, const float* x, const float* scale,
                                   const float* shift, const float* mean, std::int64_t rows,
                                   std::int64_t channels, double* gradSum, double* gradDotCentered);

// gradInput = g * gain[c] - offset[c] - (x - mean[c]) * slope[c], g as above.
void batchNormReluInputGradient(const float* gradOutput, const float* x, const float* scale,
                                const float* shift, const float* mean, const float* gain,
                                const float* offset, const float* slope, std::int64_t rows,
                                std::int64_t channels, float* gradInput);

}  // namespace perfnas::kernels
