// perfnas search / freeze / finetune: create or resume an experiment file and run its phases.
#include <cmath>
#include <csignal>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <mutex>
#include <nlohmann/json.hpp>

#include "app/cli/CliSupport.h"
#include "core/search/Experiment.h"
#include "core/search/PhaseProgress.h"

namespace perfnas::cli {
namespace fs = std::filesystem;
namespace {

// Ctrl-C stops the run; finished trials are already saved.
ExperimentRunner* g_runner = nullptr;

void stopOnSignal(int) {
    if (g_runner) g_runner->stopFromSignalHandler();
}

// The running runner receives SIGINT and SIGTERM; once it is gone they terminate again.
void publishForSignals(ExperimentRunner* runner) {
    if (runner) g_runner = runner;
    std::signal(SIGINT, runner ? stopOnSignal : SIG_DFL);
    std::signal(SIGTERM, runner ? stopOnSignal : SIG_DFL);
    if (!runner) g_runner = nullptr;
}

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
    command.add_option("--workers", overrides.workers, "Trials in parallel")
        ->check(CLI::PositiveNumber);
    command
        .add_option(
            "--max-minutes", overrides.maxMinutes,
            "Wall-clock budget of each search phase: trials start only when they can finish in it")
        ->check(CLI::NonNegativeNumber);
    command.add_option("--backend", overrides.backend, "Where trials run")
        ->check(CLI::IsMember({"inprocess", "subprocess", "slurm"}));
    command.add_option("--slurm-partition", overrides.slurmPartition,
                       "Slurm partition for the trial jobs");
    command
        .add_option("--slurm-option", overrides.slurmOptions,
                    "Extra sbatch option, repeatable; attach it: --slurm-option=--qos=long")
        ->allow_extra_args(false);
    command.add_flag("--json", overrides.json, "Print the final status as one JSON document");
}

// Progress on stderr: the figures of the studio's status bar (core/search/PhaseProgress.h), read
// from the experiment file at every trial or phase event and counted down in between, and the
// latest trial's iteration.
class ProgressObserver final : public ExperimentObserver {
public:
    ProgressObserver(bool enabled, fs::path file)
        : m_line(enabled), m_enabled(enabled), m_file(std::move(file)) {}

    void phaseChanged(const PhaseRecord&) override { reload(); }
    void trialStarted(const TrialRecord&) override { reload(); }
    void trialFinished(const TrialRecord&) override { reload(); }
    void trialFailed(const TrialRecord& trial) override {
        if (m_enabled && trial.state != TrialState::Queued) {
            std::lock_guard lock(m_mutex);
            m_line.finish();
            std::cerr << "perfnas: trial " << trial.id << " " << trialStateName(trial.state) << ": "
                      << trial.error << '\n';
        }
        reload();
    }
    void frontierChanged(const ExperimentSummary& summary) override { show(summary); }
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
    // Events come from the running thread, which alone opens the reader.
    void reload() {
        if (!m_enabled) return;
        if (!m_reader) {
            auto opened = ExperimentStore::open(m_file, ExperimentStore::Access::ReadOnly);
            if (!opened) return;  // the line goes without figures; the run itself reports errors
            m_reader = std::move(*opened);
        }
        if (auto summary = ExperimentSummary::load(*m_reader)) show(*summary);
    }
    void show(const ExperimentSummary& summary) {
        std::lock_guard lock(m_mutex);
        m_progress = PhaseProgress::of(summary, std::time(nullptr));
        m_progressAt = std::chrono::steady_clock::now();
        redraw(true);
    }
    void redraw(bool force) {
        if (!m_progress.phase) return;
        std::string eta = "-";
        if (m_progress.etaSeconds) {
            const double since =
                std::chrono::duration<double>(std::chrono::steady_clock::now() - m_progressAt)
                    .count();
            const long seconds = std::lround(std::max(0.0, *m_progress.etaSeconds - since));
            eta = std::to_string(seconds / 60) + "m" + std::to_string(seconds % 60) + "s";
        }
        const PhaseRecord& phase = *m_progress.phase;
        const std::string name =
            phaseKindName(phase.kind) + (phase.round > 0 ? " " + std::to_string(phase.round) : "");
        char text[256];
        std::snprintf(
            text, sizeof text,
            "%s  trials %d/%d (%d running)  frontier %d  HV %.4f  ETA %s  [trial %d: %d/%d]",
            name.c_str(), m_progress.done, m_progress.planned, m_progress.running,
            m_progress.frontierSize, m_progress.hypervolume, eta.c_str(), m_lastTrial,
            m_lastIteration, m_lastIterations);
        m_line.update(text, force);
    }

    std::mutex m_mutex;
    ProgressLine m_line;
    const bool m_enabled;
    const fs::path m_file;
    std::unique_ptr<ExperimentStore> m_reader;
    PhaseProgress m_progress;
    std::chrono::steady_clock::time_point m_progressAt;
    int m_lastTrial = 0;
    int m_lastIteration = 0;
    int m_lastIterations = 0;
};

Result<LoadedDataset> loadExperimentDataset(const ExperimentConfig& config, bool quiet) {
    DatasetArguments arguments{.dataset = config.dataset,
                               .cacheFolder = config.cacheFolder.string()};
    return loadDataset(arguments, quiet);
}

void applyOverrides(ExperimentConfig& config, const RunOverrides& overrides) {
    if (!overrides.data.empty()) config.dataset.root = fs::absolute(overrides.data);
    if (!overrides.cacheFolder.empty()) config.cacheFolder = fs::absolute(overrides.cacheFolder);
    if (overrides.trials > 0) config.searchTrials = overrides.trials;
    if (overrides.iterations > 0) {
        if (config.fidelity)
            config.fidelity->maxIterations = overrides.iterations;
        else
            config.training.iterations = overrides.iterations;
    }
    if (overrides.maxMinutes >= 0) config.searchMaxMinutes = overrides.maxMinutes;
    if (overrides.workers > 0) config.workers = overrides.workers;
    if (!overrides.backend.empty()) config.backend = overrides.backend;
    if (!overrides.slurmPartition.empty()) config.slurm.partition = overrides.slurmPartition;
    if (!overrides.slurmOptions.empty()) config.slurm.options = overrides.slurmOptions;
}

// Stores the config with the command line's overrides; --trials also extends the open phase.
Status updateStoredConfig(ExperimentStore& store, const ExperimentSummary& summary,
                          const RunOverrides& overrides) {
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

// Loads the dataset and runs the experiment's open phases; Ctrl-C stops the run.
int runExperiment(Experiment& experiment, bool json) {
    auto summary = experiment.read();
    if (!summary) return reportError(summary.error());
    auto loaded = loadExperimentDataset(summary->config, json);
    if (!loaded) return reportError(loaded.error());
    ProgressObserver observer(!json, experiment.file());
    auto report = experiment.run(loaded->features,
                                 {.observer = &observer, .publishRunner = publishForSignals});
    observer.finish();
    if (!report) return reportError(report.error());

    auto final = experiment.read();
    if (!final) return reportError(final.error());
    const std::string file = experiment.file().string();
    if (json) {
        printJson(statusJson(*final));
    } else {
        if (!report->note.empty()) std::cout << "note: " << report->note << '\n';
        std::cout << (report->stopped ? "stopped" : "done") << ": " << report->trialsFinished
                  << " trials finished, " << report->trialsFailed << " failed in this run\n";
        printStatus(*final, std::cout);
        if (!report->stopped) {
            std::cout
                << "next: perfnas freeze --db " << file
                << " (--auto | --unit U --param P --value V) to refine, or perfnas finetune --db "
                << file << '\n';
        }
    }
    return report->stopped ? kExitFailure : kExitOk;
}

// Opens an existing experiment and stores the command line's overrides in it.
Result<Experiment> openWithOverrides(const std::string& file, const RunOverrides& overrides) {
    auto experiment = Experiment::open(file);
    if (!experiment) return experiment.error();
    auto summary = experiment->read();
    if (!summary) return summary.error();
    if (auto status = updateStoredConfig(experiment->store(), *summary, overrides); !status)
        return status.error();
    return experiment;
}

struct SearchOptions {
    std::string config;
    std::string db;
    RunOverrides overrides;
};

int resumeSearch(const SearchOptions& options) {
    auto experiment = openWithOverrides(options.db, options.overrides);
    if (!experiment) return reportError(experiment.error());
    if (!options.overrides.json) std::cerr << "resuming " << options.db << '\n';
    return runExperiment(*experiment, options.overrides.json);
}

int createAndSearch(const SearchOptions& options) {
    if (options.config.empty()) {
        return reportError(
            makeError(ErrorCode::InvalidInput,
                      options.db + " does not exist: --config is needed to create it"));
    }
    auto config = ExperimentConfig::fromFile(options.config);
    if (!config) return reportError(config.error());
    applyOverrides(*config, options.overrides);
    if (config->dataset.root.empty()) {
        return reportError(
            makeError(ErrorCode::InvalidInput,
                      options.config + ": no dataset.path in the config; give --data DIR"));
    }
    if (auto valid = config->validate(); !valid) {
        return reportError(
            makeError(ErrorCode::InvalidInput, options.config + ": " + valid.error().message));
    }
    auto loaded = loadExperimentDataset(*config, options.overrides.json);
    if (!loaded) return reportError(loaded.error());
    auto experiment = Experiment::create(options.db, *config, loaded->features);
    if (!experiment) return reportError(experiment.error());
    return runExperiment(*experiment, options.overrides.json);
}

}  // namespace

void addSearchCommand(CLI::App& app, int& exitCode) {
    auto options = std::make_shared<SearchOptions>();
    CLI::App* command =
        app.add_subcommand("search", "Run (or resume) an experiment's search phases");
    command->add_option("--config", options->config,
                        "Experiment config (JSON); optional when --db exists");
    command->add_option("--db", options->db, "Experiment file (SQLite); resumed when it exists")
        ->required();
    command->add_option("--trials", options->overrides.trials, "Trials per search phase")
        ->check(CLI::PositiveNumber);
    command
        ->add_option("--iterations", options->overrides.iterations,
                     "Training iterations per trial (with rungs: of the top rung)")
        ->check(CLI::PositiveNumber);
    addRunOptions(*command, options->overrides);
    command->callback([options, &exitCode] {
        exitCode = fs::exists(options->db) ? resumeSearch(*options) : createAndSearch(*options);
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
    CLI::App* command = app.add_subcommand(
        "freeze", "Freeze suggested parameters: the next search phase is a refinement");
    command->add_option("--db", options->db, "Experiment file")->required();
    command->add_flag("--auto", options->automatic,
                      "Freeze every suggestion at or above --min-share");
    command->add_option("--min-share", options->minimumShare,
                        "Share threshold for --auto (default: the config's)");
    command->add_option("--unit", options->unit, "Conv unit, from 1");
    command->add_option("--param", options->parameter, "Parameter")
        ->check(CLI::IsMember({"kh", "kw", "filters"}));
    command->add_option("--value", options->value, "Value to freeze it to");
    command->callback([options, &exitCode] {
        const bool manual = options->unit > 0 && !options->parameter.empty();
        if (options->automatic == manual) {
            exitCode = reportError(makeError(ErrorCode::InvalidInput,
                                             "give either --auto or --unit U --param P --value V"));
            return;
        }
        auto experiment = Experiment::open(options->db);
        auto summary =
            experiment ? experiment->read() : Result<ExperimentSummary>(experiment.error());
        if (!summary) {
            exitCode = reportError(summary.error());
            return;
        }
        Result<PhaseRecord> phase = makeError(ErrorCode::Internal, "not run");
        if (options->automatic) {
            phase = experiment->freezeAutomatically(options->minimumShare > 0
                                                        ? options->minimumShare
                                                        : summary->config.autoMinimumShare);
        } else {
            phase = experiment->freeze({{.unit = options->unit - 1,
                                         .parameter = *parseUnitParameter(options->parameter),
                                         .value = options->value}});
        }
        if (!phase) {
            exitCode = reportError(phase.error());
            return;
        }
        auto space = experiment->read();
        std::cout << "refinement " << phase->round << " planned (phase " << phase->id
                  << "); frozen:";
        if (space) {
            for (std::size_t unit = 0; unit < space->currentSpace.units.size(); ++unit) {
                for (UnitParameter parameter : kUnitParameters) {
                    const Domain& domain = space->currentSpace.units[unit][parameter];
                    if (domain.isFrozen()) {
                        std::cout << " unit" << unit + 1 << "." << parameterName(parameter) << "="
                                  << *domain.frozen;
                    }
                }
            }
        }
        std::cout << "\nrun `perfnas search --db " << options->db
                  << "` to search the reduced space\n";
    });
}

void addFinetuneCommand(CLI::App& app, int& exitCode) {
    struct Options {
        std::string db;
        int iterations = 0;
        RunOverrides overrides;
    };
    auto options = std::make_shared<Options>();
    CLI::App* command = app.add_subcommand(
        "finetune", "Continue the frontier's models to the full budget; test TOP-1");
    command->add_option("--db", options->db, "Experiment file")->required();
    command
        ->add_option("--iterations", options->iterations,
                     "Total iterations (default: the config's fine-tuning budget)")
        ->check(CLI::PositiveNumber);
    addRunOptions(*command, options->overrides);
    command->callback([options, &exitCode] {
        auto experiment = openWithOverrides(options->db, options->overrides);
        if (!experiment) {
            exitCode = reportError(experiment.error());
            return;
        }
        auto start = experiment->prepareFinetune(options->iterations);
        if (!start) {
            exitCode = reportError(start.error());
        } else if (*start == FinetuneStart::NothingToDo) {
            std::cout << "every Pareto model is fine-tuned already; nothing to do\n";
        } else {
            exitCode = runExperiment(*experiment, options->overrides.json);
        }
    });
}

}  // namespace perfnas::cli
