#pragma once
// TpeSampler: the Tree-structured Parzen Estimator (Bergstra et al., NeurIPS 2011) with the
// multi-objective split of MOTPE (Ozaki et al., GECCO 2020). After `startupTrials` random
// proposals, compatible history is split into a "good" set (the best gamma(n) by non-domination
// rank, ties on the last rank broken by hypervolume contribution; infeasible trials rank last)
// and the rest; per dimension a Parzen estimator is fitted to each set (truncated Gaussian
// mixture for Integer and LogUniform, smoothed category weights for Choice) and the candidate of
// `eiCandidates` draws from the good model with the largest l(x)/g(x) is proposed. Running trials
// join the bad set (constant liar) so parallel workers spread out. Never proposes an excluded
// configuration.
#include <optional>
#include <string>

#include "core/search/Sampler.h"

namespace perfnas {

// How the good group's points weigh in l(x): by their hypervolume contribution (Ozaki et al.
// 2020, Optuna 3.x) or all alike (Optuna's main branch since 2024).
enum class GoodWeights { Hypervolume, Uniform };
std::string goodWeightsName(GoodWeights weights);  // "hypervolume", "uniform"
std::optional<GoodWeights> parseGoodWeights(const std::string& name);

// How the proposal is chosen among eiCandidates draws from l(x):
// - Summed: whole configurations drawn dimension by dimension, scored by the sum over dimensions
//   of log l_d - log g_d;
// - PerDimension: each dimension's value is its own best of eiCandidates draws (Optuna's
//   univariate TPE);
// - Multivariate: one kernel per observation across all dimensions, so l and g are joint
//   densities (Falkner et al. 2018, Optuna multivariate=True); whole draws scored by log l - log g.
enum class CandidateSelection { Summed, PerDimension, Multivariate };
std::string candidateSelectionName(
    CandidateSelection selection);  // "summed", "per_dimension", "multivariate"
std::optional<CandidateSelection> parseCandidateSelection(const std::string& name);

struct TpeSettings {
    int startupTrials = 10;
    int eiCandidates = 24;
    double gammaFraction = 0.1;  // gamma(n) = min(ceil(gammaFraction * n), gammaMax)
    int gammaMax = 25;
    double priorWeight = 1.0;  // weight of the uniform prior component in each estimator
    bool constantLiar = true;
    GoodWeights goodWeights = GoodWeights::Hypervolume;
    CandidateSelection selection = CandidateSelection::Summed;
    // true: the sampler sees log10 cost and the hypervolume's reference at the seed (the plane the
    // product reports); false: linear cost, reference from the history (docs/method.md, The
    // sampler).
    bool logCost = false;
};

class TpeSampler final : public Sampler {
public:
    explicit TpeSampler(TpeSettings settings = {}) : m_settings(settings) {}
    std::string name() const override { return "tpe"; }
    Result<Configuration> propose(const SamplingContext& context, Random& random) override;
    const TpeSettings& settings() const { return m_settings; }

private:
    TpeSettings m_settings;
};

}  // namespace perfnas
