#pragma once
// ExperimentSummary: what an experiment file says right now — config, phases, trials, the Pareto
// frontier over the search and refinement trials, its hypervolume (docs/method.md), and the
// refinement suggestions for the latest phase's space. Computed from the store's records; read by
// `perfnas status`, the runner's progress line and the studio. A plain value.
#include <optional>
#include <utility>
#include <vector>

#include "core/search/ExperimentConfig.h"
#include "core/search/Pareto.h"
#include "core/search/Refinement.h"
#include "core/storage/ExperimentStore.h"

namespace perfnas {

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

    static Result<ExperimentSummary> load(const ExperimentStore& store);
    static Result<ExperimentSummary> compute(ExperimentInfo info, std::vector<PhaseRecord> phases,
                                             std::vector<TrialRecord> trials);

    const PhaseRecord* phase(int phaseId) const;
    const TrialRecord* trial(int trialId) const;
    // The space of a search or refinement phase; nullptr for other phases.
    const SearchSpace* spaceOf(int phaseId) const;
    // The finished fine-tuning trial of `parentId` with the most iterations; nullptr: none.
    const TrialRecord* finetuneOf(int parentId) const;
    // The cost objective of a trial (MFPOPS or parameters, per the config) and of the seed.
    double costOf(const TrialRecord& trial) const;
    double seedCost() const;
    // Finished trials of search and refinement phases (with rungs: at the top rung): the
    // candidates of the frontier, suggestions and fine-tuning.
    bool isCandidate(const TrialRecord& trial) const;
    // Without rungs every trial; with rungs, one that finished the top rung.
    bool isAtTopRung(const TrialRecord& trial) const;
    // Hypervolume reference point: (1 - 1/classes, log10 seed cost).
    Point2 reference() const;
};

}  // namespace perfnas
