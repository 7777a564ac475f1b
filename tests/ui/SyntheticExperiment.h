#pragma once
// Experiment files with synthetic trial records, written through ExperimentPlanner and
// ExperimentStore exactly as the runner writes real ones: the seed first, then sampled
// architectures whose accuracy grows with cost (plus deterministic noise), some failed and
// diverged trials, and optionally a fine-tuning phase. For widget tests and the studio benchmark;
// the accuracies are made up and must never be presented as results.
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <memory>
#include <random>
#include <stdexcept>

#include "core/model/CostModel.h"
#include "core/search/ExperimentPlanner.h"
#include "core/training/TrainingResult.h"

namespace perfnas::test {

// Small architectures (2..8 filters per unit) that train in about a second on one core.
inline ExperimentConfig smallSearchConfig(const std::filesystem::path& datasetRoot, int trials) {
    ExperimentConfig config;
    config.name = "studio-test";
    config.dataset.root = datasetRoot;
    for (UnitSpace& unit : config.space.units) unit[UnitParameter::Filters] = Domain::integer(2, 8);
    config.searchTrials = trials;
    config.refinementTrials = 2;
    config.trainSeed = false;
    config.tpe.startupTrials = 3;
    config.training.iterations = 40;
    config.training.learningRate = 0.003;
    config.training.validateEvery = 0;
    config.finetune.iterations = 60;
    config.workers = 1;
    config.threadsPerTrial = 1;
    return config;
}

struct SyntheticOptions {
    int trials = 60;        // search trials, the seed included
    bool failures = true;   // every 17th failed, every 23rd diverged
    bool finetune = false;  // a finished fine-tuning phase for the frontier
    std::uint64_t seed = 7;
    std::string datasetHash = "synthetic";
};

inline void check(const Status& status) {
    if (!status) throw std::runtime_error(status.error().message);
}

inline std::unique_ptr<ExperimentStore> makeSyntheticExperiment(
    const std::filesystem::path& file, const ExperimentConfig& config,
    const SyntheticOptions& options = {}) {
    auto created = ExperimentPlanner::create(file, config, options.datasetHash);
    if (!created) throw std::runtime_error(created.error().message);
    std::unique_ptr<ExperimentStore> store = std::move(*created);
    PhaseRecord phase = store->phases()->front();
    phase.state = PhaseState::Running;
    phase.startedAt = 1700000000;
    check(store->updatePhase(phase));

    std::mt19937_64 random(options.seed);
    std::uniform_real_distribution<double> noise(-0.03, 0.03);
    const ParameterSpace parameters = config.space.parameterSpace();
    std::int64_t clock = phase.startedAt;
    for (int index = 0; index < options.trials; ++index) {
        Configuration configuration;
        if (index == 0) {
            configuration = config.space.configurationOf(
                config.seed);  // the seed, as the runner trains it first
        } else {
            for (const Dimension& dimension : parameters.dimensions) {
                const std::vector<double> values = dimension.domain.values();
                configuration.push_back(values[random() % values.size()]);
            }
        }
        const ArchitectureSpec spec =
            index == 0 ? config.seed : config.space.architecture(configuration, "trial");
        const ModelCost cost = CostModel::evaluate(spec);
        TrialRecord trial{
            .phaseId = phase.id, .state = TrialState::Finished, .configuration = configuration};
        trial.specJson = spec.toJson();
        trial.trainingJson = config.training.toJson();
        trial.mfpops = cost.mfpops();
        trial.params = cost.params;
        trial.validationTop1 = std::clamp(
            0.35 + 0.5 * (1.0 - std::exp(-trial.mfpops / 3.0)) + noise(random), 0.0, 1.0);
        if (index == 0) trial.validationTop1 = 0.9;
        trial.iterationsDone = config.training.iterations;
        trial.seconds = 1.5;
        trial.startedAt = clock;
        clock += 2;
        trial.finishedAt = clock;
        trial.host = "synthetic";
        trial.attempts = 1;
        trial.curveJson = curveToJson(
            {{.iteration = 20, .trainingLoss = 2.0, .validationTop1 = trial.validationTop1 / 2},
             {.iteration = 40, .trainingLoss = 1.2, .validationTop1 = trial.validationTop1}});
        if (options.failures && index > 0 && index % 17 == 0) {
            trial.state = TrialState::Failed;
            trial.error = "worker crashed: out of memory";
        } else if (options.failures && index > 0 && index % 23 == 0) {
            trial.state = TrialState::Diverged;
            trial.error = "the loss became NaN at iteration 12";
        }
        auto id = store->addTrial(trial);
        if (!id) throw std::runtime_error(id.error().message);
    }
    phase.state = PhaseState::Finished;
    phase.finishedAt = clock;
    check(store->updatePhase(phase));

    if (options.finetune) {
        auto finetune = ExperimentPlanner::planFinetune(*store);
        if (!finetune) throw std::runtime_error(finetune.error().message);
        auto trials = store->trials();
        if (!trials) throw std::runtime_error(trials.error().message);
        for (TrialRecord trial : trials.value()) {
            if (trial.phaseId != finetune->id) continue;
            const TrialRecord parent = *store->trial(trial.parentTrialId);
            trial.state = TrialState::Finished;
            trial.validationTop1 = std::min(1.0, parent.validationTop1 + 0.02);
            trial.testTop1 = trial.validationTop1 - 0.01;
            trial.mfpops = parent.mfpops;
            trial.params = parent.params;
            trial.startedAt = clock;
            trial.finishedAt = ++clock;
            check(store->updateTrial(trial));
        }
        PhaseRecord done = *finetune;
        done.state = PhaseState::Finished;
        done.startedAt = done.startedAt ? done.startedAt : clock;
        done.finishedAt = clock;
        check(store->updatePhase(done));
    }
    return store;
}

}  // namespace perfnas::test
