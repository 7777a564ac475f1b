// SuccessiveHalving: rung budgets, and the promotion rule against a brute-force ranking written
// from the definitions (non-domination by pairwise comparison, hypervolume by summing grid cells).
#include <QtTest>
#include <algorithm>
#include <cmath>
#include <random>
#include <set>

#include "core/search/SuccessiveHalving.h"

using namespace perfnas;

namespace {

bool dominates(const RungStanding& a, const RungStanding& b) {
    return a.error <= b.error && a.log10Cost <= b.log10Cost &&
           (a.error < b.error || a.log10Cost < b.log10Cost);
}

// Area dominated by `points` inside `reference`, from the grid their coordinates span.
double bruteHypervolume(const std::vector<RungStanding>& points, Point2 reference) {
    std::vector<double> xs = {reference.x};
    std::vector<double> ys = {reference.y};
    for (const RungStanding& p : points) {
        xs.push_back(p.error);
        ys.push_back(p.log10Cost);
    }
    std::sort(xs.begin(), xs.end());
    std::sort(ys.begin(), ys.end());
    double area = 0.0;
    for (std::size_t i = 0; i + 1 < xs.size(); ++i) {
        for (std::size_t j = 0; j + 1 < ys.size(); ++j) {
            const bool covered = std::any_of(
                points.begin(), points.end(),
                [&](const RungStanding& p) { return p.error <= xs[i] && p.log10Cost <= ys[j]; });
            if (covered) area += (xs[i + 1] - xs[i]) * (ys[j + 1] - ys[j]);
        }
    }
    return area;
}

std::vector<int> bruteRank(const std::vector<RungStanding>& standings, Point2 reference) {
    for (const RungStanding& s : standings) {
        reference.x = std::max(reference.x, std::nextafter(s.error, INFINITY));
        reference.y = std::max(reference.y, std::nextafter(s.log10Cost, INFINITY));
    }
    // Peel fronts: a point is in the current front when nothing left dominates it.
    std::vector<int> rank(standings.size(), -1);
    for (int front = 0; std::count(rank.begin(), rank.end(), -1) > 0; ++front) {
        std::vector<std::size_t> members;
        for (std::size_t i = 0; i < standings.size(); ++i) {
            if (rank[i] != -1) continue;
            bool dominated = false;
            for (std::size_t j = 0; j < standings.size(); ++j) {
                if (rank[j] == -1 && j != i && dominates(standings[j], standings[i]))
                    dominated = true;
            }
            if (!dominated) members.push_back(i);
        }
        for (std::size_t i : members) rank[i] = front;
    }
    std::vector<double> contribution(standings.size());
    for (std::size_t i = 0; i < standings.size(); ++i) {
        std::vector<RungStanding> front, without;
        for (std::size_t j = 0; j < standings.size(); ++j) {
            if (rank[j] != rank[i]) continue;
            front.push_back(standings[j]);
            if (j != i) without.push_back(standings[j]);
        }
        contribution[i] = std::round(
            (bruteHypervolume(front, reference) - bruteHypervolume(without, reference)) * 1e9);
    }
    std::vector<std::size_t> order(standings.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        if (rank[a] != rank[b]) return rank[a] < rank[b];
        if (contribution[a] != contribution[b]) return contribution[a] > contribution[b];
        if (standings[a].error != standings[b].error)
            return standings[a].error < standings[b].error;
        return standings[a].trialId < standings[b].trialId;
    });
    std::vector<int> ids;
    for (std::size_t i : order) ids.push_back(standings[i].trialId);
    return ids;
}

}  // namespace

class SuccessiveHalvingTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void rungIterations_data() {
        QTest::addColumn<int>("minimum");
        QTest::addColumn<int>("maximum");
        QTest::addColumn<int>("eta");
        QTest::addColumn<std::vector<int>>("expected");
        QTest::newRow("exact powers") << 100 << 900 << 3 << std::vector<int>{100, 300, 900};
        QTest::newRow("from the top down") << 100 << 1000 << 3 << std::vector<int>{111, 333, 1000};
        QTest::newRow("rounded") << 333 << 3000 << 3 << std::vector<int>{333, 1000, 3000};
        QTest::newRow("eta 2") << 250 << 1000 << 2 << std::vector<int>{250, 500, 1000};
        QTest::newRow("two rungs") << 400 << 1000 << 2 << std::vector<int>{500, 1000};
        QTest::newRow("one rung") << 500 << 1000 << 3 << std::vector<int>{1000};
    }
    void rungIterations() {
        QFETCH(int, minimum);
        QFETCH(int, maximum);
        QFETCH(int, eta);
        QFETCH(std::vector<int>, expected);
        const FidelitySettings fidelity{
            .minIterations = minimum, .maxIterations = maximum, .eta = eta};
        QCOMPARE(fidelity.rungIterations(), expected);
        QCOMPARE(fidelity.topRung(), static_cast<int>(expected.size()) - 1);
    }

    // Random rungs of 3 to 40 trials, with ties and duplicates: the same order as the brute force.
    void rankingMatchesTheBruteForce() {
        std::mt19937 random(7);
        for (int round = 0; round < 300; ++round) {
            const int count = 3 + static_cast<int>(random() % 38);
            std::vector<RungStanding> standings;
            for (int i = 0; i < count; ++i) {
                // Coarse values make ties and duplicate points common.
                standings.push_back({.trialId = 100 + i,
                                     .error = 0.05 * static_cast<int>(random() % 19),
                                     .log10Cost = 0.25 * static_cast<int>(random() % 12),
                                     .promoted = random() % 4 == 0});
            }
            const Point2 reference{.x = 0.9, .y = 2.5};
            QCOMPARE(SuccessiveHalving::rank(standings, reference),
                     bruteRank(standings, reference));

            const std::vector<int> ranked = bruteRank(standings, reference);
            std::vector<int> expected;
            for (std::size_t k = 0; k < standings.size() / 3; ++k) {
                const auto standing =
                    std::find_if(standings.begin(), standings.end(),
                                 [&](const RungStanding& s) { return s.trialId == ranked[k]; });
                if (!standing->promoted) expected.push_back(ranked[k]);
            }
            QCOMPARE(SuccessiveHalving::promotable(standings, 3, reference), expected);
        }
    }

    void aFrontsEndsAreRankedByTheAreaTheyAdd() {
        // One front: a cheap model at chance accuracy adds almost no area, so it ranks last in the
        // front (crowding distance would rank it first).
        const std::vector<RungStanding> standings = {
            {.trialId = 1, .error = 0.10, .log10Cost = 2.0},
            {.trialId = 2, .error = 0.12, .log10Cost = 1.2},
            {.trialId = 3, .error = 0.89, .log10Cost = 0.1},
            {.trialId = 4, .error = 0.50, .log10Cost = 2.5},  // dominated
        };
        const auto ranked = SuccessiveHalving::rank(standings, {.x = 0.9, .y = 2.7});
        QCOMPARE(ranked, (std::vector<int>{2, 1, 3, 4}));
    }

    void nothingIsPromotedBeforeEtaTrialsFinishedTheRung() {
        std::vector<RungStanding> standings = {{.trialId = 1, .error = 0.2, .log10Cost = 1.0},
                                               {.trialId = 2, .error = 0.3, .log10Cost = 1.5}};
        QVERIFY(SuccessiveHalving::promotable(standings, 3, {.x = 0.9, .y = 2.0}).empty());
        standings.push_back({.trialId = 3, .error = 0.5, .log10Cost = 1.8});
        QCOMPARE(SuccessiveHalving::promotable(standings, 3, {.x = 0.9, .y = 2.0}),
                 std::vector<int>{1});
        standings[0].promoted = true;
        QVERIFY(SuccessiveHalving::promotable(standings, 3, {.x = 0.9, .y = 2.0}).empty());
    }

    void expectedRemainingIterationsWeighsLaterRungsByTheirChance() {
        const FidelitySettings fidelity{.minIterations = 100, .maxIterations = 900, .eta = 3};
        // 100 now, then 200 more with chance 1/3, then 600 more with chance 1/9.
        QCOMPARE(SuccessiveHalving::expectedRemainingIterations(fidelity, 0, 0),
                 100.0 + 200.0 / 3 + 600.0 / 9);
        QCOMPARE(SuccessiveHalving::expectedRemainingIterations(fidelity, 1, 150),
                 150.0 + 600.0 / 3);
        QCOMPARE(SuccessiveHalving::expectedRemainingIterations(fidelity, 2, 900), 0.0);
    }
};

QTEST_GUILESS_MAIN(SuccessiveHalvingTest)
#include "SuccessiveHalvingTest.moc"
