#include "core/search/ArchitectureLatency.h"

#include <chrono>

#include "core/benchmark/LatencyBenchmark.h"
#include "core/common/TrainingHold.h"

namespace perfnas {

ArchitectureLatency::ArchitectureLatency(ExperimentStore& store, LatencyObjective objective)
    : m_store(store), m_objective(std::move(objective)) {}

ArchitectureLatency::~ArchitectureLatency() = default;

Status ArchitectureLatency::loadStored() {
    if (m_loaded) return Done{};
    auto stored = m_store.latencies();
    if (!stored) return stored.error();
    for (const LatencyRecord& record : *stored) {
        if (record.target == m_objective.key()) m_known[record.architecture] = record.medianMs;
    }
    m_loaded = true;
    return Done{};
}

Result<LatencyStatistics> ArchitectureLatency::measure(const ArchitectureSpec& spec) {
    auto measured = m_objective.remoteTarget() ? measureOnBoard(spec) : measureHere(spec);
    if (!measured) {
        return makeError(measured.error().code, "objective.target " + m_objective.target + ": " +
                                                    measured.error().message);
    }
    return measured;
}

Result<LatencyStatistics> ArchitectureLatency::measureHere(const ArchitectureSpec& spec) {
    const LatencySettings settings{
        .device = m_objective.target == "cuda" ? ComputeDevice::Cuda : ComputeDevice::Cpu,
        .runs = m_objective.runs,
        .warmupRuns = m_objective.warmupRuns,
        .threads = m_objective.threads};
    auto run = [&] { return LatencyBenchmark::measure({spec}, settings); };
    // A GPU does not share the CPU's cores: only local measurements hold the trainings.
    auto measured =
        settings.device == ComputeDevice::Cpu ? TrainingHold::instance().whileHeld(run) : run();
    if (!measured) return measured.error();
    m_device = LatencyBenchmark::describe(settings);
    return measured->front();
}

// One connection for the whole phase: each candidate costs an upload and one command, not a
// handshake. A dropped connection is opened again once before the candidate counts as failed.
Result<LatencyStatistics> ArchitectureLatency::measureOnBoard(const ArchitectureSpec& spec) {
    RemoteBenchmarkSettings benchmark = m_objective.remote;
    benchmark.runs = m_objective.runs;
    for (int attempt = 0;; ++attempt) {
        if (!m_board) {
            auto connected = SshBoard::connect(m_objective.board);
            if (!connected) return connected.error();
            m_board = std::move(*connected);
        }
        auto measured = m_board->measure(spec.toJson(), benchmark);
        if (measured) {
            m_device = m_objective.board.address() +
                       (measured->device.empty() ? "" : " (" + measured->device + ")");
            return measured->statistics;
        }
        // Output the parser refused will not change on a new connection; any other failure may
        // be a dropped one.
        m_board.reset();
        if (measured.error().code == ErrorCode::InvalidInput || attempt == 1)
            return measured.error();
    }
}

Result<double> ArchitectureLatency::milliseconds(const ArchitectureSpec& spec) {
    if (auto loaded = loadStored(); !loaded) return loaded.error();
    const std::string key = spec.toJson();
    if (const auto found = m_known.find(key); found != m_known.end()) return found->second;

    auto statistics = measure(spec);
    if (!statistics) return statistics.error();
    if (statistics->coefficientOfVariation > kNoisyVariation) {
        auto again = measure(spec);
        if (!again) return again.error();
        if (again->coefficientOfVariation < statistics->coefficientOfVariation)
            statistics = std::move(again);
    }
    const LatencyRecord record{
        .architecture = key,
        .target = m_objective.key(),
        .medianMs = statistics->medianMs,
        .coefficientOfVariation = statistics->coefficientOfVariation,
        .runs = statistics->runs,
        .noisy = statistics->coefficientOfVariation > kNoisyVariation,
        .device = m_device,
        .measuredAt = std::chrono::duration_cast<std::chrono::seconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count()};
    if (auto stored = m_store.putLatency(record); !stored) return stored.error();
    m_known[key] = record.medianMs;
    ++m_measured;
    return record.medianMs;
}

}  // namespace perfnas
