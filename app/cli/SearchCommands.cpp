// perfnas search / freeze / finetune: create or resume an experiment file and run its phases.
#include <cmath>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <mutex>
#include <nlohmann/json.hpp>

#include "app/cli/CliSupport.h"
#include "core/search/ExperimentPlanner.h"
#include "core/search/ExperimentRunner.h"
#include "core/search/TrialExecutorFactory.h"

namespace perfnas::cli {
namespace fs = std::filesystem;
namespace {

ExperimentRunner* g_runner = nullptr;  // Ctrl-C stops the run; finished trials are already saved.

struct RunOverrides {
    std::string data;
    std::string cacheFolder;
    int trials = 0;
    int iterations = 0;
    int workers = 0;
    double maxMinutes = -1.0;
    std::string backend;
    std::string slurmPartition;
    std::vector<std::string> slurmOptions;
    bool json = false;
};

void addRunOptions(CLI::App& command, RunOverrides& overrides) {
    command.add_option("--data", overrides.data, "Dataset folder (overrides the config's)");
    command.add_option("--cache-dir", overrides.cacheFolder, "Feature cache folder");
    command.add_option("--workers", overrides.workers, "Trials in parallel")->check(CLI::PositiveNumber);
    command.add_option("--max-minutes", overrides.maxMinutes,
                       "Wall-clock budget of each search phase: trials start only when they can finish in it")
        ->check(CLI::NonNegativeNumber);
    command.add_option("--backend", overrides.backend, "Where trials run")
        ->check(CLI::IsMember({"inprocess", "subprocess", "slurm"}));
    command.add_option("--slurm-partition", overrides.slurmPartition, "Slurm partition for the trial jobs");
    command.add_option("--slurm-option", overrides.slurmOptions,
                       "Extra sbatch option, repeatable; attach it: --slurm-option=--qos=long")
        ->allow_extra_args(false);
    command.add_flag("--json", overrides.json, "Print the final status as one JSON document");
}

// Progress on stderr: phase, trials done / planned, running trials, frontier size, hypervolume, ETA.
class ProgressObserver final : public ExperimentObserver {
public:
    explicit ProgressObserver(bool enabled) : m_line(enabled), m_enabled(enabled) {}

    void phaseChanged(const PhaseRecord& phase) override {
        std::lock_guard lock(m_mutex);
        m_phase = phase;
        redraw(true);
    }
    void trialStarted(const TrialRecord&) override {
        std::lock_guard lock(m_mutex);
        ++m_running;
        redraw(false);
    }
    void trialFinished(const TrialRecord& trial) override { ended(trial); }
    void trialFailed(const TrialRecord& trial) override {
        ended(trial);
        if (!m_enabled || trial.state == TrialState::Queued) return;
        std::lock_guard lock(m_mutex);
        m_line.finish();
        std::cerr << "perfnas: trial " << trial.id << " " << trialStateName(trial.state) << ": " << trial.error << '\n';
    }
    void frontierChanged(const ExperimentSummary& summary) override {
        std::lock_guard lock(m_mutex);
        m_frontierSize = summary.frontier.size();
        m_hypervolume = summary.hypervolume;
        m_done = 0;
        for (const TrialRecord& trial : summary.trials) {
            if (trial.phaseId == m_phase.id && trial.state != TrialState::Queued && trial.state != TrialState::Running) ++m_done;
        }
        redraw(false);
    }
    void outlookChanged(const PhaseOutlook& outlook) override {
        std::lock_guard lock(m_mutex);
        m_outlook = outlook;
        m_outlookAt = std::chrono::steady_clock::now();
        redraw(false);
    }
    void trialProgress(int trialId, const TrainingProgress& progress) override {
        std::lock_guard lock(m_mutex);
        m_lastTrial = trialId;
        m_lastIteration = progress.iteration;
        m_lastIterations = progress.iterations;
        redraw(false);
    }
    void finish() {
        std::lock_guard lock(m_mutex);
        m_line.finish();
    }

private:
    void ended(const TrialRecord& trial) {
        std::lock_guard lock(m_mutex);
        m_running = std::max(0, m_running - 1);
        if (trial.state != TrialState::Queued) ++m_done;
        redraw(true);
    }
    // The runner's projection of the admitted work, counted down since it came.
    void redraw(bool force) {
        char text[256];
        const int planned = m_phase.trialBudget;
        std::string eta = "-";
        if (m_outlook.phaseId == m_phase.id && m_outlook.remainingSeconds >= 0 && m_running > 0) {
            const double since = std::chrono::duration<double>(std::chrono::steady_clock::now() - m_outlookAt).count();
            const long seconds = std::lround(std::max(0.0, m_outlook.remainingSeconds - since));
            eta = std::to_string(seconds / 60) + "m" + std::to_string(seconds % 60) + "s";
        }
        std::snprintf(text, sizeof text, "%s%s  trials %d/%d (%d running)  frontier %zu  HV %.4f  ETA %s  [trial %d: %d/%d]",
                      phaseKindName(m_phase.kind).c_str(),
                      m_phase.round > 0 ? (" " + std::to_string(m_phase.round)).c_str() : "",
                      m_outlook.phaseId == m_phase.id ? m_outlook.trialsStarted : m_done, planned,
                      m_running, m_frontierSize, m_hypervolume, eta.c_str(), m_lastTrial, m_lastIteration,
                      m_lastIterations);
        m_line.update(text, force);
    }

    std::mutex m_mutex;
    ProgressLine m_line;
    bool m_enabled;
    PhaseRecord m_phase;
    PhaseOutlook m_outlook;
    std::chrono::steady_clock::time_point m_outlookAt;
    int m_done = 0;
    int m_running = 0;
    std::size_t m_frontierSize = 0;
    double m_hypervolume = 0.0;
    int m_lastTrial = 0;
    int m_lastIteration = 0;
    int m_lastIterations = 0;
};

Result<LoadedDataset> loadExperimentDataset(const ExperimentConfig& config, bool quiet) {
    DatasetArguments arguments{.dataset = config.dataset, .cacheFolder = config.cacheFolder.string()};
    return loadDataset(arguments, quiet);
}

void applyOverrides(ExperimentConfig& config, const RunOverrides& overrides) {
    if (!overrides.data.empty()) config.dataset.root = fs::absolute(overrides.data);
    if (!overrides.cacheFolder.empty()) config.cacheFolder = fs::absolute(overrides.cacheFolder);
    if (overrides.trials > 0) config.searchTrials = overrides.trials;
    if (overrides.iterations > 0) {
        if (config.fidelity) config.fidelity->maxIterations = overrides.iterations;
        else config.training.iterations = overrides.iterations;
    }
    if (overrides.maxMinutes >= 0) config.searchMaxMinutes = overrides.maxMinutes;
    if (overrides.workers > 0) config.workers = overrides.workers;
    if (!overrides.backend.empty()) config.backend = overrides.backend;
    if (!overrides.slurmPartition.empty()) config.slurm.partition = overrides.slurmPartition;
    if (!overrides.slurmOptions.empty()) config.slurm.options = overrides.slurmOptions;
}

// Stores the config with the command line's overrides; --trials also extends the open phase.
Status updateStoredConfig(ExperimentStore& store, const ExperimentSummary& summary, const RunOverrides& overrides) {
    ExperimentConfig config = summary.config;
    applyOverrides(config, overrides);
    if (auto valid = config.validate(); !valid) return valid;
    ExperimentInfo info = summary.info;
    info.configJson = config.toJson();
    info.datasetPath = config.dataset.root.string();
    if (auto status = store.updateExperiment(info); !status) return status;
    if (overrides.trials <= 0 && overrides.maxMinutes < 0) return Done{};
    for (PhaseRecord phase : summary.phases) {
        if (phase.state == PhaseState::Finished || phase.kind == PhaseKind::Finetune) continue;
        if (overrides.trials > 0) phase.trialBudget = overrides.trials;
        if (overrides.maxMinutes >= 0) phase.maxMinutes = overrides.maxMinutes;
        if (auto status = store.updatePhase(phase); !status) return status;
    }
    return Done{};
}

// Loads the dataset, checks it is the one the experiment started with, and runs the open phases.
int runExperiment(ExperimentStore& store, bool json) {
    auto summary = ExperimentSummary::load(store);
    if (!summary) return reportError(summary.error());
    auto loaded = loadExperimentDataset(summary->config, json);
    if (!loaded) return reportError(loaded.error());
    const std::string digest = DatasetLoader::contentDigest(loaded->features);
    if (!summary->info.datasetHash.empty() && digest != summary->info.datasetHash) {
        return reportError(makeError(ErrorCode::InvalidInput,
                                     summary->config.dataset.root.string() +
                                         ": this dataset differs from the one the experiment in " + store.file().string() +
                                         " started with (content digest " + digest + ", expected " +
                                         summary->info.datasetHash + ")"));
    }
    const auto executor = makeTrialExecutor(summary->config, loaded->features, store.file());
    ProgressObserver observer(!json);
    ExperimentRunner runner(store, *executor, &observer);
    g_runner = &runner;
    std::signal(SIGINT, [](int) { g_runner->stopFromSignalHandler(); });
    std::signal(SIGTERM, [](int) { g_runner->stopFromSignalHandler(); });
    auto report = runner.run();
    std::signal(SIGINT, SIG_DFL);
    std::signal(SIGTERM, SIG_DFL);
    g_runner = nullptr;
    observer.finish();
    if (!report) return reportError(report.error());

    auto final = ExperimentSummary::load(store);
    if (!final) return reportError(final.error());
    if (json) {
        printJson(statusJson(*final));
    } else {
        if (!report->note.empty()) std::cout << "note: " << report->note << '\n';
        std::cout << (report->stopped ? "stopped" : "done") << ": " << report->trialsFinished << " trials finished, "
                  << report->trialsFailed << " failed in this run\n";
        printStatus(*final, std::cout);
        if (!report->stopped) {
            std::cout << "next: perfnas freeze --db " << store.file().string()
                      << " (--auto | --unit U --param P --value V) to refine, or perfnas finetune --db "
                      << store.file().string() << '\n';
        }
    }
    return report->stopped ? kExitFailure : kExitOk;
}

}  // namespace

void addSearchCommand(CLI::App& app, int& exitCode) {
    struct Options {
        std::string config;
        std::string db;
        RunOverrides overrides;
    };
    auto options = std::make_shared<Options>();
    CLI::App* command = app.add_subcommand("search", "Run (or resume) an experiment's search phases");
    command->add_option("--config", options->config, "Experiment config (JSON); optional when --db exists");
    command->add_option("--db", options->db, "Experiment file (SQLite); resumed when it exists")->required();
    command->add_option("--trials", options->overrides.trials, "Trials per search phase")->check(CLI::PositiveNumber);
    command->add_option("--iterations", options->overrides.iterations,
                        "Training iterations per trial (with rungs: of the top rung)")
        ->check(CLI::PositiveNumber);
    addRunOptions(*command, options->overrides);
    command->callback([options, &exitCode] {
        const fs::path file = options->db;
        std::unique_ptr<ExperimentStore> store;
        if (fs::exists(file)) {
            auto opened = openExperiment(file.string());
            if (!opened) {
                exitCode = reportError(opened.error());
                return;
            }
            store = std::move(opened->store);
            if (auto status = updateStoredConfig(*store, opened->summary, options->overrides); !status) {
                exitCode = reportError(status.error());
                return;
            }
            if (!options->overrides.json) std::cerr << "resuming " << file.string() << '\n';
        } else {
            if (options->config.empty()) {
                exitCode = reportError(makeError(ErrorCode::InvalidInput,
                                                 file.string() + " does not exist: --config is needed to create it"));
                return;
            }
            auto config = ExperimentConfig::fromFile(options->config);
            if (!config) {
                exitCode = reportError(config.error());
                return;
            }
            applyOverrides(*config, options->overrides);
            if (config->dataset.root.empty()) {
                exitCode = reportError(makeError(ErrorCode::InvalidInput,
                                                 options->config + ": no dataset.path in the config; give --data DIR"));
                return;
            }
            if (auto valid = config->validate(); !valid) {
                exitCode = reportError(makeError(ErrorCode::InvalidInput, options->config + ": " + valid.error().message));
                return;
            }
            auto loaded = loadExperimentDataset(*config, options->overrides.json);
            if (!loaded) {
                exitCode = reportError(loaded.error());
                return;
            }
            auto created = ExperimentPlanner::create(file, *config, DatasetLoader::contentDigest(loaded->features));
            if (!created) {
                exitCode = reportError(created.error());
                return;
            }
            store = std::move(*created);
        }
        exitCode = runExperiment(*store, options->overrides.json);
    });
}

void addFreezeCommand(CLI::App& app, int& exitCode) {
    struct Options {
        std::string db;
        bool automatic = false;
        double minimumShare = 0.0;
        int unit = 0;
        std::string parameter;
        int value = 0;
    };
    auto options = std::make_shared<Options>();
    CLI::App* command = app.add_subcommand("freeze", "Freeze suggested parameters: the next search phase is a refinement");
    command->add_option("--db", options->db, "Experiment file")->required();
    command->add_flag("--auto", options->automatic, "Freeze every suggestion at or above --min-share");
    command->add_option("--min-share", options->minimumShare, "Share threshold for --auto (default: the config's)");
    command->add_option("--unit", options->unit, "Conv unit, from 1");
    command->add_option("--param", options->parameter, "Parameter")->check(CLI::IsMember({"kh", "kw", "filters"}));
    command->add_option("--value", options->value, "Value to freeze it to");
    command->callback([options, &exitCode] {
        const bool manual = options->unit > 0 && !options->parameter.empty();
        if (options->automatic == manual) {
            exitCode = reportError(makeError(ErrorCode::InvalidInput, "give either --auto or --unit U --param P --value V"));
            return;
        }
        auto opened = openExperiment(options->db);
        if (!opened) {
            exitCode = reportError(opened.error());
            return;
        }
        ExperimentStore& store = *opened->store;
        Result<PhaseRecord> phase = makeError(ErrorCode::Internal, "not run");
        if (options->automatic) {
            const double share = options->minimumShare > 0 ? options->minimumShare : opened->summary.config.autoMinimumShare;
            phase = ExperimentPlanner::freezeAutomatically(store, share);
        } else {
            phase = ExperimentPlanner::freeze(
                store, {{.unit = options->unit - 1, .parameter = *parseUnitParameter(options->parameter), .value = options->value}});
        }
        if (!phase) {
            exitCode = reportError(phase.error());
            return;
        }
        auto space = ExperimentSummary::load(store);
        std::cout << "refinement " << phase->round << " planned (phase " << phase->id << "); frozen:";
        if (space) {
            for (std::size_t unit = 0; unit < space->currentSpace.units.size(); ++unit) {
                for (UnitParameter parameter : kUnitParameters) {
                    const Domain& domain = space->currentSpace.units[unit][parameter];
                    if (domain.isFrozen()) {
                        std::cout << " unit" << unit + 1 << "." << parameterName(parameter) << "=" << *domain.frozen;
                    }
                }
            }
        }
        std::cout << "\nrun `perfnas search --db " << options->db << "` to search the reduced space\n";
    });
}

void addFinetuneCommand(CLI::App& app, int& exitCode) {
    struct Options {
        std::string db;
        int iterations = 0;
        RunOverrides overrides;
    };
    auto options = std::make_shared<Options>();
    CLI::App* command = app.add_subcommand("finetune", "Continue the frontier's models to the full budget; test TOP-1");
    command->add_option("--db", options->db, "Experiment file")->required();
    command->add_option("--iterations", options->iterations, "Total iterations (default: the config's fine-tuning budget)")
        ->check(CLI::PositiveNumber);
    addRunOptions(*command, options->overrides);
    command->callback([options, &exitCode] {
        auto opened = openExperiment(options->db);
        if (!opened) {
            exitCode = reportError(opened.error());
            return;
        }
        ExperimentStore& store = *opened->store;
        const ExperimentSummary& summary = opened->summary;
        if (auto status = updateStoredConfig(store, summary, options->overrides); !status) {
            exitCode = reportError(status.error());
            return;
        }
        // A fine-tuning phase left unfinished by an earlier run is resumed, not planned again.
        const bool open = !summary.phases.empty() && summary.phases.back().kind == PhaseKind::Finetune &&
                          summary.phases.back().state != PhaseState::Finished;
        if (!open) {
            auto candidates = ExperimentPlanner::finetuneCandidates(store, options->iterations);
            if (candidates && candidates->empty() && !summary.frontier.empty()) {
                std::cout << "every Pareto model is fine-tuned already; nothing to do\n";
                return;
            }
            auto phase = ExperimentPlanner::planFinetune(store, options->iterations);
            if (!phase) {
                exitCode = reportError(phase.error());
                return;
            }
        }
        exitCode = runExperiment(store, options->overrides.json);
    });
}

}  // namespace perfnas::cli
