#include <iomanip>
#include <iostream>
#include <nlohmann/json.hpp>

#include "app/cli/CliSupport.h"
#include "core/audio/AudioDecoder.h"
#include "core/audio/MfccExtractor.h"

namespace perfnas::cli {

void addMfccCommand(CLI::App& app, int& exitCode) {
    struct Options {
        std::string file;
        std::string format = "csv";
    };
    auto options = std::make_shared<Options>();
    CLI::App* command = app.add_subcommand("mfcc", "Print the 40x32 MFCC matrix of one clip");
    command->add_option("FILE", options->file, "Audio file (WAV, FLAC, OGG)")->required();
    command->add_option("--format", options->format, "Output format")
        ->check(CLI::IsMember({"csv", "json"}));
    command->callback([options, &exitCode] {
        auto clip = AudioDecoder::loadClip(options->file);
        if (!clip) {
            exitCode = reportError(clip.error());
            return;
        }
        MfccExtractor extractor;
        const std::vector<float> mfcc = extractor.compute(*clip);
        const int frames = extractor.frameCount(clip->size());
        const int coefficients = extractor.settings().coefficients;
        if (options->format == "json") {
            nlohmann::json rows = nlohmann::json::array();
            for (int c = 0; c < coefficients; ++c) {
                rows.push_back(
                    std::vector<float>(mfcc.begin() + c * frames, mfcc.begin() + (c + 1) * frames));
            }
            printJson({{"file", options->file},
                       {"coefficients", coefficients},
                       {"frames", frames},
                       {"settings", extractor.settings().key()},
                       {"mfcc", rows}});
            return;
        }
        std::cout << std::setprecision(9);
        for (int c = 0; c < coefficients; ++c) {
            for (int t = 0; t < frames; ++t) {
                std::cout << (t ? "," : "") << mfcc[static_cast<std::size_t>(c * frames + t)];
            }
            std::cout << '\n';
        }
    });
}

}  // namespace perfnas::cli
