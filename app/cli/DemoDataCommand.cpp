#include <iomanip>
#include <iostream>
#include <mutex>
#include <nlohmann/json.hpp>

#include "app/cli/CliSupport.h"
#include "core/dataset/DemoDataSynthesizer.h"

namespace perfnas::cli {

void addDemoDataCommand(CLI::App& app, int& exitCode) {
    struct Options {
        std::string outputDir;
        int clipsPerWord = DemoDataOptions{}.clipsPerWord;
        int speakers = DemoDataOptions{}.speakers;
        std::uint64_t seed = DemoDataOptions{}.seed;
        bool json = false;
    };
    auto options = std::make_shared<Options>();
    CLI::App* command = app.add_subcommand(
        "demo-data", "Synthesize a Speech Commands-layout keyword dataset with espeak-ng");
    command->add_option("--out", options->outputDir, "Output folder (new or empty)")->required();
    command->add_option("--clips-per-word", options->clipsPerWord, "Clips per keyword")
        ->check(CLI::Range(1, 100000))  // DemoDataSynthesizer's limits, named by the option
        ->capture_default_str();
    command
        ->add_option("--speakers", options->speakers,
                     "Synthetic speakers (voice, variant, pitch, rate)")
        ->check(CLI::Range(3, 10000))
        ->capture_default_str();
    command->add_option("--seed", options->seed, "Random seed (same seed, same files)")
        ->check(CLI::Validator(
            [](const std::string& text) {
                // CLI11 would wrap "-1" around to 2^64 - 1 for an unsigned option.
                return text.find('-') == std::string::npos
                           ? std::string()
                           : "seed must be a non-negative integer, got " + text;
            },
            "UINT"))
        ->capture_default_str();
    command->add_flag("--json", options->json, "Print the report as JSON on stdout");
    command->callback([options, &exitCode] {
        const DemoDataOptions demo{.outputDir = options->outputDir,
                                   .clipsPerWord = options->clipsPerWord,
                                   .seed = options->seed,
                                   .speakers = options->speakers};
        // Progress arrives from the worker threads, and not necessarily in order.
        ProgressLine line(!options->json);
        std::mutex lineMutex;
        std::size_t shown = 0;
        auto report =
            DemoDataSynthesizer::synthesize(demo, [&](std::size_t done, std::size_t total) {
                const std::lock_guard lock(lineMutex);
                if (total == 0 || done < shown) return;  // a late, smaller count
                shown = done;
                line.update("demo-data: " + std::to_string(done * 100 / total) + "% (" +
                                std::to_string(done) + "/" + std::to_string(total) + " clips)",
                            /*force=*/done == total);
            });
        line.finish();
        if (!report) {
            exitCode = reportError(report.error());
            return;
        }
        if (options->json) {
            printJson({{"outputDir", report->outputDir.string()},
                       {"clips", report->clips},
                       {"keywordClips", report->keywordClips},
                       {"unknownWordClips", report->unknownWordClips},
                       {"speakers", report->speakers},
                       {"backgroundNoiseFiles", report->backgroundNoiseFiles},
                       {"validationClips", report->validationClips},
                       {"testingClips", report->testingClips},
                       {"seed", demo.seed},
                       {"clipsPerWord", demo.clipsPerWord},
                       {"reused", report->reused},
                       {"seconds", report->seconds}});
            return;
        }
        std::cout << (report->reused ? "Reused " : "Wrote ") << report->clips << " clips ("
                  << report->speakers << " speakers, " << report->validationClips << " validation, "
                  << report->testingClips << " testing, " << report->backgroundNoiseFiles
                  << " background noise files) " << (report->reused ? "already in " : "to ")
                  << report->outputDir.string() << " in " << std::fixed << std::setprecision(1)
                  << report->seconds << " s\n";
    });
}

}  // namespace perfnas::cli
