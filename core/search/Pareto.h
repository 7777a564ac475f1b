#pragma once
// Pareto frontier and hypervolume, as docs/method.md defines them. Objectives are minimized.
// Pareto-optimal: no other point is <= in every objective and < in one (equal points are all
// optimal). Hypervolume is the 2-D area dominated by the points inside the reference box.
#include <cstddef>
#include <span>
#include <vector>

namespace perfnas {

using ObjectiveVector = std::vector<double>;

// Indices of the Pareto-optimal points, ascending.
std::vector<std::size_t> paretoFront(std::span<const ObjectiveVector> points);

// Non-domination rank of every point: 0 for the frontier, 1 for the frontier of the rest, ...
std::vector<int> nondominationRanks(std::span<const ObjectiveVector> points);

struct Point2 {
    double x = 0.0;  // e.g. error = 1 - top1
    double y = 0.0;  // e.g. log10 MFPOPS
};

// Area dominated by `points` and bounded by `reference` (points not strictly better than the
// reference in both coordinates add nothing).
double hypervolume2d(std::span<const Point2> points, Point2 reference);

// For each point, the area lost when it alone is removed (0 for dominated or duplicate points).
std::vector<double> hypervolumeContributions2d(std::span<const Point2> points, Point2 reference);

}  // namespace perfnas
