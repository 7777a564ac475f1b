// perfnas export: one trial's model to take away — spec.json, the torch checkpoint files and, for
// onnx, model.onnx (batch-norm folded; the graph takes raw MFCCs). The fine-tuned weights of a
// trial are exported when it was fine-tuned.
#include <cstdio>

#include "app/cli/CliSupport.h"
#include "core/report/ModelExport.h"

namespace perfnas::cli {

void addExportCommand(CLI::App& app, int& exitCode) {
    struct Options {
        std::string db;
        int trial = 0;
        std::string format = "onnx";
        std::string out;
    };
    auto options = std::make_shared<Options>();
    CLI::App* command =
        app.add_subcommand("export", "A trial's model: spec.json, checkpoint files and model.onnx");
    command->add_option("--db", options->db, "Experiment file")->required();
    command->add_option("--trial", options->trial, "Trial id (0: the seed)")->required();
    command->add_option("--format", options->format, "onnx or torch")
        ->check(CLI::IsMember({"onnx", "torch"}))
        ->capture_default_str();
    command->add_option("--out", options->out, "Output folder (created; files in it are replaced)")
        ->required();
    command->callback([options, &exitCode] {
        auto opened = openExperiment(options->db, ExperimentStore::Access::ReadOnly);
        if (!opened) {
            exitCode = reportError(opened.error());
            return;
        }
        auto exported = ModelExport::run(opened->summary, options->db,
                                         {.trialId = options->trial,
                                          .format = *parseModelFormat(options->format),
                                          .outputFolder = options->out});
        if (!exported) {
            exitCode = reportError(exported.error());
            return;
        }
        std::printf("trial %d%s:\n", exported->trialId,
                    exported->finetuned ? (" (fine-tuned weights of trial " +
                                           std::to_string(exported->checkpointTrialId) + ")")
                                              .c_str()
                                        : "");
        for (const auto& file : exported->files) std::printf("  %s\n", file.string().c_str());
    });
}

}  // namespace perfnas::cli
