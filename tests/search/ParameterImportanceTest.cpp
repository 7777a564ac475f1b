// ParameterImportances: the divergence is zero when the best candidates look like all of them and
// grows as they concentrate; on an experiment whose accuracy depends on one parameter only, that
// parameter is the most important one for accuracy, by far.
#include <QTemporaryDir>
#include <QtTest>
#include <algorithm>
#include <random>

#include "core/search/ParameterImportance.h"
#include "tests/ui/SyntheticExperiment.h"

using namespace perfnas;

class ParameterImportanceTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void divergenceMeasuresConcentration() {
        const Domain domain = Domain::integer(1, 8);
        const std::vector<double> all = {1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 4, 5, 6, 7, 8};
        QCOMPARE(ParameterImportances::divergence(domain, all, all), 0.0);
        const double spread = ParameterImportances::divergence(domain, all, {2, 7});
        const double concentrated = ParameterImportances::divergence(domain, all, {8, 8});
        QVERIFY(spread > 0.0);
        QVERIFY(concentrated > spread);
        // Wide domains are binned: still finite and ordered the same way.
        const Domain wide = Domain::integer(1, 200);
        std::vector<double> many;
        for (int v = 1; v <= 200; v += 3) many.push_back(v);
        QVERIFY(ParameterImportances::divergence(wide, many, {199, 200, 196}) >
                ParameterImportances::divergence(wide, many, {10, 100, 190}));
    }

    // The peeled fronts against the all-pairs non-domination ranks, ties and duplicates included.
    void bestByParetoRankKeepsWholeFronts() {
        std::mt19937_64 random(3);
        for (int round = 0; round < 50; ++round) {
            std::vector<Point2> points;
            std::vector<ObjectiveVector> objectives;
            const int n = 3 + static_cast<int>(random() % 60);
            for (int i = 0; i < n; ++i) {
                const Point2 p{static_cast<double>(random() % 8),
                               static_cast<double>(random() % 8)};
                points.push_back(p);
                objectives.push_back({p.x, p.y});
            }
            const std::vector<int> ranks = nondominationRanks(objectives);
            const std::size_t wanted =
                std::max<std::size_t>(2, static_cast<std::size_t>(std::ceil(0.1 * n)));
            int lastRank = 0;
            while (std::count_if(ranks.begin(), ranks.end(), [&](int r) { return r <= lastRank; }) <
                       std::ssize(ranks) &&
                   static_cast<std::size_t>(std::count_if(
                       ranks.begin(), ranks.end(), [&](int r) { return r <= lastRank; })) < wanted)
                ++lastRank;
            std::vector<std::size_t> expected;
            for (std::size_t i = 0; i < ranks.size(); ++i)
                if (ranks[i] <= lastRank) expected.push_back(i);
            std::vector<std::size_t> best = ParameterImportances::bestByParetoRank(points);
            std::sort(best.begin(), best.end());
            QCOMPARE(best, expected);
        }
    }

    void theParameterThatDecidesAccuracyMattersMost() {
        QTemporaryDir folder;
        const auto file = std::filesystem::path(folder.path().toStdString()) / "importance.sqlite";
        const ExperimentConfig config = test::smallSearchConfig("/data/unused", 80);
        auto store = test::makeSyntheticExperiment(file, config, {.trials = 80, .failures = false});
        const ParameterSpace parameters = config.space.parameterSpace();
        std::size_t decisive = 0;
        while (parameters.dimensions[decisive].name != "unit3.filters") ++decisive;
        const Domain& domain = parameters.dimensions[decisive].domain;
        const auto trials = store->trials();
        QVERIFY(trials);
        for (TrialRecord trial : *trials) {  // accuracy from that one parameter only
            trial.validationTop1 = 0.3 + 0.6 * (trial.configuration[decisive] - domain.min) /
                                             (domain.max - domain.min);
            QVERIFY(store->updateTrial(trial));
        }
        const auto summary = ExperimentSummary::load(*store);
        QVERIFY(summary);
        const ParameterImportances::Report report = ParameterImportances::of(*summary);
        QCOMPARE(report.candidates, 80);
        QCOMPARE(report.rung, -1);  // no rungs
        const std::vector<ParameterImportance>& importances = report.parameters;
        QCOMPARE(importances.size(), parameters.size());  // nothing frozen in the first phase
        const auto top =
            std::max_element(importances.begin(), importances.end(),
                             [](const auto& a, const auto& b) { return a.accuracy < b.accuracy; });
        QCOMPARE(top->name, std::string("unit3.filters"));
        QVERIFY2(top->accuracy > 0.3, std::to_string(top->accuracy).c_str());
        double paretoTotal = 0.0;
        double accuracyTotal = 0.0;
        for (const ParameterImportance& importance : importances) {
            paretoTotal += importance.pareto;
            accuracyTotal += importance.accuracy;
        }
        QVERIFY(std::abs(paretoTotal - 1.0) < 1e-9 && std::abs(accuracyTotal - 1.0) < 1e-9);
        for (std::size_t i = 1; i < importances.size(); ++i)  // most important (Pareto) first
            QVERIFY(importances[i].pareto <= importances[i - 1].pareto);
    }

    void tooFewCandidatesGiveNothing() {
        QTemporaryDir folder;
        const auto file = std::filesystem::path(folder.path().toStdString()) / "few.sqlite";
        auto store = test::makeSyntheticExperiment(file, test::smallSearchConfig("/data/unused", 5),
                                                   {.trials = 5, .failures = false});
        const auto summary = ExperimentSummary::load(*store);
        QVERIFY(summary);
        QVERIFY(ParameterImportances::of(*summary).parameters.empty());
    }
};

QTEST_MAIN(ParameterImportanceTest)
#include "ParameterImportanceTest.moc"
