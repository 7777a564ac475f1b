#pragma once
// StepCalibration: which StepPlan, and how many of the given threads, train an architecture fastest
// on this CPU. It times a few Adam steps of the real network on random inputs for every candidate
// (the three plans, at the given thread count and, when that is more than one, at one thread),
// interleaved round by round so that drifting load on a shared machine hits every candidate alike,
// and keeps the lowest median. The default plan keeps its place unless another is clearly (5 %)
// faster, so that noise does not flip plans between runs.
//
// Results are cached per CPU model, oneDNN ISA limit, libtorch version, batch size, thread count,
// input size and size class (the half-octave of the forward MFPOPS: the ranking follows how
// compute-bound a network is, so a search's hundreds of shapes share about a dozen calibrations) in
// <feature cache folder>/step-plans.json (FeatureCache::defaultFolder()), shared by every trial,
// worker process and later run on the machine. One calibration runs at a
// time per machine (a lock file beside the cache). A measurement costs about 10-15 seconds for the
// paper seed and well under a second for small models; a cache hit costs a file read.
#include <filesystem>
#include <string>
#include <vector>

#include "core/common/Result.h"
#include "core/model/ArchitectureSpec.h"
#include "core/model/StepPlan.h"

namespace perfnas {

struct StepChoice {
    StepPlan plan;
    int threads = 1;
    bool fromCache = false;
};

struct StepTiming {
    StepPlan plan;
    int threads = 1;
    double medianSeconds = 0.0;  // per step
};

class StepCalibration {
public:
    // `cacheFile` empty: the default beside the feature cache.
    explicit StepCalibration(std::filesystem::path cacheFile = {});

    // The cached choice for this shape, or a fresh measurement (stored before it returns).
    // `threads` >= 1. Never fails: a cache that cannot be read or written is measured around.
    StepChoice choose(const ArchitectureSpec& spec, int batchSize, int threads);

    // Times every candidate (no cache): `rounds` timed steps each, after one warm-up step.
    static std::vector<StepTiming> measure(const ArchitectureSpec& spec, int batchSize, int threads,
                                           int rounds);
    // The choice the rule above makes from timings.
    static StepChoice pick(const std::vector<StepTiming>& timings);

    // What identifies a calibration: CPU model, ISA limit, libtorch, batch, threads, input, size.
    static std::string key(const ArchitectureSpec& spec, int batchSize, int threads);
    static std::filesystem::path defaultCacheFile();

private:
    std::filesystem::path m_cacheFile;
};

}  // namespace perfnas
