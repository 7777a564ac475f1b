#pragma once
// ExperimentConfig: everything an experiment needs, from its JSON file (comments allowed; see
// resources/examples/): dataset, seed architecture, search space, objectives and constraints,
// sampler, training budgets, phase stop rules, refinement policy and execution. Unknown keys are
// errors naming their path. toJson() gives the normalized form stored in the experiment file
// (seed and space inline, paths absolute), from which fromJson() rebuilds the same config.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "core/benchmark/SshBoard.h"
#include "core/common/Result.h"
#include "core/dataset/DatasetOptions.h"
#include "core/execution/SlurmJobOptions.h"
#include "core/model/ArchitectureSpec.h"
#include "core/search/SearchSpace.h"
#include "core/search/SuccessiveHalving.h"
#include "core/search/TpeSampler.h"
#include "core/training/TrainingParams.h"

namespace perfnas {

enum class CostMetric { Mfpops, Params, Latency };
std::string costMetricName(CostMetric metric);  // "mfpops", "params", "latency"

// The latency objective ("objective": {"cost": "latency", "target": ..., "threads", "runs"}): each
// architecture's batch-1 latency measured once on the target before it trains (random weights;
// latency does not depend on them) and stored per architecture and target.
struct LatencyObjective {
    // "local" (this machine's CPU), "cuda", or a board "ssh://USER@HOST:PORT" (normalized).
    std::string target = "local";
    int threads = 1;  // local: CPU threads per inference (edge boards run one at a time)
    int runs = 30;    // timed runs after `warmupRuns` (local: interleaved with the seed's)
    int warmupRuns = 5;
    // ssh:// targets ("objective": {"ssh": {...}}), as `perfnas bench` takes them: the host from
    // the target, identity, known_hosts and timeouts; the board-side command and its parser. A
    // search never trusts a new host key: the user confirms it once with `perfnas bench`.
    SshBoardSettings board;
    RemoteBenchmarkSettings remote;
    bool remoteTarget() const { return target.starts_with("ssh://"); }
    // What the measurements are stored under: "local:<threads>", "cuda" or the ssh:// target.
    std::string key() const;
};

struct ExperimentConfig {
    std::string name = "experiment";
    DatasetOptions dataset;  // dataset.root may be empty in a file: then --data is required
    std::filesystem::path cacheFolder;  // feature cache; empty: the default
    ArchitectureSpec seed = ArchitectureSpec::paperSeed();
    SearchSpace space = SearchSpace::paperDefault(ArchitectureSpec::paperSeed());

    CostMetric cost = CostMetric::Mfpops;
    LatencyObjective latency;            // with cost == Latency
    std::optional<double> maxMfpops;     // proposals above it are never trained
    std::optional<double> maxLatencyMs;  // cost == Latency: proposals above it are never trained
    std::optional<double> minTop1;       // trials below it are infeasible for the sampler

    std::string sampler = "tpe";  // "tpe" or "random"
    TpeSettings tpe;

    TrainingParams training;  // per search trial
    // Multi-fidelity search ("fidelity": {"min_iterations", "max_iterations", "eta"}): trials train
    // in rungs up to max_iterations, which then replaces training.iterations. Absent: one budget.
    std::optional<FidelitySettings> fidelity;
    TrainingParams finetune = TrainingParams::fullBudget();  // total budget after fine-tuning

    // Phase 0 (optional): optimizer parameters for the seed, single objective (validation TOP-1).
    std::optional<OptimizerSpace> optimizerSpace;
    int optimizerTrials = 10;

    int searchTrials = 100;  // per search phase
    // Wall-clock budget of each run of a search or refinement phase; 0: none. A trial starts only
    // when it is projected to finish in time, so the phase ends with its trials finished.
    double searchMaxMinutes = 0.0;
    bool trainSeed = true;  // the seed is the first trial of the first search phase

    int refinementTrials = 0;       // per refinement phase; 0: searchTrials
    int autoRefinementRounds = 0;   // refinement phases started without asking
    double autoMinimumShare = 0.8;  // freeze suggestions at or above this share

    std::string backend = "inprocess";  // "inprocess", "subprocess" or "slurm"
    SlurmJobOptions slurm;              // execution.slurm: sbatch options for the "slurm" backend
    int workers = 1;                    // trials in parallel
    int threadsPerTrial = 0;            // 0: hardware threads / workers
    std::uint64_t randomSeed = 1;

    // `baseFolder` resolves relative paths (the config file's folder).
    static Result<ExperimentConfig> fromJson(const std::string& text,
                                             const std::filesystem::path& baseFolder,
                                             const std::string& where = "experiment config");
    static Result<ExperimentConfig> fromFile(const std::filesystem::path& file);
    std::string toJson() const;
    // Cross-field checks (space against seed, positive budgets, workers); messages name the field.
    Status validate() const;
    int effectiveThreadsPerTrial() const;
    // Iterations of a search trial's full budget: fidelity's max_iterations, else training's.
    int searchIterations() const {
        return fidelity ? fidelity->maxIterations : training.iterations;
    }
};

}  // namespace perfnas
