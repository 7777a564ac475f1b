#include "app/cli/CliSupport.h"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace perfnas::cli {

int reportError(const Error& error) {
    std::cerr << "perfnas: " << error.message << '\n';
    switch (error.code) {
        case ErrorCode::InvalidInput:
        case ErrorCode::NotFound:
            return kExitBadInput;
        case ErrorCode::IoFailure:
        case ErrorCode::Cancelled:
        case ErrorCode::Internal:
            return kExitFailure;
    }
    return kExitFailure;
}

ProgressLine::ProgressLine(bool enabled)
    : m_enabled(enabled), m_terminal(isatty(STDERR_FILENO) == 1) {}

ProgressLine::~ProgressLine() { finish(); }

void ProgressLine::finish() {
    if (m_enabled && m_terminal && m_printed) std::fputc('\n', stderr);
    m_printed = false;
}

void ProgressLine::update(const std::string& text, bool force) {
    if (!m_enabled) return;
    const double now =
        std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
    if (!force && now - m_lastSeconds < (m_terminal ? 0.1 : 5.0)) return;
    m_lastSeconds = now;
    m_printed = true;
    if (m_terminal) {
        std::fprintf(stderr, "\r%s\033[K", text.c_str());
    } else {
        std::fprintf(stderr, "%s\n", text.c_str());
    }
    std::fflush(stderr);
}

void addDatasetArguments(CLI::App& command, DatasetArguments& arguments,
                         const std::string& dataOption) {
    command
        .add_option(dataOption, arguments.dataset.root, "Dataset folder (Speech Commands layout)")
        ->required();
    command.add_option(
        "--keywords", arguments.keywords,
        "Comma-separated keywords (default: yes,no,up,down,left,right,on,off,stop,go)");
    command.add_flag("--silence", arguments.dataset.includeSilence, "Add the _silence_ class");
    command.add_flag("--unknown", arguments.dataset.includeUnknown, "Add the _unknown_ class");
    command.add_option("--cache-dir", arguments.cacheFolder,
                       "Feature cache folder (default ~/.cache/perfnas)");
    command.add_flag("--no-cache", arguments.noCache, "Neither read nor write the feature cache");
}

Result<LoadedDataset> loadDataset(DatasetArguments& arguments, bool quiet) {
    if (!arguments.keywords.empty()) {
        arguments.dataset.keywords.clear();
        std::stringstream list(arguments.keywords);
        for (std::string word; std::getline(list, word, ',');) {
            if (!word.empty()) arguments.dataset.keywords.push_back(word);
        }
    }
    const LoadOptions load{.cacheFolder = arguments.cacheFolder,
                           .useCache = !arguments.noCache,
                           .requiredSplits = arguments.requiredSplits,
                           .splitRule = arguments.splitRule};
    ProgressLine line(!quiet);
    auto progress = [&line](std::size_t done, std::size_t total) {
        line.update("loading clips " + std::to_string(done) + "/" + std::to_string(total),
                    done == total);
    };
    return DatasetLoader::load(arguments.dataset, load, progress);
}

Result<OpenedExperiment> openExperiment(const std::string& file, ExperimentStore::Access access) {
    auto store = ExperimentStore::open(file, access);
    if (!store) return store.error();
    auto summary = ExperimentSummary::load(**store);
    if (!summary) return makeError(summary.error().code, file + ": " + summary.error().message);
    return OpenedExperiment{std::move(*store), std::move(*summary)};
}

void printJson(const nlohmann::json& document) { std::cout << document.dump(2) << '\n'; }

}  // namespace perfnas::cli
