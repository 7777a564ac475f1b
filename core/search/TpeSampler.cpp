// TPE: Bergstra, Bardenet, Bengio, Kegl, "Algorithms for Hyper-Parameter Optimization", NeurIPS
// 2011. MOTPE split: Ozaki, Tanigaki, Watanabe, Onishi, "Multiobjective Tree-Structured Parzen
// Estimator for Computationally Expensive Optimization Problems", GECCO 2020. Details follow
// Optuna's TPESampler / _ParzenEstimator (v3.x, univariate, consider_endpoints=False,
// consider_magic_clip=True):
// - bandwidth of observation i: max distance to its sorted neighbours, with the range ends
//   low - step/2 and high + step/2 as outer neighbours (the two extreme observations use their
//   inner neighbour only), clipped to [range / min(100, n + 2), range] where range =
//   high - low + step and n + 1 kernels include the prior;
// - prior kernel: mean (low + high) / 2, sigma = range, weight priorWeight;
// - Choice: each observation is a category kernel with priorWeight / (n + 1) added to every
//   category, plus a uniform prior kernel;
// - bad-set weights: Optuna's default_weights (ones for the newest 25, a linear ramp from 1/n
//   below them); good-set weights: ones (1 objective) or the 2-D hypervolume contribution over the
//   feasible good points, normalized by the largest and floored at kEps (infeasible ones get kEps);
// - reference point for hypervolume tie-breaks and weights: per objective
//   max(1.1 * worst, 0.9 * worst), with 0 replaced by kEps (Optuna's choice, valid for negatives).
// Our own choices: candidates are joint draws scored by the sum over dimensions of
// log l(x) - log g(x), so that exclusions and constraints apply to whole configurations; the
// next rank's ties are broken by greedy hypervolume subset selection for 2 objectives and by
// history order otherwise; history entries with non-finite or missing objectives rank after the
// infeasible ones.
#include "core/search/TpeSampler.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <numbers>
#include <numeric>
#include <optional>
#include <set>
#include <tuple>
#include <utility>
#include <variant>

#include "core/search/Pareto.h"
#include "core/search/RandomSampler.h"

namespace perfnas {
namespace {

constexpr double kEps = 1e-12;               // Optuna's EPS
constexpr double kMagicClipKernels = 100.0;  // Optuna: min(100, 1 + n_kernels)
constexpr std::size_t kFlatWeights = 25;     // Optuna default_weights: the newest 25 weigh 1
constexpr int kCandidateRounds = 20;  // batches of eiCandidates before falling back to random
constexpr double kTinyMass = 1e-300;  // floor of a kernel mass before its log

double upperTail(double z) { return 0.5 * std::erfc(z / std::numbers::sqrt2); }  // P(Z > z)

// P(a < Z < b) for a standard normal Z, computed on the side that keeps precision in the tails.
double normalMass(double a, double b) {
    if (a >= 0.0) return upperTail(a) - upperTail(b);
    if (b <= 0.0) return upperTail(-b) - upperTail(-a);
    return 1.0 - upperTail(-a) - upperTail(b);
}

// Acklam's rational approximation of the normal quantile, refined by one Halley step.
double normalQuantile(double p) {
    p = std::clamp(p, 1e-300, 1.0 - 1e-16);
    static constexpr double a[] = {-3.969683028665376e+01, 2.209460984245205e+02,
                                   -2.759285104469687e+02, 1.383577518672690e+02,
                                   -3.066479806614716e+01, 2.506628277459239e+00};
    static constexpr double b[] = {-5.447609879822406e+01, 1.615858368580409e+02,
                                   -1.556989798598866e+02, 6.680131188771972e+01,
                                   -1.328068155288572e+01};
    static constexpr double c[] = {-7.784894002430293e-03, -3.223964580411365e-01,
                                   -2.400758277161838e+00, -2.549732539343734e+00,
                                   4.374664141464968e+00,  2.938163982698783e+00};
    static constexpr double d[] = {7.784695709041462e-03, 3.224671290700398e-01,
                                   2.445134137142996e+00, 3.754408661907416e+00};
    constexpr double pLow = 0.02425;
    double x = 0.0;
    if (p < pLow) {
        const double q = std::sqrt(-2.0 * std::log(p));
        x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
            ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1.0);
    } else if (p <= 1.0 - pLow) {
        const double q = p - 0.5;
        const double r = q * q;
        x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
            (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1.0);
    } else {
        const double q = std::sqrt(-2.0 * std::log1p(-p));
        x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
            ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1.0);
    }
    const double e = (1.0 - upperTail(x)) - p;
    const double u = e * std::sqrt(2.0 * std::numbers::pi) * std::exp(0.5 * x * x);
    return x - u / (1.0 + 0.5 * x * u);
}

double logSumExp(const std::vector<double>& terms) {
    const double top = *std::max_element(terms.begin(), terms.end());
    if (!std::isfinite(top)) return top;
    double sum = 0.0;
    for (double t : terms) sum += std::exp(t - top);
    return top + std::log(sum);
}

std::size_t pickIndex(const std::vector<double>& weights, Random& random) {  // weights sum to 1
    double u = random.unit();
    for (std::size_t i = 0; i + 1 < weights.size(); ++i) {
        if (u < weights[i]) return i;
        u -= weights[i];
    }
    return weights.size() - 1;
}

// Optuna's default_weights(n), oldest first.
std::vector<double> defaultWeights(std::size_t n) {
    std::vector<double> weights(n, 1.0);
    if (n <= kFlatWeights) return weights;
    const std::size_t ramp = n - kFlatWeights;
    const double start = 1.0 / static_cast<double>(n);
    for (std::size_t i = 0; i < ramp; ++i) {
        weights[i] = ramp == 1 ? start
                               : start + (1.0 - start) * static_cast<double>(i) /
                                             static_cast<double>(ramp - 1);
    }
    return weights;
}

// Observation weights followed by the prior's, normalized.
std::vector<double> withPrior(std::vector<double> weights, double priorWeight) {
    if (weights.empty()) return {1.0};
    weights.push_back(priorWeight);
    const double total = std::accumulate(weights.begin(), weights.end(), 0.0);
    for (double& w : weights) w /= total;
    return weights;
}

// One numeric dimension's kernels: truncated Gaussians on [low - step/2, high + step/2], each
// normalized on that interval; with step > 0 a kernel's mass is collected on the grid low,
// low + step, ..., high.
class NumericKernels {
public:
    NumericKernels(std::vector<double> mus, std::vector<double> sigmas, double low, double high,
                   double step)
        : m_low(low),
          m_high(high),
          m_step(step),
          m_mus(std::move(mus)),
          m_sigmas(std::move(sigmas)) {
        for (std::size_t i = 0; i < m_mus.size(); ++i) {
            const double mass = normalMass(standardized(lower(), i), standardized(upper(), i));
            m_logMass.push_back(std::log(std::max(mass, kTinyMass)));
        }
    }

    double sample(std::size_t i, Random& random) const {
        double alpha = standardized(lower(), i);
        double beta = standardized(upper(), i);
        // Sample on the side of the mean where the CDF keeps its precision.
        const bool flip = alpha > 0.0;
        if (flip) std::tie(alpha, beta) = std::pair{-beta, -alpha};
        const double lowCdf = upperTail(-alpha);
        const double highCdf = upperTail(-beta);
        double z =
            std::clamp(normalQuantile(lowCdf + random.unit() * (highCdf - lowCdf)), alpha, beta);
        if (flip) z = -z;
        const double x = m_mus[i] + m_sigmas[i] * z;
        if (m_step <= 0.0) return std::clamp(x, m_low, m_high);
        return std::clamp(m_low + std::round((x - m_low) / m_step) * m_step, m_low, m_high);
    }

    double logDensity(std::size_t i, double x) const {
        if (m_step > 0.0) {
            const double mass =
                normalMass(standardized(x - m_step / 2.0, i), standardized(x + m_step / 2.0, i));
            return std::log(std::max(mass, kTinyMass)) - m_logMass[i];
        }
        const double z = standardized(x, i);
        return -0.5 * z * z - std::log(m_sigmas[i]) - 0.5 * std::log(2.0 * std::numbers::pi) -
               m_logMass[i];
    }

private:
    double lower() const { return m_low - m_step / 2.0; }
    double upper() const { return m_high + m_step / 2.0; }
    double standardized(double x, std::size_t i) const { return (x - m_mus[i]) / m_sigmas[i]; }

    double m_low;
    double m_high;
    double m_step;
    std::vector<double> m_mus;
    std::vector<double> m_sigmas;
    std::vector<double> m_logMass;
};

// One Choice dimension's kernels: observation i puts 1 on its category plus
// priorWeight / (n + 1) on every category (Optuna's smoothing); the last kernel is uniform.
class CategoricalKernels {
public:
    CategoricalKernels(const std::vector<std::size_t>& observations, std::size_t categories,
                       double priorWeight) {
        const double spread = priorWeight / static_cast<double>(observations.size() + 1);
        const double rowTotal = 1.0 + spread * static_cast<double>(categories);
        for (std::size_t observed : observations) {
            std::vector<double> row(categories, spread / rowTotal);
            row[observed] += 1.0 / rowTotal;
            m_rows.push_back(std::move(row));
        }
        m_rows.emplace_back(categories, 1.0 / static_cast<double>(categories));
    }
    std::size_t sample(std::size_t i, Random& random) const { return pickIndex(m_rows[i], random); }
    double logDensity(std::size_t i, std::size_t category) const {
        return std::log(std::max(m_rows[i][category], kTinyMass));
    }

private:
    std::vector<std::vector<double>> m_rows;
};

std::size_t choiceIndex(const Domain& domain, double value) {
    const auto it = std::find(domain.choices.begin(), domain.choices.end(), value);
    return static_cast<std::size_t>(it - domain.choices.begin());
}

bool isFixed(const Domain& domain) {
    if (domain.frozen) return true;
    return domain.kind == DomainKind::LogUniform ? domain.min == domain.max : domain.count() == 1.0;
}

double fixedValue(const Domain& domain) {
    if (domain.frozen) return *domain.frozen;
    return domain.kind == DomainKind::LogUniform ? domain.min : domain.values().front();
}

// Univariate bandwidths (Optuna's neighbour rule): the larger distance to the sorted neighbours,
// the range ends low - step/2 and high + step/2 as outer neighbours (the two extreme observations
// use their inner neighbour only), clipped to [range / min(100, n + 2), range].
std::vector<double> neighbourBandwidths(const std::vector<double>& observations, double low,
                                        double high, double step) {
    const double range = high - low + step;
    const std::size_t n = observations.size();
    std::vector<double> sigmas(n);
    if (n == 0) return sigmas;
    std::vector<std::size_t> order(n);
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::stable_sort(order.begin(), order.end(), [&](std::size_t i, std::size_t j) {
        return observations[i] < observations[j];
    });
    std::vector<double> sorted{low - step / 2.0};
    for (std::size_t i : order) sorted.push_back(observations[i]);
    sorted.push_back(high + step / 2.0);
    std::vector<double> sortedSigmas(n);
    for (std::size_t k = 0; k < n; ++k) {
        sortedSigmas[k] = std::max(sorted[k + 1] - sorted[k], sorted[k + 2] - sorted[k + 1]);
    }
    if (n >= 2) {
        sortedSigmas.front() = sorted[2] - sorted[1];
        sortedSigmas.back() = sorted[n] - sorted[n - 1];
    }
    const double minSigma = range / std::min(kMagicClipKernels, static_cast<double>(n) + 2.0);
    for (std::size_t k = 0; k < n; ++k)
        sigmas[order[k]] = std::clamp(sortedSigmas[k], minSigma, range);
    return sigmas;
}

// Multivariate bandwidths (Optuna's multivariate rule, Scott-like): one width for every
// observation, 0.2 n^(-1/(D+4)) of the range for D jointly modelled dimensions, same clip.
std::vector<double> jointBandwidths(std::size_t n, std::size_t dimensions, double low, double high,
                                    double step) {
    const double range = high - low + step;
    const double sigma = 0.2 *
                         std::pow(static_cast<double>(std::max<std::size_t>(n, 1)),
                                  -1.0 / (static_cast<double>(dimensions) + 4.0)) *
                         range;
    const double minSigma = range / std::min(kMagicClipKernels, static_cast<double>(n) + 2.0);
    return std::vector<double>(n, std::clamp(sigma, minSigma, range));
}

// A Parzen estimator over some dimensions of the space: one kernel per observation across those
// dimensions plus a prior kernel (numeric: centred, as wide as the range; Choice: uniform),
// mixed by the observation weights and priorWeight. Over one dimension it is TPE's univariate
// l(x) or g(x); over all of them, the joint density of the multivariate TPE.
class ParzenEstimator {
public:
    ParzenEstimator(const ParameterSpace& space, std::vector<std::size_t> dimensions,
                    const std::vector<const Configuration*>& set,
                    const std::vector<double>& weights, double priorWeight, bool jointBandwidth)
        : m_space(space),
          m_dimensions(std::move(dimensions)),
          m_weights(withPrior(weights, priorWeight)) {
        for (std::size_t d : m_dimensions) {
            const Domain& domain = space.dimensions[d].domain;
            if (domain.kind == DomainKind::Choice) {
                std::vector<std::size_t> observed;
                for (const Configuration* c : set) observed.push_back(choiceIndex(domain, (*c)[d]));
                m_kernels.emplace_back(
                    CategoricalKernels(observed, domain.choices.size(), priorWeight));
                continue;
            }
            const bool logScale = domain.kind == DomainKind::LogUniform;
            std::vector<double> mus;
            for (const Configuration* c : set)
                mus.push_back(logScale ? std::log((*c)[d]) : (*c)[d]);
            const double low = logScale ? std::log(domain.min) : domain.min;
            const double high = logScale ? std::log(domain.max) : domain.values().back();
            const double step = logScale ? 0.0 : static_cast<double>(domain.step);
            std::vector<double> sigmas =
                jointBandwidth ? jointBandwidths(mus.size(), m_dimensions.size(), low, high, step)
                               : neighbourBandwidths(mus, low, high, step);
            mus.push_back(0.5 * (low + high));
            sigmas.push_back(high - low + step);
            m_kernels.emplace_back(
                NumericKernels(std::move(mus), std::move(sigmas), low, high, step));
        }
    }

    // Writes a draw into `configuration` at this estimator's dimensions.
    void sample(Random& random, Configuration& configuration) const {
        const std::size_t kernel = pickIndex(m_weights, random);
        for (std::size_t k = 0; k < m_dimensions.size(); ++k) {
            const Domain& domain = m_space.dimensions[m_dimensions[k]].domain;
            double& value = configuration[m_dimensions[k]];
            if (const auto* categorical = std::get_if<CategoricalKernels>(&m_kernels[k])) {
                value = domain.choices[categorical->sample(kernel, random)];
            } else {
                value = std::get<NumericKernels>(m_kernels[k]).sample(kernel, random);
                if (domain.kind == DomainKind::LogUniform)
                    value = std::clamp(std::exp(value), domain.min, domain.max);
            }
        }
    }

    double logDensity(const Configuration& configuration) const {
        std::vector<double> terms(m_weights.size());
        for (std::size_t i = 0; i < m_weights.size(); ++i) {
            double term = std::log(m_weights[i]);
            for (std::size_t k = 0; k < m_dimensions.size(); ++k) {
                const Domain& domain = m_space.dimensions[m_dimensions[k]].domain;
                const double value = configuration[m_dimensions[k]];
                if (const auto* categorical = std::get_if<CategoricalKernels>(&m_kernels[k])) {
                    term += categorical->logDensity(i, choiceIndex(domain, value));
                } else {
                    term +=
                        std::get<NumericKernels>(m_kernels[k])
                            .logDensity(
                                i, domain.kind == DomainKind::LogUniform ? std::log(value) : value);
                }
            }
            terms[i] = term;
        }
        return logSumExp(terms);
    }

private:
    const ParameterSpace& m_space;
    std::vector<std::size_t> m_dimensions;
    std::vector<double> m_weights;  // observations', then the prior's
    std::vector<std::variant<NumericKernels, CategoricalKernels>> m_kernels;  // per dimension
};

// l(x) and g(x) over the same dimensions.
struct DensityPair {
    ParzenEstimator good;
    ParzenEstimator bad;
    double score(const Configuration& c) const { return good.logDensity(c) - bad.logDensity(c); }
};

// The hypervolume's reference for `points`: the fixed one widened to enclose them, or without one
// per objective max(1.1 * worst, 0.9 * worst), 0 replaced by kEps (Optuna's rule).
Point2 referencePoint(const std::vector<Point2>& points, const std::vector<double>& fixed) {
    if (fixed.size() == 2) {
        Point2 reference{fixed[0], fixed[1]};
        for (const Point2& p : points) {
            reference.x = std::max(reference.x, std::nextafter(p.x, INFINITY));
            reference.y = std::max(reference.y, std::nextafter(p.y, INFINITY));
        }
        return reference;
    }
    Point2 worst = points.front();
    for (const Point2& p : points) {
        worst.x = std::max(worst.x, p.x);
        worst.y = std::max(worst.y, p.y);
    }
    const auto widen = [](double w) {
        const double r = std::max(1.1 * w, 0.9 * w);
        return r == 0.0 ? kEps : r;
    };
    return {widen(worst.x), widen(worst.y)};
}

Point2 point2(const Observation& o) { return {o.objectives[0], o.objectives[1]}; }

// Greedy hypervolume subset selection: `count` of `candidates`, each adding the most area.
std::vector<std::size_t> greedyHypervolumeSubset(const std::vector<const Observation*>& entries,
                                                 const std::vector<std::size_t>& candidates,
                                                 std::size_t count,
                                                 const std::vector<double>& fixedReference) {
    std::vector<Point2> all;
    for (std::size_t i : candidates) all.push_back(point2(*entries[i]));
    const Point2 reference = referencePoint(all, fixedReference);
    std::vector<std::size_t> chosen;
    std::vector<Point2> chosenPoints;
    std::vector<bool> taken(candidates.size(), false);
    while (chosen.size() < count) {
        std::size_t best = candidates.size();
        double bestArea = -1.0;
        for (std::size_t k = 0; k < candidates.size(); ++k) {
            if (taken[k]) continue;
            chosenPoints.push_back(all[k]);
            const double area = hypervolume2d(chosenPoints, reference);
            chosenPoints.pop_back();
            if (area > bestArea) {
                bestArea = area;
                best = k;
            }
        }
        taken[best] = true;
        chosen.push_back(candidates[best]);
        chosenPoints.push_back(all[best]);
    }
    return chosen;
}

struct Split {
    std::vector<std::size_t> good;  // indices into the compatible entries, ascending
    std::vector<std::size_t> bad;
};

// MOTPE's split: the best `goodCount` by non-domination rank, infeasible after feasible.
Split splitHistory(const std::vector<const Observation*>& entries, std::size_t objectives,
                   std::size_t goodCount, const std::vector<double>& fixedReference) {
    std::vector<std::size_t> feasible, infeasible, broken;
    for (std::size_t i = 0; i < entries.size(); ++i) {
        const Observation& o = *entries[i];
        const bool valid = o.objectives.size() == objectives && objectives > 0 &&
                           std::all_of(o.objectives.begin(), o.objectives.end(),
                                       [](double v) { return std::isfinite(v); }) &&
                           !std::isnan(o.constraintViolation);
        (valid ? (o.feasible() ? feasible : infeasible) : broken).push_back(i);
    }
    std::vector<std::size_t> good;
    if (goodCount >= feasible.size()) {
        good = feasible;
        std::stable_sort(infeasible.begin(), infeasible.end(), [&](std::size_t a, std::size_t b) {
            return entries[a]->constraintViolation < entries[b]->constraintViolation;
        });
        std::vector<std::size_t> rest = infeasible;
        rest.insert(rest.end(), broken.begin(), broken.end());
        for (std::size_t k = 0; good.size() < goodCount && k < rest.size(); ++k)
            good.push_back(rest[k]);
    } else {
        std::vector<ObjectiveVector> points;
        for (std::size_t i : feasible) points.push_back(entries[i]->objectives);
        const std::vector<int> ranks = nondominationRanks(points);
        // Whole ranks while they fit, then part of the next one.
        int rank = 0;
        while (true) {
            std::vector<std::size_t> members;
            for (std::size_t k = 0; k < feasible.size(); ++k) {
                if (ranks[k] == rank) members.push_back(feasible[k]);
            }
            const std::size_t room = goodCount - good.size();
            if (members.size() <= room) {
                good.insert(good.end(), members.begin(), members.end());
            } else if (objectives == 2) {
                const auto chosen = greedyHypervolumeSubset(entries, members, room, fixedReference);
                good.insert(good.end(), chosen.begin(), chosen.end());
            } else {
                good.insert(good.end(), members.begin(),
                            members.begin() + static_cast<std::ptrdiff_t>(room));
            }
            if (good.size() == goodCount) break;
            ++rank;
        }
    }
    std::sort(good.begin(), good.end());
    Split split{.good = good};
    std::set<std::size_t> goodSet(good.begin(), good.end());
    for (std::size_t i = 0; i < entries.size(); ++i) {
        if (!goodSet.contains(i)) split.bad.push_back(i);
    }
    return split;
}

// Ozaki 2020 / Optuna 3.x: good points weigh by their hypervolume contribution; or all alike.
std::vector<double> goodWeights(const std::vector<const Observation*>& entries,
                                const std::vector<std::size_t>& good, std::size_t objectives,
                                GoodWeights rule, const std::vector<double>& fixedReference) {
    if (rule == GoodWeights::Uniform) return std::vector<double>(good.size(), 1.0);
    if (objectives != 2) return defaultWeights(good.size());
    std::vector<std::size_t> feasible;
    for (std::size_t k = 0; k < good.size(); ++k) {
        const Observation& o = *entries[good[k]];
        if (o.feasible() && o.objectives.size() == 2 && std::isfinite(o.objectives[0]) &&
            std::isfinite(o.objectives[1])) {
            feasible.push_back(k);
        }
    }
    if (feasible.empty()) return std::vector<double>(good.size(), 1.0);
    std::vector<Point2> points;
    for (std::size_t k : feasible) points.push_back(point2(*entries[good[k]]));
    const std::vector<double> contributions =
        hypervolumeContributions2d(points, referencePoint(points, fixedReference));
    const double largest =
        std::max(*std::max_element(contributions.begin(), contributions.end()), kEps);
    std::vector<double> weights(good.size(), kEps);
    for (std::size_t j = 0; j < feasible.size(); ++j)
        weights[feasible[j]] = std::max(contributions[j] / largest, kEps);
    return weights;
}

}  // namespace

Result<Configuration> TpeSampler::propose(const SamplingContext& context, Random& random) {
    const ParameterSpace& space = context.space;
    std::vector<const Observation*> entries;
    for (const Observation& o : context.history) {
        if (space.contains(o.configuration)) entries.push_back(&o);
    }
    if (entries.size() < static_cast<std::size_t>(std::max(m_settings.startupTrials, 0))) {
        return RandomSampler().propose(context, random);
    }
    if (auto valid = space.validate(); !valid) return valid.error();

    // The objective count most entries have; the others are treated as broken.
    std::map<std::size_t, int> sizes;
    for (const Observation* o : entries) ++sizes[o->objectives.size()];
    const std::size_t objectives =
        sizes.empty()
            ? 0
            : std::max_element(sizes.begin(), sizes.end(), [](const auto& a, const auto& b) {
                  return a.second < b.second;
              })->first;
    const double n = static_cast<double>(entries.size());
    const auto goodCount = static_cast<std::size_t>(std::clamp(
        std::min(std::ceil(m_settings.gammaFraction * n), static_cast<double>(m_settings.gammaMax)),
        0.0, n));
    const Split split = splitHistory(entries, objectives, goodCount, context.reference);

    std::vector<const Configuration*> good, bad;
    for (std::size_t i : split.good) good.push_back(&entries[i]->configuration);
    for (std::size_t i : split.bad) bad.push_back(&entries[i]->configuration);
    if (m_settings.constantLiar) {
        for (const Configuration& c : context.running) {
            if (space.contains(c)) bad.push_back(&c);
        }
    }
    const std::vector<double> weightsGood =
        goodWeights(entries, split.good, objectives, m_settings.goodWeights, context.reference);
    const std::vector<double> weightsBad = defaultWeights(bad.size());

    // Fixed dimensions take their value; the others are modelled jointly or one by one.
    Configuration base(space.size(), 0.0);
    std::vector<std::size_t> free;
    for (std::size_t d = 0; d < space.size(); ++d) {
        const Domain& domain = space.dimensions[d].domain;
        if (isFixed(domain)) {
            base[d] = fixedValue(domain);
        } else {
            free.push_back(d);
        }
    }
    const bool joint = m_settings.selection == CandidateSelection::Multivariate;
    std::vector<DensityPair> densities;
    const auto fit = [&](std::vector<std::size_t> dimensions) {
        densities.push_back(
            {ParzenEstimator(space, dimensions, good, weightsGood, m_settings.priorWeight, joint),
             ParzenEstimator(space, dimensions, bad, weightsBad, m_settings.priorWeight, joint)});
    };
    if (joint) {
        if (!free.empty()) fit(free);
    } else {
        for (std::size_t d : free) fit({d});
    }

    const std::set<Configuration> excluded(context.excluded.begin(), context.excluded.end());
    const auto acceptable = [&](const Configuration& configuration) {
        return !excluded.contains(configuration) &&
               (!context.admissible || context.admissible(configuration));
    };
    const std::size_t candidates = static_cast<std::size_t>(std::max(m_settings.eiCandidates, 1));
    for (int round = 0; round < kCandidateRounds; ++round) {
        if (m_settings.selection == CandidateSelection::PerDimension) {
            Configuration configuration = base;
            for (const DensityPair& density : densities) {
                Configuration best = configuration;
                double bestScore = -INFINITY;
                for (std::size_t k = 0; k < candidates; ++k) {
                    Configuration draw = configuration;
                    density.good.sample(random, draw);
                    if (const double score = density.score(draw); score > bestScore) {
                        bestScore = score;
                        best = std::move(draw);
                    }
                }
                configuration = std::move(best);
            }
            if (acceptable(configuration)) return configuration;
            continue;
        }
        std::vector<std::pair<double, Configuration>> scored(candidates, {0.0, base});
        for (auto& [score, configuration] : scored) {
            for (const DensityPair& density : densities) {
                density.good.sample(random, configuration);
                score += density.score(configuration);
            }
        }
        std::stable_sort(scored.begin(), scored.end(),
                         [](const auto& a, const auto& b) { return a.first > b.first; });
        for (const auto& [score, configuration] : scored) {
            if (acceptable(configuration)) return configuration;
        }
    }
    return RandomSampler().propose(context, random);
}

std::string goodWeightsName(GoodWeights weights) {
    return weights == GoodWeights::Uniform ? "uniform" : "hypervolume";
}

std::optional<GoodWeights> parseGoodWeights(const std::string& name) {
    if (name == "uniform") return GoodWeights::Uniform;
    if (name == "hypervolume") return GoodWeights::Hypervolume;
    return std::nullopt;
}

std::string candidateSelectionName(CandidateSelection selection) {
    switch (selection) {
        case CandidateSelection::PerDimension:
            return "per_dimension";
        case CandidateSelection::Multivariate:
            return "multivariate";
        case CandidateSelection::Summed:
            break;
    }
    return "summed";
}

std::optional<CandidateSelection> parseCandidateSelection(const std::string& name) {
    for (CandidateSelection selection :
         {CandidateSelection::Summed, CandidateSelection::PerDimension,
          CandidateSelection::Multivariate}) {
        if (candidateSelectionName(selection) == name) return selection;
    }
    return std::nullopt;
}

}  // namespace perfnas
