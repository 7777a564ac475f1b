#pragma once
// Shared conventions of the perfnas commands (docs/cli.md): exit status 0 on success,
// 2 for bad usage or bad input, 1 for other failures; errors go to stderr naming what and why.

#include <CLI/CLI.hpp>
#include <iosfwd>
#include <memory>
#include <nlohmann/json_fwd.hpp>

#include "core/common/Result.h"
#include "core/dataset/DatasetLoader.h"
#include "core/search/ExperimentSummary.h"

namespace perfnas::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitBadInput = 2;

// Prints "perfnas: <message>" to stderr and returns the exit status for the error's code.
int reportError(const Error& error);

// Prints a JSON document on stdout (indented, one trailing newline).
void printJson(const nlohmann::json& document);

// Progress on stderr: rewritten in place (at most 10 times a second) on a terminal, a new line at
// most every 5 s otherwise (logs, cluster jobs); silent when disabled (--json).
class ProgressLine {
public:
    explicit ProgressLine(bool enabled);
    ~ProgressLine();
    void update(const std::string& text, bool force = false);
    void finish();  // ends the line on a terminal, before other output

private:
    bool m_enabled;
    bool m_terminal;
    bool m_printed = false;
    double m_lastSeconds = -1e9;
};

// Dataset selection shared by the commands that load one.
struct DatasetArguments {
    DatasetOptions dataset;
    std::string keywords;  // comma-separated; empty: the dataset default
    std::string cacheFolder;
    bool noCache = false;
    // Which splits the command needs (see LoadOptions); the default is what training needs.
    std::vector<Split> requiredSplits = LoadOptions{}.requiredSplits;
    SplitRule splitRule = SplitRule::ListsThenHash;
};
// `dataOption`: "DIR" for a positional folder, or "--data" for an option.
void addDatasetArguments(CLI::App& command, DatasetArguments& arguments,
                         const std::string& dataOption);
// Loads with progress on stderr (unless quiet).
Result<LoadedDataset> loadDataset(DatasetArguments& arguments, bool quiet);

// An experiment file and what it holds now; errors name the file.
struct OpenedExperiment {
    std::unique_ptr<ExperimentStore> store;
    ExperimentSummary summary;
};
Result<OpenedExperiment> openExperiment(
    const std::string& file, ExperimentStore::Access access = ExperimentStore::Access::ReadWrite);

// `perfnas status`'s JSON document (docs/cli.md) and its human-readable form.
nlohmann::json statusJson(const ExperimentSummary& summary);
void printStatus(const ExperimentSummary& summary, std::ostream& out);

// Each command registers its subcommand and sets `exitCode` when it runs.
void addMfccCommand(CLI::App& app, int& exitCode);
void addTrainCommand(CLI::App& app, int& exitCode);
void addEvaluateCommand(CLI::App& app, int& exitCode);
void addCostCommand(CLI::App& app, int& exitCode);
void addDatasetCommand(CLI::App& app, int& exitCode);
void addDemoDataCommand(CLI::App& app, int& exitCode);
void addSearchCommand(CLI::App& app, int& exitCode);
void addStatusCommand(CLI::App& app, int& exitCode);
void addFreezeCommand(CLI::App& app, int& exitCode);
void addFinetuneCommand(CLI::App& app, int& exitCode);
void addTrialCommand(CLI::App& app, int& exitCode);
void addReportCommand(CLI::App& app, int& exitCode);
void addBenchCommand(CLI::App& app, int& exitCode);
void addBenchModelCommand(CLI::App& app, int& exitCode);
void addExportCommand(CLI::App& app, int& exitCode);

}  // namespace perfnas::cli
