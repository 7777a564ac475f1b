#include "core/search/ArchitectureLatency.h"

#include <chrono>

#include "core/benchmark/LatencyBenchmark.h"
#include "core/common/TrainingHold.h"

namespace perfnas {

ArchitectureLatency::ArchitectureLatency(ExperimentStore& store, LatencyObjective objective)
    : m_store(store), m_objective(std::move(objective)) {}

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

Result<double> ArchitectureLatency::milliseconds(const ArchitectureSpec& spec) {
    if (auto loaded = loadStored(); !loaded) return loaded.error();
    const std::string key = spec.toJson();
    if (const auto found = m_known.find(key); found != m_known.end()) return found->second;

    const LatencySettings settings{
        .device = m_objective.target == "cuda" ? ComputeDevice::Cuda : ComputeDevice::Cpu,
        .runs = m_objective.runs,
        .warmupRuns = m_objective.warmupRuns,
        .threads = m_objective.threads};
    auto measure = [&]() -> Result<LatencyStatistics> {
        auto run = [&] { return LatencyBenchmark::measure({spec}, settings); };
        // A GPU does not share the CPU's cores: only local measurements hold the trainings.
        auto measured =
            settings.device == ComputeDevice::Cpu ? TrainingHold::instance().whileHeld(run) : run();
        if (!measured) {
            return makeError(measured.error().code, "objective.target " + m_objective.target +
                                                        ": " + measured.error().message);
        }
        return measured->front();
    };
    auto statistics = measure();
    if (!statistics) return statistics.error();
    if (statistics->coefficientOfVariation > kNoisyVariation) {
        auto again = measure();
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
        .device = LatencyBenchmark::describe(settings),
        .measuredAt = std::chrono::duration_cast<std::chrono::seconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count()};
    if (auto stored = m_store.putLatency(record); !stored) return stored.error();
    m_known[key] = record.medianMs;
    ++m_measured;
    return record.medianMs;
}

}  // namespace perfnas
