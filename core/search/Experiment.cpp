#include "core/search/Experiment.h"

#include "core/dataset/DatasetLoader.h"
#include "core/search/TrialExecutorFactory.h"

namespace perfnas {
namespace fs = std::filesystem;

Result<Experiment> Experiment::open(const fs::path& file) {
    auto store = ExperimentStore::open(file, ExperimentStore::Access::ReadWrite);
    if (!store) return store.error();
    return Experiment(std::move(*store));
}

Status Experiment::checkNew(const fs::path& file, const ExperimentConfig& config) {
    std::error_code error;
    if (fs::exists(file, error)) {
        return makeError(ErrorCode::InvalidInput,
                         file.string() + " already exists: open it instead");
    }
    return config.validate();
}

Result<Experiment> Experiment::create(const fs::path& file, const ExperimentConfig& config,
                                      const FeatureSet& features) {
    if (auto fresh = checkNew(file, config); !fresh) return fresh.error();
    // A new file may name a folder that does not exist yet (~/Documents on a fresh account).
    if (const fs::path folder = file.parent_path(); !folder.empty()) {
        std::error_code error;
        fs::create_directories(folder, error);
        if (error) {
            return makeError(
                ErrorCode::IoFailure,
                folder.string() + ": cannot create the experiment's folder: " + error.message());
        }
    }
    auto store = ExperimentPlanner::create(file, config, DatasetLoader::contentDigest(features));
    if (!store) return store.error();
    return Experiment(std::move(*store));
}

Result<ExperimentSummary> Experiment::read() const {
    auto summary = ExperimentSummary::load(*m_store);
    if (!summary)
        return makeError(summary.error().code, file().string() + ": " + summary.error().message);
    return summary;
}

Status Experiment::checkDataset(const FeatureSet& features) const {
    auto info = m_store->experiment();
    if (!info) return info.error();
    if (info->datasetHash.empty()) return Done{};
    const std::string digest = DatasetLoader::contentDigest(features);
    if (digest == info->datasetHash) return Done{};
    return makeError(ErrorCode::InvalidInput,
                     info->datasetPath + ": this dataset differs from the one the experiment in " +
                         file().string() + " started with (content digest " + digest +
                         ", expected " + info->datasetHash + ")");
}

Result<PhaseRecord> Experiment::freeze(const std::vector<Freeze>& freezes) {
    return ExperimentPlanner::freeze(*m_store, freezes);
}

Result<PhaseRecord> Experiment::freezeAutomatically(double minimumShare) {
    return ExperimentPlanner::freezeAutomatically(*m_store, minimumShare);
}

Result<FinetuneStart> Experiment::prepareFinetune(int iterations) {
    auto phases = m_store->phases();
    if (!phases) return phases.error();
    if (!phases->empty() && phases->back().kind == PhaseKind::Finetune &&
        phases->back().state != PhaseState::Finished) {
        return FinetuneStart::Resumed;
    }
    // planFinetune refuses an empty frontier with its own message; an empty candidate list of a
    // non-empty frontier is not an error.
    auto candidates = ExperimentPlanner::finetuneCandidates(*m_store, iterations);
    if (candidates && candidates->empty()) {
        auto summary = read();
        if (summary && !summary->frontier.empty()) return FinetuneStart::NothingToDo;
    }
    auto phase = ExperimentPlanner::planFinetune(*m_store, iterations);
    if (!phase) return phase.error();
    return FinetuneStart::Planned;
}

Result<RunReport> Experiment::run(const FeatureSet& features, const RunSettings& settings) {
    if (auto same = checkDataset(features); !same) return same.error();
    auto summary = read();
    if (!summary) return summary.error();
    const std::unique_ptr<TrialExecutor> executor =
        makeTrialExecutor(summary->config, features, file(), settings.perfnasPath);
    ExperimentRunner runner(*m_store, *executor, settings.observer);
    // Unpublished however run() ends: the runner lives on this frame.
    struct Publication {
        const RunSettings& settings;
        ~Publication() {
            if (settings.publishRunner) settings.publishRunner(nullptr);
        }
    } publication{settings};
    if (settings.publishRunner) settings.publishRunner(&runner);
    return runner.run();
}

}  // namespace perfnas
