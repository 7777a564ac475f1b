#include <iostream>
#include <map>
#include <nlohmann/json.hpp>

#include "app/cli/CliSupport.h"
#include "core/dataset/DatasetLoader.h"

namespace perfnas::cli {
namespace {

constexpr Split kSplits[] = {Split::Training, Split::Validation, Split::Testing};

nlohmann::json summarize(const LoadedDataset& loaded, const DatasetOptions& options) {
    const FeatureSet& features = loaded.features;
    nlohmann::json splits = nlohmann::json::object();
    for (Split split : kSplits) {
        std::map<std::string, int> perClass;
        for (const std::string& name : features.classNames) perClass[name] = 0;
        for (std::int32_t label : features.split(split).labels) {
            ++perClass[features.classNames[static_cast<std::size_t>(label)]];
        }
        splits[std::string(splitName(split))] = {{"total", features.split(split).size()},
                                                 {"per_class", perClass}};
    }
    nlohmann::json skipped = nlohmann::json::array();
    for (const SkippedFile& file : features.skipped) {
        skipped.push_back({{"file", file.file}, {"reason", file.reason}});
    }
    return {{"root", options.root.string()},
            {"classes", features.classNames},
            {"split_rule", features.usesLists ? "validation_list.txt/testing_list.txt, hash rule "
                                                "for unlisted folders"
                                              : "hash rule (SHA-1 of the speaker id)"},
            {"splits", splits},
            {"background_noise_files", features.backgroundNoise.size()},
            {"skipped", skipped},
            {"cache",
             {{"hit", loaded.report.cacheHit},
              {"file", loaded.report.cacheFile.string()},
              {"warning", loaded.report.cacheWarning}}},
            {"load_seconds", loaded.report.seconds}};
}

void printTable(const nlohmann::json& summary) {
    std::cout << "Dataset " << summary["root"].get<std::string>() << "\n"
              << "Split rule: " << summary["split_rule"].get<std::string>() << "\n\n";
    std::printf("%-14s %10s %10s %10s\n", "class", "training", "validation", "testing");
    for (const auto& name : summary["classes"]) {
        const auto className = name.get<std::string>();
        std::printf("%-14s %10d %10d %10d\n", className.c_str(),
                    summary["splits"]["training"]["per_class"][className].get<int>(),
                    summary["splits"]["validation"]["per_class"][className].get<int>(),
                    summary["splits"]["testing"]["per_class"][className].get<int>());
    }
    std::printf("%-14s %10d %10d %10d\n\n", "total",
                summary["splits"]["training"]["total"].get<int>(),
                summary["splits"]["validation"]["total"].get<int>(),
                summary["splits"]["testing"]["total"].get<int>());
    std::cout << "Background noise recordings: " << summary["background_noise_files"] << "\n";
    std::printf("Loaded in %.2f s (%s)\n", summary["load_seconds"].get<double>(),
                summary["cache"]["hit"].get<bool>() ? "feature cache" : "decoded and cached");
    if (const auto warning = summary["cache"]["warning"].get<std::string>(); !warning.empty()) {
        std::cout << "Warning: " << warning << "\n";
    }
    const auto& skipped = summary["skipped"];
    std::cout << "Skipped files: " << skipped.size() << "\n";
    for (const auto& file : skipped) {
        std::cout << "  " << file["file"].get<std::string>() << ": "
                  << file["reason"].get<std::string>() << "\n";
    }
}

}  // namespace

void addDatasetCommand(CLI::App& app, int& exitCode) {
    struct Options {
        DatasetArguments data;
        bool json = false;
    };
    auto options = std::make_shared<Options>();
    CLI::App* command = app.add_subcommand(
        "dataset",
        "Load a Speech Commands-layout folder: counts per split and class, skipped files");
    addDatasetArguments(*command, options->data, "DIR");
    command->add_flag("--json", options->json, "Print one JSON document");
    command->callback([options, &exitCode] {
        auto loaded = loadDataset(options->data, options->json);
        if (!loaded) {
            exitCode = reportError(loaded.error());
            return;
        }
        const nlohmann::json summary = summarize(*loaded, options->data.dataset);
        if (options->json) {
            printJson(summary);
        } else {
            printTable(summary);
        }
    });
}

}  // namespace perfnas::cli
