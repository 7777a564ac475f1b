#pragma once
// ParameterImportance: which free parameters matter, in the spirit of PED-ANOVA (Watanabe et al.,
// IJCAI 2023, as Optuna computes it): a parameter matters when its values among the best
// candidates are distributed differently from its values among all candidates. Importance is the
// Pearson divergence of the two distributions, sum over values of p_all (p_best / p_all - 1)^2,
// each estimated on the parameter's ordered values (at most kBins bins) with a small kernel
// across neighbouring bins and a uniform prior worth one candidate; then normalized to sum to 1.
// "Best" is the top 10 % (at least 2) by non-domination rank in (1 - TOP-1, cost) — the Pareto
// view — and, separately, by validation TOP-1 alone. Candidates as the summary's isCandidate;
// with rungs, when fewer than kMinimumCandidates reached the top rung, the highest rung that
// enough trials finished, with their TOP-1 at that rung (the rule the TPE models by).
#include <string>
#include <vector>

#include "core/search/ExperimentSummary.h"

namespace perfnas {

struct ParameterImportance {
    std::string name;       // the dimension, e.g. "unit2.kh"
    double pareto = 0.0;    // share of the total divergence, best by Pareto rank
    double accuracy = 0.0;  // the same, best by validation TOP-1
};

class ParameterImportances {
public:
    static constexpr int kMinimumCandidates = 10;
    static constexpr int kBins = 16;
    static constexpr double kBestFraction = 0.1;

    struct Report {
        std::vector<ParameterImportance> parameters;  // most important (Pareto) first
        int candidates = 0;                           // how many it was computed from
        int rung = -1;  // the rung their TOP-1 is from; -1: no rungs (the final results)
    };
    // One entry per parameter free in the summary's current space; no entries with fewer than
    // kMinimumCandidates candidates from phases with that space's parameters.
    static Report of(const ExperimentSummary& summary);
    // The first non-domination fronts of `points` (both coordinates minimized), whole, until they
    // hold the best kBestFraction (at least 2).
    static std::vector<std::size_t> bestByParetoRank(const std::vector<Point2>& points);
    // The divergence of `best` from `all` values of one domain (not normalized); for tests.
    static double divergence(const Domain& domain, const std::vector<double>& all,
                             const std::vector<double>& best);
};

}  // namespace perfnas
