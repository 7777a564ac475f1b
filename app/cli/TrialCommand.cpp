// perfnas trial: one trial as a worker process (subprocess and Slurm backends, and scripts such as
// the Optuna comparison): reads a TrialRequest, trains, writes the TrialReport atomically.
#include <csignal>
#include <iostream>

#include "app/cli/CliSupport.h"
#include "core/execution/InProcessExecutor.h"

namespace perfnas::cli {
namespace {

CancelToken* g_cancel = nullptr;

}  // namespace

void addTrialCommand(CLI::App& app, int& exitCode) {
    struct Options {
        std::string spec;
        std::string out;
        bool quiet = false;
    };
    auto options = std::make_shared<Options>();
    CLI::App* command =
        app.add_subcommand("trial", "Run one trial from a request file; write its result file");
    command->add_option("--spec", options->spec, "Trial request (JSON)")->required();
    command->add_option("--out", options->out, "Result file (JSON), written atomically")
        ->required();
    command->add_flag("--quiet", options->quiet, "No progress on stderr");
    command->callback([options, &exitCode] {
        auto text = readTextFile(options->spec);
        if (!text) {
            exitCode = reportError(text.error());
            return;
        }
        auto request = TrialRequest::fromJson(*text);
        if (!request) {
            exitCode = reportError(
                makeError(ErrorCode::InvalidInput, options->spec + ": " + request.error().message));
            return;
        }
        DatasetArguments data{.dataset = request->dataset,
                              .cacheFolder = request->cacheFolder.string()};
        auto loaded = loadDataset(data, options->quiet);
        TrialReport report{.trialId = request->trialId};
        if (!loaded) {
            report.failure = loaded.error();
        } else {
            CancelToken cancel;
            g_cancel = &cancel;
            std::signal(SIGTERM, [](int) { g_cancel->cancel(); });
            std::signal(SIGINT, [](int) { g_cancel->cancel(); });
            ProgressLine line(!options->quiet);
            report = InProcessExecutor::runOn(
                loaded->features, *request,
                [&line](const TrainingProgress& step) {
                    line.update("iteration " + std::to_string(step.iteration) + "/" +
                                std::to_string(step.iterations));
                },
                cancel);
            line.finish();
        }
        if (auto written = writeFileAtomically(options->out, report.toJson()); !written) {
            exitCode = reportError(written.error());
            return;
        }
        if (report.failure) exitCode = reportError(*report.failure);
    });
}

}  // namespace perfnas::cli
