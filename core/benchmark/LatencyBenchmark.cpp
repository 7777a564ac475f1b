#include "core/benchmark/LatencyBenchmark.h"

#include <torch/cuda.h>
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numeric>

#include "core/model/KwsNetwork.h"
#include "core/training/ComputeRuntime.h"

namespace perfnas {

LatencyStatistics LatencyStatistics::of(std::vector<double> samplesMs) {
    LatencyStatistics statistics{.runs = static_cast<int>(samplesMs.size()),
                                 .samplesMs = samplesMs};
    if (samplesMs.empty()) return statistics;
    std::sort(samplesMs.begin(), samplesMs.end());
    const std::size_t n = samplesMs.size();
    statistics.medianMs =
        n % 2 ? samplesMs[n / 2] : 0.5 * (samplesMs[n / 2 - 1] + samplesMs[n / 2]);
    statistics.p90Ms =
        samplesMs[static_cast<std::size_t>(std::ceil(0.9 * static_cast<double>(n))) - 1];
    statistics.meanMs =
        std::accumulate(samplesMs.begin(), samplesMs.end(), 0.0) / static_cast<double>(n);
    double squares = 0.0;
    for (double sample : samplesMs)
        squares += (sample - statistics.meanMs) * (sample - statistics.meanMs);
    const double deviation = n > 1 ? std::sqrt(squares / static_cast<double>(n - 1)) : 0.0;
    statistics.coefficientOfVariation = statistics.meanMs > 0 ? deviation / statistics.meanMs : 0.0;
    return statistics;
}

namespace {

std::vector<double> averageRanks(const std::vector<double>& values) {
    std::vector<std::size_t> order(values.size());
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(),
              [&values](std::size_t a, std::size_t b) { return values[a] < values[b]; });
    std::vector<double> ranks(values.size());
    for (std::size_t start = 0; start < order.size();) {
        std::size_t end = start;
        while (end + 1 < order.size() && values[order[end + 1]] == values[order[start]]) ++end;
        const double rank = 0.5 * static_cast<double>(start + end) + 1.0;
        for (std::size_t i = start; i <= end; ++i) ranks[order[i]] = rank;
        start = end + 1;
    }
    return ranks;
}

}  // namespace

double rankCorrelation(const std::vector<double>& x, const std::vector<double>& y) {
    if (x.size() != y.size() || x.size() < 2) return std::nan("");
    // Pearson correlation of the ranks (exact with ties, unlike the 1 - 6 sum d^2 shortcut).
    const std::vector<double> rx = averageRanks(x);
    const std::vector<double> ry = averageRanks(y);
    const double mean = 0.5 * static_cast<double>(x.size() + 1);
    double sxy = 0.0, sxx = 0.0, syy = 0.0;
    for (std::size_t i = 0; i < x.size(); ++i) {
        sxy += (rx[i] - mean) * (ry[i] - mean);
        sxx += (rx[i] - mean) * (rx[i] - mean);
        syy += (ry[i] - mean) * (ry[i] - mean);
    }
    return sxx > 0 && syy > 0 ? sxy / std::sqrt(sxx * syy) : std::nan("");
}

bool LatencyBenchmark::cudaAvailable() { return torch::cuda::is_available(); }

std::string LatencyBenchmark::describe(const LatencySettings& settings) {
    if (settings.device == ComputeDevice::Cuda) {
        return "CUDA (" + std::to_string(torch::cuda::device_count()) +
               " device(s) visible, using device 0)";
    }
    return "CPU, " + std::to_string(settings.threads) +
           (settings.threads == 1 ? " thread" : " threads");
}

Result<std::vector<LatencyStatistics>> LatencyBenchmark::measure(
    const std::vector<ArchitectureSpec>& specs, const LatencySettings& settings,
    const ProgressCallback& progress, const CancelToken& cancel) {
    if (settings.runs < 1 || settings.warmupRuns < 0) {
        return makeError(ErrorCode::InvalidInput,
                         "--runs must be at least 1 (warm-up runs at least 0)");
    }
    const bool cuda = settings.device == ComputeDevice::Cuda;
    if (cuda && !cudaAvailable()) {
        return makeError(ErrorCode::InvalidInput,
                         "target cuda: libtorch sees no CUDA device on this machine");
    }
    try {
        configureComputeRuntime(settings.threads);
        const torch::Device device =
            cuda ? torch::Device(torch::kCUDA, 0) : torch::Device(torch::kCPU);
        torch::NoGradGuard noGradients;
        std::vector<KwsNetwork> networks;
        std::vector<torch::Tensor> inputs;
        for (const ArchitectureSpec& spec : specs) {
            if (auto valid = spec.validate(); !valid) return valid.error();
            KwsNetwork network(spec);
            network->eval();
            network->to(device);
            networks.push_back(network);
            inputs.push_back(torch::randn({1, 1, spec.inputHeight, spec.inputWidth}).to(device));
        }
        // A forward pass; on CUDA it only counts once the device has finished (kernels are async).
        auto timedForward = [&](std::size_t model) {
            const auto start = std::chrono::steady_clock::now();
            torch::Tensor output = networks[model]->forward(inputs[model]);
            if (cuda)
                torch::cuda::synchronize();
            else
                (void)output.data_ptr<float>();
            return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() -
                                                             start)
                .count();
        };
        for (int run = 0; run < settings.warmupRuns; ++run) {
            for (std::size_t model = 0; model < networks.size(); ++model) timedForward(model);
        }
        std::vector<std::vector<double>> samples(networks.size());
        for (int run = 0; run < settings.runs; ++run) {
            if (cancel.cancelled())
                return makeError(ErrorCode::Cancelled, "latency benchmark cancelled");
            for (std::size_t model = 0; model < networks.size(); ++model)
                samples[model].push_back(timedForward(model));
            if (progress)
                progress(static_cast<std::size_t>(run + 1),
                         static_cast<std::size_t>(settings.runs));
        }
        std::vector<LatencyStatistics> statistics;
        for (auto& modelSamples : samples)
            statistics.push_back(LatencyStatistics::of(std::move(modelSamples)));
        return statistics;
    } catch (const std::exception& error) {
        return makeError(ErrorCode::Internal,
                         std::string("latency benchmark failed: ") + error.what());
    }
}

}  // namespace perfnas
