// search_benchmark: search quality of our samplers (random, TPE) on a real, cheap objective, and the
// hypervolume table that compares them with Optuna's MOTPE (search_optuna.py drives the same
// objective through `perfnas trial`). Not a test: it prints figures. run_search_benchmark.sh runs
// both sides and the report.
//
// The objective: short training (default 100 iterations, lr 3e-3, batch 25, no augmentation) on
// the cached MFCCs of a real dataset, one thread and one fixed training seed for every trial, so a
// configuration's TOP-1 is a deterministic function of the configuration, whoever proposes it. The
// space has reduced bounds (filters 1..16, units 2-6 kernels up to 3x3) to keep trials ~1-2 s.
// Results are memoized in OUT/objective.jsonl (shared with the Optuna side): an evaluation already
// made is read back, which changes nothing but time.
//
//   search_benchmark run --data DIR --out OUT [--samplers random,tpe] [--seeds 5] [--trials 100]
//                        [--iterations 100] [--workers 2]
//   search_benchmark report --out OUT [--at 25,50,100]
//   search_benchmark config --out OUT     (writes the space and training as JSON for the Optuna side)
#include <CLI/CLI.hpp>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/dataset/DatasetLoader.h"
#include "core/execution/InProcessExecutor.h"
#include "core/model/CostModel.h"
#include "core/search/ExperimentPlanner.h"
#include "core/search/ExperimentRunner.h"

namespace perfnas {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr std::uint64_t kObjectiveSeed = 1;

ExperimentConfig benchmarkConfig(const std::string& sampler, std::uint64_t seed, int trials, int iterations, int workers) {
    ExperimentConfig config;
    config.name = sampler + "-" + std::to_string(seed);
    config.sampler = sampler;
    config.randomSeed = seed;
    config.searchTrials = trials;
    config.trainSeed = false;
    config.workers = workers;
    config.threadsPerTrial = 1;
    config.training.iterations = iterations;
    config.training.learningRate = 3e-3;
    config.training.validateEvery = 0;
    config.training.checkpointEvery = 0;
    config.training.augmentation.enabled = false;
    for (std::size_t unit = 0; unit < config.space.units.size(); ++unit) {
        config.space.units[unit][UnitParameter::Filters] = Domain::integer(1, 16);
        if (unit > 0) {
            config.space.units[unit][UnitParameter::Kh] = Domain::integer(1, 3);
            config.space.units[unit][UnitParameter::Kw] = Domain::integer(1, 3);
        }
    }
    return config;
}

// Deterministic objective with a shared memo: fixed seed and one thread per trial.
class MemoizedExecutor final : public TrialExecutor {
public:
    MemoizedExecutor(const FeatureSet& features, fs::path memoFile) : m_inner(features), m_memoFile(std::move(memoFile)) {
        std::ifstream in(m_memoFile);
        for (std::string line; std::getline(in, line);) {
            if (line.empty()) continue;
            const json entry = json::parse(line, nullptr, false);
            if (entry.is_object()) m_memo[entry["key"].get<std::string>()] = entry["top1"].get<double>();
        }
    }
    std::string name() const override { return "memoized-inprocess"; }
    TrialReport run(const TrialRequest& original, const TrainingProgressCallback& progress, const CancelToken& cancel) override {
        TrialRequest request = original;
        request.training.seed = kObjectiveSeed;
        request.training.threads = 1;
        request.training.checkpointEvery = 0;
        const std::string key = request.spec.notation();
        {
            std::lock_guard lock(m_mutex);
            if (auto found = m_memo.find(key); found != m_memo.end()) {
                ++hits;
                TrialReport report{.trialId = request.trialId, .host = "memo"};
                report.training.validationTop1 = found->second;
                report.training.iterationsDone = request.training.iterations;
                return report;
            }
        }
        TrialReport report = m_inner.run(request, progress, cancel);
        if (!report.failure && report.training.outcome == TrainingOutcome::Finished) {
            std::lock_guard lock(m_mutex);
            ++evaluations;
            m_memo[key] = report.training.validationTop1;
            std::ofstream(m_memoFile, std::ios::app) << json{{"key", key}, {"top1", report.training.validationTop1}}.dump() << '\n';
        }
        return report;
    }
    int hits = 0;
    int evaluations = 0;

private:
    InProcessExecutor m_inner;
    fs::path m_memoFile;
    std::mutex m_mutex;
    std::map<std::string, double> m_memo;
};

int runSamplers(const fs::path& data, const fs::path& out, const std::vector<std::string>& samplers, int seeds, int trials,
                int iterations, int workers) {
    auto loaded = DatasetLoader::load({.root = data});
    if (!loaded) {
        std::fprintf(stderr, "search_benchmark: %s\n", loaded.error().message.c_str());
        return 1;
    }
    fs::create_directories(out);
    MemoizedExecutor executor(loaded->features, out / "objective.jsonl");
    for (const std::string& sampler : samplers) {
        for (int seed = 1; seed <= seeds; ++seed) {
            const ExperimentConfig config = benchmarkConfig(sampler, static_cast<std::uint64_t>(seed), trials, iterations, workers);
            const fs::path file = out / (config.name + ".sqlite");
            std::error_code ignored;
            fs::remove(file, ignored);
            fs::remove_all(ExperimentPlanner::checkpointRoot(file), ignored);
            auto store = ExperimentPlanner::create(file, config, DatasetLoader::contentDigest(loaded->features));
            if (!store) {
                std::fprintf(stderr, "search_benchmark: %s\n", store.error().message.c_str());
                return 1;
            }
            const auto started = std::chrono::steady_clock::now();
            ExperimentRunner runner(**store, executor);
            auto report = runner.run();
            if (!report) {
                std::fprintf(stderr, "search_benchmark: %s\n", report.error().message.c_str());
                return 1;
            }
            auto summary = ExperimentSummary::load(**store);
            std::ofstream sequence(out / (config.name + ".jsonl"), std::ios::trunc);
            for (const TrialRecord& trial : summary->trials) {
                if (trial.state == TrialState::Finished) {
                    sequence << json{{"top1", trial.validationTop1}, {"mfpops", trial.mfpops}}.dump() << '\n';
                }
            }
            std::fprintf(stderr, "%-8s seed %d: %d trials in %.0f s, hypervolume %.4f (memo: %d evaluations, %d hits so far)\n",
                         sampler.c_str(), seed, report->trialsFinished,
                         std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count(),
                         summary->hypervolume, executor.evaluations, executor.hits);
        }
    }
    return 0;
}

// Hypervolume (design.md) of the first n results of a sequence file.
std::vector<double> hypervolumesAt(const fs::path& sequenceFile, const std::vector<int>& counts, Point2 reference) {
    std::vector<Point2> points;
    std::ifstream in(sequenceFile);
    for (std::string line; std::getline(in, line);) {
        const json entry = json::parse(line, nullptr, false);
        if (!entry.is_object()) continue;
        points.push_back({1.0 - entry["top1"].get<double>(), std::log10(entry["mfpops"].get<double>())});
    }
    std::vector<double> values;
    for (int count : counts) {
        if (static_cast<int>(points.size()) < count) {
            values.push_back(NAN);
            continue;
        }
        values.push_back(hypervolume2d(std::span(points).first(static_cast<std::size_t>(count)), reference));
    }
    return values;
}

double median(std::vector<double> values) {
    values.erase(std::remove_if(values.begin(), values.end(), [](double v) { return std::isnan(v); }), values.end());
    if (values.empty()) return NAN;
    std::sort(values.begin(), values.end());
    const std::size_t n = values.size();
    return n % 2 ? values[n / 2] : 0.5 * (values[n / 2 - 1] + values[n / 2]);
}

int report(const fs::path& out, const std::vector<int>& counts) {
    const ArchitectureSpec seed = ArchitectureSpec::paperSeed();
    const Point2 reference{1.0 - 1.0 / seed.classes, std::log10(CostModel::evaluate(seed).mfpops())};
    std::map<std::string, std::vector<std::vector<double>>> bySampler;  // sampler -> per seed -> per count
    for (const auto& entry : fs::directory_iterator(out)) {
        const std::string name = entry.path().filename().string();
        if (entry.path().extension() != ".jsonl" || name == "objective.jsonl") continue;
        const std::string sampler = name.substr(0, name.rfind('-'));
        bySampler[sampler].push_back(hypervolumesAt(entry.path(), counts, reference));
    }
    std::printf("hypervolume (design.md: error x log10 MFPOPS, reference (%.2f, %.3f)), median over seeds\n", reference.x,
                reference.y);
    std::printf("%-10s %6s", "sampler", "seeds");
    for (int count : counts) std::printf(" %10s", ("after " + std::to_string(count)).c_str());
    std::printf("\n");
    for (const auto& [sampler, runs] : bySampler) {
        std::printf("%-10s %6zu", sampler.c_str(), runs.size());
        for (std::size_t c = 0; c < counts.size(); ++c) {
            std::vector<double> values;
            for (const auto& run : runs) values.push_back(run[c]);
            std::printf(" %10.4f", median(values));
        }
        std::printf("\n");
    }
    return 0;
}

}  // namespace
}  // namespace perfnas

int main(int argc, char** argv) {
    using namespace perfnas;
    CLI::App app{"Search quality: random and TPE vs Optuna's MOTPE on a real short-training objective"};
    app.require_subcommand(1);
    std::string data;
    std::string out;
    std::string samplers = "random,tpe";
    int seeds = 5;
    int trials = 100;
    int iterations = 100;
    int workers = 2;
    std::vector<int> counts = {25, 50, 100};
    CLI::App* run = app.add_subcommand("run", "Run our samplers");
    run->add_option("--data", data, "Dataset folder")->required();
    run->add_option("--out", out, "Result folder")->required();
    run->add_option("--samplers", samplers, "Comma-separated: random,tpe");
    run->add_option("--seeds", seeds)->check(CLI::PositiveNumber);
    run->add_option("--trials", trials)->check(CLI::PositiveNumber);
    run->add_option("--iterations", iterations)->check(CLI::PositiveNumber);
    run->add_option("--workers", workers)->check(CLI::PositiveNumber);
    CLI::App* reportCommand = app.add_subcommand("report", "Print the hypervolume table");
    reportCommand->add_option("--out", out, "Result folder")->required();
    reportCommand->add_option("--at", counts, "Trial counts")->delimiter(',');
    CLI::App* configCommand = app.add_subcommand("config", "Write the space and training for the Optuna side");
    configCommand->add_option("--out", out, "Result folder")->required();
    configCommand->add_option("--iterations", iterations)->check(CLI::PositiveNumber);
    CLI11_PARSE(app, argc, argv);

    if (run->parsed()) {
        std::vector<std::string> names;
        std::stringstream list(samplers);
        for (std::string name; std::getline(list, name, ',');) names.push_back(name);
        return runSamplers(data, out, names, seeds, trials, iterations, workers);
    }
    if (reportCommand->parsed()) return report(out, counts);
    const ExperimentConfig config = benchmarkConfig("optuna", 1, trials, iterations, workers);
    std::filesystem::create_directories(out);
    TrainingParams training = config.training;
    training.seed = kObjectiveSeed;
    training.threads = 1;
    const nlohmann::json document = {{"space", nlohmann::json::parse(config.space.toJson())},
                                     {"seed", nlohmann::json::parse(config.seed.toJson())},
                                     {"training", nlohmann::json::parse(training.toJson())}};
    std::ofstream(std::filesystem::path(out) / "benchmark-config.json") << document.dump(2) << '\n';
    return 0;
}
