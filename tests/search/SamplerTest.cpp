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
#include "tests/search/SyntheticProblems.h"

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

using synthetic::Problem;
using synthetic::Run;

ObjectiveVector syntheticObjectives(const SearchSpace& space, const Configuration& c) {
    return synthetic::objectives(Problem::Separable, space, c);
}

Run runSearch(Sampler& sampler, const SearchSpace& space, std::uint64_t seed, int trials) {
    return synthetic::runSearch(sampler, Problem::Separable, space, seed, trials);
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
        for (int t = 0; t < 60; ++t) {
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
                modelledDistance += distance / 40.0;
                modelledBatch32 += (*proposal)[1] == 32.0 ? 1 : 0;
            }
            tried.push_back(*proposal);
            history.push_back({.configuration = *proposal, .objectives = {loss(*proposal)}});
        }
        QVERIFY2(modelledDistance < startupDistance,
                 qPrintable(QString("%1 vs %2").arg(modelledDistance).arg(startupDistance)));
        QVERIFY2(modelledBatch32 > 40 / 4 * 2, qPrintable(QString::number(modelledBatch32)));
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

    // TPE against random search on both synthetic problems, 100 trials, seed by seed: the default
    // settings, and the multivariate model where cost is a product of parameters (the default
    // won 4 of 5 there: 2.123 vs 1.887).
    void tpeBeatsRandom_data() {
        QTest::addColumn<int>("problem");
        QTest::addColumn<int>("selection");
        QTest::addColumn<int>("minimumWins");
        QTest::addColumn<double>("medianRatio");
        // Measured (seeds 1-5): separable 0.0509 vs random 0.0421, product 2.499 vs 1.887, both 5
        // of 5.
        QTest::newRow("separable") << static_cast<int>(Problem::Separable)
                                   << static_cast<int>(CandidateSelection::Summed) << 5 << 1.1;
        QTest::newRow("product, multivariate")
            << static_cast<int>(Problem::Product)
            << static_cast<int>(CandidateSelection::Multivariate) << 5 << 1.1;
    }
    void tpeBeatsRandom() {
        QFETCH(int, problem);
        QFETCH(int, selection);
        QFETCH(int, minimumWins);
        QFETCH(double, medianRatio);
        const auto which = static_cast<Problem>(problem);
        const SearchSpace space = paperSpace();
        std::vector<double> tpeVolumes, randomVolumes;
        int tpeWins = 0;
        for (std::uint64_t seed = 1; seed <= 5; ++seed) {
            TpeSampler tpe(TpeSettings{.selection = static_cast<CandidateSelection>(selection)});
            RandomSampler random;
            tpeVolumes.push_back(synthetic::hypervolumeOf(
                which, space, synthetic::runSearch(tpe, which, space, seed, 100), 100));
            randomVolumes.push_back(synthetic::hypervolumeOf(
                which, space, synthetic::runSearch(random, which, space, seed, 100), 100));
            tpeWins += tpeVolumes.back() > randomVolumes.back() ? 1 : 0;
        }
        const double tpeMedian = median(tpeVolumes);
        const double randomMedian = median(randomVolumes);
        qInfo("median hypervolume after 100 trials: tpe %.4f, random %.4f; tpe wins %d of 5",
              tpeMedian, randomMedian, tpeWins);
        QVERIFY2(tpeMedian > randomMedian * medianRatio,
                 qPrintable(QString("%1 vs %2").arg(tpeMedian).arg(randomMedian)));
        QVERIFY2(tpeWins >= minimumWins, qPrintable(QString::number(tpeWins)));
    }
};

QTEST_GUILESS_MAIN(SamplerTest)
#include "SamplerTest.moc"
