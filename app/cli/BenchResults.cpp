#include "app/cli/BenchResults.h"

#include <cmath>
#include <cstdio>

#include "app/cli/CliSupport.h"
#include "core/model/CostModel.h"

namespace perfnas::cli {

nlohmann::json statisticsJson(const LatencyStatistics& statistics) {
    return {{"runs", statistics.runs},
            {"median_ms", statistics.medianMs},
            {"p90_ms", statistics.p90Ms},
            {"mean_ms", statistics.meanMs},
            {"cv", statistics.coefficientOfVariation}};
}

int reportBenchmarks(const ExperimentBenchmarkRun& run, int runs, bool json) {
    const std::vector<int>& ids = run.trialIds;
    const std::vector<ArchitectureSpec>& specs = run.specs;
    const std::vector<ModelLatency>& measured = run.models;
    const std::optional<LatencyStatistics>& seed = measured.front().statistics;
    nlohmann::json results = nlohmann::json::array();
    std::vector<double> costs;
    std::vector<double> medians;
    std::size_t failed = 0;
    for (std::size_t i = 0; i < ids.size(); ++i) {
        const ModelLatency& m = measured[i];
        nlohmann::json entry =
            m.statistics ? statisticsJson(*m.statistics) : nlohmann::json{{"error", m.error}};
        entry["trial"] = ids[i];
        if (m.statistics) {
            entry["speedup"] = seed && m.statistics->medianMs > 0
                                   ? nlohmann::json(seed->medianMs / m.statistics->medianMs)
                                   : nlohmann::json();
            costs.push_back(CostModel::evaluate(specs[i]).mfpops());
            medians.push_back(m.statistics->medianMs);
        } else {
            ++failed;
        }
        results.push_back(entry);
    }
    const double correlation = rankCorrelation(costs, medians);
    const int status = failed == 0 ? kExitOk : kExitFailure;
    if (json) {
        printJson({{"target", run.target},
                   {"device", run.device},
                   {"results", results},
                   {"failed", failed},
                   {"mfpops_latency_rank_correlation",
                    std::isnan(correlation) ? nlohmann::json() : nlohmann::json(correlation)}});
        return status;
    }
    if (!run.connected) {  // one reason for all: say it once
        reportError(makeError(ErrorCode::IoFailure, measured.front().error));
        std::fprintf(stderr,
                     "perfnas: no model measured; %zu failed benchmark records stored for %s\n",
                     failed, run.target.c_str());
        return kExitFailure;
    }
    std::printf("%s on %s, %d runs each (median, p90, CV):\n", run.target.c_str(),
                run.device.c_str(), runs);
    for (std::size_t i = 0; i < ids.size(); ++i) {
        const std::string name = ids[i] == 0 ? "seed" : "trial " + std::to_string(ids[i]);
        if (const auto& s = measured[i].statistics) {
            std::printf(
                "  %-9s %9.3f ms %9.3f ms  %5.1f%%  %6.2fx  %s\n", name.c_str(), s->medianMs,
                s->p90Ms, 100 * s->coefficientOfVariation,
                results[i]["speedup"].is_number() ? results[i]["speedup"].get<double>() : 0.0,
                specs[i].notation().c_str());
        } else {
            std::printf("  %-9s failed: %s\n", name.c_str(), measured[i].error.c_str());
        }
    }
    std::printf(
        "how well MFPOPS orders latency here (Spearman rank correlation over %zu models): %.3f\n",
        costs.size(), correlation);
    if (failed > 0)
        std::fprintf(stderr, "perfnas: %zu of %zu models failed on %s (stored with the reason)\n",
                     failed, ids.size(), run.target.c_str());
    return status;
}

}  // namespace perfnas::cli
