#pragma once
// What perfnas bench measured, however it was measured (libtorch here, a runner on a board), and
// how it is printed (core/search/ExperimentBenchmark.h measures and stores): a table, or one JSON
// document. Failed models are shown with their reason.
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/benchmark/LatencyBenchmark.h"
#include "core/search/ExperimentBenchmark.h"

namespace perfnas::cli {

// {"runs", "median_ms", "p90_ms", "mean_ms", "cv"}: perfnas bench-model's figures.
nlohmann::json statisticsJson(const LatencyStatistics& statistics);

// Prints the results (ids[0] is the seed: speed-ups are relative to it) and the rank correlation
// of MFPOPS and latency over the measured models. Returns the exit status: 1 when any model failed.
int reportBenchmarks(const ExperimentBenchmarkRun& run, int runs, bool json);

}  // namespace perfnas::cli
