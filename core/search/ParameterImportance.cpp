#include "core/search/ParameterImportance.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>

namespace perfnas {
namespace {

// The bin of `value` among a domain's ordered values: each allowed value its own bin when there
// are at most kBins of them, otherwise equal-width bins (on a log scale for LogUniform).
struct Binning {
    explicit Binning(const Domain& domain) {
        values = domain.values();
        if (!values.empty() && static_cast<int>(values.size()) <= ParameterImportances::kBins) {
            bins = static_cast<int>(values.size());
            return;
        }
        bins = ParameterImportances::kBins;
        logScale = domain.kind == DomainKind::LogUniform;
        low = scaled(domain.kind == DomainKind::Choice ? domain.choices.front() : domain.min);
        high = scaled(domain.kind == DomainKind::Choice ? domain.choices.back() : domain.max);
        values.clear();
    }
    double scaled(double value) const { return logScale ? std::log(value) : value; }
    int binOf(double value) const {
        if (!values.empty()) {
            const auto at = std::lower_bound(values.begin(), values.end(), value - 1e-9);
            return static_cast<int>(
                std::min<std::ptrdiff_t>(at - values.begin(), std::ssize(values) - 1));
        }
        if (!(high > low)) return 0;
        const double position = (scaled(value) - low) / (high - low);
        return std::clamp(static_cast<int>(position * bins), 0, bins - 1);
    }

    std::vector<double> values;  // exact bins; empty: equal-width
    int bins = 1;
    bool logScale = false;
    double low = 0.0;
    double high = 0.0;
};

// Smoothed distribution over the bins: each observation spread 1/4, 1/2, 1/4 over its bin and
// the neighbours (ordered parameters: a near value is evidence too), plus a uniform prior of one.
std::vector<double> distribution(const Binning& binning, const std::vector<double>& observed) {
    std::vector<double> mass(static_cast<std::size_t>(binning.bins), 1.0 / binning.bins);
    for (double value : observed) {
        const int bin = binning.binOf(value);
        const double sides = (bin > 0) + (bin < binning.bins - 1);
        mass[static_cast<std::size_t>(bin)] += sides == 0 ? 1.0 : 1.0 - 0.25 * sides;
        if (bin > 0) mass[static_cast<std::size_t>(bin - 1)] += 0.25;
        if (bin < binning.bins - 1) mass[static_cast<std::size_t>(bin + 1)] += 0.25;
    }
    const double total = std::accumulate(mass.begin(), mass.end(), 0.0);
    for (double& m : mass) m /= total;
    return mass;
}

std::size_t bestCount(std::size_t candidates) {
    return std::max<std::size_t>(
        2, static_cast<std::size_t>(std::ceil(ParameterImportances::kBestFraction * candidates)));
}

// The indices of the best kBestFraction (at least 2) by `error` (ties kept together).
std::vector<std::size_t> bestOf(const std::vector<double>& error) {
    std::vector<std::size_t> order(error.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(),
                     [&error](std::size_t a, std::size_t b) { return error[a] < error[b]; });
    std::size_t count = bestCount(error.size());
    while (count < order.size() && error[order[count]] == error[order[count - 1]]) ++count;
    order.resize(std::min(count, order.size()));
    return order;
}

void normalize(std::vector<double>& values) {
    const double total = std::accumulate(values.begin(), values.end(), 0.0);
    for (double& v : values) v = total > 0 ? v / total : 0.0;
}

}  // namespace

// Whole fronts peeled with paretoFront (O(n log n) each in 2-D), so a large file costs a few
// passes, not the all-pairs ranking.
std::vector<std::size_t> ParameterImportances::bestByParetoRank(const std::vector<Point2>& points) {
    std::vector<std::size_t> rest(points.size());
    std::iota(rest.begin(), rest.end(), 0);
    std::vector<std::size_t> best;
    const std::size_t wanted = bestCount(points.size());
    while (best.size() < wanted && !rest.empty()) {
        std::vector<ObjectiveVector> objectives;
        for (std::size_t i : rest) objectives.push_back({points[i].x, points[i].y});
        std::vector<std::size_t> remaining;
        std::size_t next = 0;  // paretoFront's indices are ascending
        const std::vector<std::size_t> front = paretoFront(objectives);
        for (std::size_t k = 0; k < rest.size(); ++k) {
            if (next < front.size() && front[next] == k) {
                best.push_back(rest[k]);
                ++next;
            } else {
                remaining.push_back(rest[k]);
            }
        }
        rest = std::move(remaining);
    }
    return best;
}

double ParameterImportances::divergence(const Domain& domain, const std::vector<double>& all,
                                        const std::vector<double>& best) {
    const Binning binning(domain);
    const std::vector<double> global = distribution(binning, all);
    const std::vector<double> local = distribution(binning, best);
    double sum = 0.0;
    for (std::size_t k = 0; k < global.size(); ++k) {
        const double ratio = local[k] / global[k] - 1.0;
        sum += global[k] * ratio * ratio;
    }
    return sum;
}

ParameterImportances::Report ParameterImportances::of(const ExperimentSummary& summary) {
    const ParameterSpace current = summary.currentSpace.parameterSpace();
    auto sameParameters = [&current](const SearchSpace& space) {
        const ParameterSpace other = space.parameterSpace();
        if (other.size() != current.size()) return false;
        for (std::size_t d = 0; d < other.size(); ++d)
            if (other.dimensions[d].name != current.dimensions[d].name) return false;
        return true;
    };
    struct Candidate {
        const TrialRecord* trial;
        double top1;
    };
    std::map<int, bool> phaseMatches;  // phase id -> its space has the current parameters
    for (const auto& [phaseId, space] : summary.phaseSpaces)
        phaseMatches[phaseId] = sameParameters(space);
    auto usable = [&](const TrialRecord& trial) {
        const auto match = phaseMatches.find(trial.phaseId);
        return match != phaseMatches.end() && match->second &&
               trial.configuration.size() == current.size() && std::isfinite(summary.costOf(trial));
    };
    Report report;
    std::vector<Candidate> candidates;
    for (const TrialRecord& trial : summary.trials) {
        if (summary.isCandidate(trial) && usable(trial))
            candidates.push_back({&trial, trial.validationTop1});
    }
    if (summary.config.fidelity) {
        // Too few at the top rung: the highest rung enough trials finished.
        for (int rung = summary.config.fidelity->topRung();
             static_cast<int>(candidates.size()) < kMinimumCandidates && rung >= 0; --rung) {
            candidates.clear();
            for (const TrialRecord& trial : summary.trials) {
                if (static_cast<int>(trial.rungResults.size()) > rung && usable(trial))
                    candidates.push_back(
                        {&trial, trial.rungResults[static_cast<std::size_t>(rung)].validationTop1});
            }
            report.rung = rung;
        }
        if (report.rung < 0) report.rung = summary.config.fidelity->topRung();
    }
    report.candidates = static_cast<int>(candidates.size());
    if (report.candidates < kMinimumCandidates) return report;

    std::vector<Point2> objectives;
    std::vector<double> byAccuracy;
    for (const Candidate& candidate : candidates) {
        objectives.push_back({1.0 - candidate.top1, summary.costOf(*candidate.trial)});
        byAccuracy.push_back(1.0 - candidate.top1);
    }
    const std::vector<std::size_t> bestPareto = bestByParetoRank(objectives);
    const std::vector<std::size_t> bestAccuracy = bestOf(byAccuracy);

    std::vector<std::size_t> free;
    std::vector<double> pareto;
    std::vector<double> accuracy;
    for (std::size_t d = 0; d < current.size(); ++d) {
        const Domain& domain = current.dimensions[d].domain;
        if (domain.isFrozen()) continue;
        std::vector<double> all;
        for (const Candidate& candidate : candidates)
            all.push_back(candidate.trial->configuration[d]);
        auto valuesOf = [&](const std::vector<std::size_t>& indices) {
            std::vector<double> values;
            for (std::size_t i : indices) values.push_back(all[i]);
            return values;
        };
        free.push_back(d);
        pareto.push_back(divergence(domain, all, valuesOf(bestPareto)));
        accuracy.push_back(divergence(domain, all, valuesOf(bestAccuracy)));
    }
    normalize(pareto);
    normalize(accuracy);
    std::vector<ParameterImportance>& importances = report.parameters;
    for (std::size_t i = 0; i < free.size(); ++i) {
        importances.push_back({.name = current.dimensions[free[i]].name,
                               .pareto = pareto[i],
                               .accuracy = accuracy[i]});
    }
    std::stable_sort(importances.begin(), importances.end(),
                     [](const ParameterImportance& a, const ParameterImportance& b) {
                         return a.pareto > b.pareto;
                     });
    return report;
}

}  // namespace perfnas
