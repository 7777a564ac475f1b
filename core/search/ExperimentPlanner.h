#pragma once
// ExperimentPlanner: creates experiment files and their phases (docs/method.md, the method): the
// first phase (optimizer search or search), refinement phases from freezes, the phases a config
// asks for automatically, and fine-tuning of the frontier. Every change is committed to the store
// before the call returns; the runner then executes whatever phase is not finished.
#include <filesystem>
#include <memory>
#include <optional>
#include <vector>

#include "core/search/ExperimentConfig.h"
#include "core/search/ExperimentSummary.h"
#include "core/storage/ExperimentStore.h"

namespace perfnas {

struct Freeze {
    int unit = 0;  // from 0
    UnitParameter parameter = UnitParameter::Kh;
    int value = 0;
};

// What a freeze or fine-tuning request would add, worked out from the summary without touching the
// file: what a front end shows before the user confirms.
struct PhasePreview {
    PhaseKind kind = PhaseKind::Refinement;
    int round = 0;                   // refinement round
    int trials = 0;                  // refinement: trial budget (0: none); fine-tuning: models
    int iterations = 0;              // fine-tuning: total iterations per model
    double maxMinutes = 0.0;         // per run; 0: none
    double estimatedSeconds = -1.0;  // at the speeds measured so far; < 0: nothing measured yet
};

class ExperimentPlanner {
public:
    // A new experiment file for `config` (the dataset already resolved) with its first phase.
    static Result<std::unique_ptr<ExperimentStore>> create(const std::filesystem::path& file,
                                                           const ExperimentConfig& config,
                                                           const std::string& datasetHash);
    // Freezes parameters of the latest search space into a new refinement phase (merged into the
    // latest one when that has not started). An unfinished architecture phase is ended first.
    // InvalidInput when a parameter is already frozen or the value is outside its domain.
    static Result<PhaseRecord> freeze(ExperimentStore& store, const std::vector<Freeze>& freezes);
    // The suggestions at or above `minimumShare`, frozen as one refinement phase; InvalidInput
    // when there is none.
    static Result<PhaseRecord> freezeAutomatically(ExperimentStore& store, double minimumShare);
    // A fine-tuning phase with one queued trial per frontier member (and the seed) not fine-tuned
    // yet, continuing its checkpoint to the config's full budget (or `iterations` in total when >
    // 0).
    static Result<PhaseRecord> planFinetune(ExperimentStore& store, int iterations = 0);
    // The trials planFinetune would continue (empty: every one is fine-tuned already).
    static Result<std::vector<int>> finetuneCandidates(const ExperimentStore& store,
                                                       int iterations = 0);
    // The refinement phase a freeze would add (or join) and the fine-tuning planFinetune would add.
    static PhasePreview previewFreeze(const ExperimentSummary& summary);
    static PhasePreview previewFinetune(const ExperimentSummary& summary, int iterations = 0);
    // After the last phase finished: the phase the config asks for next (search after the
    // optimizer phase; automatic refinement rounds), added as pending; nullopt when none.
    static Result<std::optional<PhaseRecord>> planNext(ExperimentStore& store);

    // Checkpoints live beside the experiment file: "<stem>-checkpoints/trial-<id>".
    static std::filesystem::path checkpointRoot(const std::filesystem::path& experimentFile);
};

}  // namespace perfnas
