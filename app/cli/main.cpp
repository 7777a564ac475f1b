// perfnas: the headless command-line interface (design.md "The CLI").
#include <iostream>

#include "app/cli/CliSupport.h"

int main(int argc, char** argv) {
    CLI::App app{"PerfNAS: performance-oriented neural architecture search for keyword spotting",
                 "perfnas"};
    app.set_version_flag("--version", std::string("perfnas ") + PERFNAS_VERSION);
    app.require_subcommand(1);

    int exitCode = perfnas::cli::kExitOk;
    // demo
    perfnas::cli::addMfccCommand(app, exitCode);
    perfnas::cli::addDatasetCommand(app, exitCode);
    perfnas::cli::addCostCommand(app, exitCode);
    perfnas::cli::addTrainCommand(app, exitCode);
    perfnas::cli::addEvaluateCommand(app, exitCode);

    try {
        app.parse(argc, argv);
    } catch (const CLI::Success& done) {
        return app.exit(done);  // --help, --version
    } catch (const CLI::ParseError& error) {
        app.exit(error);
        return perfnas::cli::kExitBadInput;
    }
    return exitCode;
}
