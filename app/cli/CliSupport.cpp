#include "app/cli/CliSupport.h"

#include <iostream>
#include <sstream>
#include <nlohmann/json.hpp>

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

void addDatasetArguments(CLI::App& command, DatasetArguments& arguments, const std::string& dataOption) {
    command.add_option(dataOption, arguments.dataset.root, "Dataset folder (Speech Commands layout)")->required();
    command.add_option("--keywords", arguments.keywords,
                       "Comma-separated keywords (default: yes,no,up,down,left,right,on,off,stop,go)");
    command.add_flag("--silence", arguments.dataset.includeSilence, "Add the _silence_ class");
    command.add_flag("--unknown", arguments.dataset.includeUnknown, "Add the _unknown_ class");
    command.add_option("--cache-dir", arguments.cacheFolder, "Feature cache folder (default ~/.cache/perfnas)");
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
    const LoadOptions load{.cacheFolder = arguments.cacheFolder, .useCache = !arguments.noCache};
    auto progress = [quiet](std::size_t done, std::size_t total) {
        if (!quiet) std::cerr << "\rloading clips " << done << "/" << total << (done == total ? "\n" : "") << std::flush;
    };
    return DatasetLoader::load(arguments.dataset, load, progress);
}

void printJson(const nlohmann::json& document) { std::cout << document.dump(2) << '\n'; }

}  // namespace perfnas::cli
