#pragma once
// ExperimentStore: one SQLite file per experiment (WAL mode) holding the experiment's config,
// dataset identity, phases, trials and benchmark results. Every write is committed (durable
// against a killed process) before the call returns. The file carries an application id and a
// schema version: older files are migrated on open for writing, newer or foreign files are refused
// with a message naming the file. Not thread-safe: one owner thread per instance; other processes
// (a GUI, `perfnas status`) may read the file while one writes it.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/common/Result.h"

namespace perfnas {

enum class TrialState { Queued, Running, Finished, Failed, Diverged, Cancelled };
std::string trialStateName(TrialState state);  // "queued", "running", ... (docs/experiment-file.md)
std::optional<TrialState> parseTrialState(const std::string& name);

enum class PhaseKind { Optimizer, Search, Refinement, Finetune };
std::string phaseKindName(PhaseKind kind);  // "optimizer", "search", "refinement", "finetune"
std::optional<PhaseKind> parsePhaseKind(const std::string& name);

enum class PhaseState { Pending, Running, Finished };
std::string phaseStateName(PhaseState state);  // "pending", "running", "finished"
std::optional<PhaseState> parsePhaseState(const std::string& name);

struct ExperimentInfo {
    std::string name;
    std::string configJson;    // the experiment config as given (after command-line overrides)
    std::string seedSpecJson;  // ArchitectureSpec::toJson() of the seed
    std::string datasetPath;
    std::string datasetHash;     // content digest of the dataset the trials train on
    std::int64_t createdAt = 0;  // Unix seconds
};

struct PhaseRecord {
    int id = 0;  // assigned by addPhase
    PhaseKind kind = PhaseKind::Search;
    int round = 0;            // refinement round (1, 2, ...); 0 for other kinds
    std::string spaceJson;    // SearchSpace::toJson() of the phase, frozen parameters included
    int trialBudget = 0;      // stop after this many finished/failed trials; 0: no limit
    double maxMinutes = 0.0;  // wall-clock stop rule; 0: no limit
    PhaseState state = PhaseState::Pending;
    std::int64_t startedAt = 0;
    std::int64_t finishedAt = 0;
};

// Multi-fidelity search: a trial's validation TOP-1 when it finished a rung (docs/method.md).
struct RungResult {
    int rung = 0;        // from 0
    int iterations = 0;  // trained in total at the end of the rung
    double validationTop1 = 0.0;
    double seconds = 0.0;  // training wall-clock in total at the end of the rung
};

struct TrialRecord {
    int id = 0;  // assigned by addTrial, increasing
    int phaseId = 0;
    TrialState state = TrialState::Queued;
    std::vector<double> configuration;  // the phase's ParameterSpace order
    std::string specJson;               // ArchitectureSpec::toJson()
    std::string trainingJson;           // training parameters used
    double validationTop1 = 0.0;        // fractions; meaningful when Finished
    double testTop1 = 0.0;
    double mfpops = 0.0;
    std::int64_t params = 0;  // conv weights (Eq. 2)
    int iterationsDone = 0;
    double seconds = 0.0;        // training wall-clock
    std::int64_t startedAt = 0;  // Unix seconds
    std::int64_t finishedAt = 0;
    std::string
        curveJson;  // [{"iteration", "training_loss", "validation_loss", "validation_top1"}, ...]
    std::string checkpointPath;
    std::string error;      // reason for Failed / Diverged / Cancelled
    std::string host;       // where it ran ("inprocess", a hostname, a Slurm job id)
    int parentTrialId = 0;  // fine-tuning: the search trial continued; 0: none
    int attempts = 0;       // times started (an interrupted trial reruns)
    // Multi-fidelity search: the rung reached (Finished) or trained toward (Queued, Running), and
    // the result of every rung finished so far. Without rungs: 0 and empty.
    int rung = 0;
    std::vector<RungResult> rungResults;
};

struct BenchmarkRecord {
    int id = 0;
    int trialId = 0;     // 0: the seed
    std::string target;  // "local", "cuda", "ssh://user@host:port"
    int runs = 0;
    double medianMs = 0.0;
    double p90Ms = 0.0;
    double meanMs = 0.0;
    double coefficientOfVariation = 0.0;
    std::string error;  // non-empty: the benchmark failed, with the reason
    std::string detailsJson;
    std::int64_t createdAt = 0;
};

// One architecture's batch-1 latency on one target, measured before it trained (the latency
// objective). `architecture` is the spec's JSON (ArchitectureSpec::toJson), `target` the
// objective's key ("local:1", "cuda").
struct LatencyRecord {
    std::string architecture;
    std::string target;
    double medianMs = 0.0;
    double coefficientOfVariation = 0.0;
    int runs = 0;
    bool noisy = false;  // the coefficient of variation stayed above 5 % after a repeat
    std::string device;  // "CPU, 1 thread", the GPU's name
    std::int64_t measuredAt = 0;
};

// Writes: IoFailure naming the file (ReadOnly access too); NotFound updating a missing id;
// InvalidInput for a non-finite configuration value or an id naming no stored record (phaseId
// must name one; parentTrialId and a benchmark's trialId may be 0). Doubles round-trip exactly.
class ExperimentStore {
public:
    static constexpr int kSchemaVersion = 4;
    enum class Access { ReadWrite, ReadOnly };

    // A new file; IoFailure naming the path when it exists or cannot be written.
    static Result<std::unique_ptr<ExperimentStore>> create(const std::filesystem::path& file,
                                                           const ExperimentInfo& info);
    // NotFound for a missing file; InvalidInput for a file that is not a PerfNAS experiment or
    // was written by a newer schema. ReadWrite migrates older schemas (one transaction); ReadOnly
    // leaves them as they are and reads what they hold (schema 1: host "", no benchmarks;
    // schemas 1-2: rung 0, no rung results; schemas 1-3: no latencies).
    static Result<std::unique_ptr<ExperimentStore>> open(const std::filesystem::path& file,
                                                         Access access = Access::ReadWrite);
    ~ExperimentStore();
    ExperimentStore(const ExperimentStore&) = delete;
    ExperimentStore& operator=(const ExperimentStore&) = delete;

    const std::filesystem::path& file() const;
    int schemaVersion() const;  // of the file as opened (after migration)
    // Changes whenever another connection commits (SQLite's data_version): cheap change polling.
    Result<std::int64_t> dataVersion() const;

    Result<ExperimentInfo> experiment() const;
    Status updateExperiment(const ExperimentInfo& info);

    Result<int> addPhase(const PhaseRecord& phase);
    Status updatePhase(const PhaseRecord& phase);
    Result<std::vector<PhaseRecord>> phases() const;  // by id

    Result<int> addTrial(const TrialRecord& trial);
    Status updateTrial(const TrialRecord& trial);
    Result<TrialRecord> trial(int id) const;
    Result<std::vector<TrialRecord>> trials() const;  // by id
    // Trials left Running by a process that died go back to Queued; returns how many. attempts is
    // unchanged: the runner counts an attempt itself (attempts + 1) when it marks a trial Running.
    Result<int> requeueInterrupted();

    Result<int> addBenchmark(const BenchmarkRecord& benchmark);
    Result<std::vector<BenchmarkRecord>> benchmarks() const;  // by id

    // Adds or replaces the latency of (architecture, target).
    Status putLatency(const LatencyRecord& latency);
    Result<std::vector<LatencyRecord>> latencies() const;

private:
    struct Impl;
    explicit ExperimentStore(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

}  // namespace perfnas
