#include <QtTest>
#include <algorithm>
#include <set>

#include "core/common/Random.h"
#include "core/search/Pareto.h"

using namespace perfnas;

Q_DECLARE_METATYPE(std::vector<perfnas::ObjectiveVector>)
Q_DECLARE_METATYPE(std::vector<std::size_t>)
Q_DECLARE_METATYPE(std::vector<perfnas::Point2>)

namespace {

bool dominatesByDefinition(const ObjectiveVector& a, const ObjectiveVector& b) {
    bool strictly = false;
    for (std::size_t k = 0; k < a.size(); ++k) {
        if (a[k] > b[k]) return false;
        strictly = strictly || a[k] < b[k];
    }
    return strictly;
}

std::vector<std::size_t> bruteForceFront(const std::vector<ObjectiveVector>& points) {
    std::vector<std::size_t> front;
    for (std::size_t i = 0; i < points.size(); ++i) {
        bool dominated = false;
        for (const ObjectiveVector& other : points)
            dominated = dominated || dominatesByDefinition(other, points[i]);
        if (!dominated) front.push_back(i);
    }
    return front;
}

// Exact area of the union of the boxes [p, reference]: a grid cell between consecutive distinct
// coordinates is covered when some point is <= its lower corner in both coordinates.
double bruteForceArea(const std::vector<Point2>& points, Point2 reference) {
    std::set<double> xs{reference.x}, ys{reference.y};
    for (const Point2& p : points) {
        if (p.x < reference.x && p.y < reference.y) {
            xs.insert(p.x);
            ys.insert(p.y);
        }
    }
    const std::vector<double> gx(xs.begin(), xs.end()), gy(ys.begin(), ys.end());
    double area = 0.0;
    for (std::size_t i = 0; i + 1 < gx.size(); ++i) {
        for (std::size_t j = 0; j + 1 < gy.size(); ++j) {
            const bool covered = std::any_of(points.begin(), points.end(), [&](const Point2& p) {
                return p.x <= gx[i] && p.y <= gy[j] && p.x < reference.x && p.y < reference.y;
            });
            if (covered) area += (gx[i + 1] - gx[i]) * (gy[j + 1] - gy[j]);
        }
    }
    return area;
}

// Coordinates on a coarse grid so that equal x, equal y and duplicate points occur.
std::vector<ObjectiveVector> randomPoints(Random& random, std::size_t count, std::size_t dimensions,
                                          int grid) {
    std::vector<ObjectiveVector> points(count, ObjectiveVector(dimensions));
    for (auto& p : points) {
        for (double& v : p) v = static_cast<double>(random.between(0, grid)) / grid;
    }
    return points;
}

std::vector<Point2> toPoint2(const std::vector<ObjectiveVector>& points) {
    std::vector<Point2> out;
    for (const auto& p : points) out.push_back({p[0], p[1]});
    return out;
}

}  // namespace

class ParetoTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void frontOfHandMadeSets_data() {
        QTest::addColumn<std::vector<ObjectiveVector>>("points");
        QTest::addColumn<std::vector<std::size_t>>("front");
        QTest::newRow("empty") << std::vector<ObjectiveVector>{} << std::vector<std::size_t>{};
        QTest::newRow("one point")
            << std::vector<ObjectiveVector>{{1, 2}} << std::vector<std::size_t>{0};
        QTest::newRow("staircase and dominated") << std::vector<ObjectiveVector>{{0.3, 1.0},
                                                                                 {0.1, 3.0},
                                                                                 {0.2, 2.0},
                                                                                 {0.3, 2.5},
                                                                                 {0.4, 1.0}}
                                                 << std::vector<std::size_t>{0, 1, 2};
        QTest::newRow("equal points are all optimal")
            << std::vector<ObjectiveVector>{{1, 1}, {2, 0}, {1, 1}, {1, 2}}
            << std::vector<std::size_t>{0, 1, 2};
        QTest::newRow("same x, larger y is dominated")
            << std::vector<ObjectiveVector>{{1, 5}, {1, 4}} << std::vector<std::size_t>{1};
        QTest::newRow("same y, larger x is dominated")
            << std::vector<ObjectiveVector>{{2, 4}, {1, 4}} << std::vector<std::size_t>{1};
        QTest::newRow("one objective")
            << std::vector<ObjectiveVector>{{3}, {1}, {2}, {1}} << std::vector<std::size_t>{1, 3};
        QTest::newRow("three objectives")
            << std::vector<ObjectiveVector>{{1, 2, 3}, {1, 2, 4}, {3, 2, 1}, {0, 9, 9}}
            << std::vector<std::size_t>{0, 2, 3};
    }
    void frontOfHandMadeSets() {
        QFETCH(std::vector<ObjectiveVector>, points);
        QFETCH(std::vector<std::size_t>, front);
        QCOMPARE(paretoFront(points), front);
    }

    void frontMatchesBruteForceOnRandomSets_data() {
        QTest::addColumn<int>("dimensions");
        QTest::addColumn<int>("grid");
        QTest::newRow("2-D coarse grid (ties)") << 2 << 6;
        QTest::newRow("2-D fine grid") << 2 << 1000;
        QTest::newRow("3-D") << 3 << 5;
    }
    void frontMatchesBruteForceOnRandomSets() {
        QFETCH(int, dimensions);
        QFETCH(int, grid);
        Random random(7);
        for (int round = 0; round < 200; ++round) {
            const auto points = randomPoints(random, 1 + random.below(40),
                                             static_cast<std::size_t>(dimensions), grid);
            QCOMPARE(paretoFront(points), bruteForceFront(points));
        }
    }

    void ranksPeelFrontsInOrder() {
        const std::vector<ObjectiveVector> handMade{{0, 3}, {1, 1}, {2, 2}, {3, 0},
                                                    {3, 3}, {1, 1}, {4, 4}};
        QCOMPARE(nondominationRanks(handMade), (std::vector<int>{0, 0, 1, 0, 2, 0, 3}));
        Random random(11);
        for (int round = 0; round < 100; ++round) {
            const auto points = randomPoints(random, 1 + random.below(30), 2 + random.below(2), 5);
            const std::vector<int> ranks = nondominationRanks(points);
            std::vector<std::size_t> rankZero;
            for (std::size_t i = 0; i < points.size(); ++i) {
                if (ranks[i] == 0) rankZero.push_back(i);
            }
            QCOMPARE(rankZero, paretoFront(points));
            // Rank r: dominated by a point of rank r - 1, by none of rank r or more.
            for (std::size_t i = 0; i < points.size(); ++i) {
                bool byPrevious = ranks[i] == 0;
                for (std::size_t j = 0; j < points.size(); ++j) {
                    if (!dominatesByDefinition(points[j], points[i])) continue;
                    QVERIFY(ranks[j] < ranks[i]);
                    byPrevious = byPrevious || ranks[j] == ranks[i] - 1;
                }
                QVERIFY(byPrevious);
            }
        }
    }

    void hypervolumeOfHandComputedCases_data() {
        QTest::addColumn<std::vector<Point2>>("points");
        QTest::addColumn<double>("area");
        const Point2 a{0.5, 0.5};
        QTest::newRow("empty") << std::vector<Point2>{} << 0.0;
        QTest::newRow("one point") << std::vector<Point2>{a} << 0.25;
        // (0.2, 0.8): 0.8 x 0.2; (0.6, 0.3): 0.4 x 0.7; overlap 0.4 x 0.2.
        QTest::newRow("two points")
            << std::vector<Point2>{{0.6, 0.3}, {0.2, 0.8}} << 0.16 + 0.28 - 0.08;
        QTest::newRow("dominated point adds nothing") << std::vector<Point2>{a, {0.7, 0.7}} << 0.25;
        QTest::newRow("duplicates count once") << std::vector<Point2>{a, a} << 0.25;
        QTest::newRow("on the reference edge")
            << std::vector<Point2>{{1.0, 0.0}, {0.0, 1.0}} << 0.0;
        QTest::newRow("outside the box") << std::vector<Point2>{{2.0, -1.0}} << 0.0;
        QTest::newRow("partly outside") << std::vector<Point2>{{-1.0, 0.5}} << 1.0;
    }
    void hypervolumeOfHandComputedCases() {
        QFETCH(std::vector<Point2>, points);
        QFETCH(double, area);
        const double computed = hypervolume2d(points, {1.0, 1.0});
        QVERIFY2(std::abs(computed - area) < 1e-15, qPrintable(QString::number(computed, 'g', 17)));
    }

    void hypervolumeMatchesUnionOfRectangles() {
        Random random(3);
        for (int round = 0; round < 300; ++round) {
            const int grid = round % 2 == 0 ? 8 : 10000;
            std::vector<Point2> points = toPoint2(randomPoints(random, random.below(30), 2, grid));
            const Point2 reference{0.9, 0.8};
            const double expected = bruteForceArea(points, reference);
            QVERIFY2(std::abs(hypervolume2d(points, reference) - expected) < 1e-12,
                     qPrintable(QString("round %1").arg(round)));
        }
    }

    void contributionIsTheAreaLostWithoutThePoint() {
        Random random(5);
        for (int round = 0; round < 200; ++round) {
            const int grid = round % 2 == 0 ? 6 : 10000;
            std::vector<Point2> points =
                toPoint2(randomPoints(random, 1 + random.below(25), 2, grid));
            const Point2 reference{1.0, 0.9};
            const std::vector<double> contributions = hypervolumeContributions2d(points, reference);
            QCOMPARE(contributions.size(), points.size());
            const double all = bruteForceArea(points, reference);
            for (std::size_t i = 0; i < points.size(); ++i) {
                std::vector<Point2> without = points;
                without.erase(without.begin() + static_cast<std::ptrdiff_t>(i));
                QVERIFY(std::abs(contributions[i] - (all - bruteForceArea(without, reference))) <
                        1e-12);
            }
        }
    }

    void contributionsOfHandMadeStaircase() {
        const std::vector<Point2> points{
            {0.2, 0.8}, {0.6, 0.3}, {0.7, 0.7}, {0.6, 0.3}, {0.4, 0.5}};
        const auto contributions = hypervolumeContributions2d(points, {1.0, 1.0});
        // (0.2, 0.8): [0.2, 0.4) x [0.8, 1.0); (0.4, 0.5): [0.4, 0.6) x [0.5, 0.8); duplicates: 0.
        QCOMPARE(contributions[0], 0.2 * 0.2);
        QCOMPARE(contributions[4], 0.2 * 0.3);
        QCOMPARE(contributions[1], 0.0);
        QCOMPARE(contributions[3], 0.0);
        QCOMPARE(contributions[2], 0.0);
        // A dominated point keeps covering its own box when the point dominating it goes.
        const std::vector<Point2> nested{{0.1, 0.1}, {0.5, 0.5}};
        QCOMPARE(hypervolumeContributions2d(nested, {1.0, 1.0}),
                 (std::vector<double>{0.81 - 0.25, 0.0}));
    }
};

QTEST_GUILESS_MAIN(ParetoTest)
#include "ParetoTest.moc"
