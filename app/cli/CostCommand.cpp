#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>

#include "app/cli/CliSupport.h"
#include "core/model/CostModel.h"

namespace perfnas::cli {

void addCostCommand(CLI::App& app, int& exitCode) {
    struct Options {
        std::string spec;
        bool json = false;
    };
    auto options = std::make_shared<Options>();
    CLI::App* command =
        app.add_subcommand("cost", "Per-unit FPOPS (Eq. 1) and parameters (Eq. 2) of a spec");
    command->add_option("SPEC", options->spec, "Architecture spec (JSON)")->required();
    command->add_flag("--json", options->json, "Print one JSON document");
    command->callback([options, &exitCode] {
        auto spec = ArchitectureSpec::fromFile(options->spec);
        if (!spec) {
            exitCode = reportError(spec.error());
            return;
        }
        const ModelCost cost = CostModel::evaluate(*spec);
        if (options->json) {
            nlohmann::json units = nlohmann::json::array();
            for (std::size_t i = 0; i < cost.units.size(); ++i) {
                const UnitCost& u = cost.units[i];
                const ConvUnit& unit = spec->units[i];
                units.push_back({{"unit", i + 1},
                                 {"kh", unit.kh},
                                 {"kw", unit.kw},
                                 {"filters", unit.filters},
                                 {"stride", unit.stride},
                                 {"input", {u.inputChannels, u.inputHeight, u.inputWidth}},
                                 {"output", {unit.filters, u.outputHeight, u.outputWidth}},
                                 {"fpops", u.fpops},
                                 {"mfpops", static_cast<double>(u.fpops) / 1e6},
                                 {"params", u.params}});
            }
            printJson({{"name", spec->name},
                       {"mfpops", cost.mfpops()},
                       {"fpops", cost.fpops},
                       {"params", cost.params},
                       {"peak_activation_bytes", cost.peakActivationBytes},
                       {"units", units}});
            return;
        }
        std::printf("%s: %s\n\n", spec->name.empty() ? options->spec.c_str() : spec->name.c_str(),
                    spec->notation().c_str());
        std::printf("%-5s %-12s %-7s %-14s %-14s %12s %10s\n", "unit", "kernel, M", "stride",
                    "input CxHxW", "output CxHxW", "MFPOPS", "params");
        for (std::size_t i = 0; i < cost.units.size(); ++i) {
            const UnitCost& u = cost.units[i];
            const ConvUnit& unit = spec->units[i];
            const std::string in = std::to_string(u.inputChannels) + "x" +
                                   std::to_string(u.inputHeight) + "x" +
                                   std::to_string(u.inputWidth);
            const std::string out = std::to_string(unit.filters) + "x" +
                                    std::to_string(u.outputHeight) + "x" +
                                    std::to_string(u.outputWidth);
            const std::string stride =
                std::to_string(unit.stride[0]) + "," + std::to_string(unit.stride[1]);
            std::printf("%-5zu %-12s %-7s %-14s %-14s %12.4f %10lld\n", i + 1,
                        ArchitectureSpec::unitNotation(unit).c_str(), stride.c_str(), in.c_str(),
                        out.c_str(), static_cast<double>(u.fpops) / 1e6,
                        static_cast<long long>(u.params));
        }
        std::printf("%-58s %12.4f %10lld\n", "total", cost.mfpops(),
                    static_cast<long long>(cost.params));
        std::printf("peak activation memory (batch 1, float32): %.1f KiB\n",
                    static_cast<double>(cost.peakActivationBytes) / 1024.0);
    });
}

}  // namespace perfnas::cli
