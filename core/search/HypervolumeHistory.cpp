#include "core/search/HypervolumeHistory.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace perfnas {
namespace {

// a is no worse than b in both objectives (minimized).
bool covers(const Point2& a, const Point2& b) { return a.x <= b.x && a.y <= b.y; }

}  // namespace

std::vector<HypervolumeStep> hypervolumeHistory(const ExperimentSummary& summary) {
    std::vector<const TrialRecord*> candidates;
    std::int64_t start = std::numeric_limits<std::int64_t>::max();
    for (const TrialRecord& trial : summary.trials) {
        if (trial.startedAt > 0) start = std::min(start, trial.startedAt);
        if (summary.isCandidate(trial) && std::isfinite(summary.costOf(trial)))
            candidates.push_back(&trial);
    }
    std::stable_sort(
        candidates.begin(), candidates.end(), [](const TrialRecord* a, const TrialRecord* b) {
            return a->finishedAt != b->finishedAt ? a->finishedAt < b->finishedAt : a->id < b->id;
        });
    const Point2 reference = summary.reference();
    std::vector<Point2> frontier;
    double hypervolume = 0.0;
    std::vector<HypervolumeStep> steps;
    for (const TrialRecord* trial : candidates) {
        const Point2 point = summary.objectivePoint(*trial);
        const bool dominated = std::any_of(frontier.begin(), frontier.end(), [&](const Point2& f) {
            return covers(f, point) && (f.x < point.x || f.y < point.y);
        });
        if (!dominated) {
            std::erase_if(frontier, [&](const Point2& f) {
                return covers(point, f) && (point.x < f.x || point.y < f.y);
            });
            frontier.push_back(point);
            hypervolume = hypervolume2d(frontier, reference);
        }
        const std::int64_t from = start == std::numeric_limits<std::int64_t>::max() ? 0 : start;
        steps.push_back({.minutes = std::max<std::int64_t>(0, trial->finishedAt - from) / 60.0,
                         .hypervolume = hypervolume,
                         .phaseId = trial->phaseId,
                         .trialId = trial->id});
    }
    return steps;
}

}  // namespace perfnas
