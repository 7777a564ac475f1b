#pragma once
// SuccessiveHalving: the multi-fidelity rules of a search (docs/method.md, "Rungs"). Trials train
// in rungs of R/eta^K, ..., R/eta, R iterations (the first at least r); asynchronous successive
// halving (ASHA, Li et al., MLSys 2020) promotes a trial that finished rung k to rung k+1 once it
// ranks in the top floor(n_k / eta) of the n_k trials that finished rung k. With two objectives the
// ranking is non-domination in (1 - validation TOP-1, log10 cost) and, inside a front, hypervolume
// contribution: the area a point adds is what the search is judged by (docs/method.md),
// whereas crowding distance gives both ends of every front an infinite score, so a tiny model at
// chance accuracy would always win a promotion slot. Plain functions of plain values.
#include <optional>
#include <span>
#include <vector>

#include "core/search/Pareto.h"

namespace perfnas {

struct FidelitySettings {
    int minIterations = 0;  // r: the first rung is at least this long
    int maxIterations = 0;  // R: the top rung
    int eta = 3;            // promotion ratio

    // Iterations at the end of each rung: R/eta^k (rounded) for k = K, ..., 1, 0, every one >= r.
    std::vector<int> rungIterations() const;
    int topRung() const { return static_cast<int>(rungIterations().size()) - 1; }
};

// One trial that finished a rung, as the promotion rule sees it.
struct RungStanding {
    int trialId = 0;
    double error = 0.0;      // 1 - validation TOP-1 at the end of the rung
    double log10Cost = 0.0;  // the cost objective, log10
    bool promoted = false;   // already continued to the next rung
};

class SuccessiveHalving {
public:
    // Ids best first: by non-domination rank, inside a front by hypervolume contribution (largest
    // first), then lower error, then lower id. The reference is `reference` widened to enclose
    // every point, so that the ends of a front still count.
    static std::vector<int> rank(std::span<const RungStanding> standings, Point2 reference);
    // Ids that may continue now: among the top floor(n / eta) of `rank` and not promoted yet.
    static std::vector<int> promotable(std::span<const RungStanding> standings, int eta,
                                       Point2 reference);

    // The iterations a trial that has `iterationsDone` and trains toward `targetRung` is expected
    // to train still, each later rung weighted by the chance 1/eta^k of being promoted to it.
    static double expectedRemainingIterations(const FidelitySettings& fidelity, int targetRung,
                                              int iterationsDone);
};

}  // namespace perfnas
