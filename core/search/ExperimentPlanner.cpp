#include "core/search/ExperimentPlanner.h"

#include <algorithm>
#include <chrono>
#include <cmath>

#include "core/model/CostModel.h"
#include "core/search/PhasePlan.h"

namespace perfnas {
namespace fs = std::filesystem;
namespace {

std::int64_t nowSeconds() {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

bool isArchitecturePhase(PhaseKind kind) {
    return kind == PhaseKind::Search || kind == PhaseKind::Refinement;
}

PhaseRecord searchPhase(const ExperimentConfig& config, const SearchSpace& space, PhaseKind kind,
                        int round) {
    const int budget = kind == PhaseKind::Refinement && config.refinementTrials > 0
                           ? config.refinementTrials
                           : config.searchTrials;
    return {.kind = kind,
            .round = round,
            .spaceJson = space.toJson(),
            .trialBudget = budget,
            .maxMinutes = config.searchMaxMinutes};
}

// Ends unfinished architecture phases (a freeze or fine-tuning moves the experiment on).
Status finishOpenPhases(ExperimentStore& store, const std::vector<PhaseRecord>& phases) {
    for (PhaseRecord phase : phases) {
        if (phase.state == PhaseState::Finished || !isArchitecturePhase(phase.kind)) continue;
        phase.state = PhaseState::Finished;
        phase.finishedAt = nowSeconds();
        if (auto status = store.updatePhase(phase); !status) return status.error();
    }
    return Done{};
}

int lastRound(const std::vector<PhaseRecord>& phases) {
    int round = 0;
    for (const PhaseRecord& phase : phases) round = std::max(round, phase.round);
    return round;
}

// The last phase when it is a refinement phase that has not started: a freeze joins it.
const PhaseRecord* untouchedRefinement(const ExperimentSummary& summary) {
    if (summary.phases.empty()) return nullptr;
    const PhaseRecord& last = summary.phases.back();
    const bool untouched =
        last.kind == PhaseKind::Refinement && last.state == PhaseState::Pending &&
        std::none_of(summary.trials.begin(), summary.trials.end(),
                     [&last](const TrialRecord& t) { return t.phaseId == last.id; });
    return untouched ? &last : nullptr;
}

}  // namespace

fs::path ExperimentPlanner::checkpointRoot(const fs::path& experimentFile) {
    return experimentFile.parent_path() / (experimentFile.stem().string() + "-checkpoints");
}

Result<std::unique_ptr<ExperimentStore>> ExperimentPlanner::create(const fs::path& file,
                                                                   const ExperimentConfig& config,
                                                                   const std::string& datasetHash) {
    const ExperimentInfo info{.name = config.name,
                              .configJson = config.toJson(),
                              .seedSpecJson = config.seed.toJson(),
                              .datasetPath = config.dataset.root.string(),
                              .datasetHash = datasetHash,
                              .createdAt = nowSeconds()};
    auto store = ExperimentStore::create(file, info);
    if (!store) return store.error();
    PhaseRecord first = searchPhase(config, config.space, PhaseKind::Search, 0);
    if (config.optimizerSpace) {
        // The optimizer phase stores its own parameter space (learning rate, batch, iterations).
        first = {.kind = PhaseKind::Optimizer,
                 .spaceJson = "{}",
                 .trialBudget = config.optimizerTrials,
                 .maxMinutes = config.searchMaxMinutes};
    }
    if (auto added = (*store)->addPhase(first); !added) return added.error();
    return store;
}

Result<PhaseRecord> ExperimentPlanner::freeze(ExperimentStore& store,
                                              const std::vector<Freeze>& freezes) {
    auto summary = ExperimentSummary::load(store);
    if (!summary) return summary.error();
    if (freezes.empty()) return makeError(ErrorCode::InvalidInput, "nothing to freeze");
    SearchSpace space = summary->currentSpace;
    for (const Freeze& freeze : freezes) {
        const std::string name =
            "unit " + std::to_string(freeze.unit + 1) + " " + parameterName(freeze.parameter);
        if (freeze.unit < 0 || freeze.unit >= static_cast<int>(space.units.size())) {
            return makeError(ErrorCode::InvalidInput,
                             "--unit " + std::to_string(freeze.unit + 1) + ": the seed has " +
                                 std::to_string(space.units.size()) + " units");
        }
        if (space.units[static_cast<std::size_t>(freeze.unit)][freeze.parameter].isFrozen()) {
            return makeError(ErrorCode::InvalidInput, name + " is already frozen");
        }
        auto frozen = space.frozen(freeze.unit, freeze.parameter, freeze.value);
        if (!frozen) return frozen.error();
        space = *frozen;
    }
    // A refinement phase that has not started yet takes the new freezes too.
    if (const PhaseRecord* untouched = untouchedRefinement(*summary)) {
        PhaseRecord last = *untouched;
        last.spaceJson = space.toJson();
        if (auto status = store.updatePhase(last); !status) return status.error();
        return last;
    }
    if (auto status = finishOpenPhases(store, summary->phases); !status) return status.error();
    PhaseRecord phase =
        searchPhase(summary->config, space, PhaseKind::Refinement, lastRound(summary->phases) + 1);
    auto id = store.addPhase(phase);
    if (!id) return id.error();
    phase.id = *id;
    return phase;
}

PhasePreview ExperimentPlanner::previewFreeze(const ExperimentSummary& summary) {
    PhaseRecord phase = searchPhase(summary.config, summary.currentSpace, PhaseKind::Refinement,
                                    lastRound(summary.phases) + 1);
    if (const PhaseRecord* joined = untouchedRefinement(summary)) phase = *joined;
    phase.id = 0;  // not in the file: no trial belongs to it
    const double deadline = phase.maxMinutes > 0 ? phase.maxMinutes * 60.0 : PhasePlan::kNoDeadline;
    return {.kind = PhaseKind::Refinement,
            .round = phase.round,
            .trials = phase.trialBudget,
            .maxMinutes = phase.maxMinutes,
            .estimatedSeconds = PhasePlan(summary, phase).outlook(deadline).remainingSeconds};
}

Result<PhaseRecord> ExperimentPlanner::freezeAutomatically(ExperimentStore& store,
                                                           double minimumShare) {
    auto summary = ExperimentSummary::load(store);
    if (!summary) return summary.error();
    std::vector<Freeze> freezes;
    for (const Suggestion& suggestion : Refinement::automatic(summary->suggestions, minimumShare)) {
        freezes.push_back({.unit = suggestion.unit,
                           .parameter = suggestion.parameter,
                           .value = suggestion.value});
    }
    if (freezes.empty()) {
        return makeError(
            ErrorCode::InvalidInput,
            "no suggestion reaches a share of " + std::to_string(minimumShare) +
                " (perfnas status lists them; freeze one with --unit/--param/--value)");
    }
    return freeze(store, freezes);
}

namespace {

TrainingParams finetuneParams(const ExperimentSummary& summary, int iterations) {
    TrainingParams params = summary.config.finetune;
    if (iterations > 0) params.iterations = iterations;
    return params;
}

// The frontier and the seed: the baseline is fine-tuned too, so that comparisons use equal budgets.
std::vector<int> notFinetuned(const ExperimentSummary& summary, const TrainingParams& params) {
    std::vector<int> models = summary.frontier;
    if (summary.seedTrialId != 0 &&
        std::find(models.begin(), models.end(), summary.seedTrialId) == models.end()) {
        models.push_back(summary.seedTrialId);
    }
    std::vector<int> parents;
    for (int id : models) {
        const bool done =
            std::any_of(summary.trials.begin(), summary.trials.end(), [&](const TrialRecord& t) {
                const PhaseRecord* owner = summary.phase(t.phaseId);
                return t.parentTrialId == id && owner && owner->kind == PhaseKind::Finetune &&
                       t.state == TrialState::Finished && t.iterationsDone >= params.iterations;
            });
        if (!done) parents.push_back(id);
    }
    return parents;
}

}  // namespace

// Each model continues from the iterations it has, at its own measured speed; the workers share
// the models, but the phase lasts at least as long as the longest one.
PhasePreview ExperimentPlanner::previewFinetune(const ExperimentSummary& summary, int iterations) {
    const TrainingParams params = finetuneParams(summary, iterations);
    const std::vector<int> parents = notFinetuned(summary, params);
    double total = 0.0;
    double longest = 0.0;
    bool measured = !parents.empty();
    for (int id : parents) {
        const TrialRecord& parent = *summary.trial(id);
        if (parent.iterationsDone <= 0 || !(parent.seconds > 0) || !std::isfinite(parent.seconds)) {
            measured = false;
            break;
        }
        const double own = std::max(0, params.iterations - parent.iterationsDone) * parent.seconds /
                           parent.iterationsDone;
        total += own;
        longest = std::max(longest, own);
    }
    return {.kind = PhaseKind::Finetune,
            .trials = static_cast<int>(parents.size()),
            .iterations = params.iterations,
            .estimatedSeconds =
                measured ? std::max(longest, total / std::max(1, summary.config.workers)) : -1.0};
}

Result<std::vector<int>> ExperimentPlanner::finetuneCandidates(const ExperimentStore& store,
                                                               int iterations) {
    auto summary = ExperimentSummary::load(store);
    if (!summary) return summary.error();
    return notFinetuned(*summary, finetuneParams(*summary, iterations));
}

Result<PhaseRecord> ExperimentPlanner::planFinetune(ExperimentStore& store, int iterations) {
    auto summary = ExperimentSummary::load(store);
    if (!summary) return summary.error();
    if (summary->frontier.empty()) {
        return makeError(ErrorCode::InvalidInput,
                         "the experiment has no finished search trial to fine-tune yet");
    }
    const TrainingParams params = finetuneParams(*summary, iterations);
    const std::vector<int> parents = notFinetuned(*summary, params);
    if (parents.empty()) {
        return makeError(ErrorCode::InvalidInput, "every frontier model is already fine-tuned to " +
                                                      std::to_string(params.iterations) +
                                                      " iterations");
    }
    if (auto status = finishOpenPhases(store, summary->phases); !status) return status.error();
    PhaseRecord phase{.kind = PhaseKind::Finetune,
                      .spaceJson = "{}",
                      .trialBudget = static_cast<int>(parents.size())};
    auto id = store.addPhase(phase);
    if (!id) return id.error();
    phase.id = *id;
    for (int parentId : parents) {
        const TrialRecord& parent = *summary->trial(parentId);
        TrialRecord trial{.phaseId = phase.id,
                          .state = TrialState::Queued,
                          .configuration = parent.configuration,
                          .specJson = parent.specJson,
                          .trainingJson = params.toJson(),
                          .mfpops = parent.mfpops,
                          .params = parent.params,
                          .parentTrialId = parent.id};
        if (auto added = store.addTrial(trial); !added) return added.error();
    }
    return phase;
}

Result<std::optional<PhaseRecord>> ExperimentPlanner::planNext(ExperimentStore& store) {
    auto summary = ExperimentSummary::load(store);
    if (!summary) return summary.error();
    if (summary->phases.empty()) return std::optional<PhaseRecord>{};
    const PhaseRecord& last = summary->phases.back();
    if (last.state != PhaseState::Finished) return std::optional<PhaseRecord>{};
    if (last.kind == PhaseKind::Optimizer) {
        PhaseRecord phase =
            searchPhase(summary->config, summary->config.space, PhaseKind::Search, 0);
        auto id = store.addPhase(phase);
        if (!id) return id.error();
        phase.id = *id;
        return std::optional<PhaseRecord>{phase};
    }
    if (isArchitecturePhase(last.kind) && last.round < summary->config.autoRefinementRounds) {
        auto phase = freezeAutomatically(store, summary->config.autoMinimumShare);
        // Nothing left to agree on ends the automatic rounds; it is not an error.
        if (!phase) return std::optional<PhaseRecord>{};
        return std::optional<PhaseRecord>{*phase};
    }
    return std::optional<PhaseRecord>{};
}

}  // namespace perfnas
