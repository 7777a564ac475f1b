#pragma once
// ExperimentReport: the paper's tables for one experiment — Table II (the Pareto-optimal
// architectures, one column per conv unit in {kh x kw, M} notation, TOP-1, MFPOPS) and Table I (the
// seed; the largest operation-count reduction; the cheapest model within 0.1 points of the seed's
// TOP-1; the cheapest strictly more accurate; the most accurate) — with measured latencies per
// target when benchmarks exist. TOP-1 is the test TOP-1 after fine-tuning where a model was
// fine-tuned, else its search (validation) TOP-1; the `finetuned` flag says which. Rendered as
// Markdown, CSV, LaTeX or HTML. A plain value built from an ExperimentSummary.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/search/ExperimentSummary.h"
#include "core/storage/ExperimentStore.h"

namespace perfnas {

enum class ReportFormat { Markdown, Csv, Latex, Html };
std::optional<ReportFormat> parseReportFormat(
    const std::string& name);  // "md", "csv", "latex", "html"

struct ReportModel {
    std::string name;                // "seed", "kws1" (most expensive Pareto model), "kws2", ...
    int trialId = 0;                 // the search trial
    std::vector<std::string> units;  // Table II notation per conv unit: "3x3, 40"
    double top1 = 0.0;
    bool finetuned = false;
    double mfpops = 0.0;
    std::map<std::string, double> latencyMs;  // median per benchmark target
};

struct ReportHighlight {
    std::string note;  // the paper's wording: "seed model", "best δ FPOPS", ...
    int model = -1;    // index into models; -1: the seed
};

struct ExperimentReport {
    // A model counts as "δ TOP-1 ≈ 0" when it is at most this many points below the seed.
    static constexpr double kSameAccuracyPoints = 0.1;

    std::string experimentName;
    ReportModel seed;
    bool seedTrained = false;
    std::vector<ReportModel> models;  // Pareto-optimal, most expensive first
    std::vector<ReportHighlight> highlights;
    std::vector<std::string> targets;  // benchmark targets with at least one measurement

    static ExperimentReport build(const ExperimentSummary& summary,
                                  const std::vector<BenchmarkRecord>& benchmarks);
    std::string render(ReportFormat format) const;

    const ReportModel& model(int index) const {
        return index < 0 ? seed : models[static_cast<std::size_t>(index)];
    }
    double deltaTop1Points(const ReportModel& m) const { return 100.0 * (m.top1 - seed.top1); }
    double fpopsReduction(const ReportModel& m) const {
        return m.mfpops > 0 ? seed.mfpops / m.mfpops : 0.0;
    }
};

}  // namespace perfnas
