#pragma once
// LatencyBenchmark: batch-1 inference latency on this machine's CPU or a CUDA GPU, with the paper's
// protocol: warm-up runs, then N timed forward passes per model (default 100). The models are
// interleaved run by run, so that clock and thermal drift hit all of them alike. Latency does not
// depend on the weights, so networks are built from their specs. Synchronous: progress after each
// round, cancellation between rounds; libtorch errors become Errors.
#include <string>
#include <vector>

#include "core/common/CancelToken.h"
#include "core/common/Progress.h"
#include "core/common/Result.h"
#include "core/model/ArchitectureSpec.h"

namespace perfnas {

enum class ComputeDevice { Cpu, Cuda };

struct LatencySettings {
    ComputeDevice device = ComputeDevice::Cpu;
    int runs = 100;
    int warmupRuns = 10;
    int threads = 1;  // CPU intra-op threads (edge boards run one inference at a time)
};

struct LatencyStatistics {
    int runs = 0;
    double medianMs = 0.0;
    double p90Ms = 0.0;  // nearest-rank 90th percentile
    double meanMs = 0.0;
    double coefficientOfVariation = 0.0;  // standard deviation / mean
    std::vector<double> samplesMs;

    static LatencyStatistics of(std::vector<double> samplesMs);
};

// Spearman's rank correlation of two equally long series (ties get their average rank): how well
// one (e.g. MFPOPS) orders the other (e.g. measured latency). NaN for fewer than 2 points or a
// constant series.
double rankCorrelation(const std::vector<double>& x, const std::vector<double>& y);

class LatencyBenchmark {
public:
    static bool cudaAvailable();
    // "CPU, 1 thread" or the CUDA device's name.
    static std::string describe(const LatencySettings& settings);
    // One LatencyStatistics per spec, in order. InvalidInput when CUDA is asked for but absent.
    static Result<std::vector<LatencyStatistics>> measure(
        const std::vector<ArchitectureSpec>& specs, const LatencySettings& settings,
        const ProgressCallback& progress = {}, const CancelToken& cancel = {});
};

}  // namespace perfnas
