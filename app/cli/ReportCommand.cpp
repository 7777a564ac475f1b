// perfnas report: Table I and Table II of an experiment (with measured latencies) as Markdown, CSV,
// LaTeX or HTML.
#include <iostream>

#include "app/cli/CliSupport.h"
#include "core/execution/TrialRequest.h"
#include "core/report/ExperimentReport.h"

namespace perfnas::cli {

void addReportCommand(CLI::App& app, int& exitCode) {
    struct Options {
        std::string db;
        std::string format = "md";
        std::string out;
    };
    auto options = std::make_shared<Options>();
    CLI::App* command = app.add_subcommand(
        "report", "Table I / Table II of an experiment as md, csv, latex or html");
    command->add_option("--db", options->db, "Experiment file")->required();
    command->add_option("--format", options->format, "md, csv, latex or html")
        ->check(CLI::IsMember({"md", "csv", "latex", "html"}))
        ->capture_default_str();
    command->add_option("--out", options->out, "Output file ('-': standard output)")->required();
    command->callback([options, &exitCode] {
        auto opened = openExperiment(options->db, ExperimentStore::Access::ReadOnly);
        if (!opened) {
            exitCode = reportError(opened.error());
            return;
        }
        auto benchmarks = opened->store->benchmarks();
        if (!benchmarks) {
            exitCode = reportError(benchmarks.error());
            return;
        }
        const ExperimentReport report = ExperimentReport::build(opened->summary, *benchmarks);
        const std::string text = report.render(*parseReportFormat(options->format));
        if (options->out == "-") {
            std::cout << text;
            return;
        }
        if (auto written = writeFileAtomically(options->out, text); !written)
            exitCode = reportError(written.error());
    });
}

}  // namespace perfnas::cli
