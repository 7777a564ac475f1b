#pragma once
// Shared by the executor tests: a tiny 3-word tone dataset, trial requests on it (fast, or long
// enough to be killed or cancelled mid-run), and a look-up of the worker process of a trial.
#include <sys/types.h>

#include <QTest>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <thread>

#include "core/execution/TrialRequest.h"
#include "core/storage/ExperimentStore.h"
#include "tests/support/DatasetFixture.h"

namespace perfnas::test {

inline const std::vector<std::string> kExecutorWords = {"yes", "no", "up"};

inline void makeExecutorDataset(const std::filesystem::path& root) {
    makeKeywordDataset(root, kExecutorWords, 4);
}

inline TrialRequest tinyTrial(int id, const std::filesystem::path& root, int iterations) {
    TrialRequest request;
    request.trialId = id;
    auto spec = ArchitectureSpec::fromJson(
        R"({"input": {"height": 40, "width": 32}, "classes": 3, "units": [{"kh": 3, "kw": 3, "filters": 4}]})");
    if (!spec) throw std::runtime_error(spec.error().message);
    request.spec = *spec;
    request.training.iterations = iterations;
    request.training.batchSize = 4;
    request.training.validateEvery = 0;
    request.training.threads = 1;
    request.training.checkpointFolder = root / ("checkpoints-" + std::to_string(id));
    request.dataset.root = root / "data";
    request.dataset.keywords = kExecutorWords;
    request.cacheFolder = root / "cache";
    return request;
}

// A 4-trial search on the tiny dataset; deterministic with one worker and one thread per trial.
inline std::string searchConfigText() {
    return R"({
      "name": "executor-test",
      "dataset": {"path": "data", "keywords": ["yes", "no", "up"]},
      "seed_architecture": {"input": {"height": 40, "width": 32}, "classes": 3, "units": [
        {"kh": 3, "kw": 3, "filters": 4}, {"kh": 3, "kw": 3, "filters": 4}]},
      "space": {"units": [{"filters": {"min": 2, "max": 6}}, {"filters": {"min": 2, "max": 6}}]},
      "search": {"train_seed": true, "trials": 4},
      "sampler": {"startup_trials": 2},
      "training": {"iterations": 30, "batch_size": 4, "learning_rate": 0.003, "validate_every": 10},
      "execution": {"workers": 1, "threads_per_trial": 1, "slurm": {"cpus_per_trial": 1, "time_limit": "10"}},
      "seed": 7
    })";
}

// The first difference between two experiments' trials (architecture, state, accuracy, the whole
// learning curve, exactly), or "" when they agree; `hostPrefix`: where `other`'s trials must have
// run.
inline std::string compareTrials(const std::filesystem::path& reference,
                                 const std::filesystem::path& other,
                                 const std::string& hostPrefix) {
    auto a = ExperimentStore::open(reference, ExperimentStore::Access::ReadOnly);
    auto b = ExperimentStore::open(other, ExperimentStore::Access::ReadOnly);
    if (!a || !b) return "cannot open " + (a ? other : reference).string();
    auto trialsA = (*a)->trials();
    auto trialsB = (*b)->trials();
    if (!trialsA || !trialsB) return "cannot read the trials";
    if (trialsA->size() != trialsB->size() || trialsA->empty()) {
        return std::to_string(trialsA->size()) + " vs " + std::to_string(trialsB->size()) +
               " trials";
    }
    for (std::size_t i = 0; i < trialsA->size(); ++i) {
        const TrialRecord& x = (*trialsA)[i];
        const TrialRecord& y = (*trialsB)[i];
        const std::string id = "trial " + std::to_string(x.id) + ": ";
        if (x.id != y.id || x.specJson != y.specJson) return id + "different architectures";
        if (x.state != TrialState::Finished || y.state != TrialState::Finished)
            return id + "not finished: " + y.error;
        if (x.validationTop1 != y.validationTop1) {
            return id + "top1 " + std::to_string(x.validationTop1) + " vs " +
                   std::to_string(y.validationTop1);
        }
        if (x.curveJson != y.curveJson)
            return id + "curves differ: " + x.curveJson + " vs " + y.curveJson;
        if (!y.host.starts_with(hostPrefix)) return id + "ran on " + y.host;
    }
    return {};
}

// The pid of a live process whose command line contains `needle` (e.g. a request file path).
inline std::optional<pid_t> findProcess(const std::string& needle) {
    for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
        const std::string name = entry.path().filename().string();
        if (name.find_first_not_of("0123456789") != std::string::npos) continue;
        std::ifstream in(entry.path() / "cmdline", std::ios::binary);
        std::string commandLine((std::istreambuf_iterator<char>(in)),
                                std::istreambuf_iterator<char>());
        std::ifstream statFile(entry.path() / "stat");
        std::string stat;
        std::getline(statFile, stat);
        const auto close = stat.rfind(')');
        const bool zombie =
            close != std::string::npos && close + 2 < stat.size() && stat[close + 2] == 'Z';
        if (!zombie && commandLine.find(needle) != std::string::npos)
            return static_cast<pid_t>(std::stoi(name));
    }
    return std::nullopt;
}

// Polls `condition` every 50 ms until it holds or `timeout` passes.
template <typename Condition>
bool waitUntil(Condition condition, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        if (condition()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return condition();
}

}  // namespace perfnas::test
