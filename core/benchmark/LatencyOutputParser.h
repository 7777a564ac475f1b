#pragma once
// LatencyOutputParser: reads the latency a board-side runner printed on stdout. Two formats:
// "perfnas" (`perfnas bench-model --json`) and "onnxruntime" (onnxruntime_perf_test's text
// report). Output that lacks a figure is an InvalidInput error naming what is missing. Stateless.
#include <memory>
#include <string>
#include <vector>

#include "core/benchmark/LatencyBenchmark.h"
#include "core/common/Result.h"

namespace perfnas {

struct ParsedLatency {
    LatencyStatistics statistics;  // samplesMs stays empty: runners report summaries
    std::string device;            // as the runner describes it; empty when it does not
    int threads = 0;               // 0: not reported
    std::string note;              // how figures were derived, e.g. "median: the runner's average"
};

class LatencyOutputParser {
public:
    virtual ~LatencyOutputParser() = default;
    virtual std::string name() const = 0;
    virtual Result<ParsedLatency> parse(const std::string& output) const = 0;

    // nullptr for a name not in names().
    static std::unique_ptr<LatencyOutputParser> create(const std::string& name);
    static std::vector<std::string> names();  // {"perfnas", "onnxruntime"}
};

}  // namespace perfnas
