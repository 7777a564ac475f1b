#include "core/report/ExperimentReport.h"

#include <algorithm>
#include <cmath>

#include "core/model/CostModel.h"

namespace perfnas {
namespace {

std::vector<std::string> unitNotations(const ArchitectureSpec& spec) {
    std::vector<std::string> units;
    for (const ConvUnit& unit : spec.units) units.push_back(ArchitectureSpec::unitNotation(unit));
    return units;
}

ReportModel modelOf(const ExperimentSummary& summary, const TrialRecord& trial, std::string name) {
    ReportModel model{.name = std::move(name), .trialId = trial.id, .mfpops = trial.mfpops};
    if (auto spec = ArchitectureSpec::fromJson(trial.specJson)) model.units = unitNotations(*spec);
    if (const TrialRecord* tuned = summary.finetuneOf(trial.id)) {
        model.top1 = tuned->testTop1;
        model.finetuned = true;
    } else {
        model.top1 = trial.validationTop1;
    }
    return model;
}

void addLatencies(ReportModel& model, const ExperimentSummary& summary,
                  const std::vector<BenchmarkRecord>& benchmarks, bool isSeed) {
    const TrialRecord* tuned = model.trialId ? summary.finetuneOf(model.trialId) : nullptr;
    const std::string objectiveTarget = summary.config.latency.key();
    bool benchedOnObjectiveTarget = false;
    for (const BenchmarkRecord& benchmark : benchmarks) {
        if (!benchmark.error.empty()) continue;
        const bool matches = (isSeed && benchmark.trialId == 0) ||
                             (model.trialId != 0 && benchmark.trialId == model.trialId) ||
                             (tuned && benchmark.trialId == tuned->id);
        if (!matches) continue;
        model.latencyMs[benchmark.target] = benchmark.medianMs;  // the latest measurement wins
        benchedOnObjectiveTarget |= latencyTargetKey(benchmark) == objectiveTarget;
    }
    // The latency objective's own figure (measured before training), under its key ("local:1"),
    // unless `perfnas bench` measured the model on that target: its column is the same figure,
    // better sampled.
    if (summary.config.cost != CostMetric::Latency || benchedOnObjectiveTarget) return;
    const TrialRecord* trial = model.trialId ? summary.trial(model.trialId) : nullptr;
    const std::string spec = isSeed || !trial ? summary.config.seed.toJson() : trial->specJson;
    if (const double ms = summary.latencyOf(spec, objectiveTarget); std::isfinite(ms))
        model.latencyMs[objectiveTarget] = ms;
}

}  // namespace

ExperimentReport ExperimentReport::build(const ExperimentSummary& summary,
                                         const std::vector<BenchmarkRecord>& benchmarks) {
    ExperimentReport report;
    report.experimentName = summary.info.name;
    report.seed = {.name = "seed",
                   .units = unitNotations(summary.config.seed),
                   .mfpops = CostModel::evaluate(summary.config.seed).mfpops()};
    if (const TrialRecord* seedTrial = summary.trial(summary.seedTrialId)) {
        report.seed = modelOf(summary, *seedTrial, "seed");
        report.seedTrained = true;
    }
    addLatencies(report.seed, summary, benchmarks, /*isSeed=*/true);

    std::vector<int> frontier =
        summary.frontier;  // cheapest first; Table II lists the largest first
    std::reverse(frontier.begin(), frontier.end());
    for (int id : frontier) {
        if (id == summary.seedTrialId) continue;
        ReportModel model =
            modelOf(summary, *summary.trial(id), "kws" + std::to_string(report.models.size() + 1));
        addLatencies(model, summary, benchmarks, /*isSeed=*/false);
        report.models.push_back(std::move(model));
    }
    for (const ReportModel& model : report.models) {
        for (const auto& [target, latency] : model.latencyMs) report.targets.push_back(target);
    }
    for (const auto& [target, latency] : report.seed.latencyMs) report.targets.push_back(target);
    std::sort(report.targets.begin(), report.targets.end());
    report.targets.erase(std::unique(report.targets.begin(), report.targets.end()),
                         report.targets.end());

    // Table I: the seed, then the paper's four interesting configurations (each where one exists).
    if (report.models.empty()) return report;
    auto pick = [&report](auto better, auto eligible) {
        int chosen = -2;
        for (int i = 0; i < static_cast<int>(report.models.size()); ++i) {
            if (!eligible(report.model(i))) continue;
            if (chosen == -2 || better(report.model(i), report.model(chosen))) chosen = i;
        }
        return chosen;
    };
    auto cheaper = [](const ReportModel& a, const ReportModel& b) { return a.mfpops < b.mfpops; };
    auto any = [](const ReportModel&) { return true; };
    if (report.seedTrained) report.highlights.push_back({"seed model", -1});
    report.highlights.push_back({"best δ FPOPS", pick(cheaper, any)});
    if (report.seedTrained) {
        const int same = pick(cheaper, [&report](const ReportModel& m) {
            const double delta = report.deltaTop1Points(m);
            return delta <= 0.0 && delta >= -kSameAccuracyPoints;
        });
        if (same >= 0) report.highlights.push_back({"fastest δ TOP-1 ≈ 0", same});
        const int above = pick(
            cheaper, [&report](const ReportModel& m) { return report.deltaTop1Points(m) > 0.0; });
        if (above >= 0) report.highlights.push_back({"fastest δ TOP-1 > 0", above});
    }
    report.highlights.push_back(
        {"best δ TOP-1",
         pick([](const ReportModel& a, const ReportModel& b) { return a.top1 > b.top1; }, any)});
    return report;
}

std::optional<ReportFormat> parseReportFormat(const std::string& name) {
    if (name == "md" || name == "markdown") return ReportFormat::Markdown;
    if (name == "csv") return ReportFormat::Csv;
    if (name == "latex" || name == "tex") return ReportFormat::Latex;
    if (name == "html") return ReportFormat::Html;
    return std::nullopt;
}

}  // namespace perfnas
