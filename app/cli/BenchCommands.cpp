// perfnas bench: latency of an experiment's models (the seed always alongside) on this machine or
// a board over SSH, stored per (trial, target) in the experiment file. perfnas bench-model: the
// same measurement for one architecture file, printed as JSON (what a board runs).
#include <cmath>
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "app/cli/BenchResults.h"
#include "app/cli/CliSupport.h"
#include "core/benchmark/LatencyBenchmark.h"

namespace perfnas::cli {
namespace {

// "pareto" (the frontier) or a comma-separated list of trial ids.
Result<std::vector<int>> selectTrials(const ExperimentSummary& summary,
                                      const std::string& selection) {
    if (selection == "pareto") return summary.frontier;
    std::vector<int> ids;
    std::stringstream list(selection);
    for (std::string item; std::getline(list, item, ',');) {
        char* end = nullptr;
        const long id = std::strtol(item.c_str(), &end, 10);
        if (item.empty() || *end != '\0' || !summary.trial(static_cast<int>(id)) ||
            summary.trial(static_cast<int>(id))->state != TrialState::Finished) {
            return makeError(ErrorCode::InvalidInput,
                             "--trials: '" + item + "' is not a finished trial of the experiment");
        }
        ids.push_back(static_cast<int>(id));
    }
    return ids;
}

// The timing options `bench` and `bench-model` share.
void addLatencyOptions(CLI::App& command, LatencySettings& settings, const std::string& runsHelp) {
    command.add_option("--runs", settings.runs, runsHelp)
        ->capture_default_str()
        ->check(CLI::PositiveNumber);
    command.add_option("--warmup", settings.warmupRuns, "Untimed runs first")
        ->capture_default_str();
    command.add_option("--threads", settings.threads, "CPU threads")
        ->capture_default_str()
        ->check(CLI::PositiveNumber);
}

}  // namespace

void addBenchCommand(CLI::App& app, int& exitCode) {
    struct Options {
        std::string db;
        std::string target;
        std::string trials = "pareto";
        LatencySettings settings;
        SshBoardSettings board;
        RemoteBenchmarkSettings remote;
        double connectTimeoutS = 10;
        double commandTimeoutS = 600;
        bool json = false;
    };
    auto options = std::make_shared<Options>();
    CLI::App* command =
        app.add_subcommand("bench", "Latency of the Pareto models and the seed on a target");
    command->add_option("--db", options->db, "Experiment file")->required();
    command->add_option("--target", options->target, "local, cuda or ssh://USER@HOST:PORT")
        ->required();
    command->add_option("--trials", options->trials, "pareto, or trial ids: 3,7,12")
        ->capture_default_str();
    addLatencyOptions(*command, options->settings, "Timed runs per model");
    command->add_option("--identity", options->board.identityFile,
                        "ssh: private key file (default: the ssh-agent)");
    command->add_option("--known-hosts", options->board.knownHostsFile,
                        "ssh: known_hosts file (default: ~/.ssh/known_hosts)");
    command->add_flag("--trust-new-host", options->board.trustNewHost,
                      "ssh: accept and record the key of a host not in known_hosts (check its "
                      "fingerprint first)");
    command
        ->add_option("--remote-command", options->remote.commandTemplate,
                     "ssh: command on the board, with {model} and {runs}")
        ->capture_default_str();
    command
        ->add_option("--remote-parser", options->remote.parser,
                     "ssh: how to read its output: perfnas or onnxruntime")
        ->capture_default_str()
        ->check(CLI::IsMember(LatencyOutputParser::names()));
    command->add_option("--connect-timeout", options->connectTimeoutS, "ssh: seconds to connect")
        ->capture_default_str()
        ->check(CLI::PositiveNumber);
    command
        ->add_option("--command-timeout", options->commandTimeoutS,
                     "ssh: seconds for one model's command")
        ->capture_default_str()
        ->check(CLI::PositiveNumber);
    command->add_flag("--json", options->json, "Print one JSON document");
    command->callback([options, &exitCode] {
        BenchmarkTarget target{.target = options->target,
                               .settings = options->settings,
                               .board = options->board,
                               .remote = options->remote};
        target.board.connectTimeout =
            std::chrono::milliseconds(std::llround(options->connectTimeoutS * 1000));
        target.board.commandTimeout =
            std::chrono::milliseconds(std::llround(options->commandTimeoutS * 1000));
        if (auto resolved = target.resolve(); !resolved) {
            exitCode =
                reportError(makeError(resolved.error().code, "--target " + options->target + ": " +
                                                                 resolved.error().message));
            return;
        }
        auto opened = openExperiment(options->db);
        if (!opened) {
            exitCode = reportError(opened.error());
            return;
        }
        auto trials = selectTrials(opened->summary, options->trials);
        if (!trials) {
            exitCode = reportError(trials.error());
            return;
        }
        ProgressLine line(!options->json);
        // The local benchmark interleaves runs of all models; a board measures one after another.
        const std::string unit = target.remoteTarget() ? "model " : "run ";
        const auto progress = [&line, &unit](std::size_t done, std::size_t total) {
            line.update(unit + std::to_string(done) + "/" + std::to_string(total), done == total);
        };
        auto run = benchmarkExperiment(*opened->store, opened->summary, target, *trials, progress);
        line.finish();
        if (!run) {
            exitCode = reportError(run.error());
            return;
        }
        exitCode = reportBenchmarks(*run, options->settings.runs, options->json);
    });
}

void addBenchModelCommand(CLI::App& app, int& exitCode) {
    struct Options {
        std::string model;
        LatencySettings settings;
        bool json = false;
    };
    auto options = std::make_shared<Options>();
    CLI::App* command = app.add_subcommand(
        "bench-model", "Latency of one architecture on this machine (board-side runner)");
    command->add_option("--model", options->model, "Architecture spec (JSON)")->required();
    addLatencyOptions(*command, options->settings, "Timed runs");
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
        if (options->json)
            printJson(document);
        else
            std::printf("%s: median %.3f ms, p90 %.3f ms over %d runs\n", spec->notation().c_str(),
                        measured->front().medianMs, measured->front().p90Ms,
                        measured->front().runs);
    });
}

}  // namespace perfnas::cli
