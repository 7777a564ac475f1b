// perfnas bench: latency of an experiment's models (the seed always alongside) on a target, stored
// per (trial, target) in the experiment file. perfnas bench-model: the same measurement for one
// architecture file, printed as JSON (what a board runs).
#include <cmath>
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "app/cli/CliSupport.h"
#include "core/benchmark/LatencyBenchmark.h"
#include "core/model/CostModel.h"

namespace perfnas::cli {
namespace {

nlohmann::json statisticsJson(const LatencyStatistics& statistics) {
    return {{"runs", statistics.runs},
            {"median_ms", statistics.medianMs},
            {"p90_ms", statistics.p90Ms},
            {"mean_ms", statistics.meanMs},
            {"cv", statistics.coefficientOfVariation}};
}

// "pareto" (the frontier) or a comma-separated list of trial ids.
Result<std::vector<int>> selectTrials(const ExperimentSummary& summary, const std::string& selection) {
    if (selection == "pareto") return summary.frontier;
    std::vector<int> ids;
    std::stringstream list(selection);
    for (std::string item; std::getline(list, item, ',');) {
        char* end = nullptr;
        const long id = std::strtol(item.c_str(), &end, 10);
        if (item.empty() || *end != '\0' || !summary.trial(static_cast<int>(id)) ||
            summary.trial(static_cast<int>(id))->state != TrialState::Finished) {
            return makeError(ErrorCode::InvalidInput, "--trials: '" + item + "' is not a finished trial of the experiment");
        }
        ids.push_back(static_cast<int>(id));
    }
    return ids;
}

}  // namespace

void addBenchCommand(CLI::App& app, int& exitCode) {
    struct Options {
        std::string db;
        std::string target;
        std::string trials = "pareto";
        LatencySettings settings;
        bool json = false;
    };
    auto options = std::make_shared<Options>();
    CLI::App* command = app.add_subcommand("bench", "Latency of the Pareto models and the seed on a target");
    command->add_option("--db", options->db, "Experiment file")->required();
    command->add_option("--target", options->target, "local or cuda (ssh://USER@HOST:PORT: TODO(#6))")->required();
    command->add_option("--trials", options->trials, "pareto, or trial ids: 3,7,12")->capture_default_str();
    command->add_option("--runs", options->settings.runs, "Timed runs per model")->capture_default_str()->check(CLI::PositiveNumber);
    command->add_option("--warmup", options->settings.warmupRuns, "Untimed runs first")->capture_default_str();
    command->add_option("--threads", options->settings.threads, "CPU threads")->capture_default_str()->check(CLI::PositiveNumber);
    command->add_flag("--json", options->json, "Print one JSON document");
    command->callback([options, &exitCode] {
        if (options->target != "local" && options->target != "cuda") {
            exitCode = reportError(makeError(ErrorCode::InvalidInput,
                                             "--target " + options->target + ": this build measures local and cuda"
                                             " (remote boards over SSH are not available yet)"));
            return;
        }
        auto opened = openExperiment(options->db);
        if (!opened) {
            exitCode = reportError(opened.error());
            return;
        }
        const ExperimentSummary& summary = opened->summary;
        auto trials = selectTrials(summary, options->trials);
        if (!trials) {
            exitCode = reportError(trials.error());
            return;
        }
        // The seed first, always: speed-ups are relative to it.
        std::vector<int> ids = {0};
        std::vector<ArchitectureSpec> specs = {summary.config.seed};
        for (int id : *trials) {
            if (id == summary.seedTrialId) continue;
            auto spec = ArchitectureSpec::fromJson(summary.trial(id)->specJson);
            if (!spec) {
                exitCode = reportError(spec.error());
                return;
            }
            ids.push_back(id);
            specs.push_back(*spec);
        }
        LatencySettings settings = options->settings;
        settings.device = options->target == "cuda" ? ComputeDevice::Cuda : ComputeDevice::Cpu;
        ProgressLine line(!options->json);
        auto measured = LatencyBenchmark::measure(specs, settings, [&line](std::size_t done, std::size_t total) {
            line.update("run " + std::to_string(done) + "/" + std::to_string(total), done == total);
        });
        line.finish();
        if (!measured) {
            exitCode = reportError(measured.error());
            return;
        }
        const std::string device = LatencyBenchmark::describe(settings);
        nlohmann::json results = nlohmann::json::array();
        for (std::size_t i = 0; i < ids.size(); ++i) {
            const LatencyStatistics& s = (*measured)[i];
            const nlohmann::json details = {{"device", device}, {"threads", settings.threads}, {"samples_ms", s.samplesMs}};
            BenchmarkRecord record{.trialId = ids[i], .target = options->target, .runs = s.runs, .medianMs = s.medianMs,
                                   .p90Ms = s.p90Ms, .meanMs = s.meanMs, .coefficientOfVariation = s.coefficientOfVariation,
                                   .detailsJson = details.dump()};
            if (auto added = opened->store->addBenchmark(record); !added) {
                exitCode = reportError(added.error());
                return;
            }
            nlohmann::json entry = statisticsJson(s);
            entry["trial"] = ids[i];
            entry["speedup"] = s.medianMs > 0 ? (*measured)[0].medianMs / s.medianMs : 0.0;
            results.push_back(entry);
        }
        std::vector<double> costs;
        std::vector<double> medians;
        for (std::size_t i = 0; i < ids.size(); ++i) {
            costs.push_back(CostModel::evaluate(specs[i]).mfpops());
            medians.push_back((*measured)[i].medianMs);
        }
        const double correlation = rankCorrelation(costs, medians);
        if (options->json) {
            printJson({{"target", options->target}, {"device", device}, {"results", results},
                       {"mfpops_latency_rank_correlation", std::isnan(correlation) ? nlohmann::json() : nlohmann::json(correlation)}});
            return;
        }
        std::printf("%s on %s, %d runs each (median, p90, CV):\n", options->target.c_str(), device.c_str(), settings.runs);
        for (std::size_t i = 0; i < ids.size(); ++i) {
            const LatencyStatistics& s = (*measured)[i];
            std::printf("  %-9s %9.3f ms %9.3f ms  %5.1f%%  %6.2fx  %s\n",
                        ids[i] == 0 ? "seed" : ("trial " + std::to_string(ids[i])).c_str(), s.medianMs, s.p90Ms,
                        100 * s.coefficientOfVariation, results[i]["speedup"].get<double>(), specs[i].notation().c_str());
        }
        std::printf("how well MFPOPS orders latency here (Spearman rank correlation over %zu models): %.3f\n", ids.size(),
                    correlation);
    });
}

void addBenchModelCommand(CLI::App& app, int& exitCode) {
    struct Options {
        std::string model;
        LatencySettings settings;
        bool json = false;
    };
    auto options = std::make_shared<Options>();
    CLI::App* command = app.add_subcommand("bench-model", "Latency of one architecture on this machine (board-side runner)");
    command->add_option("--model", options->model, "Architecture spec (JSON)")->required();
    command->add_option("--runs", options->settings.runs, "Timed runs")->capture_default_str()->check(CLI::PositiveNumber);
    command->add_option("--warmup", options->settings.warmupRuns, "Untimed runs first")->capture_default_str();
    command->add_option("--threads", options->settings.threads, "CPU threads")->capture_default_str()->check(CLI::PositiveNumber);
    command->add_flag("--json", options->json, "Print one JSON document");
    command->callback([options, &exitCode] {
        auto spec = ArchitectureSpec::fromFile(options->model);
        if (!spec) {
            exitCode = reportError(spec.error());
            return;
        }
        auto measured = LatencyBenchmark::measure({*spec}, options->settings);
        if (!measured) {
            exitCode = reportError(measured.error());
            return;
        }
        nlohmann::json document = statisticsJson(measured->front());
        document["device"] = LatencyBenchmark::describe(options->settings);
        document["threads"] = options->settings.threads;
        if (options->json) printJson(document);
        else std::printf("%s: median %.3f ms, p90 %.3f ms over %d runs\n", spec->notation().c_str(),
                         measured->front().medianMs, measured->front().p90Ms, measured->front().runs);
    });
}

}  // namespace perfnas::cli
