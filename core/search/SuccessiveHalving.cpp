#include "core/search/SuccessiveHalving.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>

namespace perfnas {

std::vector<int> FidelitySettings::rungIterations() const {
    std::vector<int> rungs;
    if (minIterations <= 0 || maxIterations <= 0) return rungs;
    // From the top down, as Hyperband does: every rung is exactly eta times the one below it.
    for (double iterations = maxIterations; std::lround(iterations) >= minIterations;
         iterations /= std::max(2, eta)) {
        rungs.insert(rungs.begin(), static_cast<int>(std::lround(iterations)));
    }
    if (rungs.empty()) rungs.push_back(maxIterations);
    return rungs;
}

std::vector<int> SuccessiveHalving::rank(std::span<const RungStanding> standings,
                                         Point2 reference) {
    std::vector<ObjectiveVector> objectives;
    for (const RungStanding& standing : standings)
        objectives.push_back({standing.error, standing.log10Cost});
    for (const RungStanding& standing : standings) {
        reference.x = std::max(reference.x, std::nextafter(standing.error, INFINITY));
        reference.y = std::max(reference.y, std::nextafter(standing.log10Cost, INFINITY));
    }
    const std::vector<int> ranks = nondominationRanks(objectives);

    // Hypervolume contribution of each point inside its own front.
    std::vector<double> contribution(standings.size(), 0.0);
    std::map<int, std::vector<std::size_t>> fronts;
    for (std::size_t i = 0; i < standings.size(); ++i) fronts[ranks[i]].push_back(i);
    for (const auto& [front, members] : fronts) {
        std::vector<Point2> points;
        for (std::size_t i : members)
            points.push_back({standings[i].error, standings[i].log10Cost});
        const std::vector<double> shares = hypervolumeContributions2d(points, reference);
        // Areas equal to 1e-9 are ties, whatever order of summation computed them.
        for (std::size_t k = 0; k < members.size(); ++k)
            contribution[members[k]] = std::round(shares[k] * 1e9);
    }

    std::vector<std::size_t> order(standings.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        if (ranks[a] != ranks[b]) return ranks[a] < ranks[b];
        if (contribution[a] != contribution[b]) return contribution[a] > contribution[b];
        if (standings[a].error != standings[b].error)
            return standings[a].error < standings[b].error;
        return standings[a].trialId < standings[b].trialId;
    });
    std::vector<int> ids;
    for (std::size_t i : order) ids.push_back(standings[i].trialId);
    return ids;
}

std::vector<int> SuccessiveHalving::promotable(std::span<const RungStanding> standings, int eta,
                                               Point2 reference) {
    const std::size_t slots = standings.size() / static_cast<std::size_t>(std::max(2, eta));
    const std::vector<int> ranked = rank(standings, reference);
    std::vector<int> ids;
    for (std::size_t position = 0; position < slots; ++position) {
        const int id = ranked[position];
        const auto standing = std::find_if(standings.begin(), standings.end(),
                                           [id](const RungStanding& s) { return s.trialId == id; });
        if (!standing->promoted) ids.push_back(id);
    }
    return ids;
}

double SuccessiveHalving::expectedRemainingIterations(const FidelitySettings& fidelity,
                                                      int targetRung, int iterationsDone) {
    const std::vector<int> rungs = fidelity.rungIterations();
    if (rungs.empty() || targetRung >= static_cast<int>(rungs.size())) return 0.0;
    double expected = std::max(0, rungs[static_cast<std::size_t>(targetRung)] - iterationsDone);
    double chance = 1.0;
    for (std::size_t rung = static_cast<std::size_t>(targetRung) + 1; rung < rungs.size(); ++rung) {
        chance /= std::max(2, fidelity.eta);
        expected += chance * (rungs[rung] - rungs[rung - 1]);
    }
    return expected;
}

}  // namespace perfnas
