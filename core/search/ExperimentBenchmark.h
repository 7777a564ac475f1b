#pragma once
// ExperimentBenchmark: the latency benchmark of an experiment's models, as `perfnas bench` and the
// studio's Latency tab run it (one implementation for both). The seed is measured first, always,
// as trial 0: speed-ups are relative to it. On the local CPU or a CUDA GPU the models' runs are
// interleaved (core/benchmark/LatencyBenchmark.h); on a board every model goes over one SSH
// connection (core/benchmark/SshBoard.h), and one model's failure does not stop the others. Every
// model's result, failures included, is stored as a BenchmarkRecord under the normalized target.
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/benchmark/LatencyBenchmark.h"
#include "core/benchmark/SshBoard.h"
#include "core/common/CancelToken.h"
#include "core/common/Progress.h"
#include "core/search/ExperimentSummary.h"
#include "core/storage/ExperimentStore.h"

namespace perfnas {

struct BenchmarkTarget {
    std::string target = "local";  // "local", "cuda" or "ssh://USER@HOST:PORT"
    LatencySettings settings;      // runs, warm-up and threads (a board's command gets the runs)
    SshBoardSettings board;        // ssh://: host from the target; keys, known_hosts, timeouts
    RemoteBenchmarkSettings remote;

    bool remoteTarget() const { return target.starts_with("ssh://"); }
    // InvalidInput naming the target or the command template when either is wrong; normalizes
    // an ssh:// target and fills board's host, port and user from it.
    Status resolve();
};

struct ModelLatency {
    std::optional<LatencyStatistics> statistics;  // empty: failed, see error
    std::string error;
    nlohmann::json details = nlohmann::json::object();  // the benchmark record's details
};

struct ExperimentBenchmarkRun {
    std::string target;         // normalized: what the records are stored under
    std::string device;         // how the target described itself
    bool connected = true;      // false: a board could not be reached (every model carries why)
    std::vector<int> trialIds;  // the seed (0) first
    std::vector<ArchitectureSpec> specs;
    std::vector<ModelLatency> models;
};

// Measures the seed and `trialIds` (finished trials of `experiment`) on `target` and stores the
// records in `store`. An Error for what stops the whole run (a bad target, a trial not in the
// experiment, no CUDA device, cancellation of a local run, the store); a board's connection
// failure is a run with connected == false whose records are stored too.
Result<ExperimentBenchmarkRun> benchmarkExperiment(ExperimentStore& store,
                                                   const ExperimentSummary& experiment,
                                                   BenchmarkTarget target,
                                                   const std::vector<int>& trialIds,
                                                   const ProgressCallback& progress = {},
                                                   const CancelToken& cancel = {});

// True for SshBoard's refusal of a host whose key is not in known_hosts yet: the message shows
// its fingerprint, and the user may trust it (SshBoardSettings::trustNewHost). Never true for a
// changed key.
bool isUnknownHostRefusal(const std::string& message);

}  // namespace perfnas
