#include "core/model/BatchNormRelu.h"

#include <ATen/Parallel.h>
#include <torch/autograd.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "core/model/BatchNormReluKernels.h"

namespace perfnas {
namespace {

using torch::autograd::AutogradContext;
using torch::autograd::tensor_list;

// Rows (N*H*W positions) of a channels-last tensor, split into a number of tasks fixed by the
// thread count: each task sums its own rows and the partial sums are added in task order, so one
// thread count gives bit-identical results run after run.
class RowTasks {
public:
    RowTasks(std::int64_t rows, std::int64_t channels) : m_rows(rows), m_channels(channels) {
        constexpr std::int64_t kValuesPerTask =
            std::int64_t{1} << 15;  // below this, threads cost more than they save
        const std::int64_t wanted = std::max<std::int64_t>(1, rows * channels / kValuesPerTask);
        m_tasks = std::min<std::int64_t>(wanted, at::get_num_threads());
    }

    // body(task, firstRow, rowCount)
    template <typename Body>
    void run(const Body& body) const {
        at::parallel_for(0, m_tasks, 1, [&](std::int64_t begin, std::int64_t end) {
            for (std::int64_t task = begin; task < end; ++task) {
                const std::int64_t first = m_rows * task / m_tasks;
                body(task, first, m_rows * (task + 1) / m_tasks - first);
            }
        });
    }

    // Runs `accumulate(task, firstRow, rowCount, first, second)` into per-task zeroed double
    // arrays of `channels` values; returns the two arrays summed over tasks.
    template <typename Accumulate>
    std::pair<std::vector<double>, std::vector<double>> sumPairs(
        const Accumulate& accumulate) const {
        const auto width = static_cast<std::size_t>(m_channels);
        std::vector<double> partial(static_cast<std::size_t>(m_tasks) * 2 * width, 0.0);
        run([&](std::int64_t task, std::int64_t first, std::int64_t count) {
            double* own = partial.data() + static_cast<std::size_t>(task) * 2 * width;
            accumulate(first, count, own, own + width);
        });
        std::vector<double> first(width, 0.0);
        std::vector<double> second(width, 0.0);
        for (std::int64_t task = 0; task < m_tasks; ++task) {
            const double* own = partial.data() + static_cast<std::size_t>(task) * 2 * width;
            for (std::size_t c = 0; c < width; ++c) {
                first[c] += own[c];
                second[c] += own[width + c];
            }
        }
        return {std::move(first), std::move(second)};
    }

private:
    std::int64_t m_rows;
    std::int64_t m_channels;
    std::int64_t m_tasks = 1;
};

torch::Tensor channelVector(const std::vector<float>& values) {
    return torch::tensor(values, torch::kFloat32);
}

struct FusedBatchNormRelu : public torch::autograd::Function<FusedBatchNormRelu> {
    static torch::Tensor forward(AutogradContext* context, const torch::Tensor& input,
                                 const torch::Tensor& weight, const torch::Tensor& bias,
                                 torch::Tensor runningMean, torch::Tensor runningVar,
                                 double momentum, double epsilon) {
        const std::int64_t channels = input.size(1);
        const std::int64_t rows = input.numel() / channels;
        const RowTasks tasks(rows, channels);
        const float* x = input.data_ptr<float>();
        const auto [sums, squares] =
            tasks.sumPairs([&](std::int64_t first, std::int64_t count, double* sum, double* sq) {
                kernels::accumulateChannelMoments(x + first * channels, count, channels, sum, sq);
            });

        const torch::Tensor gamma = weight.contiguous();
        const float* gammaValues = gamma.data_ptr<float>();
        const float* betaValues = bias.contiguous().data_ptr<float>();
        std::vector<float> mean(static_cast<std::size_t>(channels));
        std::vector<float> invStd(mean.size());
        std::vector<float> scale(mean.size());
        std::vector<float> shift(mean.size());
        std::vector<float> unbiasedVar(mean.size());
        for (std::size_t c = 0; c < mean.size(); ++c) {
            const double m = sums[c] / static_cast<double>(rows);
            const double variance = std::max(squares[c] / static_cast<double>(rows) - m * m, 0.0);
            const double inverse = 1.0 / std::sqrt(variance + epsilon);
            mean[c] = static_cast<float>(m);
            invStd[c] = static_cast<float>(inverse);
            scale[c] = static_cast<float>(gammaValues[c] * inverse);
            shift[c] = static_cast<float>(betaValues[c] - m * gammaValues[c] * inverse);
            unbiasedVar[c] = static_cast<float>(variance * static_cast<double>(rows) /
                                                static_cast<double>(rows - 1));
        }

        torch::Tensor output = torch::empty_like(input);  // keeps the channels-last strides
        float* y = output.data_ptr<float>();
        tasks.run([&](std::int64_t, std::int64_t first, std::int64_t count) {
            kernels::scaleShiftRelu(x + first * channels, count, channels, scale.data(),
                                    shift.data(), y + first * channels);
        });

        runningMean.mul_(1.0 - momentum).add_(channelVector(mean), momentum);
        runningVar.mul_(1.0 - momentum).add_(channelVector(unbiasedVar), momentum);
        // The output is not kept: backward recomputes x * scale + shift for the ReLU's side.
        context->save_for_backward({input, gamma, channelVector(mean), channelVector(invStd),
                                    channelVector(scale), channelVector(shift)});
        return output;
    }

    static tensor_list backward(AutogradContext* context, tensor_list gradOutputs) {
        const auto saved = context->get_saved_variables();
        const torch::Tensor& input = saved[0];
        const float* gamma = saved[1].data_ptr<float>();
        const float* mean = saved[2].data_ptr<float>();
        const float* invStd = saved[3].data_ptr<float>();
        const float* scale = saved[4].data_ptr<float>();
        const float* shift = saved[5].data_ptr<float>();
        // The gradient of the pooling that follows the last unit arrives expanded; make it dense.
        const torch::Tensor gradOutput =
            gradOutputs[0].contiguous(torch::MemoryFormat::ChannelsLast);
        const std::int64_t channels = input.size(1);
        const std::int64_t rows = input.numel() / channels;
        const RowTasks tasks(rows, channels);
        const float* dy = gradOutput.data_ptr<float>();
        const float* x = input.data_ptr<float>();
        const auto [gradSum, gradDotCentered] =
            tasks.sumPairs([&](std::int64_t first, std::int64_t count, double* sum, double* dot) {
                const std::int64_t offset = first * channels;
                kernels::accumulateReluGradientMoments(dy + offset, x + offset, scale, shift, mean,
                                                       count, channels, sum, dot);
            });

        // d input = gamma * invStd * (g - mean(g) - x_hat * mean(g * x_hat)), x_hat = (x - mean) *
        // invStd.
        std::vector<float> gain(static_cast<std::size_t>(channels));
        std::vector<float> offset(gain.size());
        std::vector<float> slope(gain.size());
        std::vector<float> gradWeight(gain.size());
        std::vector<float> gradBias(gain.size());
        for (std::size_t c = 0; c < gain.size(); ++c) {
            const double g = static_cast<double>(gamma[c]) * invStd[c];
            gain[c] = static_cast<float>(g);
            offset[c] = static_cast<float>(g * gradSum[c] / static_cast<double>(rows));
            slope[c] = static_cast<float>(g * invStd[c] * invStd[c] * gradDotCentered[c] /
                                          static_cast<double>(rows));
            gradWeight[c] = static_cast<float>(gradDotCentered[c] * invStd[c]);
            gradBias[c] = static_cast<float>(gradSum[c]);
        }
        torch::Tensor gradInput = torch::empty_like(input);
        float* dx = gradInput.data_ptr<float>();
        tasks.run([&](std::int64_t, std::int64_t first, std::int64_t count) {
            const std::int64_t start = first * channels;
            kernels::batchNormReluInputGradient(dy + start, x + start, scale, shift, mean,
                                                gain.data(), offset.data(), slope.data(), count,
                                                channels, dx + start);
        });
        return {gradInput, channelVector(gradWeight), channelVector(gradBias), {}, {}, {}, {}};
    }
};

}  // namespace

torch::Tensor batchNormRelu(torch::Tensor input, torch::nn::BatchNorm2dImpl& norm) {
    const auto& options = norm.options;
    const bool fused = norm.is_training() && input.device().is_cpu() &&
                       input.scalar_type() == torch::kFloat32 && input.dim() == 4 &&
                       input.numel() > input.size(1) && options.affine() &&
                       options.track_running_stats();
    if (!fused) return torch::relu(norm.forward(input));

    // As BatchNormImpl::forward: count the batch; without a momentum, a cumulative average.
    double momentum = 0.0;
    {
        torch::NoGradGuard noGrad;
        norm.num_batches_tracked += 1;
        momentum = options.momentum() ? *options.momentum()
                                      : 1.0 / norm.num_batches_tracked.item<double>();
    }
    // A no-op for the channels-last weights KwsNetwork creates; older checkpoints load contiguous
    // ones.
    input = input.contiguous(torch::MemoryFormat::ChannelsLast);
    return FusedBatchNormRelu::apply(input, norm.weight, norm.bias, norm.running_mean,
                                     norm.running_var, momentum, options.eps());
}

}  // namespace perfnas
