// perfnas: the headless command-line interface (docs/cli.md).
#include <algorithm>
#include <iostream>

#include "app/cli/CliSupport.h"

int main(int argc, char** argv) {
    CLI::App app{"PerfNAS: performance-oriented neural architecture search for keyword spotting",
                 "perfnas"};
    app.set_version_flag("--version", std::string("perfnas ") + PERFNAS_VERSION);
    app.require_subcommand(1);

    int exitCode = perfnas::cli::kExitOk;
    perfnas::cli::addDemoDataCommand(app, exitCode);
    perfnas::cli::addMfccCommand(app, exitCode);
    perfnas::cli::addDatasetCommand(app, exitCode);
    perfnas::cli::addCostCommand(app, exitCode);
    perfnas::cli::addTrainCommand(app, exitCode);
    perfnas::cli::addEvaluateCommand(app, exitCode);
    perfnas::cli::addSearchCommand(app, exitCode);
    perfnas::cli::addStatusCommand(app, exitCode);
    perfnas::cli::addFreezeCommand(app, exitCode);
    perfnas::cli::addFinetuneCommand(app, exitCode);
    perfnas::cli::addTrialCommand(app, exitCode);
    perfnas::cli::addReportCommand(app, exitCode);
    perfnas::cli::addBenchCommand(app, exitCode);
    perfnas::cli::addBenchModelCommand(app, exitCode);
    perfnas::cli::addExportCommand(app, exitCode);

    // CLI11 would call an unknown command an unexpected argument; name it instead.
    const auto commands = app.get_subcommands([](const CLI::App*) { return true; });
    const bool known =
        argc > 1 && std::any_of(commands.begin(), commands.end(), [&](const CLI::App* command) {
            return command->get_name() == argv[1];
        });
    if (argc > 1 && argv[1][0] != '-' && !known) {
        std::cerr << "perfnas: unknown command '" << argv[1]
                  << "' (run perfnas --help for the list)\n";
        return perfnas::cli::kExitBadInput;
    }
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
