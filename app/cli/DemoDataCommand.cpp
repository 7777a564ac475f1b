#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <iomanip>
#include <iostream>
#include <mutex>
#include <nlohmann/json.hpp>

#include "app/cli/CliSupport.h"
#include "core/dataset/DemoDataSynthesizer.h"

namespace perfnas::cli {
namespace {

// Progress arrives from worker threads; print at most every 5 % and 200 ms (or at 100 %).
class PercentPrinter {
public:
    void operator()(std::size_t done, std::size_t total) {
        if (total == 0) return;
        const int percent = static_cast<int>(done * 100 / total);
        const auto now = std::chrono::steady_clock::now();
        const std::lock_guard lock(m_mutex);
        if (percent != 100 && (percent < m_lastPercent + 5 || now - m_lastPrint < kInterval))
            return;
        if (percent == m_lastPercent) return;
        m_lastPercent = percent;
        m_lastPrint = now;
        std::fprintf(stderr, "%sdemo-data: %3d%% (%zu/%zu clips)%s", m_tty ? "\r" : "", percent,
                     done, total, m_tty && percent < 100 ? "" : "\n");
        std::fflush(stderr);
    }

private:
    static constexpr std::chrono::milliseconds kInterval{200};
    std::mutex m_mutex;
    int m_lastPercent = -100;
    std::chrono::steady_clock::time_point m_lastPrint{};
    bool m_tty = ::isatty(STDERR_FILENO) != 0;
};

}  // namespace

void addDemoDataCommand(CLI::App& app, int& exitCode) {
    struct Options {
        std::string outputDir;
        int clipsPerWord = DemoDataOptions{}.clipsPerWord;
        std::uint64_t seed = DemoDataOptions{}.seed;
        bool json = false;
    };
    auto options = std::make_shared<Options>();
    CLI::App* command = app.add_subcommand(
        "demo-data", "Synthesize a Speech Commands-layout keyword dataset with espeak-ng");
    command->add_option("--out", options->outputDir, "Output folder (new or empty)")->required();
    command->add_option("--clips-per-word", options->clipsPerWord, "Clips per keyword")
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
        auto printer = std::make_shared<PercentPrinter>();
        const DemoDataOptions demo{.outputDir = options->outputDir,
                                   .clipsPerWord = options->clipsPerWord,
                                   .seed = options->seed};
        auto report = DemoDataSynthesizer::synthesize(
            demo, [printer](std::size_t done, std::size_t total) { (*printer)(done, total); });
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
