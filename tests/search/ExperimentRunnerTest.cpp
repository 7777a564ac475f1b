// ExperimentRunner + ExperimentPlanner on a real SQLite file, with a deterministic executor
// standing in for training so that the orchestration (budgets, failures, resume, stop, pause,
// refinement, fine-tuning, parallel workers) is checked in milliseconds. Real training through the
// same runner is covered by tests/cli/SearchCliTest.
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>
#include <atomic>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <mutex>
#include <set>
#include <thread>

#include "core/benchmark/LatencyBenchmark.h"
#include "core/model/CostModel.h"
#include "core/search/ExperimentPlanner.h"
#include "core/search/ExperimentRunner.h"
#include "core/storage/RunLock.h"
#include "core/training/Checkpoint.h"

using namespace perfnas;
namespace fs = std::filesystem;

namespace {

// Accuracy grows with cost, with a kink so the frontier is not trivial; unit 2 with 7 filters
// fails, unit 2 with 9 filters diverges. Optionally blocks until cancelled or released.
class DeterministicExecutor final : public TrialExecutor {
public:
    std::string name() const override { return "deterministic"; }
    TrialReport run(const TrialRequest& request, const TrainingProgressCallback& progress,
                    const CancelToken& cancel) override {
        {
            std::lock_guard lock(mutex);
            requests.push_back(request);
            ++running;
            maxRunning = std::max(maxRunning, running.load());
        }
        while (block && !cancel.cancelled())
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        std::this_thread::sleep_for(std::chrono::milliseconds(delayMs));
        if (progress) progress({.iteration = 1, .iterations = request.training.iterations});
        TrialReport report{.trialId = request.trialId, .host = name()};
        const double mfpops = CostModel::evaluate(request.spec).mfpops();
        report.training.iterationsDone = request.training.iterations;
        report.training.validationTop1 =
            0.3 + 0.6 * (1.0 - std::exp(-mfpops / 40.0)) -
            0.01 * std::abs(request.spec.units[0].kh - 3) -
            0.05 * std::abs(std::log10(request.training.learningRate) + 2.5);
        if (learnsWithIterations) {  // a longer budget trains better, by the same factor for all
            const int iterations = request.training.iterations;
            report.training.validationTop1 *= static_cast<double>(iterations) / (iterations + 20);
        }
        report.training.seconds = secondsPerIteration * request.training.iterations;
        if (onTrained) onTrained(report.training.seconds);
        if (writesCheckpoint) {  // what a resumed trial looks for
            fs::create_directories(request.training.checkpointFolder);
            std::ofstream(Checkpoint::infoFile(request.training.checkpointFolder)) << "{}";
        }
        report.training.testTop1 = report.training.validationTop1 - 0.01;
        report.training.checkpointFolder = request.training.checkpointFolder;
        if (cancel.cancelled())
            report.training.outcome = TrainingOutcome::Cancelled;
        else if (request.spec.units[1].filters == 7)
            report.failure = makeError(ErrorCode::Internal, "worker crashed");
        else if (request.spec.units[1].filters == 9) {
            report.training.outcome = TrainingOutcome::Diverged;
            report.training.divergedAtIteration = 3;
        }
        std::lock_guard lock(mutex);
        --running;
        return report;
    }

    std::mutex mutex;
    std::vector<TrialRequest> requests;
    std::atomic<int> running{0};
    int maxRunning = 0;
    std::atomic<bool> block{false};
    int delayMs = 0;
    bool learnsWithIterations = false;
    bool writesCheckpoint = false;
    double secondsPerIteration = 0.0;       // reported training time
    std::function<void(double)> onTrained;  // e.g. advances a test clock by the training time
};

// Records events; checks that every reported trial is already committed (read by a second
// connection).
class RecordingObserver final : public ExperimentObserver {
public:
    explicit RecordingObserver(fs::path file) : m_file(std::move(file)) {}
    void trialStarted(const TrialRecord& trial) override { started.push_back(trial.id); }
    void trialFinished(const TrialRecord& trial) override {
        finished.push_back(trial.id);
        auto reader = ExperimentStore::open(m_file, ExperimentStore::Access::ReadOnly);
        if (reader && (*reader)->trial(trial.id) &&
            (*reader)->trial(trial.id)->state == TrialState::Finished) {
            ++committedBeforeReported;
        }
    }
    void trialFailed(const TrialRecord& trial) override { failed.push_back(trial.id); }
    void phaseChanged(const PhaseRecord& phase) override { phases.push_back(phase); }
    void frontierChanged(const ExperimentSummary&) override { ++frontierChanges; }

    std::vector<int> started, finished, failed;
    std::vector<PhaseRecord> phases;
    int frontierChanges = 0;
    int committedBeforeReported = 0;

private:
    fs::path m_file;
};

// Fails the current test unless no waiting trial of any rung belongs in the top 1/eta of its rung.
// `secondsLeft`: what the phase's budget had left at its end; a trial whose next rung (at one
// simulated second per iteration) would not have fit may wait.
void verifyNothingLeftToPromote(const ExperimentSummary& summary,
                                double secondsLeft = std::numeric_limits<double>::infinity()) {
    const FidelitySettings& fidelity = *summary.config.fidelity;
    const std::vector<int> rungIterations = fidelity.rungIterations();
    for (int rung = 0; rung < fidelity.topRung(); ++rung) {
        const int extra = rungIterations[static_cast<std::size_t>(rung) + 1] -
                          rungIterations[static_cast<std::size_t>(rung)];
        if (extra > secondsLeft) continue;
        std::vector<RungStanding> standings;
        for (const TrialRecord& trial : summary.trials) {
            if (static_cast<int>(trial.rungResults.size()) <= rung ||
                trial.id == summary.seedTrialId)
                continue;
            standings.push_back(
                {.trialId = trial.id,
                 .error = 1.0 - trial.rungResults[static_cast<std::size_t>(rung)].validationTop1,
                 .log10Cost = std::log10(summary.costOf(trial)),
                 .promoted = static_cast<int>(trial.rungResults.size()) > rung + 1});
        }
        const auto left =
            SuccessiveHalving::promotable(standings, fidelity.eta, summary.reference());
        const std::string problem = left.empty() ? ""
                                                 : "rung " + std::to_string(rung) + ": trial " +
                                                       std::to_string(left.front()) + " waits";
        QVERIFY2(left.empty(), problem.c_str());
    }
}

ExperimentConfig smallConfig(int trials) {
    ExperimentConfig config;
    config.name = "runner-test";
    config.dataset.root = "/not/used/by/the/deterministic/executor";
    for (UnitSpace& unit : config.space.units)
        unit[UnitParameter::Filters] = Domain::integer(4, 16, 1);
    config.space.units[0][UnitParameter::Filters] =
        Domain::integer(4, 100, 4);  // the seed's 100 is allowed
    for (std::size_t u = 1; u < config.space.units.size(); ++u) {
        config.space.units[u][UnitParameter::Filters] = Domain::choice({4, 7, 8, 9, 12, 16, 100});
    }
    config.searchTrials = trials;
    config.tpe.startupTrials = 4;
    config.training.iterations = 10;
    config.finetune.iterations = 30;
    return config;
}

// The latency objective with real, short measurements on this CPU.
ExperimentConfig smallLatencyConfig(int trials) {
    ExperimentConfig config = smallConfig(trials);
    config.cost = CostMetric::Latency;
    config.latency.runs = 5;
    config.latency.warmupRuns = 1;
    return config;
}

std::vector<TrialRecord> trialsOf(ExperimentStore& store) { return *store.trials(); }

// A new experiment file in a temporary folder.
struct TestExperiment {
    explicit TestExperiment(const ExperimentConfig& config)
        : file(fs::path(folder.path().toStdString()) / "exp.sqlite"),
          store(ExperimentPlanner::create(file, config, "digest")) {
        if (!store) qFatal("cannot create %s: %s", file.c_str(), store.error().message.c_str());
    }
    QTemporaryDir folder;
    fs::path file;
    Result<std::unique_ptr<ExperimentStore>> store;
};

}  // namespace

class ExperimentRunnerTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void runsTheBudgetAndCommitsBeforeReporting() {
        TestExperiment experiment(smallConfig(10));
        auto& store = experiment.store;
        const fs::path& file = experiment.file;
        DeterministicExecutor executor;
        RecordingObserver observer(file);
        ExperimentRunner runner(**store, executor, &observer);
        auto report = runner.run();
        QVERIFY2(report, report ? "" : report.error().message.c_str());

        const auto trials = trialsOf(**store);
        QCOMPARE(static_cast<int>(trials.size()), 10);
        const ExperimentConfig config = smallConfig(10);
        QCOMPARE(trials.front().configuration,
                 config.space.configurationOf(config.seed));  // the seed runs first
        std::set<Configuration> distinct;
        for (const TrialRecord& trial : trials) {
            distinct.insert(trial.configuration);
            QVERIFY(trial.state != TrialState::Queued && trial.state != TrialState::Running);
            QCOMPARE(trial.attempts, 1);
            QVERIFY(trial.checkpointPath.starts_with("exp-checkpoints/trial-"));
        }
        QCOMPARE(distinct.size(), trials.size());
        QCOMPARE(static_cast<int>(observer.finished.size() + observer.failed.size()), 10);
        QCOMPARE(observer.committedBeforeReported, static_cast<int>(observer.finished.size()));
        QVERIFY(observer.frontierChanges >= 1);

        auto summary = ExperimentSummary::load(**store);
        QVERIFY(summary);
        QCOMPARE(summary->phases.size(), std::size_t{1});
        QCOMPARE(summary->phases[0].state, PhaseState::Finished);
        QCOMPARE(summary->seedTrialId, trials.front().id);
        QVERIFY(!summary->frontier.empty());
        QVERIFY(summary->hypervolume > 0.0);
        // Trials got distinct training seeds and the configured per-trial budget.
        std::set<std::uint64_t> seeds;
        for (const TrialRequest& request : executor.requests) {
            seeds.insert(request.training.seed);
            QCOMPARE(request.training.iterations, 10);
        }
        QCOMPARE(seeds.size(), executor.requests.size());
    }

    void failedAndDivergedTrialsAreRecordedAndTheSearchGoesOn() {
        ExperimentConfig config = smallConfig(6);
        config.trainSeed = false;
        config.space.units[1][UnitParameter::Filters] =
            Domain::choice({7, 9});  // every trial fails or diverges
        TestExperiment experiment(config);
        auto& store = experiment.store;
        DeterministicExecutor executor;
        ExperimentRunner runner(**store, executor);
        auto report = runner.run();
        QVERIFY2(report, report ? "" : report.error().message.c_str());
        int failed = 0;
        int diverged = 0;
        for (const TrialRecord& trial : trialsOf(**store)) {
            if (trial.state == TrialState::Failed) {
                ++failed;
                QCOMPARE(QString::fromStdString(trial.error), QString("worker crashed"));
            } else if (trial.state == TrialState::Diverged) {
                ++diverged;
                QVERIFY2(trial.error.find("iteration 3") != std::string::npos, trial.error.c_str());
            }
        }
        QCOMPARE(failed + diverged, 6);
        QVERIFY(failed > 0 && diverged > 0);
        QCOMPARE(report->trialsFailed, 6);
    }

    void aTrialThatCannotStartIsRecordedAsFailed() {
        TestExperiment experiment(smallConfig(3));
        // A file where the checkpoint folder should be: no trial can create its folder.
        std::ofstream(ExperimentPlanner::checkpointRoot(experiment.file)) << "in the way";
        DeterministicExecutor executor;
        auto report = ExperimentRunner(**experiment.store, executor).run();
        QVERIFY2(report, report ? "" : report.error().message.c_str());
        QCOMPARE(report->trialsFailed, 3);
        QVERIFY(executor.requests.empty());
        for (const TrialRecord& trial : trialsOf(**experiment.store)) {
            QCOMPARE(trial.state, TrialState::Failed);
            QVERIFY2(trial.error.find("cannot create the checkpoint folder") != std::string::npos,
                     trial.error.c_str());
        }
    }

    void interruptedTrialsRerunFirst() {
        const ExperimentConfig config = smallConfig(3);
        TestExperiment experiment(config);
        auto& store = experiment.store;
        // What a killed process leaves: a finished trial and one still marked running.
        const auto phaseId = (*store)->phases()->front().id;
        const ArchitectureSpec seed = config.seed;
        TrialRecord finished{.phaseId = phaseId,
                             .state = TrialState::Finished,
                             .configuration = config.space.configurationOf(seed),
                             .specJson = seed.toJson(),
                             .trainingJson = config.training.toJson(),
                             .validationTop1 = 0.8,
                             .mfpops = 613.184,
                             .attempts = 1};
        QVERIFY((*store)->addTrial(finished));
        ArchitectureSpec small = seed;
        for (ConvUnit& unit : small.units) unit.filters = 8;
        TrialRecord running{.phaseId = phaseId,
                            .state = TrialState::Running,
                            .configuration = config.space.configurationOf(small),
                            .specJson = small.toJson(),
                            .trainingJson = config.training.toJson(),
                            .attempts = 1};
        const int runningId = *(*store)->addTrial(running);

        DeterministicExecutor executor;
        ExperimentRunner runner(**store, executor);
        QVERIFY(runner.run());
        QCOMPARE(executor.requests.front().trialId, runningId);  // rerun before any new proposal
        const auto trials = trialsOf(**store);
        QCOMPARE(static_cast<int>(trials.size()), 3);
        QCOMPARE(trials[0].validationTop1, 0.8);  // the finished trial is untouched
        QCOMPARE(trials[1].state, TrialState::Finished);
        QCOMPARE(trials[1].attempts, 2);
    }

    void stopQueuesRunningTrialsAgain() {
        TestExperiment experiment(smallConfig(2));
        auto& store = experiment.store;
        DeterministicExecutor executor;
        executor.block = true;
        ExperimentRunner runner(**store, executor);
        Result<RunReport> report = makeError(ErrorCode::Internal, "not run");
        std::thread thread([&] { report = runner.run(); });
        QTRY_VERIFY_WITH_TIMEOUT(executor.running == 1, 5000);
        const auto started = std::chrono::steady_clock::now();
        runner.stop();
        thread.join();
        QVERIFY(std::chrono::steady_clock::now() - started < std::chrono::seconds(1));
        QVERIFY(report);
        QVERIFY(report->stopped);
        auto trials = trialsOf(**store);
        QCOMPARE(trials.size(), std::size_t{1});
        QCOMPARE(trials[0].state, TrialState::Queued);
        QCOMPARE((*store)->phases()->front().state, PhaseState::Running);

        executor.block = false;
        ExperimentRunner again(**store, executor);
        QVERIFY(again.run());
        trials = trialsOf(**store);
        QCOMPARE(trials.size(), std::size_t{2});
        QCOMPARE(trials[0].state, TrialState::Finished);
        QCOMPARE(trials[0].attempts, 2);
    }

    void pauseHoldsNewTrialsUntilResume() {
        TestExperiment experiment(smallConfig(3));
        auto& store = experiment.store;
        DeterministicExecutor executor;
        ExperimentRunner runner(**store, executor);
        runner.pause();
        std::thread thread([&] { (void)runner.run(); });
        std::this_thread::sleep_for(std::chrono::milliseconds(400));
        QCOMPARE(executor.requests.size(), std::size_t{0});
        runner.resume();
        thread.join();
        QCOMPARE(executor.requests.size(), std::size_t{3});
    }

    void parallelWorkersGetDistinctProposals() {
        ExperimentConfig config = smallConfig(12);
        config.workers = 2;
        config.tpe.startupTrials = 2;
        TestExperiment experiment(config);
        auto& store = experiment.store;
        DeterministicExecutor executor;
        ExperimentRunner runner(**store, executor);
        QVERIFY(runner.run());
        const auto trials = trialsOf(**store);
        QCOMPARE(trials.size(), std::size_t{12});
        std::set<Configuration> distinct;
        for (const TrialRecord& trial : trials) distinct.insert(trial.configuration);
        QCOMPARE(distinct.size(), trials.size());
        QCOMPARE(executor.requests.front().training.threads, config.effectiveThreadsPerTrial());
    }

    void wallClockLimitEndsThePhase() {
        ExperimentConfig config = smallConfig(50);
        config.searchMaxMinutes = 0.5 / 60.0;  // half a second
        TestExperiment experiment(config);
        auto& store = experiment.store;
        DeterministicExecutor executor;
        executor.delayMs = 100;
        QVERIFY(ExperimentRunner(**store, executor).run());
        const auto trials = trialsOf(**store);
        QVERIFY2(trials.size() >= 3 && trials.size() <= 8, std::to_string(trials.size()).c_str());
        QCOMPARE((*store)->phases()->front().state, PhaseState::Finished);
        for (const TrialRecord& trial :
             trials) {  // running trials finish; none is cut off or left queued
            QVERIFY(trial.state != TrialState::Queued && trial.state != TrialState::Running &&
                    trial.state != TrialState::Cancelled);
        }
    }

    void rungsPromoteTheTopThirdAndOnlyTheTopRungIsOnTheFrontier() {
        ExperimentConfig config = smallConfig(18);
        config.fidelity = FidelitySettings{.minIterations = 10, .maxIterations = 90, .eta = 3};
        for (std::size_t u = 1; u < config.space.units.size();
             ++u) {  // no failing or diverging trials here
            config.space.units[u][UnitParameter::Filters] = Domain::choice({4, 8, 12, 16, 100});
        }
        TestExperiment experiment(config);
        auto& store = experiment.store;
        DeterministicExecutor executor;
        executor.learnsWithIterations = true;
        executor.writesCheckpoint = true;
        QVERIFY(ExperimentRunner(**store, executor).run());
        const auto summary = ExperimentSummary::load(**store);
        QVERIFY(summary);
        QCOMPARE(summary->trials.size(), std::size_t{18});

        // The seed is the baseline: it always reaches the top rung.
        const TrialRecord* seed = summary->trial(summary->seedTrialId);
        QVERIFY(seed);
        QCOMPARE(seed->rung, 2);
        QCOMPARE(seed->iterationsDone, 90);
        int atTop = 0;
        for (const TrialRecord& trial : summary->trials) {
            QCOMPARE(trial.state, TrialState::Finished);
            QCOMPARE(static_cast<int>(trial.rungResults.size()), trial.rung + 1);
            QCOMPARE(trial.iterationsDone,
                     std::vector<int>({10, 30, 90})[static_cast<std::size_t>(trial.rung)]);
            QCOMPARE(TrainingParams::fromJson(trial.trainingJson)->iterations,
                     90);  // the schedule's length
            for (std::size_t k = 0; k < trial.rungResults.size(); ++k) {
                QCOMPARE(trial.rungResults[k].rung, static_cast<int>(k));
                QVERIFY(k == 0 || trial.rungResults[k].seconds >= trial.rungResults[k - 1].seconds);
            }
            atTop += summary->isAtTopRung(trial) ? 1 : 0;
        }
        QVERIFY2(atTop >= 2 && atTop < 18, std::to_string(atTop).c_str());
        verifyNothingLeftToPromote(*summary);
        for (int id : summary->frontier) QVERIFY(summary->isAtTopRung(*summary->trial(id)));

        // A promoted trial continues its own checkpoint up to the next rung's iterations.
        int continued = 0;
        for (const TrialRequest& request : executor.requests) {
            QVERIFY(request.training.iterations == 10 || request.training.iterations == 30 ||
                    request.training.iterations == 90);
            if (request.training.iterations > 10) {
                ++continued;
                QCOMPARE(request.resumeFrom, request.training.checkpointFolder);
            } else {
                QVERIFY(request.resumeFrom.empty());
            }
        }
        QCOMPARE(continued, static_cast<int>(executor.requests.size()) - 18);

        // Fine-tuning continues the top-rung frontier only.
        QVERIFY(ExperimentPlanner::planFinetune(**store));
        const auto candidates = ExperimentPlanner::finetuneCandidates(**store, 1000);
        QVERIFY(candidates && !candidates->empty());
        for (int parent : *candidates) {
            QVERIFY(summary->isAtTopRung(*summary->trial(parent)));
        }
    }

    void aWallClockBudgetAdmitsWhatFitsAndEndsWithAFinishedTopRung() {
        ExperimentConfig config = smallConfig(500);
        config.fidelity = FidelitySettings{.minIterations = 10, .maxIterations = 90, .eta = 3};
        for (std::size_t u = 1; u < config.space.units.size();
             ++u) {  // no failing or diverging trials here
            config.space.units[u][UnitParameter::Filters] = Domain::choice({4, 8, 12, 16, 100});
        }
        config.searchMaxMinutes = 60.0;
        TestExperiment experiment(config);
        auto& store = experiment.store;
        // The injected clock moves only when a trial trains: one simulated second per iteration.
        std::atomic<double> simulatedSeconds{0.0};
        DeterministicExecutor executor;
        executor.learnsWithIterations = true;
        executor.secondsPerIteration = 1.0;
        executor.onTrained = [&](double seconds) { simulatedSeconds = simulatedSeconds + seconds; };
        const auto start = ExperimentRunner::Clock::now();
        auto clock = [&] {
            return start + std::chrono::duration_cast<ExperimentRunner::Clock::duration>(
                               std::chrono::duration<double>(simulatedSeconds.load()));
        };
        QVERIFY(ExperimentRunner(**store, executor, nullptr, clock).run());
        const auto summary = ExperimentSummary::load(**store);
        QVERIFY(summary);
        // The phase ends inside its budget: no trial is admitted, and no trial promoted, whose
        // training could run past it.
        const double budget = 3600.0;
        QVERIFY2(simulatedSeconds > 0.8 * budget && simulatedSeconds <= budget,
                 std::to_string(simulatedSeconds.load()).c_str());
        QVERIFY(summary->trials.size() < 500);
        for (const TrialRecord& trial : summary->trials)
            QCOMPARE(trial.state, TrialState::Finished);
        verifyNothingLeftToPromote(*summary, budget - simulatedSeconds);
        QVERIFY(summary->frontier.size() >= 2);
    }

    void theLatencyObjectiveMeasuresEachArchitectureOnceBeforeItTrains() {
        ExperimentConfig config = smallLatencyConfig(6);
        config.refinementTrials = 3;
        TestExperiment experiment(config);
        auto& store = experiment.store;
        DeterministicExecutor executor;
        QVERIFY(ExperimentRunner(**store, executor).run());

        auto summary = ExperimentSummary::load(**store);
        QVERIFY(summary);
        const auto stored = (*store)->latencies();
        QVERIFY(stored);
        std::map<std::string, LatencyRecord> byArchitecture;
        for (const LatencyRecord& record : *stored) {
            QCOMPARE(record.target, std::string("local:1"));
            QVERIFY(record.medianMs > 0 && record.runs == 5);
            QCOMPARE(record.device, std::string("CPU, 1 thread"));
            byArchitecture[record.architecture] = record;
        }
        QVERIFY(byArchitecture.contains(config.seed.toJson()));
        for (const TrialRecord& trial : summary->trials) {  // every trained one was measured
            QVERIFY(byArchitecture.contains(trial.specJson));
            QCOMPARE(summary->costOf(trial), byArchitecture[trial.specJson].medianMs);
        }
        // The frontier and the hypervolume are in (1 - TOP-1, latency), reference at the seed's.
        const double seedMs = byArchitecture[config.seed.toJson()].medianMs;
        QCOMPARE(summary->seedCost(), seedMs);
        QCOMPARE(summary->reference().y, std::log10(seedMs));
        QVERIFY(!summary->frontier.empty() && summary->hypervolume > 0);
        for (std::size_t i = 1; i < summary->frontier.size(); ++i) {
            QVERIFY(summary->costOf(*summary->trial(summary->frontier[i])) >=
                    summary->costOf(*summary->trial(summary->frontier[i - 1])));
        }

        // A later phase measures only new architectures: the seed keeps its first measurement.
        QVERIFY(ExperimentPlanner::freeze(
            **store, {{.unit = 0, .parameter = UnitParameter::Kh, .value = 4}}));
        QVERIFY(ExperimentRunner(**store, executor).run());
        const auto after = (*store)->latencies();
        QVERIFY(after);
        for (const LatencyRecord& record : *after) {
            if (record.architecture == config.seed.toJson())
                QCOMPARE(record.measuredAt, byArchitecture[record.architecture].measuredAt);
        }
    }

    void maxLatencyKeepsSlowProposalsOut() {
        ExperimentConfig config = smallLatencyConfig(6);
        // A tenth of the seed's latency: only much smaller architectures may train.
        const auto seed = LatencyBenchmark::measure({config.seed}, {.runs = 5, .warmupRuns = 1});
        QVERIFY(seed);
        config.maxLatencyMs = seed->front().medianMs / 10.0;
        TestExperiment experiment(config);
        auto& store = experiment.store;
        DeterministicExecutor executor;
        QVERIFY(ExperimentRunner(**store, executor).run());
        const auto summary = ExperimentSummary::load(**store);
        QVERIFY(summary);
        for (const TrialRecord& trial : summary->trials) {
            if (trial.configuration == config.space.configurationOf(config.seed)) continue;
            QVERIFY2(summary->costOf(trial) <= *config.maxLatencyMs,
                     std::to_string(summary->costOf(trial)).c_str());
        }
    }

    void aFileAnotherRunnerHoldsIsRefused() {
        TestExperiment experiment(smallConfig(3));
        auto& store = experiment.store;
        auto other = RunLock::acquire(experiment.file);  // as another process's runner would
        QVERIFY(other);
        DeterministicExecutor executor;
        auto refused = ExperimentRunner(**store, executor).run();
        QVERIFY(!refused);
        QVERIFY2(
            refused.error().message.find("is being run by another process") != std::string::npos,
            refused.error().message.c_str());
        QVERIFY(executor.requests.empty());
    }

    void maxMfpopsKeepsExpensiveProposalsOut() {
        ExperimentConfig config = smallConfig(8);
        config.maxMfpops = 5.0;
        TestExperiment experiment(config);
        auto& store = experiment.store;
        DeterministicExecutor executor;
        ExperimentRunner runner(**store, executor);
        QVERIFY(runner.run());
        const auto trials = trialsOf(**store);
        QCOMPARE(trials.size(), std::size_t{8});
        for (std::size_t i = 1; i < trials.size(); ++i)
            QVERIFY2(trials[i].mfpops <= 5.0, std::to_string(trials[i].mfpops).c_str());
    }

    void freezeStartsARefinementPhaseInTheReducedSpace() {
        ExperimentConfig config = smallConfig(8);
        config.refinementTrials = 4;
        TestExperiment experiment(config);
        auto& store = experiment.store;
        DeterministicExecutor executor;
        QVERIFY(ExperimentRunner(**store, executor).run());
        const auto before = ExperimentSummary::load(**store);
        QVERIFY(before && !before->suggestions.empty());

        auto already = ExperimentPlanner::freeze(
            **store, {{.unit = 0, .parameter = UnitParameter::Kh, .value = 99}});
        QVERIFY(!already);
        QVERIFY2(already.error().message.find("kh") != std::string::npos,
                 already.error().message.c_str());

        auto phase = ExperimentPlanner::freeze(
            **store, {{.unit = 0, .parameter = UnitParameter::Kh, .value = 3}});
        QVERIFY2(phase, phase ? "" : phase.error().message.c_str());
        QCOMPARE(phase->kind, PhaseKind::Refinement);
        QCOMPARE(phase->round, 1);
        // A second freeze before the phase starts joins it.
        auto merged = ExperimentPlanner::freeze(
            **store, {{.unit = 1, .parameter = UnitParameter::Kw, .value = 2}});
        QVERIFY(merged);
        QCOMPARE(merged->id, phase->id);
        auto twice = ExperimentPlanner::freeze(
            **store, {{.unit = 0, .parameter = UnitParameter::Kh, .value = 3}});
        QVERIFY(!twice);
        QVERIFY2(twice.error().message.find("already frozen") != std::string::npos,
                 twice.error().message.c_str());

        QVERIFY(ExperimentRunner(**store, executor).run());
        const auto after = ExperimentSummary::load(**store);
        QVERIFY(after);
        QCOMPARE(after->phases.size(), std::size_t{2});
        int refined = 0;
        for (const TrialRecord& trial : after->trials) {
            if (trial.phaseId != phase->id) continue;
            ++refined;
            QCOMPARE(trial.configuration[SearchSpace::dimensionIndex(0, UnitParameter::Kh)], 3.0);
            QCOMPARE(trial.configuration[SearchSpace::dimensionIndex(1, UnitParameter::Kw)], 2.0);
        }
        QCOMPARE(refined, 4);
        QVERIFY(after->hypervolume >=
                before->hypervolume);  // earlier candidates stay on the frontier
        for (const Suggestion& suggestion : after->suggestions) {
            QVERIFY(!(suggestion.unit == 0 && suggestion.parameter == UnitParameter::Kh));
        }
    }

    void automaticRefinementRounds() {
        ExperimentConfig config = smallConfig(8);
        config.autoRefinementRounds = 1;
        config.autoMinimumShare = 0.5;
        config.refinementTrials = 3;
        TestExperiment experiment(config);
        auto& store = experiment.store;
        DeterministicExecutor executor;
        QVERIFY(ExperimentRunner(**store, executor).run());
        const auto phases = *(*store)->phases();
        QCOMPARE(phases.size(), std::size_t{2});
        QCOMPARE(phases[1].kind, PhaseKind::Refinement);
        QCOMPARE(phases[1].state, PhaseState::Finished);
        QVERIFY(phases[1].spaceJson.find("frozen") != std::string::npos);
    }

    void optimizerPhaseTunesTheSeedThenTheSearchUsesTheBest() {
        ExperimentConfig config = smallConfig(3);
        config.optimizerSpace = OptimizerSpace{};
        config.optimizerTrials = 5;
        TestExperiment experiment(config);
        auto& store = experiment.store;
        DeterministicExecutor executor;
        QVERIFY(ExperimentRunner(**store, executor).run());
        const auto summary = ExperimentSummary::load(**store);
        QVERIFY(summary);
        QCOMPARE(summary->phases.size(), std::size_t{2});
        QCOMPARE(summary->phases[0].kind, PhaseKind::Optimizer);
        QCOMPARE(summary->phases[1].kind, PhaseKind::Search);
        const TrialRecord* best = nullptr;
        for (const TrialRecord& trial : summary->trials) {
            if (trial.phaseId != summary->phases[0].id) continue;
            QCOMPARE(*ArchitectureSpec::fromJson(trial.specJson),
                     config.seed);  // phase 0 trains the seed
            QVERIFY(config.optimizerSpace->parameterSpace().contains(trial.configuration));
            if (!best || trial.validationTop1 > best->validationTop1) best = &trial;
        }
        QVERIFY(best);
        const TrainingParams tuned = *TrainingParams::fromJson(best->trainingJson);
        int searched = 0;
        for (const TrialRecord& trial : summary->trials) {
            if (trial.phaseId != summary->phases[1].id) continue;
            ++searched;
            const TrainingParams used = *TrainingParams::fromJson(trial.trainingJson);
            QCOMPARE(used.learningRate, tuned.learningRate);
            QCOMPARE(used.batchSize, tuned.batchSize);
            QCOMPARE(used.iterations, tuned.iterations);
        }
        QCOMPARE(searched, 3);
        // Phase-0 trials are not architecture candidates.
        for (int id : summary->frontier)
            QCOMPARE(summary->trial(id)->phaseId, summary->phases[1].id);
    }

    void previewsSayWhatAFreezeAndFineTuningWillAdd() {
        ExperimentConfig config = smallConfig(6);
        config.refinementTrials = 4;
        TestExperiment experiment(config);
        auto& store = experiment.store;
        DeterministicExecutor executor;
        executor.secondsPerIteration = 1.0;
        QVERIFY(ExperimentRunner(**store, executor).run());
        const auto searched = ExperimentSummary::load(**store);
        QVERIFY(searched);
        const int searchIterations = config.searchIterations();

        // Four new trials at the measured one second per iteration, on one worker.
        const PhasePreview refinement = ExperimentPlanner::previewFreeze(*searched);
        QCOMPARE(refinement.round, 1);
        QCOMPARE(refinement.trials, 4);
        QCOMPARE(refinement.estimatedSeconds, 4.0 * searchIterations);

        // Every candidate continues from its search iterations to the fine-tuning budget.
        const PhasePreview finetune = ExperimentPlanner::previewFinetune(*searched);
        const auto candidates = ExperimentPlanner::finetuneCandidates(**store);
        QVERIFY(candidates && !candidates->empty());
        QCOMPARE(finetune.trials, static_cast<int>(candidates->size()));
        QCOMPARE(finetune.iterations, config.finetune.iterations);
        QCOMPARE(finetune.estimatedSeconds, static_cast<double>(candidates->size()) *
                                                (config.finetune.iterations - searchIterations));

        // The freeze adds what the preview said.
        auto phase = ExperimentPlanner::freeze(
            **store, {{.unit = 0, .parameter = UnitParameter::Kh, .value = 3}});
        QVERIFY(phase);
        QCOMPARE(phase->round, refinement.round);
        QCOMPARE(phase->trialBudget, refinement.trials);
    }

    void finetuneContinuesEveryFrontierModel() {
        TestExperiment experiment(smallConfig(6));
        auto& store = experiment.store;
        DeterministicExecutor executor;
        QVERIFY(ExperimentRunner(**store, executor).run());
        const auto searched = ExperimentSummary::load(**store);
        QVERIFY(searched);

        auto phase = ExperimentPlanner::planFinetune(**store);
        QVERIFY2(phase, phase ? "" : phase.error().message.c_str());
        executor.requests.clear();
        QVERIFY(ExperimentRunner(**store, executor).run());
        std::set<int> expected(searched->frontier.begin(), searched->frontier.end());
        expected.insert(searched->seedTrialId);  // the baseline is fine-tuned too
        QVERIFY(searched->seedTrialId != 0);
        QCOMPARE(executor.requests.size(), expected.size());
        for (const TrialRequest& request : executor.requests) {
            QCOMPARE(request.training.iterations, 30);
            QVERIFY(request.resumeFrom.string().find("exp-checkpoints/trial-") !=
                    std::string::npos);
        }
        const auto tuned = ExperimentSummary::load(**store);
        std::set<int> parents;
        for (const TrialRecord& trial : tuned->trials) {
            if (trial.phaseId == phase->id) {
                QCOMPARE(trial.state, TrialState::Finished);
                parents.insert(trial.parentTrialId);
            }
        }
        QCOMPARE(parents, expected);
        QCOMPARE(tuned->frontier, searched->frontier);       // fine-tuned results are shown apart
        QVERIFY(!ExperimentPlanner::planFinetune(**store));  // nothing left to fine-tune
        QVERIFY(ExperimentPlanner::finetuneCandidates(**store)->empty());
        QCOMPARE(ExperimentPlanner::finetuneCandidates(**store, 1000)->size(), expected.size());
    }
};

QTEST_GUILESS_MAIN(ExperimentRunnerTest)
#include "ExperimentRunnerTest.moc"
