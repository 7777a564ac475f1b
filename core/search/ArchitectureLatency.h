#pragma once
// ArchitectureLatency: the latency objective's measurements (docs/method.md, "Latency as the
// cost"). An architecture's batch-1 latency on the objective's target is measured once, before any
// training is spent on it — random weights (latency does not depend on them), warm-up, then the
// median of the timed runs — and stored in the experiment file per (architecture, target), so a
// repeated architecture or a resumed search never measures twice. A measurement whose coefficient
// of variation is above 5 % is repeated once and stored flagged noisy if it stays above. On the
// local CPU every in-process training is held at its next iteration while it measures
// (core/common/TrainingHold.h), so the figures never include a training's load. An ssh:// board
// is measured over one connection kept for the phase (core/benchmark/SshBoard.h), by the
// board-side command `perfnas bench` uses. Not thread-safe: the runner's thread owns it.
#include <map>
#include <memory>
#include <string>

#include "core/benchmark/LatencyBenchmark.h"
#include "core/benchmark/SshBoard.h"
#include "core/common/Result.h"
#include "core/model/ArchitectureSpec.h"
#include "core/search/ExperimentConfig.h"
#include "core/storage/ExperimentStore.h"

namespace perfnas {

class ArchitectureLatency {
public:
    static constexpr double kNoisyVariation = 0.05;

    ArchitectureLatency(ExperimentStore& store, LatencyObjective objective);

    // The median latency (ms) of `spec` on the target: stored, or measured now and stored.
    // InvalidInput naming the target when it cannot be measured (no CUDA device).
    Result<double> milliseconds(const ArchitectureSpec& spec);
    int measuredHere() const { return m_measured; }  // measurements this object made

    ~ArchitectureLatency();

private:
    Status loadStored();
    Result<LatencyStatistics> measure(const ArchitectureSpec& spec);
    Result<LatencyStatistics> measureHere(const ArchitectureSpec& spec);
    Result<LatencyStatistics> measureOnBoard(const ArchitectureSpec& spec);

    ExperimentStore& m_store;
    LatencyObjective m_objective;
    std::map<std::string, double> m_known;  // spec JSON -> ms, for this target
    bool m_loaded = false;
    int m_measured = 0;
    std::string m_device;               // how the last measurement described the device
    std::unique_ptr<SshBoard> m_board;  // ssh:// targets: the open connection
};

}  // namespace perfnas
