#pragma once
// Experiment: the engine's one entry point for the front ends (app/cli and ui/search). It opens or
// creates an experiment file for a loaded dataset, checks the dataset is the one the file started
// with, plans refinement and fine-tuning, and runs the open phases on the executor the config
// names. Every failure comes back as an Error that names the file; nothing here prints or throws.
// Use it from one thread at a time (the writer store is not shared); the runner it publishes may be
// paused and stopped from any thread.
#include <filesystem>
#include <functional>
#include <memory>
#include <vector>

#include "core/dataset/FeatureSet.h"
#include "core/search/ExperimentPlanner.h"
#include "core/search/ExperimentRunner.h"

namespace perfnas {

// What prepareFinetune found to do.
enum class FinetuneStart {
    Resumed,     // an unfinished fine-tuning phase continues
    Planned,     // a new fine-tuning phase holds the frontier's models not fine-tuned yet
    NothingToDo  // every frontier model is fine-tuned already
};

struct RunSettings {
    ExperimentObserver* observer = nullptr;
    // The perfnas executable that subprocess and Slurm workers run; empty: this executable.
    std::filesystem::path perfnasPath;
    // Sees the runner before it starts and nullptr once run() returns: the front end's handle for
    // pause and stop. Called on the running thread.
    std::function<void(ExperimentRunner*)> publishRunner;
};

class Experiment {
public:
    // Opens an existing experiment file for writing.
    static Result<Experiment> open(const std::filesystem::path& file);
    // What create() checks before it needs the dataset: InvalidInput when the config is invalid
    // or `file` exists.
    static Status checkNew(const std::filesystem::path& file, const ExperimentConfig& config);
    // Creates `file` for `config` on the loaded dataset, with its first phase (checkNew first), and
    // the folder it names when missing.
    static Result<Experiment> create(const std::filesystem::path& file,
                                     const ExperimentConfig& config, const FeatureSet& features);

    const std::filesystem::path& file() const { return m_store->file(); }
    ExperimentStore& store() { return *m_store; }
    // What the file holds now (config, phases, trials, frontier).
    Result<ExperimentSummary> read() const;

    // InvalidInput naming both content digests when `features` are not the dataset this
    // experiment started with (a file without a recorded digest accepts any).
    Status checkDataset(const FeatureSet& features) const;

    Result<PhaseRecord> freeze(const std::vector<Freeze>& freezes);
    Result<PhaseRecord> freezeAutomatically(double minimumShare);
    // Resumes an unfinished fine-tuning phase, or plans one for the frontier's models that are not
    // fine-tuned yet (`iterations` > 0: that total instead of the config's budget).
    Result<FinetuneStart> prepareFinetune(int iterations = 0);

    // Checks the dataset and runs every open phase until done or stopped.
    Result<RunReport> run(const FeatureSet& features, const RunSettings& settings = {});

private:
    explicit Experiment(std::unique_ptr<ExperimentStore> store) : m_store(std::move(store)) {}

    std::unique_ptr<ExperimentStore> m_store;
};

}  // namespace perfnas
