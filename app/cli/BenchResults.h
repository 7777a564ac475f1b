#pragma once
// What perfnas bench measured, however it was measured (libtorch here, a runner on a board), and
// how it is printed: a table, or one JSON document. Failed models are shown with their reason.
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/benchmark/LatencyBenchmark.h"
#include "core/benchmark/SshBoard.h"
#include "core/common/Progress.h"
#include "core/model/ArchitectureSpec.h"

namespace perfnas::cli {

struct ModelLatency {
    std::optional<LatencyStatistics> statistics;  // empty: failed, see error
    std::string error;
    nlohmann::json details = nlohmann::json::object();  // the benchmark record's details
};

// {"runs", "median_ms", "p90_ms", "mean_ms", "cv"}: perfnas bench-model's figures.
nlohmann::json statisticsJson(const LatencyStatistics& statistics);

// Every spec on the board, in order; `connected` false when the connection failed (every model then
// carries its error).
std::vector<ModelLatency> measureOnBoard(const SshBoardSettings& board,
                                         const std::vector<ArchitectureSpec>& specs,
                                         const RemoteBenchmarkSettings& benchmark,
                                         const ProgressCallback& progress, bool& connected);

struct BenchSummary {
    std::string target;
    std::string device;
    int runs = 0;
    bool connected = true;
};
// Prints the results (ids[0] is the seed: speed-ups are relative to it) and the rank correlation
// of MFPOPS and latency over the measured models. Returns the exit status: 1 when any model failed.
int reportBenchmarks(const BenchSummary& summary, const std::vector<int>& ids,
                     const std::vector<ArchitectureSpec>& specs,
                     const std::vector<ModelLatency>& measured, bool json);

}  // namespace perfnas::cli
