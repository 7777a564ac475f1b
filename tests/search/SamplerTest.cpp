#include <QtTest>
#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <memory>
#include <set>

#include "core/search/Pareto.h"
#include "core/search/RandomSampler.h"
#include "core/search/SearchSpace.h"
#include "core/search/TpeSampler.h"

using namespace perfnas;

namespace {

const char* const kSeedPath = PERFNAS_SOURCE_DIR "/resources/seeds/paper-seed.json";

SearchSpace paperSpace() {
    auto seed = ArchitectureSpec::fromFile(kSeedPath);
    return SearchSpace::paperDefault(seed.ok() ? *seed : ArchitectureSpec{});
}

Domain frozenAt(Domain domain, double value) {
    domain.frozen = value;
    return domain;
}

// 3 x 2 configurations, plus a frozen dimension.
ParameterSpace tinySpace() {
    return {.dimensions = {{"a", Domain::integer(1, 3)},
                           {"b", Domain::choice({10, 20})},
                           {"c", frozenAt(Domain::integer(1, 5), 4)}}};
}

// A cheap separable stand-in for (error, cost) of the paper space, both in [0, 1]: error wants
// kernels near 3x3 (unit 1: 2x6) and many filters, cost wants few filters and small kernels.
ObjectiveVector syntheticObjectives(const SearchSpace& space, const Configuration& c) {
    double error = 0.0;
    double cost = 0.0;
    const std::size_t units = space.units.size();
    for (std::size_t u = 0; u < units; ++u) {
        const int unit = static_cast<int>(u);
        const double kh = c[SearchSpace::dimensionIndex(unit, UnitParameter::Kh)];
        const double kw = c[SearchSpace::dimensionIndex(unit, UnitParameter::Kw)];
        const double filters = c[SearchSpace::dimensionIndex(unit, UnitParameter::Filters)];
        const double khMax = space.units[u][UnitParameter::Kh].max;
        const double kwMax = space.units[u][UnitParameter::Kw].max;
        const double filtersMax = space.units[u][UnitParameter::Filters].max;
        const double khTarget = u == 0 ? 2.0 : 3.0;
        const double kwTarget = u == 0 ? 6.0 : 3.0;
        error +=
            (std::pow((kh - khTarget) / (khMax - 1), 2) +
             std::pow((kw - kwTarget) / (kwMax - 1), 2) + std::pow(1.0 - filters / filtersMax, 2)) /
            3.0;
        cost += filters * kh * kw / (filtersMax * khMax * kwMax);
    }
    return {error / static_cast<double>(units), cost / static_cast<double>(units)};
}

struct Run {
    std::vector<Observation> history;
    std::vector<Configuration> proposals;
};

// `trials` sequential proposals, each evaluated before the next.
Run runSearch(Sampler& sampler, const SearchSpace& space, std::uint64_t seed, int trials) {
    const ParameterSpace parameters = space.parameterSpace();
    Random random(seed);
    Run run;
    for (int t = 0; t < trials; ++t) {
        const SamplingContext context{.space = parameters,
                                      .history = run.history,
                                      .running = {},
                                      .excluded = run.proposals,
                                      .admissible = {}};
        auto proposal = sampler.propose(context, random);
        if (!proposal.ok()) qFatal("propose failed: %s", proposal.error().message.c_str());
        run.proposals.push_back(*proposal);
        run.history.push_back(
            {.configuration = *proposal, .objectives = syntheticObjectives(space, *proposal)});
    }
    return run;
}

// Reference (0.3, 0.3): near the bulk of random draws, so that the figure measures the frontier
// rather than the box.
double hypervolumeOf(const std::vector<Observation>& history) {
    std::vector<Point2> points;
    for (const Observation& o : history) points.push_back({o.objectives[0], o.objectives[1]});
    return hypervolume2d(points, {0.3, 0.3});
}

double median(std::vector<double> values) {
    std::sort(values.begin(), values.end());
    return values[values.size() / 2];
}

}  // namespace

class SamplerTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void randomDrawsStayInTheSpace() {
        const ParameterSpace space{.dimensions = {{"k", Domain::integer(2, 11, 3)},
                                                  {"batch", Domain::choice({16, 25, 64})},
                                                  {"lr", Domain::logUniform(1e-4, 1e-2)},
                                                  {"f", frozenAt(Domain::integer(1, 100), 50)}}};
        Random random(1);
        std::map<double, int> kCounts;
        int lrBelow1e3 = 0;
        constexpr int kDraws = 3000;
        for (int i = 0; i < kDraws; ++i) {
            const Configuration c = RandomSampler::draw(space, random);
            QVERIFY(space.contains(c));
            ++kCounts[c[0]];
            lrBelow1e3 += c[2] < 1e-3 ? 1 : 0;
        }
        QCOMPARE(kCounts.size(), std::size_t{4});  // 2, 5, 8, 11
        for (const auto& [value, count] : kCounts)
            QVERIFY2(count > 600 && count < 900, qPrintable(QString::number(value)));
        // Log-uniform: half of the draws fall below the geometric middle 1e-3.
        QVERIFY2(std::abs(lrBelow1e3 - kDraws / 2) < 150, qPrintable(QString::number(lrBelow1e3)));
    }

    void samplersExhaustATinySpaceWithoutRepeats_data() {
        QTest::addColumn<QString>("sampler");
        QTest::newRow("random") << "random";
        QTest::newRow("tpe") << "tpe";
    }
    void samplersExhaustATinySpaceWithoutRepeats() {
        QFETCH(QString, sampler);
        std::unique_ptr<Sampler> s;
        if (sampler == "random")
            s = std::make_unique<RandomSampler>();
        else
            s = std::make_unique<TpeSampler>(TpeSettings{.startupTrials = 2});
        const ParameterSpace space = tinySpace();
        Random random(3);
        std::vector<Observation> history;
        std::vector<Configuration> tried;
        for (int t = 0; t < 6; ++t) {
            const SamplingContext context{.space = space,
                                          .history = history,
                                          .running = {},
                                          .excluded = tried,
                                          .admissible = {}};
            auto proposal = s->propose(context, random);
            QVERIFY2(proposal.ok(), proposal.ok() ? "" : proposal.error().message.c_str());
            QVERIFY(space.contains(*proposal));
            QCOMPARE((*proposal)[2], 4.0);
            QVERIFY(std::find(tried.begin(), tried.end(), *proposal) == tried.end());
            tried.push_back(*proposal);
            history.push_back(
                {.configuration = *proposal, .objectives = {(*proposal)[0] + (*proposal)[1]}});
        }
        const SamplingContext context{
            .space = space, .history = history, .running = {}, .excluded = tried, .admissible = {}};
        auto exhausted = s->propose(context, random);
        QVERIFY(!exhausted.ok());
        QCOMPARE(exhausted.error().code, ErrorCode::InvalidInput);
        QCOMPARE(QString::fromStdString(exhausted.error().message),
                 QString("search space exhausted: all 6 configurations have been tried"));
    }

    void samplersRespectConstraints_data() { samplersExhaustATinySpaceWithoutRepeats_data(); }
    void samplersRespectConstraints() {
        QFETCH(QString, sampler);
        std::unique_ptr<Sampler> s;
        if (sampler == "random")
            s = std::make_unique<RandomSampler>();
        else
            s = std::make_unique<TpeSampler>(TpeSettings{.startupTrials = 1});
        const ParameterSpace space = tinySpace();
        Random random(4);
        std::vector<Observation> history;
        std::vector<Configuration> tried;
        const auto admissible = [](const Configuration& c) { return c[0] != 3.0; };
        for (int t = 0; t < 4; ++t) {
            const SamplingContext context{.space = space,
                                          .history = history,
                                          .running = {},
                                          .excluded = tried,
                                          .admissible = admissible};
            auto proposal = s->propose(context, random);
            QVERIFY2(proposal.ok(), proposal.ok() ? "" : proposal.error().message.c_str());
            QVERIFY((*proposal)[0] != 3.0);
            QVERIFY(std::find(tried.begin(), tried.end(), *proposal) == tried.end());
            tried.push_back(*proposal);
            history.push_back({.configuration = *proposal, .objectives = {-(*proposal)[0]}});
        }
        const SamplingContext context{.space = space,
                                      .history = history,
                                      .running = {},
                                      .excluded = tried,
                                      .admissible = admissible};
        auto none = s->propose(context, random);
        QVERIFY(!none.ok());
        QCOMPARE(QString::fromStdString(none.error().message),
                 QString("no admissible configuration: all 2 untried configurations violate the "
                         "constraints"));
    }

    void tpeIsDeterministicForASeed() {
        const SearchSpace space = paperSpace();
        TpeSampler first(TpeSettings{.startupTrials = 5});
        TpeSampler second(TpeSettings{.startupTrials = 5});
        const Run a = runSearch(first, space, 42, 25);
        const Run b = runSearch(second, space, 42, 25);
        QCOMPARE(a.proposals, b.proposals);
        TpeSampler third(TpeSettings{.startupTrials = 5});
        const Run c = runSearch(third, space, 43, 25);
        QVERIFY(a.proposals != c.proposals);
    }

    void tpeIgnoresHistoryOutsideTheSpace() {
        const SearchSpace full = paperSpace();
        auto narrowed = full.frozen(0, UnitParameter::Kh, 2);
        QVERIFY(narrowed.ok());
        // 15 trials of an earlier phase, all with unit 1 kh != 2.
        std::vector<Observation> history;
        Random draws(8);
        while (history.size() < 15) {
            Configuration c = RandomSampler::draw(full.parameterSpace(), draws);
            if (c[0] == 2.0) continue;
            history.push_back({.configuration = c, .objectives = syntheticObjectives(full, c)});
        }
        const ParameterSpace space = narrowed->parameterSpace();
        const SamplingContext context{
            .space = space, .history = history, .running = {}, .excluded = {}, .admissible = {}};
        // None of them is compatible, so TPE is still in its random start-up phase.
        Random forTpe(9), forRandom(9);
        TpeSampler tpe(TpeSettings{.startupTrials = 10});
        auto fromTpe = tpe.propose(context, forTpe);
        auto fromRandom = RandomSampler().propose(context, forRandom);
        QVERIFY(fromTpe.ok() && fromRandom.ok());
        QCOMPARE(*fromTpe, *fromRandom);
        QCOMPARE((*fromTpe)[0], 2.0);
        // With compatible history past the start-up phase it models instead of drawing at random.
        std::vector<Observation> compatible = history;
        for (Observation& o : compatible) o.configuration[0] = 2.0;
        const SamplingContext modelled{
            .space = space, .history = compatible, .running = {}, .excluded = {}, .admissible = {}};
        Random again(9), againRandom(9);
        auto fromModel = tpe.propose(modelled, again);
        QVERIFY(fromModel.ok());
        QVERIFY(*fromModel != *RandomSampler().propose(modelled, againRandom));
    }

    // The constant liar: a running configuration joins the bad set, so the same history and the
    // same random state give a different proposal once the first one is running.
    void constantLiarSpreadsParallelProposals_data() {
        QTest::addColumn<bool>("constantLiar");
        QTest::newRow("liar") << true;
        QTest::newRow("no liar") << false;
    }
    void constantLiarSpreadsParallelProposals() {
        QFETCH(bool, constantLiar);
        const SearchSpace space = paperSpace();
        RandomSampler random;
        const Run warmUp = runSearch(random, space, 17, 20);
        const ParameterSpace parameters = space.parameterSpace();
        TpeSampler tpe(TpeSettings{.constantLiar = constantLiar});
        std::vector<Configuration> running;
        std::set<Configuration> distinct;
        for (int worker = 0; worker < 5; ++worker) {
            const SamplingContext context{.space = parameters,
                                          .history = warmUp.history,
                                          .running = running,
                                          .excluded = warmUp.proposals,
                                          .admissible = {}};
            Random sameState(99);
            auto proposal = tpe.propose(context, sameState);
            QVERIFY(proposal.ok());
            running.push_back(*proposal);
            distinct.insert(*proposal);
        }
        QCOMPARE(distinct.size(), constantLiar ? std::size_t{5} : std::size_t{1});
    }

    void tpeHandlesChoiceAndLogUniformDimensions() {
        const ParameterSpace space = OptimizerSpace{}.parameterSpace();
        QCOMPARE(space.dimensions[0].name, std::string("lr"));
        TpeSampler tpe(TpeSettings{.startupTrials = 8});
        Random random(5);
        std::vector<Observation> history;
        std::vector<Configuration> tried;
        // Best at lr = 1e-3 and batch 32.
        const auto loss = [](const Configuration& c) {
            return std::pow(std::log10(c[0]) + 3.0, 2) + (c[1] == 32.0 ? 0.0 : 1.0) + c[2] / 8000.0;
        };
        double startupDistance = 0.0;
        double modelledDistance = 0.0;
        int modelledBatch32 = 0;
        for (int t = 0; t < 40; ++t) {
            const SamplingContext context{.space = space,
                                          .history = history,
                                          .running = {},
                                          .excluded = tried,
                                          .admissible = {}};
            auto proposal = tpe.propose(context, random);
            QVERIFY(proposal.ok());
            QVERIFY(space.contains(*proposal));
            const double distance = std::abs(std::log10((*proposal)[0]) + 3.0);
            if (t < 8) startupDistance += distance / 8.0;
            if (t >= 20) {
                modelledDistance += distance / 20.0;
                modelledBatch32 += (*proposal)[1] == 32.0 ? 1 : 0;
            }
            tried.push_back(*proposal);
            history.push_back({.configuration = *proposal, .objectives = {loss(*proposal)}});
        }
        QVERIFY2(modelledDistance < startupDistance,
                 qPrintable(QString("%1 vs %2").arg(modelledDistance).arg(startupDistance)));
        QVERIFY2(modelledBatch32 > 20 / 4 * 2, qPrintable(QString::number(modelledBatch32)));
    }

    // Infeasible trials, non-finite objectives and odd objective counts must not derail the model.
    void tpeToleratesInfeasibleAndBrokenHistory_data() {
        QTest::addColumn<int>("objectives");
        QTest::newRow("1 objective") << 1;
        QTest::newRow("2 objectives") << 2;
        QTest::newRow("3 objectives") << 3;
    }
    void tpeToleratesInfeasibleAndBrokenHistory() {
        QFETCH(int, objectives);
        const SearchSpace space = paperSpace();
        const ParameterSpace parameters = space.parameterSpace();
        Random draws(21);
        std::vector<Observation> history;
        std::vector<Configuration> tried;
        for (int t = 0; t < 40; ++t) {
            Observation o{.configuration = RandomSampler::draw(parameters, draws)};
            const ObjectiveVector two = syntheticObjectives(space, o.configuration);
            o.objectives = {two[0], two[1], two[0] + two[1]};
            o.objectives.resize(static_cast<std::size_t>(objectives));
            if (t % 5 == 1) o.constraintViolation = 0.1 * t;
            if (t % 7 == 3) o.objectives[0] = std::numeric_limits<double>::quiet_NaN();
            if (t % 11 == 4) o.objectives.push_back(1.0);
            tried.push_back(o.configuration);
            history.push_back(o);
        }
        TpeSampler tpe;
        Random random(2);
        std::vector<Configuration> running;
        for (int worker = 0; worker < 3; ++worker) {
            const SamplingContext context{.space = parameters,
                                          .history = history,
                                          .running = running,
                                          .excluded = tried,
                                          .admissible = {}};
            auto proposal = tpe.propose(context, random);
            QVERIFY(proposal.ok());
            QVERIFY(parameters.contains(*proposal));
            QVERIFY(std::find(tried.begin(), tried.end(), *proposal) == tried.end());
            running.push_back(*proposal);
            tried.push_back(*proposal);
        }
    }

    void tpeBeatsRandomOnASeparableTwoObjectiveProblem() {
        const SearchSpace space = paperSpace();
        std::vector<double> tpeVolumes, randomVolumes;
        for (std::uint64_t seed = 1; seed <= 5; ++seed) {
            TpeSampler tpe;
            RandomSampler random;
            tpeVolumes.push_back(hypervolumeOf(runSearch(tpe, space, seed, 60).history));
            randomVolumes.push_back(hypervolumeOf(runSearch(random, space, seed, 60).history));
        }
        const double tpeMedian = median(tpeVolumes);
        const double randomMedian = median(randomVolumes);
        qInfo("median hypervolume after 60 trials: tpe %.4f, random %.4f", tpeMedian, randomMedian);
        // Measured: tpe 0.047, random 0.040; TPE wins on every seed.
        QVERIFY2(tpeMedian > randomMedian * 1.1,
                 qPrintable(QString("%1 vs %2").arg(tpeMedian).arg(randomMedian)));
        int tpeWins = 0;
        for (std::size_t i = 0; i < tpeVolumes.size(); ++i)
            tpeWins += tpeVolumes[i] > randomVolumes[i] ? 1 : 0;
        QVERIFY2(tpeWins >= 4, qPrintable(QString::number(tpeWins)));
    }
};

QTEST_GUILESS_MAIN(SamplerTest)
#include "SamplerTest.moc"
