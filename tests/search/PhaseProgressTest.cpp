// PhaseProgress on hand-made experiment records: the counts, the rate and the ETA both front ends
// show (the ETA by the projection docs/method.md defines: the running trial's rest at its own
// speed plus the trials the budget still admits at the measured speed, shared by the workers).
#include <QtTest>

#include "core/search/PhasePlan.h"
#include "core/search/PhaseProgress.h"
#include "core/training/TrainingParams.h"

using namespace perfnas;

namespace {

constexpr std::int64_t kStart = 1'700'000'000;

ExperimentConfig smallConfig(int trialBudget, int workers) {
    ExperimentConfig config;
    config.dataset.root = "/data";
    config.searchTrials = trialBudget;
    config.trainSeed = false;
    config.training.iterations = 1000;
    config.workers = workers;
    return config;
}

TrialRecord trial(int id, TrialState state, int iterationsDone, double seconds) {
    TrainingParams params;
    params.iterations = 1000;
    TrialRecord record{.id = id, .phaseId = 1, .state = state};
    record.trainingJson = params.toJson();
    record.iterationsDone = iterationsDone;
    record.seconds = seconds;
    record.startedAt = kStart + 100 * (id - 1);
    if (state != TrialState::Running)
        record.finishedAt = record.startedAt + static_cast<std::int64_t>(seconds);
    record.validationTop1 = 0.5;
    record.mfpops = 10.0 * id;
    return record;
}

PhaseRecord runningSearch(int trialBudget) {
    return {.kind = PhaseKind::Search,
            .trialBudget = trialBudget,
            .state = PhaseState::Running,
            .startedAt = kStart};
}

ExperimentSummary summaryOf(const ExperimentConfig& config, PhaseRecord phase,
                            std::vector<TrialRecord> trials) {
    ExperimentInfo info{
        .name = "progress", .configJson = config.toJson(), .seedSpecJson = config.seed.toJson()};
    phase.id = 1;
    phase.spaceJson = config.space.toJson();
    auto summary = ExperimentSummary::compute(info, {phase}, std::move(trials));
    if (!summary) qFatal("%s", summary.error().message.c_str());
    return *summary;
}

}  // namespace

class PhaseProgressTest : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void noPhaseYet() {
        const ExperimentConfig config = smallConfig(4, 1);
        ExperimentInfo info{.configJson = config.toJson(), .seedSpecJson = config.seed.toJson()};
        auto summary = ExperimentSummary::compute(info, {}, {});
        QVERIFY(summary);
        const PhaseProgress progress = PhaseProgress::of(*summary, kStart);
        QVERIFY(!progress.phase);
        QVERIFY(!progress.etaSeconds);
    }

    void countsRateAndEtaWhileRunning() {
        const ExperimentConfig config = smallConfig(4, 1);
        const PhaseRecord phase = runningSearch(4);
        // Two finished at 0.1 s per iteration, one failed, one halfway at the same speed.
        const ExperimentSummary summary = summaryOf(
            config, phase,
            {trial(1, TrialState::Finished, 1000, 100.0),
             trial(2, TrialState::Finished, 1000, 100.0), trial(3, TrialState::Failed, 0, 0.0),
             trial(4, TrialState::Running, 500, 50.0)});
        const std::int64_t now = kStart + 360;
        const PhaseProgress progress = PhaseProgress::of(summary, now);
        QVERIFY(progress.phase);
        QCOMPARE(progress.phase->kind, PhaseKind::Search);
        QCOMPARE(progress.done, 3);  // finished and failed trials ended
        QCOMPARE(progress.running, 1);
        QCOMPARE(progress.failed, 1);
        QCOMPARE(progress.planned, 4);
        QCOMPARE(progress.trialsPerHour, 3 / 0.1);  // 3 trials in 360 s
        QCOMPARE(progress.frontierSize, static_cast<int>(summary.frontier.size()));
        // The budget admits no new trial: what remains is the running one's 500 iterations at
        // 0.1 s each.
        QVERIFY(progress.etaSeconds);
        QCOMPARE(*progress.etaSeconds, 50.0);
    }

    void etaCountsTheTrialsTheBudgetStillAdmits() {
        const ExperimentConfig config = smallConfig(4, 2);
        const PhaseRecord phase = runningSearch(4);
        const ExperimentSummary summary = summaryOf(config, phase,
                                                    {trial(1, TrialState::Finished, 1000, 100.0),
                                                     trial(2, TrialState::Running, 500, 50.0)});
        const PhaseProgress progress = PhaseProgress::of(summary, kStart + 200);
        // 50 s left of trial 2, two more trials of 100 s, shared by two workers; no shorter than
        // the longest single trial.
        QVERIFY(progress.etaSeconds);
        QCOMPARE(*progress.etaSeconds, (50.0 + 2 * 100.0) / 2);
    }

    void nothingRunningMeansNoEtaAndTheRateOfTheLastActivity() {
        const ExperimentConfig config = smallConfig(4, 1);
        const PhaseRecord phase = runningSearch(4);
        const ExperimentSummary summary = summaryOf(config, phase,
                                                    {trial(1, TrialState::Finished, 1000, 100.0),
                                                     trial(2, TrialState::Finished, 1000, 80.0)});
        const PhaseProgress progress = PhaseProgress::of(summary, kStart + 7200);
        QVERIFY(!progress.etaSeconds);
        // The rate is that of when it ran (trial 2 ended at +180 s), not diluted by the idle hours.
        QCOMPARE(progress.trialsPerHour, 2 / (180.0 / 3600.0));
    }

    void finetuningPlansItsOwnTrials() {
        const ExperimentConfig config = smallConfig(4, 1);
        PhaseRecord phase{
            .kind = PhaseKind::Finetune, .state = PhaseState::Running, .startedAt = kStart};
        const ExperimentSummary summary =
            summaryOf(config, phase,
                      {trial(1, TrialState::Finished, 1000, 100.0),
                       trial(2, TrialState::Queued, 0, 0.0), trial(3, TrialState::Queued, 0, 0.0)});
        QCOMPARE(PhaseProgress::of(summary, kStart + 10).planned, 3);
    }

    void aLongSeedDoesNotKeepTheOtherWorkerIdle() {
        // Rungs of 200 / 600 / 1,800 iterations and 0.05 s per iteration: the seed (at rung 0,
        // 100 of 200 done) needs 85 s more to reach the top, past a 60 s deadline.
        ExperimentConfig config = smallConfig(50, 2);
        config.trainSeed = true;
        config.fidelity = FidelitySettings{.minIterations = 200, .maxIterations = 1800, .eta = 3};
        TrialRecord seed = trial(1, TrialState::Running, 100, 5.0);
        seed.configuration = config.space.configurationOf(config.seed);
        TrialRecord other = trial(2, TrialState::Finished, 200, 10.0);
        other.rungResults = {
            {.rung = 0, .iterations = 200, .validationTop1 = 0.5, .seconds = 10.0}};
        const ExperimentSummary summary = summaryOf(config, runningSearch(50), {seed, other});
        const PhasePlan plan(summary, summary.phases.front());
        // The other worker can still train a new trial's first rung (10 s) in 60 s...
        QVERIFY(plan.admitsNewTrial(60.0));
        // ...but the phase honestly lasts until the seed is done.
        QVERIFY(plan.outlook(60.0).remainingSeconds >= 85.0);
        // A new trial's first rung that cannot fit is refused.
        QVERIFY(!plan.admitsNewTrial(5.0));
    }

    void noEtaWhenNoProcessRunsTheFile() {
        const ExperimentConfig config = smallConfig(4, 1);
        const ExperimentSummary summary = summaryOf(config, runningSearch(4),
                                                    {trial(1, TrialState::Finished, 1000, 100.0),
                                                     trial(2, TrialState::Running, 500, 50.0)});
        QVERIFY(PhaseProgress::of(summary, kStart + 200).etaSeconds);
        const PhaseProgress interrupted =
            PhaseProgress::of(summary, kStart + 200, /*aRunHoldsTheFile=*/false);
        QVERIFY(!interrupted.live);
        QVERIFY(!interrupted.etaSeconds);
        QCOMPARE(interrupted.running, 1);
    }
};

QTEST_GUILESS_MAIN(PhaseProgressTest)
#include "PhaseProgressTest.moc"
