// search_benchmark: search quality of our samplers (random, TPE) on a real, cheap objective, and
// the hypervolume table that compares them with Optuna's MOTPE (search_optuna.py drives the same
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
//   search_benchmark config --out OUT     (writes the space and training as JSON for the Optuna
//   side)
//
// Against the clock (issue: results within a laptop's budget): every method gets the same
// wall-clock budget on the same machine, and the hypervolume of the full-budget results finished
// so far is read off at fractions of it. Methods: mf-tpe (TPE with rungs, the product's default
// for real data), tpe (every trial at the full budget), random-sh (random proposals, the same
// rungs) and random. No memo here: time is the measure, so every trial really trains.
//
//   search_benchmark budget --data DIR --out OUT [--methods mf-tpe,tpe,random-sh,random]
//                           [--seeds 5] [--first-seed 1] [--minutes 3] [--min-iterations 100]
//                           [--max-iterations 2700] [--eta 3] [--workers 2]
//   search_benchmark budget-report --out OUT [--fractions 0.125,0.25,0.5,1]
//
// Sampler variants: `tpe` is the shipped TPE; `tpe-WEIGHTS-SELECTION[-log]` (WEIGHTS hypervolume
// or uniform, SELECTION summed, per_dimension or multivariate, -log for log_cost) a variant, in
// `run --samplers` and in
//   search_benchmark synthetic [--seeds 10] [--at 25,50,100] [--samplers ...]
// which runs them on tests/search/SyntheticProblems.h's two problems (no training: seconds).
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
#include "core/search/RandomSampler.h"
#include "core/search/SearchSpace.h"
#include "core/search/TpeSampler.h"
#include "tests/search/SyntheticProblems.h"

namespace perfnas {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr std::uint64_t kObjectiveSeed = 1;

// "random", "tpe" (the shipped settings) or "tpe-WEIGHTS-SELECTION[-log]" (-log: log_cost).
std::optional<TpeSettings> tpeVariant(const std::string& name) {
    if (name == "tpe") return TpeSettings{};
    if (!name.starts_with("tpe-")) return std::nullopt;
    std::string rest = name.substr(4);
    const bool logCost = rest.ends_with("-log");
    if (logCost) rest.resize(rest.size() - 4);
    const std::size_t dash = rest.find('-');
    if (dash == std::string::npos) return std::nullopt;
    const auto weights = parseGoodWeights(rest.substr(0, dash));
    const auto selection = parseCandidateSelection(rest.substr(dash + 1));
    if (!weights || !selection) return std::nullopt;
    return TpeSettings{.goodWeights = *weights, .selection = *selection, .logCost = logCost};
}

ExperimentConfig benchmarkConfig(const std::string& sampler, std::uint64_t seed, int trials,
                                 int iterations, int workers) {
    ExperimentConfig config;
    config.name = sampler + "-" + std::to_string(seed);
    config.sampler = sampler == "random" ? "random" : "tpe";
    if (const auto settings = tpeVariant(sampler)) config.tpe = *settings;
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
    MemoizedExecutor(const FeatureSet& features, fs::path memoFile)
        : m_inner(features), m_memoFile(std::move(memoFile)) {
        std::ifstream in(m_memoFile);
        for (std::string line; std::getline(in, line);) {
            if (line.empty()) continue;
            const json entry = json::parse(line, nullptr, false);
            if (entry.is_object())
                m_memo[entry["key"].get<std::string>()] = entry["top1"].get<double>();
        }
    }
    std::string name() const override { return "memoized-inprocess"; }
    TrialReport run(const TrialRequest& original, const TrainingProgressCallback& progress,
                    const CancelToken& cancel) override {
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
            std::ofstream(m_memoFile, std::ios::app)
                << json{{"key", key}, {"top1", report.training.validationTop1}}.dump() << '\n';
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

// Keeps the time and result of every finished trial step (a rung or a whole trial), so that the
// hypervolume can be read at any moment of the run.
class TimelineExecutor final : public TrialExecutor {
public:
    TimelineExecutor(const FeatureSet& features, const fs::path& file)
        : m_inner(features),
          m_timeline(file, std::ios::trunc),
          m_start(std::chrono::steady_clock::now()) {}
    std::string name() const override { return "timeline-inprocess"; }
    TrialReport run(const TrialRequest& request, const TrainingProgressCallback& progress,
                    const CancelToken& cancel) override {
        TrialReport report = m_inner.run(request, progress, cancel);
        if (!report.failure && report.training.outcome == TrainingOutcome::Finished) {
            const double seconds =
                std::chrono::duration<double>(std::chrono::steady_clock::now() - m_start).count();
            std::lock_guard lock(m_mutex);
            m_timeline << json{{"seconds", seconds},
                               {"trial", request.trialId},
                               {"iterations", request.training.iterations},
                               {"top1", report.training.validationTop1},
                               {"mfpops", CostModel::evaluate(request.spec).mfpops()}}
                              .dump()
                       << std::endl;
        }
        return report;
    }

private:
    InProcessExecutor m_inner;
    std::ofstream m_timeline;
    std::mutex m_mutex;
    std::chrono::steady_clock::time_point m_start;
};

struct BudgetMethod {
    std::string name;
    std::string sampler;
    bool rungs;
};

const std::vector<BudgetMethod>& budgetMethods() {
    static const std::vector<BudgetMethod> methods = {{"mf-tpe", "tpe", true},
                                                      {"tpe", "tpe", false},
                                                      {"random-sh", "random", true},
                                                      {"random", "random", false}};
    return methods;
}

struct BudgetOptions {
    std::vector<std::string> methods = {"mf-tpe", "tpe", "random-sh", "random"};
    int firstSeed = 1;
    int seeds = 5;
    double minutes = 3.0;
    FidelitySettings fidelity{.minIterations = 100, .maxIterations = 2700, .eta = 3};
    int workers = 2;
};

std::optional<FeatureSet> loadFeatures(const fs::path& data) {
    auto loaded = DatasetLoader::load({.root = data});
    if (!loaded) {
        std::fprintf(stderr, "search_benchmark: %s\n", loaded.error().message.c_str());
        return std::nullopt;
    }
    return std::move(loaded->features);
}

struct FinishedRun {
    RunReport report;
    ExperimentSummary summary;
};

// One experiment in a fresh OUT/NAME.sqlite, run to its end; nullopt after printing the error.
std::optional<FinishedRun> runFresh(const fs::path& out, const ExperimentConfig& config,
                                    const FeatureSet& features, TrialExecutor& executor) {
    const fs::path file = out / (config.name + ".sqlite");
    std::error_code ignored;
    fs::remove(file, ignored);
    fs::remove_all(ExperimentPlanner::checkpointRoot(file), ignored);
    auto store = ExperimentPlanner::create(file, config, DatasetLoader::contentDigest(features));
    if (!store) {
        std::fprintf(stderr, "search_benchmark: %s\n", store.error().message.c_str());
        return std::nullopt;
    }
    ExperimentRunner runner(**store, executor);
    auto report = runner.run();
    auto summary =
        report ? ExperimentSummary::load(**store) : Result<ExperimentSummary>(report.error());
    if (!summary) {
        std::fprintf(stderr, "search_benchmark: %s\n", summary.error().message.c_str());
        return std::nullopt;
    }
    fs::remove_all(ExperimentPlanner::checkpointRoot(file), ignored);
    return FinishedRun{*report, std::move(*summary)};
}

// Seed-major order (every method once per seed before the next seed), so that slow spells of a
// shared machine do not fall on one method.
int runBudget(const fs::path& data, const fs::path& out, const BudgetOptions& options) {
    const auto features = loadFeatures(data);
    if (!features) return 1;
    fs::create_directories(out);
    for (int seed = options.firstSeed; seed < options.firstSeed + options.seeds; ++seed) {
        for (const std::string& name : options.methods) {
            const auto method = std::find_if(budgetMethods().begin(), budgetMethods().end(),
                                             [&](const BudgetMethod& m) { return m.name == name; });
            if (method == budgetMethods().end()) {
                std::fprintf(
                    stderr,
                    "search_benchmark: unknown method %s (mf-tpe, tpe, random-sh, random)\n",
                    name.c_str());
                return 2;
            }
            ExperimentConfig config =
                benchmarkConfig(method->sampler, static_cast<std::uint64_t>(seed), 100000,
                                options.fidelity.maxIterations, options.workers);
            config.name = method->name + "-" + std::to_string(seed);
            config.searchMaxMinutes = options.minutes;
            if (method->rungs) config.fidelity = options.fidelity;
            TimelineExecutor executor(*features, out / (config.name + ".timeline"));
            const auto run = runFresh(out, config, *features, executor);
            if (!run) return 1;
            std::fprintf(stderr, "%-9s seed %d: %d trials, hypervolume %.4f\n",
                         method->name.c_str(), seed, run->report.trialsFinished,
                         run->summary.hypervolume);
        }
    }
    return 0;
}

int runSamplers(const fs::path& data, const fs::path& out, const std::vector<std::string>& samplers,
                int seeds, int trials, int iterations, int workers) {
    const auto features = loadFeatures(data);
    if (!features) return 1;
    fs::create_directories(out);
    MemoizedExecutor executor(*features, out / "objective.jsonl");
    for (const std::string& sampler : samplers) {
        for (int seed = 1; seed <= seeds; ++seed) {
            const ExperimentConfig config = benchmarkConfig(
                sampler, static_cast<std::uint64_t>(seed), trials, iterations, workers);
            const auto started = std::chrono::steady_clock::now();
            const auto run = runFresh(out, config, *features, executor);
            if (!run) return 1;
            std::ofstream sequence(out / (config.name + ".jsonl"), std::ios::trunc);
            for (const TrialRecord& trial : run->summary.trials) {
                if (trial.state == TrialState::Finished) {
                    sequence
                        << json{{"top1", trial.validationTop1}, {"mfpops", trial.mfpops}}.dump()
                        << '\n';
                }
            }
            std::fprintf(
                stderr,
                "%-8s seed %d: %d trials in %.0f s, hypervolume %.4f (memo: %d evaluations, %d "
                "hits so far)\n",
                sampler.c_str(), seed, run->report.trialsFinished,
                std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count(),
                run->summary.hypervolume, executor.evaluations, executor.hits);
        }
    }
    return 0;
}

// Hypervolume (docs/method.md) of the first n results of a sequence file.
std::vector<double> hypervolumesAt(const fs::path& sequenceFile, const std::vector<int>& counts,
                                   Point2 reference) {
    std::vector<Point2> points;
    std::ifstream in(sequenceFile);
    for (std::string line; std::getline(in, line);) {
        const json entry = json::parse(line, nullptr, false);
        if (!entry.is_object()) continue;
        points.push_back(
            {1.0 - entry["top1"].get<double>(), std::log10(entry["mfpops"].get<double>())});
    }
    std::vector<double> values;
    for (int count : counts) {
        if (static_cast<int>(points.size()) < count) {
            values.push_back(NAN);
            continue;
        }
        values.push_back(
            hypervolume2d(std::span(points).first(static_cast<std::size_t>(count)), reference));
    }
    return values;
}

struct TimelineEntry {
    double seconds;
    int iterations;
    Point2 point;
};

std::vector<TimelineEntry> readTimeline(const fs::path& file) {
    std::vector<TimelineEntry> entries;
    std::ifstream in(file);
    for (std::string line; std::getline(in, line);) {
        const json entry = json::parse(line, nullptr, false);
        if (!entry.is_object()) continue;
        entries.push_back(
            {entry["seconds"].get<double>(),
             entry["iterations"].get<int>(),
             {1.0 - entry["top1"].get<double>(), std::log10(entry["mfpops"].get<double>())}});
    }
    return entries;
}

// Hypervolume of the full-budget results finished by `seconds`.
double hypervolumeBy(const std::vector<TimelineEntry>& timeline, int fullIterations, double seconds,
                     Point2 reference) {
    std::vector<Point2> points;
    for (const TimelineEntry& entry : timeline) {
        if (entry.seconds <= seconds && entry.iterations >= fullIterations)
            points.push_back(entry.point);
    }
    return hypervolume2d(points, reference);
}

// The first moment the timeline's hypervolume reaches `target` (NAN: never).
double secondsToReach(const std::vector<TimelineEntry>& timeline, int fullIterations, double target,
                      Point2 reference) {
    for (const TimelineEntry& entry : timeline) {
        if (hypervolumeBy(timeline, fullIterations, entry.seconds, reference) >= target)
            return entry.seconds;
    }
    return NAN;
}

double median(std::vector<double> values) {
    values.erase(
        std::remove_if(values.begin(), values.end(), [](double v) { return std::isnan(v); }),
        values.end());
    if (values.empty()) return NAN;
    std::sort(values.begin(), values.end());
    const std::size_t n = values.size();
    return n % 2 ? values[n / 2] : 0.5 * (values[n / 2 - 1] + values[n / 2]);
}

Point2 hypervolumeReference();

std::string spread(std::vector<double> values, const char* format);

// Median [min-max] over seeds per trial count, and on how many seeds each sampler beats random
// with the same seed (paired).
int report(const fs::path& out, const std::vector<int>& counts) {
    const Point2 reference = hypervolumeReference();
    // sampler -> seed -> hypervolume per count
    std::map<std::string, std::map<int, std::vector<double>>> bySampler;
    for (const auto& entry : fs::directory_iterator(out)) {
        const std::string name = entry.path().stem().string();
        if (entry.path().extension() != ".jsonl" || name == "objective") continue;
        const std::size_t dash = name.rfind('-');
        const int seed = std::atoi(name.c_str() + dash + 1);
        bySampler[name.substr(0, dash)][seed] = hypervolumesAt(entry.path(), counts, reference);
    }
    std::printf(
        "hypervolume (docs/method.md: error x log10 MFPOPS, reference (%.2f, %.3f)): median "
        "[min-max] over seeds, (wins: seeds on which it beats random with the same seed)\n",
        reference.x, reference.y);
    std::printf("%-34s %5s", "sampler", "seeds");
    for (int count : counts) std::printf(" %-32s", ("after " + std::to_string(count)).c_str());
    std::printf("\n");
    const auto random = bySampler.find("random");
    for (const auto& [sampler, runs] : bySampler) {
        std::printf("%-34s %5zu", sampler.c_str(), runs.size());
        for (std::size_t c = 0; c < counts.size(); ++c) {
            std::vector<double> values;
            int wins = 0;
            int paired = 0;
            for (const auto& [seed, run] : runs) {
                values.push_back(run[c]);
                if (random == bySampler.end() || !random->second.contains(seed)) continue;
                const double opponent = random->second.at(seed)[c];
                if (std::isnan(run[c]) || std::isnan(opponent)) continue;
                ++paired;
                wins += run[c] > opponent;
            }
            std::string cell = spread(values, "%.4f");
            if (paired > 0 && sampler != "random")
                cell += " (" + std::to_string(wins) + "/" + std::to_string(paired) + ")";
            std::printf(" %-32s", cell.c_str());
        }
        std::printf("\n");
    }
    return 0;
}

std::vector<std::string> allVariants() {
    std::vector<std::string> names = {"random"};
    for (const char* weights : {"hypervolume", "uniform"}) {
        for (const char* selection : {"summed", "per_dimension", "multivariate"}) {
            names.push_back(std::string("tpe-") + weights + "-" + selection);
        }
    }
    return names;
}

std::unique_ptr<Sampler> makeVariant(const std::string& name) {
    if (name == "random") return std::make_unique<RandomSampler>();
    if (const auto settings = tpeVariant(name)) return std::make_unique<TpeSampler>(*settings);
    return nullptr;
}

// Every variant on both synthetic problems; medians [min-max] over seeds, and how many seeds each
// beats random on (paired: the same seed).
int syntheticStudy(const std::vector<std::string>& variants, int seeds,
                   const std::vector<int>& counts) {
    auto seedSpec = ArchitectureSpec::paperSeed();
    const SearchSpace space = SearchSpace::paperDefault(seedSpec);
    const int trials = *std::max_element(counts.begin(), counts.end());
    for (const auto& [problem, label] :
         {std::pair{synthetic::Problem::Separable, "separable"},
          std::pair{synthetic::Problem::Product, "product (cost = log10 sum f_in f_out kh kw)"}}) {
        std::printf(
            "\nsynthetic problem: %s; hypervolume median [min-max] over %d seeds; wins = seeds "
            "beating random\n",
            label, seeds);
        std::printf("%-28s", "sampler");
        for (int count : counts)
            std::printf(" | %-24s %5s", ("after " + std::to_string(count)).c_str(), "wins");
        std::printf("\n");
        std::map<std::string, std::vector<std::vector<double>>>
            volumes;  // variant -> count -> seed
        for (const std::string& name : variants) {
            auto& perCount = volumes[name];
            perCount.assign(counts.size(), {});
            for (int seed = 1; seed <= seeds; ++seed) {
                auto sampler = makeVariant(name);
                if (!sampler) {
                    std::fprintf(stderr, "search_benchmark: unknown sampler %s\n", name.c_str());
                    return 2;
                }
                const synthetic::Run run = synthetic::runSearch(
                    *sampler, problem, space, static_cast<std::uint64_t>(seed), trials);
                for (std::size_t c = 0; c < counts.size(); ++c) {
                    perCount[c].push_back(synthetic::hypervolumeOf(
                        problem, space, run, static_cast<std::size_t>(counts[c])));
                }
            }
        }
        for (const std::string& name : variants) {
            std::printf("%-28s", name.c_str());
            for (std::size_t c = 0; c < counts.size(); ++c) {
                int wins = 0;
                if (volumes.contains("random")) {
                    for (int k = 0; k < seeds; ++k)
                        wins += volumes[name][c][k] > volumes["random"][c][k] ? 1 : 0;
                }
                std::printf(" | %-24s %2d/%-2d", spread(volumes[name][c], "%.4f").c_str(), wins,
                            seeds);
            }
            std::printf("\n");
        }
    }
    return 0;
}

Point2 hypervolumeReference() {
    const ArchitectureSpec seed = ArchitectureSpec::paperSeed();
    return {1.0 - 1.0 / seed.classes, std::log10(CostModel::evaluate(seed).mfpops())};
}

std::string spread(std::vector<double> values, const char* format) {
    values.erase(
        std::remove_if(values.begin(), values.end(), [](double v) { return std::isnan(v); }),
        values.end());
    if (values.empty()) return "-";
    const auto [least, most] = std::minmax_element(values.begin(), values.end());
    char text[96];
    const std::string pattern = std::string(format) + " [" + format + "-" + format + "]";
    std::snprintf(text, sizeof text, pattern.c_str(), median(values), *least, *most);
    return text;
}

int budgetReport(const fs::path& out, const std::vector<double>& fractions) {
    const Point2 reference = hypervolumeReference();
    // method -> seed -> timeline
    std::map<std::string, std::map<int, std::vector<TimelineEntry>>> runs;
    double budgetSeconds = 0.0;
    int fullIterations = 0;
    for (const auto& entry : fs::directory_iterator(out)) {
        if (entry.path().extension() != ".timeline") continue;
        const std::string name = entry.path().stem().string();
        const std::size_t dash = name.rfind('-');
        runs[name.substr(0, dash)][std::stoi(name.substr(dash + 1))] = readTimeline(entry.path());
        auto store = ExperimentStore::open(fs::path(entry.path()).replace_extension(".sqlite"),
                                           ExperimentStore::Access::ReadOnly);
        auto summary =
            store ? ExperimentSummary::load(**store) : Result<ExperimentSummary>(store.error());
        if (!summary) {
            std::fprintf(stderr, "search_benchmark: %s\n", summary.error().message.c_str());
            return 1;
        }
        budgetSeconds = summary->config.searchMaxMinutes * 60.0;
        fullIterations = summary->config.searchIterations();
    }
    if (runs.empty()) {
        std::fprintf(stderr, "search_benchmark: no *.timeline files in %s\n", out.c_str());
        return 1;
    }
    std::printf(
        "hypervolume of the full-budget (%d-iteration) results finished by each time, budget %.1f "
        "min per run;\n"
        "median [min-max] over seeds (error x log10 MFPOPS, reference (%.2f, %.3f))\n",
        fullIterations, budgetSeconds / 60.0, reference.x, reference.y);
    std::printf("%-10s %5s", "method", "seeds");
    for (double fraction : fractions) {
        char label[32];
        std::snprintf(label, sizeof label, "at %.0f s", fraction * budgetSeconds);
        std::printf(" | %-22s", label);
    }
    std::printf("\n");
    for (const auto& [method, seeds] : runs) {
        std::printf("%-10s %5zu", method.c_str(), seeds.size());
        for (double fraction : fractions) {
            std::vector<double> values;
            for (const auto& [seed, timeline] : seeds) {
                values.push_back(
                    hypervolumeBy(timeline, fullIterations, fraction * budgetSeconds, reference));
            }
            std::printf(" | %-22s", spread(values, "%.4f").c_str());
        }
        std::printf("\n");
    }
    // Time for mf-tpe to reach full-budget TPE's final hypervolume, seed by seed.
    if (runs.contains("mf-tpe") && runs.contains("tpe")) {
        std::vector<double> shares;
        for (const auto& [seed, tpeTimeline] : runs["tpe"]) {
            if (!runs["mf-tpe"].contains(seed)) continue;
            const double target =
                hypervolumeBy(tpeTimeline, fullIterations, budgetSeconds * 2.0, reference);
            const double tpeSeconds =
                secondsToReach(tpeTimeline, fullIterations, target, reference);
            const double mfSeconds =
                secondsToReach(runs["mf-tpe"][seed], fullIterations, target, reference);
            shares.push_back(mfSeconds / tpeSeconds);
            std::printf("seed %d: tpe reached %.4f at %.0f s; mf-tpe %s\n", seed, target,
                        tpeSeconds,
                        std::isnan(mfSeconds)
                            ? "never"
                            : (std::to_string(static_cast<int>(mfSeconds)) + " s").c_str());
        }
        std::printf(
            "mf-tpe's time to tpe's final hypervolume, as a share of tpe's: %s (seeds that never "
            "reached it: "
            "%zu)\n",
            spread(shares, "%.2f").c_str(),
            static_cast<std::size_t>(std::count_if(shares.begin(), shares.end(),
                                                   [](double v) { return std::isnan(v); })));
    }
    return 0;
}

}  // namespace
}  // namespace perfnas

int main(int argc, char** argv) {
    using namespace perfnas;
    CLI::App app{
        "Search quality: random and TPE vs Optuna's MOTPE on a real short-training objective"};
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
    CLI::App* configCommand =
        app.add_subcommand("config", "Write the space and training for the Optuna side");
    configCommand->add_option("--out", out, "Result folder")->required();
    configCommand->add_option("--iterations", iterations)->check(CLI::PositiveNumber);
    BudgetOptions budget;
    std::string methods = "mf-tpe,tpe,random-sh,random";
    CLI::App* budgetCommand =
        app.add_subcommand("budget", "Every method against the same wall-clock budget");
    budgetCommand->add_option("--data", data, "Dataset folder")->required();
    budgetCommand->add_option("--out", out, "Result folder")->required();
    budgetCommand->add_option("--methods", methods, "Comma-separated: mf-tpe,tpe,random-sh,random");
    budgetCommand->add_option("--seeds", budget.seeds, "How many seeds")
        ->check(CLI::PositiveNumber);
    budgetCommand->add_option("--first-seed", budget.firstSeed, "The first of them")
        ->check(CLI::PositiveNumber);
    budgetCommand->add_option("--minutes", budget.minutes, "Wall-clock budget per run")
        ->check(CLI::PositiveNumber);
    budgetCommand->add_option("--min-iterations", budget.fidelity.minIterations)
        ->check(CLI::PositiveNumber);
    budgetCommand->add_option("--max-iterations", budget.fidelity.maxIterations)
        ->check(CLI::PositiveNumber);
    budgetCommand->add_option("--eta", budget.fidelity.eta)->check(CLI::Range(2, 100));
    budgetCommand->add_option("--workers", budget.workers)->check(CLI::PositiveNumber);
    std::vector<double> fractions = {0.125, 0.25, 0.5, 1.0};
    CLI::App* budgetReportCommand =
        app.add_subcommand("budget-report", "Hypervolume against wall-clock time");
    budgetReportCommand->add_option("--out", out, "Result folder")->required();
    budgetReportCommand->add_option("--fractions", fractions, "Shares of the budget")
        ->delimiter(',');
    std::string syntheticSamplers;
    CLI::App* syntheticCommand =
        app.add_subcommand("synthetic", "Sampler variants on the synthetic problems");
    syntheticCommand->add_option("--samplers", syntheticSamplers,
                                 "Comma-separated (default: random and every TPE variant)");
    syntheticCommand->add_option("--seeds", seeds)->check(CLI::PositiveNumber);
    syntheticCommand->add_option("--at", counts, "Trial counts")->delimiter(',');
    CLI11_PARSE(app, argc, argv);

    auto splitList = [](const std::string& text) {
        std::vector<std::string> names;
        std::stringstream list(text);
        for (std::string name; std::getline(list, name, ',');) names.push_back(name);
        return names;
    };
    if (budgetCommand->parsed()) {
        budget.methods = splitList(methods);
        return runBudget(data, out, budget);
    }
    if (budgetReportCommand->parsed()) return budgetReport(out, fractions);
    if (syntheticCommand->parsed()) {
        return syntheticStudy(
            syntheticSamplers.empty() ? allVariants() : splitList(syntheticSamplers), seeds,
            counts);
    }

    if (run->parsed())
        return runSamplers(data, out, splitList(samplers), seeds, trials, iterations, workers);
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
