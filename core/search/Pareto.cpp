#include "core/search/Pareto.h"

#include <algorithm>
#include <cassert>
#include <limits>
#include <numeric>

namespace perfnas {
namespace {

bool dominates(const ObjectiveVector& a, const ObjectiveVector& b) {
    assert(a.size() == b.size());
    bool strictly = false;
    for (std::size_t k = 0; k < a.size(); ++k) {
        if (a[k] > b[k]) return false;
        if (a[k] < b[k]) strictly = true;
    }
    return strictly;
}

// Sweep over x ascending: a point is dominated by an earlier x with y <= its y, or by a point of
// its own x with a smaller y. O(n log n).
std::vector<std::size_t> paretoFront2d(std::span<const ObjectiveVector> points) {
    std::vector<std::size_t> order(points.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        return points[a][0] != points[b][0] ? points[a][0] < points[b][0]
                                            : points[a][1] < points[b][1];
    });
    std::vector<std::size_t> front;
    double bestYBefore = std::numeric_limits<double>::infinity();
    for (std::size_t begin = 0; begin < order.size();) {
        std::size_t end = begin;
        while (end < order.size() && points[order[end]][0] == points[order[begin]][0]) ++end;
        const double groupMinY = points[order[begin]][1];  // sorted by y within the group
        for (std::size_t i = begin; i < end; ++i) {
            const double y = points[order[i]][1];
            if (y == groupMinY && bestYBefore > y) front.push_back(order[i]);
        }
        bestYBefore = std::min(bestYBefore, groupMinY);
        begin = end;
    }
    std::sort(front.begin(), front.end());
    return front;
}

std::vector<Point2> insideBox(std::span<const Point2> points, Point2 reference) {
    std::vector<Point2> inside;
    for (const Point2& p : points) {
        if (p.x < reference.x && p.y < reference.y) inside.push_back(p);
    }
    return inside;
}

}  // namespace

std::vector<std::size_t> paretoFront(std::span<const ObjectiveVector> points) {
    if (!points.empty() && points.front().size() == 2) return paretoFront2d(points);
    std::vector<std::size_t> front;
    for (std::size_t i = 0; i < points.size(); ++i) {
        bool dominated = false;
        for (std::size_t j = 0; j < points.size() && !dominated; ++j)
            dominated = j != i && dominates(points[j], points[i]);
        if (!dominated) front.push_back(i);
    }
    return front;
}

// Deb et al. 2002 (NSGA-II) fast non-dominated sort: O(k n^2).
std::vector<int> nondominationRanks(std::span<const ObjectiveVector> points) {
    const std::size_t n = points.size();
    std::vector<std::vector<std::size_t>> dominatedBy(n);
    std::vector<int> dominatorCount(n, 0);
    for (std::size_t i = 0; i < n; ++i) {
        for (std::size_t j = i + 1; j < n; ++j) {
            if (dominates(points[i], points[j])) {
                dominatedBy[i].push_back(j);
                ++dominatorCount[j];
            } else if (dominates(points[j], points[i])) {
                dominatedBy[j].push_back(i);
                ++dominatorCount[i];
            }
        }
    }
    std::vector<int> ranks(n, 0);
    std::vector<std::size_t> current;
    for (std::size_t i = 0; i < n; ++i) {
        if (dominatorCount[i] == 0) current.push_back(i);
    }
    for (int rank = 0; !current.empty(); ++rank) {
        std::vector<std::size_t> next;
        for (std::size_t i : current) {
            ranks[i] = rank;
            for (std::size_t j : dominatedBy[i]) {
                if (--dominatorCount[j] == 0) next.push_back(j);
            }
        }
        current = std::move(next);
    }
    return ranks;
}

double hypervolume2d(std::span<const Point2> points, Point2 reference) {
    std::vector<Point2> inside = insideBox(points, reference);
    std::sort(inside.begin(), inside.end(),
              [](const Point2& a, const Point2& b) { return a.x != b.x ? a.x < b.x : a.y < b.y; });
    // Each point that lowers the staircase adds the strip between its y and the previous one.
    double area = 0.0;
    double currentY = reference.y;
    for (const Point2& p : inside) {
        if (p.y < currentY) {
            area += (reference.x - p.x) * (currentY - p.y);
            currentY = p.y;
        }
    }
    return area;
}

std::vector<double> hypervolumeContributions2d(std::span<const Point2> points, Point2 reference) {
    std::vector<double> contributions(points.size(), 0.0);
    std::vector<std::size_t> order;
    for (std::size_t i = 0; i < points.size(); ++i) {
        if (points[i].x < reference.x && points[i].y < reference.y) order.push_back(i);
    }
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        return points[a].x != points[b].x ? points[a].x < points[b].x : points[a].y < points[b].y;
    });
    // The staircase of non-dominated points: x ascending, y descending.
    std::vector<std::size_t> steps;
    std::vector<std::size_t> others;
    double currentY = reference.y;
    for (std::size_t i : order) {
        if (points[i].y < currentY) {
            steps.push_back(i);
            currentY = points[i].y;
        } else {
            others.push_back(i);
        }
    }
    const auto stepX = [&](std::size_t j) {
        return j < steps.size() ? points[steps[j]].x : reference.x;
    };
    const auto stepY = [&](std::size_t j) { return j > 0 ? points[steps[j - 1]].y : reference.y; };
    // Removing step j uncovers the cell [x_j, x_{j+1}) x [y_j, y_{j-1}) except what the other
    // points inside it (dominated ones, duplicates) cover; each lies in at most one cell.
    std::vector<std::vector<Point2>> inCell(steps.size());
    std::vector<double> stepXs;
    for (std::size_t i : steps) stepXs.push_back(points[i].x);
    for (std::size_t i : others) {
        const auto after = std::upper_bound(stepXs.begin(), stepXs.end(), points[i].x);
        const auto j = static_cast<std::size_t>(after - stepXs.begin()) - 1;  // x_j <= x < x_{j+1}
        if (points[i].y < stepY(j)) inCell[j].push_back(points[i]);
    }
    for (std::size_t j = 0; j < steps.size(); ++j) {
        const Point2& p = points[steps[j]];
        const Point2 corner{stepX(j + 1), stepY(j)};
        contributions[steps[j]] =
            (corner.x - p.x) * (corner.y - p.y) - hypervolume2d(inCell[j], corner);
    }
    return contributions;
}

}  // namespace perfnas
