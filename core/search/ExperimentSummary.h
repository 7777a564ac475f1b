#pragma once
// ExperimentSummary: what an experiment file says right now — config, phases, trials, the Pareto
// frontier over the search and refinement trials, its hypervolume (docs/method.md), and the
// refinement suggestions for the latest phase's space. Computed from the store's records; read by
// `perfnas status`, the runner's progress line and the studio. A plain value.
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/search/ExperimentConfig.h"
#include "core/search/Pareto.h"
#include "core/search/Refinement.h"
#include "core/storage/ExperimentStore.h"

namespace perfnas {

// A cost the frontier can be drawn against: MFPOPS, parameters, or the latency on one target
// (a LatencyObjective key: "local:1", "cuda", "ssh://user@host:port").
struct CostAxis {
    CostMetric metric = CostMetric::Mfpops;
    std::string target;  // latency only
    bool operator==(const CostAxis&) const = default;
};

// The key a benchmark's latency is kept under, as the latency objective's: "local:<threads>"
// (the threads from its details), "cuda", "ssh://user@host:port".
std::string latencyTargetKey(const BenchmarkRecord& benchmark);

struct ExperimentSummary {
    ExperimentInfo info;
    ExperimentConfig config;
    std::vector<PhaseRecord> phases;
    std::vector<TrialRecord> trials;  // by id
    std::vector<int> frontier;        // Pareto-optimal trial ids, cheapest first
    double hypervolume = 0.0;
    std::vector<Suggestion> suggestions;
    SearchSpace currentSpace;  // of the latest search or refinement phase (the config's before any)
    // Every search and refinement phase's space, parsed once here: (phase id, space) by id.
    std::vector<std::pair<int, SearchSpace>> phaseSpaces;
    int seedTrialId = 0;  // the finished trial of the seed architecture; 0: none yet
    // Every latency (ms) by target key ("local:1", "cuda", "ssh://..."), then architecture (spec
    // JSON): the latency objective's measurements and the latest benchmark of each model.
    std::map<std::string, std::map<std::string, double>> latencyMs;

    static Result<ExperimentSummary> load(const ExperimentStore& store);
    static Result<ExperimentSummary> compute(ExperimentInfo info, std::vector<PhaseRecord> phases,
                                             std::vector<TrialRecord> trials,
                                             std::vector<LatencyRecord> latencies = {},
                                             const std::vector<BenchmarkRecord>& benchmarks = {});

    const PhaseRecord* phase(int phaseId) const;
    const TrialRecord* trial(int trialId) const;
    // The space of a search or refinement phase; nullptr for other phases.
    const SearchSpace* spaceOf(int phaseId) const;
    // The finished fine-tuning trial of `parentId` with the most iterations; nullptr: none.
    const TrialRecord* finetuneOf(int parentId) const;
    // The cost objective of a trial (MFPOPS, parameters or the objective target's latency in ms,
    // per the config) and of the seed; NaN for a latency not measured (yet).
    double costOf(const TrialRecord& trial) const;
    double seedCost() const;
    // The stored latency of `specJson` on `target` (a LatencyObjective key); NaN: not measured.
    double latencyOf(const std::string& specJson, const std::string& target) const;
    // The objective's cost axis, and every axis the file has figures for (MFPOPS, parameters,
    // each latency target measured), the objective's first.
    CostAxis objectiveAxis() const;
    std::vector<CostAxis> costAxes() const;
    double costOf(const TrialRecord& trial, const CostAxis& axis) const;  // NaN: not measured
    // The Pareto frontier against `axis` over the candidates measured on it, cheapest first (the
    // objective's axis: `frontier`).
    std::vector<int> frontierOn(const CostAxis& axis) const;
    // Finished trials of search and refinement phases (with rungs: at the top rung): the
    // candidates of the frontier, suggestions and fine-tuning.
    bool isCandidate(const TrialRecord& trial) const;
    // Without rungs every trial; with rungs, one that finished the top rung.
    bool isAtTopRung(const TrialRecord& trial) const;
    // Hypervolume reference point: (1 - 1/classes, log10 seed cost).
    Point2 reference() const;
    // A trial in the hypervolume's plane: (1 - validation TOP-1, log10 cost).
    Point2 objectivePoint(const TrialRecord& trial) const;
};

}  // namespace perfnas
