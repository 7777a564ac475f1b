#pragma once
// Cheap two-objective stand-ins for (error, cost) over the paper's search space, for SamplerTest
// and search_benchmark's synthetic study: sequential searches that evaluate each proposal before
// the next, and the hypervolume of what they found.
// - separable: error wants kernels near 3x3 (unit 1: 2x6) and many filters, each parameter on its
//   own; cost is the mean per-unit share of filters x kernel area. Both in [0, 1].
// - product: error falls with each unit's filters (diminishing returns) and kernels near 3x3;
//   cost is log10 of sum over units of filters_in x filters_out x kh x kw, as the network's
//   operation count ties the parameters together. Reference at the largest model.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "core/search/Pareto.h"
#include "core/search/Sampler.h"
#include "core/search/SearchSpace.h"

namespace perfnas::synthetic {

enum class Problem { Separable, Product };

struct UnitValues {
    double kh, kw, filters, khMax, kwMax, filtersMax;
};

inline UnitValues unitValues(const SearchSpace& space, const Configuration& c, std::size_t u) {
    const int unit = static_cast<int>(u);
    return {c[SearchSpace::dimensionIndex(unit, UnitParameter::Kh)],
            c[SearchSpace::dimensionIndex(unit, UnitParameter::Kw)],
            c[SearchSpace::dimensionIndex(unit, UnitParameter::Filters)],
            space.units[u][UnitParameter::Kh].max,
            space.units[u][UnitParameter::Kw].max,
            space.units[u][UnitParameter::Filters].max};
}

inline double squaredShapeMiss(const UnitValues& v, double khTarget, double kwTarget) {
    return (std::pow((v.kh - khTarget) / std::max(1.0, v.khMax - 1), 2) +
            std::pow((v.kw - kwTarget) / std::max(1.0, v.kwMax - 1), 2)) /
           2.0;
}

inline ObjectiveVector objectives(Problem problem, const SearchSpace& space,
                                  const Configuration& c) {
    const std::size_t units = space.units.size();
    double error = 0.0;
    double cost = 0.0;
    double filtersIn = 1.0;
    for (std::size_t u = 0; u < units; ++u) {
        const UnitValues v = unitValues(space, c, u);
        if (problem == Problem::Separable) {
            const double shape = squaredShapeMiss(v, u == 0 ? 2.0 : 3.0, u == 0 ? 6.0 : 3.0);
            error += (2.0 * shape + std::pow(1.0 - v.filters / v.filtersMax, 2)) / 3.0;
            cost += v.filters * v.kh * v.kw / (v.filtersMax * v.khMax * v.kwMax);
        } else {
            error += 0.6 * std::exp(-5.0 * std::sqrt(v.filters / v.filtersMax)) +
                     0.4 * squaredShapeMiss(v, 3.0, 3.0);
            cost += filtersIn * v.filters * v.kh * v.kw;
            filtersIn = v.filters;
        }
    }
    error /= static_cast<double>(units);
    if (problem == Problem::Separable) return {error, cost / static_cast<double>(units)};
    return {error, std::log10(cost)};
}

// Separable: (0.3, 0.3), near the bulk of random draws, so that the figure measures the frontier
// rather than the box. Product: error 1 and the largest model's cost.
inline Point2 reference(Problem problem, const SearchSpace& space) {
    if (problem == Problem::Separable) return {0.3, 0.3};
    Configuration largest(space.parameterSpace().size(), 0.0);
    for (std::size_t u = 0; u < space.units.size(); ++u) {
        for (UnitParameter p : {UnitParameter::Kh, UnitParameter::Kw, UnitParameter::Filters}) {
            largest[SearchSpace::dimensionIndex(static_cast<int>(u), p)] = space.units[u][p].max;
        }
    }
    return {1.0, objectives(problem, space, largest)[1]};
}

struct Run {
    std::vector<Observation> history;
    std::vector<Configuration> proposals;
};

// `trials` sequential proposals, each evaluated before the next. The sampler is told the
// hypervolume's reference, as the product tells it.
inline Run runSearch(Sampler& sampler, Problem problem, const SearchSpace& space,
                     std::uint64_t seed, int trials) {
    const ParameterSpace parameters = space.parameterSpace();
    const Point2 ref = reference(problem, space);
    Random random(seed);
    Run run;
    for (int t = 0; t < trials; ++t) {
        const SamplingContext context{.space = parameters,
                                      .history = run.history,
                                      .running = {},
                                      .excluded = run.proposals,
                                      .admissible = {},
                                      .reference = {ref.x, ref.y}};
        auto proposal = sampler.propose(context, random);
        if (!proposal.ok()) return run;
        run.proposals.push_back(*proposal);
        run.history.push_back(
            {.configuration = *proposal, .objectives = objectives(problem, space, *proposal)});
    }
    return run;
}

// Hypervolume of the first `count` results of a run.
inline double hypervolumeOf(Problem problem, const SearchSpace& space, const Run& run,
                            std::size_t count) {
    std::vector<Point2> points;
    for (std::size_t i = 0; i < std::min(count, run.history.size()); ++i) {
        points.push_back({run.history[i].objectives[0], run.history[i].objectives[1]});
    }
    return hypervolume2d(points, reference(problem, space));
}

}  // namespace perfnas::synthetic
