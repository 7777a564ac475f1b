// perfnas status: phases, trials, frontier, suggestions and hypervolume of an experiment file.
// Opens the file read-only, so it works while a search writes it.
#include <cstdio>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <span>

#include "app/cli/CliSupport.h"
#include "core/model/CostModel.h"
#include "core/storage/RunLock.h"

namespace perfnas::cli {
namespace {

nlohmann::json frozenJson(const ExperimentSummary& summary, const PhaseRecord& phase) {
    nlohmann::json frozen = nlohmann::json::array();
    if (phase.kind != PhaseKind::Search && phase.kind != PhaseKind::Refinement) return frozen;
    const SearchSpace* space = summary.spaceOf(phase.id);
    if (!space) return frozen;
    for (std::size_t unit = 0; unit < space->units.size(); ++unit) {
        for (UnitParameter parameter : kUnitParameters) {
            const Domain& domain = space->units[unit][parameter];
            if (domain.isFrozen()) {
                frozen.push_back({{"unit", unit + 1},
                                  {"param", parameterName(parameter)},
                                  {"value", static_cast<int>(*domain.frozen)}});
            }
        }
    }
    return frozen;
}

std::string architectureOf(const TrialRecord& trial) {
    auto spec = ArchitectureSpec::fromJson(trial.specJson);
    return spec ? spec->notation() : std::string("?");
}

std::string phaseLabel(const PhaseRecord& phase) {
    return phaseKindName(phase.kind) + (phase.round > 0 ? " " + std::to_string(phase.round) : "");
}

}  // namespace

nlohmann::json statusJson(const ExperimentSummary& summary) {
    nlohmann::json phases = nlohmann::json::array();
    for (const PhaseRecord& phase : summary.phases) {
        int trials = 0;
        for (const TrialRecord& trial : summary.trials) trials += trial.phaseId == phase.id ? 1 : 0;
        phases.push_back({{"id", phase.id},
                          {"kind", phaseKindName(phase.kind)},
                          {"round", phase.round},
                          {"state", phaseStateName(phase.state)},
                          {"budget", phase.trialBudget},
                          {"max_minutes", phase.maxMinutes},
                          {"trials", trials},
                          {"frozen", frozenJson(summary, phase)},
                          {"started_at", phase.startedAt},
                          {"finished_at", phase.finishedAt}});
    }
    nlohmann::json trials = nlohmann::json::array();
    const std::set<int> frontier(summary.frontier.begin(), summary.frontier.end());
    for (const TrialRecord& trial : summary.trials) {
        nlohmann::json spec =
            nlohmann::json::parse(trial.specJson, nullptr, /*allow_exceptions=*/false);
        nlohmann::json rungs = nlohmann::json::array();
        for (const RungResult& result : trial.rungResults) {
            rungs.push_back({{"rung", result.rung},
                             {"iterations", result.iterations},
                             {"top1", result.validationTop1},
                             {"seconds", result.seconds}});
        }
        // Every target the architecture was measured on (the latency objective), by target key.
        nlohmann::json latency = nlohmann::json::object();
        for (const auto& [target, byArchitecture] : summary.latencyMs) {
            if (const auto found = byArchitecture.find(trial.specJson);
                found != byArchitecture.end())
                latency[target] = found->second;
        }
        nlohmann::json entry = {{"id", trial.id},
                                {"phase", trial.phaseId},
                                {"state", trialStateName(trial.state)},
                                {"top1", trial.validationTop1},
                                {"test_top1", trial.testTop1},
                                {"mfpops", trial.mfpops},
                                {"params", trial.params},
                                {"spec", spec},
                                {"architecture", architectureOf(trial)},
                                {"configuration", trial.configuration},
                                {"iterations", trial.iterationsDone},
                                {"rung", trial.rung},
                                {"rungs", rungs},
                                {"top_rung", summary.isAtTopRung(trial)},
                                {"seconds", trial.seconds},
                                {"error", trial.error},
                                {"host", trial.host},
                                {"parent", trial.parentTrialId},
                                {"attempts", trial.attempts},
                                {"checkpoint", trial.checkpointPath},
                                {"pareto", frontier.contains(trial.id)}};
        if (!latency.empty()) entry["latency_ms"] = latency;
        trials.push_back(std::move(entry));
    }
    nlohmann::json suggestions = nlohmann::json::array();
    for (const Suggestion& suggestion : summary.suggestions) {
        suggestions.push_back({{"unit", suggestion.unit + 1},
                               {"param", parameterName(suggestion.parameter)},
                               {"value", suggestion.value},
                               {"share", suggestion.share},
                               {"support", suggestion.support}});
    }
    const ModelCost seedCost = CostModel::evaluate(summary.config.seed);
    nlohmann::json fidelity = nullptr;
    if (summary.config.fidelity) {
        fidelity = {{"min_iterations", summary.config.fidelity->minIterations},
                    {"max_iterations", summary.config.fidelity->maxIterations},
                    {"eta", summary.config.fidelity->eta},
                    {"rung_iterations", summary.config.fidelity->rungIterations()}};
    }
    return {{"name", summary.info.name},
            {"dataset", {{"path", summary.info.datasetPath}, {"hash", summary.info.datasetHash}}},
            {"cost", costMetricName(summary.config.cost)},
            {"seed",
             {{"trial", summary.seedTrialId},
              {"mfpops", seedCost.mfpops()},
              {"params", seedCost.params},
              {"cost", summary.seedCost()},
              {"architecture", summary.config.seed.notation()}}},
            {"fidelity", fidelity},
            {"phases", phases},
            {"trials", trials},
            {"frontier", summary.frontier},
            {"suggestions", suggestions},
            {"hypervolume", summary.hypervolume},
            {"search_space_log10_size", summary.currentSpace.parameterSpace().log10Count()}};
}

void printStatus(const ExperimentSummary& summary, std::ostream& out) {
    char line[512];
    out << "experiment " << summary.info.name << "  dataset " << summary.info.datasetPath << '\n';
    for (const PhaseRecord& phase : summary.phases) {
        int done = 0;
        for (const TrialRecord& trial : summary.trials) {
            done += trial.phaseId == phase.id && trial.state != TrialState::Queued &&
                    trial.state != TrialState::Running;
        }
        std::string frozen;
        for (const auto& item : frozenJson(summary, phase)) {
            frozen += " unit" + item["unit"].dump() + "." + item["param"].get<std::string>() + "=" +
                      item["value"].dump();
        }
        std::snprintf(line, sizeof line, "  phase %d  %-13s %-9s %3d/%d trials%s%s\n", phase.id,
                      phaseLabel(phase).c_str(), phaseStateName(phase.state).c_str(), done,
                      phase.trialBudget, frozen.empty() ? "" : "  frozen:", frozen.c_str());
        out << line;
    }
    std::map<TrialState, int> counts;
    for (const TrialRecord& trial : summary.trials) ++counts[trial.state];
    out << "trials:";
    for (const auto& [state, count] : counts) out << ' ' << count << ' ' << trialStateName(state);
    if (summary.config.fidelity) {
        const std::vector<int> rungs = summary.config.fidelity->rungIterations();
        std::vector<int> reached(rungs.size(), 0);
        for (const TrialRecord& trial : summary.trials) {
            if (!trial.rungResults.empty())
                ++reached[std::min(rungs.size(), trial.rungResults.size()) - 1];
        }
        out << "\nrungs (iterations: trials that ended there):";
        for (std::size_t rung = 0; rung < rungs.size(); ++rung)
            out << ' ' << rungs[rung] << ": " << reached[rung];
    }
    out << "\nsearch space: 10^"
        << static_cast<int>(summary.currentSpace.parameterSpace().log10Count())
        << " configurations\n";
    const char* costName = summary.config.cost == CostMetric::Params    ? "params"
                           : summary.config.cost == CostMetric::Latency ? "ms"
                                                                        : "MFPOPS";
    out << "Pareto frontier (" << summary.frontier.size() << ", cheapest first):\n";
    std::snprintf(line, sizeof line, "  %5s  %-13s %8s %8s %10s  %s\n", "trial", "phase", "TOP-1",
                  "test", costName, "architecture");
    out << line;
    for (int id : summary.frontier) {
        const TrialRecord& trial = *summary.trial(id);
        const PhaseRecord* phase = summary.phase(trial.phaseId);
        std::snprintf(line, sizeof line, "  %5d  %-13s %7.2f%% %7.2f%% %10.3f  %s%s\n", id,
                      phase ? phaseLabel(*phase).c_str() : "?", 100 * trial.validationTop1,
                      100 * trial.testTop1, summary.costOf(trial), architectureOf(trial).c_str(),
                      id == summary.seedTrialId ? "  (seed)" : "");
        out << line;
    }
    for (const TrialRecord& trial : summary.trials) {
        if (trial.parentTrialId == 0 || trial.state != TrialState::Finished) continue;
        std::snprintf(
            line, sizeof line,
            "  fine-tuned trial %d (from %d): validation %.2f%%, test %.2f%% after %d iterations\n",
            trial.id, trial.parentTrialId, 100 * trial.validationTop1, 100 * trial.testTop1,
            trial.iterationsDone);
        out << line;
    }
    std::snprintf(line, sizeof line, "hypervolume %.4f (reference: error %.3f, log10 %s %.3f)\n",
                  summary.hypervolume, summary.reference().x, costName, summary.reference().y);
    out << line;
    if (!summary.suggestions.empty())
        out << "suggestions (freeze with perfnas freeze; all in --json):\n";
    constexpr std::size_t kShown = 8;
    for (const Suggestion& suggestion :
         std::span(summary.suggestions).first(std::min(kShown, summary.suggestions.size()))) {
        std::snprintf(line, sizeof line, "  unit %d %-7s = %-4d share %5.1f%% (%d Pareto models)\n",
                      suggestion.unit + 1, parameterName(suggestion.parameter).c_str(),
                      suggestion.value, 100 * suggestion.share, suggestion.support);
        out << line;
    }
    if (summary.suggestions.size() > kShown)
        out << "  ... " << summary.suggestions.size() - kShown << " more\n";
}

void addStatusCommand(CLI::App& app, int& exitCode) {
    struct Options {
        std::string db;
        bool json = false;
    };
    auto options = std::make_shared<Options>();
    CLI::App* command =
        app.add_subcommand("status", "Phases, trials, frontier, suggestions of an experiment file");
    command->add_option("--db", options->db, "Experiment file")->required();
    command->add_flag("--json", options->json, "Print one JSON document");
    command->callback([options, &exitCode] {
        auto opened = openExperiment(options->db, ExperimentStore::Access::ReadOnly);
        if (!opened) {
            exitCode = reportError(opened.error());
            return;
        }
        // Whether a process runs the file now: trials marked running otherwise were interrupted.
        const std::optional<long> runBy = RunLock::holder(options->db);
        if (options->json) {
            nlohmann::json document = statusJson(opened->summary);
            document["run_by"] = runBy ? nlohmann::json(*runBy) : nlohmann::json(nullptr);
            printJson(document);
            return;
        }
        printStatus(opened->summary, std::cout);
        const auto running = std::count_if(
            opened->summary.trials.begin(), opened->summary.trials.end(),
            [](const TrialRecord& trial) { return trial.state == TrialState::Running; });
        if (runBy) {
            std::cout << "run by process " << *runBy << " now\n";
        } else if (running > 0) {
            std::cout << running << " trial(s) marked running were interrupted (no process runs "
                      << options->db << "): perfnas search --db " << options->db
                      << " resumes them\n";
        }
    });
}

}  // namespace perfnas::cli
