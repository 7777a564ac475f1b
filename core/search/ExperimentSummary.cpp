#include "core/search/ExperimentSummary.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>

#include "core/model/CostModel.h"

namespace perfnas {
namespace {

bool isArchitecturePhase(PhaseKind kind) {
    return kind == PhaseKind::Search || kind == PhaseKind::Refinement;
}

}  // namespace

Point2 ExperimentSummary::objectivePoint(const TrialRecord& trial) const {
    return {.x = 1.0 - trial.validationTop1, .y = std::log10(std::max(costOf(trial), 1e-12))};
}

const PhaseRecord* ExperimentSummary::phase(int phaseId) const {
    for (const PhaseRecord& record : phases) {
        if (record.id == phaseId) return &record;
    }
    return nullptr;
}

const SearchSpace* ExperimentSummary::spaceOf(int phaseId) const {
    for (const auto& [id, space] : phaseSpaces) {
        if (id == phaseId) return &space;
    }
    return nullptr;
}

const TrialRecord* ExperimentSummary::trial(int trialId) const {
    auto found = std::lower_bound(trials.begin(), trials.end(), trialId,
                                  [](const TrialRecord& record, int id) { return record.id < id; });
    return found != trials.end() && found->id == trialId ? &*found : nullptr;
}

const TrialRecord* ExperimentSummary::finetuneOf(int parentId) const {
    const TrialRecord* best = nullptr;
    for (const TrialRecord& record : trials) {
        if (record.parentTrialId != parentId || record.state != TrialState::Finished) continue;
        if (!best || record.iterationsDone > best->iterationsDone) best = &record;
    }
    return best;
}

double ExperimentSummary::latencyOf(const std::string& specJson, const std::string& target) const {
    const auto onTarget = latencyMs.find(target);
    if (onTarget == latencyMs.end()) return std::numeric_limits<double>::quiet_NaN();
    const auto found = onTarget->second.find(specJson);
    return found == onTarget->second.end() ? std::numeric_limits<double>::quiet_NaN()
                                           : found->second;
}

std::string latencyTargetKey(const BenchmarkRecord& benchmark) {
    if (benchmark.target != "local") return benchmark.target;
    const auto details = nlohmann::json::parse(benchmark.detailsJson, nullptr, false);
    const int threads = details.is_object() ? details.value("threads", 1) : 1;
    return LatencyObjective{.target = "local", .threads = threads}.key();
}

CostAxis ExperimentSummary::objectiveAxis() const {
    return {.metric = config.cost,
            .target = config.cost == CostMetric::Latency ? config.latency.key() : std::string()};
}

std::vector<CostAxis> ExperimentSummary::costAxes() const {
    std::vector<CostAxis> axes = {objectiveAxis()};
    auto add = [&axes](const CostAxis& axis) {
        if (std::find(axes.begin(), axes.end(), axis) == axes.end()) axes.push_back(axis);
    };
    add({.metric = CostMetric::Mfpops});
    add({.metric = CostMetric::Params});
    for (const auto& [target, byArchitecture] : latencyMs) {
        if (!byArchitecture.empty()) add({.metric = CostMetric::Latency, .target = target});
    }
    return axes;
}

double ExperimentSummary::costOf(const TrialRecord& record, const CostAxis& axis) const {
    switch (axis.metric) {
        case CostMetric::Params:
            return static_cast<double>(record.params);
        case CostMetric::Latency:
            return latencyOf(record.specJson, axis.target);
        case CostMetric::Mfpops:
            break;
    }
    return record.mfpops;
}

double ExperimentSummary::costOf(const TrialRecord& record) const {
    return costOf(record, objectiveAxis());
}

std::vector<int> ExperimentSummary::frontierOn(const CostAxis& axis) const {
    if (axis == objectiveAxis()) return frontier;
    std::vector<int> ids;
    std::vector<ObjectiveVector> objectives;
    for (const TrialRecord& record : trials) {
        const double cost = costOf(record, axis);
        if (!isCandidate(record) || !std::isfinite(cost)) continue;
        ids.push_back(record.id);
        objectives.push_back({1.0 - record.validationTop1, cost});
    }
    std::vector<int> front;
    for (std::size_t index : paretoFront(objectives)) front.push_back(ids[index]);
    std::sort(front.begin(), front.end(), [&](int a, int b) {
        const double costA = costOf(*trial(a), axis);
        const double costB = costOf(*trial(b), axis);
        return costA != costB ? costA < costB : a < b;
    });
    return front;
}

double ExperimentSummary::seedCost() const {
    const ModelCost cost = CostModel::evaluate(config.seed);
    switch (config.cost) {
        case CostMetric::Params:
            return static_cast<double>(cost.params);
        case CostMetric::Latency:
            return latencyOf(config.seed.toJson(), config.latency.key());
        case CostMetric::Mfpops:
            break;
    }
    return cost.mfpops();
}

bool ExperimentSummary::isCandidate(const TrialRecord& record) const {
    const PhaseRecord* owner = phase(record.phaseId);
    if (record.state != TrialState::Finished || !owner || !isArchitecturePhase(owner->kind))
        return false;
    return !config.fidelity || isAtTopRung(record);
}

bool ExperimentSummary::isAtTopRung(const TrialRecord& record) const {
    if (!config.fidelity) return true;
    return record.rung == config.fidelity->topRung() &&
           static_cast<int>(record.rungResults.size()) == config.fidelity->topRung() + 1;
}

Point2 ExperimentSummary::reference() const {
    return {.x = 1.0 - 1.0 / std::max(1, config.seed.classes), .y = std::log10(seedCost())};
}

Result<ExperimentSummary> ExperimentSummary::load(const ExperimentStore& store) {
    auto info = store.experiment();
    if (!info) return info.error();
    auto phases = store.phases();
    if (!phases) return phases.error();
    auto trials = store.trials();
    if (!trials) return trials.error();
    auto latencies = store.latencies();
    if (!latencies) return latencies.error();
    auto benchmarks = store.benchmarks();
    if (!benchmarks) return benchmarks.error();
    return compute(std::move(*info), std::move(*phases), std::move(*trials), std::move(*latencies),
                   *benchmarks);
}

Result<ExperimentSummary> ExperimentSummary::compute(
    ExperimentInfo info, std::vector<PhaseRecord> phases, std::vector<TrialRecord> trials,
    std::vector<LatencyRecord> latencies, const std::vector<BenchmarkRecord>& benchmarks) {
    ExperimentSummary summary;
    auto config = ExperimentConfig::fromJson(info.configJson, {}, "the experiment's stored config");
    if (!config) return config.error();
    summary.config = std::move(*config);
    summary.info = std::move(info);
    summary.phases = std::move(phases);
    summary.trials = std::move(trials);
    std::sort(summary.trials.begin(), summary.trials.end(),
              [](const TrialRecord& a, const TrialRecord& b) { return a.id < b.id; });
    for (const LatencyRecord& latency : latencies)
        summary.latencyMs[latency.target][latency.architecture] = latency.medianMs;
    // `perfnas bench` results, by the model's architecture (the latest wins; trial id 0 is the
    // seed).
    for (const BenchmarkRecord& benchmark : benchmarks) {
        if (!benchmark.error.empty() || !(benchmark.medianMs > 0)) continue;
        const TrialRecord* owner = benchmark.trialId ? summary.trial(benchmark.trialId) : nullptr;
        if (benchmark.trialId && !owner) continue;
        summary.latencyMs[latencyTargetKey(benchmark)]
                         [owner ? owner->specJson : summary.info.seedSpecJson] = benchmark.medianMs;
    }

    // The space of each architecture phase, for the suggestions' "free when sampled".
    summary.currentSpace = summary.config.space;
    for (const PhaseRecord& record : summary.phases) {
        if (!isArchitecturePhase(record.kind)) continue;
        auto space = SearchSpace::fromJson(record.spaceJson, summary.config.seed);
        if (!space) {
            return makeError(ErrorCode::InvalidInput,
                             "phase " + std::to_string(record.id) +
                                 " of the experiment: " + space.error().message);
        }
        summary.phaseSpaces.emplace_back(record.id, *space);
        summary.currentSpace = *space;
    }

    const Configuration seedConfiguration =
        summary.config.space.configurationOf(summary.config.seed);
    std::vector<const TrialRecord*> candidates;
    std::vector<ObjectiveVector> objectives;
    for (const TrialRecord& record : summary.trials) {
        // A latency not measured yet cannot be ranked (only files edited by hand lack one).
        if (!summary.isCandidate(record) || !std::isfinite(summary.costOf(record))) continue;
        candidates.push_back(&record);
        objectives.push_back({1.0 - record.validationTop1, summary.costOf(record)});
        if (summary.seedTrialId == 0 && record.configuration == seedConfiguration)
            summary.seedTrialId = record.id;
    }
    std::vector<Point2> frontierPoints;
    std::vector<RefinementCandidate> paretoCandidates;
    for (std::size_t index : paretoFront(objectives)) {
        const TrialRecord& record = *candidates[index];
        summary.frontier.push_back(record.id);
        frontierPoints.push_back(summary.objectivePoint(record));
        // Only sampled candidates vote: the seed baseline may lie outside the space.
        for (const auto& [phaseId, space] : summary.phaseSpaces) {
            const ParameterSpace parameters = space.parameterSpace();
            if (phaseId != record.phaseId || !parameters.contains(record.configuration)) continue;
            RefinementCandidate candidate{.configuration = record.configuration};
            for (const Dimension& dimension : parameters.dimensions) {
                candidate.freeWhenSampled.push_back(!dimension.domain.isFrozen());
            }
            paretoCandidates.push_back(std::move(candidate));
        }
    }
    std::sort(summary.frontier.begin(), summary.frontier.end(), [&summary](int a, int b) {
        const double costA = summary.costOf(*summary.trial(a));
        const double costB = summary.costOf(*summary.trial(b));
        return costA != costB ? costA < costB : a < b;
    });
    summary.hypervolume = hypervolume2d(frontierPoints, summary.reference());
    summary.suggestions = Refinement::suggest(summary.currentSpace, paretoCandidates);
    return summary;
}

}  // namespace perfnas
