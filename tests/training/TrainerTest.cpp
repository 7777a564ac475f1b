#include <QTemporaryDir>
#include <QtTest>
#include <cmath>

#include "core/dataset/DatasetLoader.h"
#include "core/model/CostModel.h"
#include "core/model/KwsNetwork.h"
#include "core/training/Checkpoint.h"
#include "core/training/Evaluator.h"
#include "core/training/Trainer.h"
#include "tests/support/DatasetFixture.h"

using namespace perfnas;
namespace fs = std::filesystem;

namespace {

// Three tone "words": an easy problem a tiny network learns in a few dozen iterations.
const std::vector<std::string> kWords = {"low", "mid", "high"};

ArchitectureSpec tinySpec() {
    return {.name = "tiny", .classes = 3, .units = {{10, 3, 16, {2, 2}}, {3, 3, 16}}};
}

TrainingParams quickParams(const fs::path& checkpoints) {
    return {.iterations = 60,
            .batchSize = 16,
            .learningRate = 1e-2,
            .validateEvery = 20,
            .checkpointEvery = 20,
            .seed = 5,
            .threads = 1,
            .checkpointFolder = checkpoints};
}

class Fixture {
public:
    Fixture() {
        test::makeKeywordDataset(root(), kWords, 12);
        auto loaded =
            DatasetLoader::load({.root = root(), .keywords = kWords}, {.useCache = false});
        if (!loaded) qFatal("%s", loaded.error().message.c_str());
        features = std::move(loaded->features);
    }
    fs::path root() const { return fs::path(m_dir.path().toStdString()) / "data"; }
    fs::path folder(const std::string& name) const {
        return fs::path(m_dir.path().toStdString()) / name;
    }
    FeatureSet features;

private:
    QTemporaryDir m_dir;
};

}  // namespace

class TrainerTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void networkConvWeightsEqualEquationTwo() {
        for (const ArchitectureSpec& spec :
             {tinySpec(), ArchitectureSpec{.classes = 10,
                          .units = {{4, 10, 100, {1, 2}}, {3, 3, 100}, {1, 1, 7}}}}) {
            KwsNetwork network(spec);
            QCOMPARE(network->convWeightCount(), CostModel::evaluate(spec).params);
            // "same" padding keeps ceil(H/S) x ceil(W/S), even for even kernels and strides.
            torch::NoGradGuard noGrad;
            network->eval();
            const auto logits = network->forward(torch::zeros({2, 1, 40, 32}));
            QCOMPARE(logits.size(0), std::int64_t{2});
            QCOMPARE(logits.size(1), std::int64_t{spec.classes});
        }
    }

    void learnsTonesAndWritesACheckpoint() {
        Fixture f;
        std::vector<TrainingProgress> steps;
        auto result = Trainer::train(tinySpec(), f.features, quickParams(f.folder("ck")),
                                     [&](const TrainingProgress& step) { steps.push_back(step); });
        QVERIFY2(result.ok(), result.ok() ? "" : result.error().message.c_str());
        QCOMPARE(result->outcome, TrainingOutcome::Finished);
        QCOMPARE(result->iterationsDone, 60);
        for (const CurvePoint& point : result->curve) {
            qInfo("iteration %d: training loss %.3f, validation loss %.3f, TOP-1 %.3f",
                  point.iteration, point.trainingLoss, point.validationLoss, point.validationTop1);
        }
        QVERIFY2(result->validationTop1 >= 0.99,
                 qPrintable(QString::number(result->validationTop1)));
        QVERIFY(result->testTop1 >= 0.99);
        QCOMPARE(result->curve.size(), std::size_t{3});  // 20, 40 and the final 60
        QCOMPARE(result->curve.back().iteration, 60);
        QVERIFY(!steps.empty());
        QCOMPARE(steps.back().iteration, 60);
        QVERIFY(steps.back().samplesPerSecond > 0.0);

        auto info = Checkpoint::readInfo(f.folder("ck"));
        QVERIFY(info.ok());
        QCOMPARE(info->iteration, 60);
        QCOMPARE(info->spec, tinySpec());
        QCOMPARE(info->classNames, kWords);
        auto evaluated =
            Evaluator::evaluateCheckpoint(f.folder("ck"), f.features, Split::Testing, 1);
        QVERIFY(evaluated.ok());
        QCOMPARE(evaluated->top1, result->testTop1);
        QCOMPARE(evaluated->samples, std::size_t{3});
    }

    void sameSeedOnOneThreadGivesTheSameRun() {
        Fixture f;
        auto a = Trainer::train(tinySpec(), f.features, quickParams({}));
        auto b = Trainer::train(tinySpec(), f.features, quickParams({}));
        QVERIFY(a.ok() && b.ok());
        for (std::size_t i = 0; i < a->curve.size(); ++i) {
            QCOMPARE(a->curve[i].trainingLoss, b->curve[i].trainingLoss);
            QCOMPARE(a->curve[i].validationLoss, b->curve[i].validationLoss);
        }
    }

    void resumingAContinuesExactlyWhereTheRunStopped() {
        Fixture f;
        TrainingParams full = quickParams(f.folder("full"));
        auto uninterrupted = Trainer::train(tinySpec(), f.features, full);
        QVERIFY(uninterrupted.ok());

        TrainingParams firstHalf = quickParams(f.folder("half"));
        firstHalf.iterations = 40;
        QVERIFY(Trainer::train(tinySpec(), f.features, firstHalf).ok());
        TrainingParams secondHalf = quickParams(f.folder("resumed"));
        auto resumed = Trainer::resume(f.folder("half"), f.features, secondHalf);
        QVERIFY2(resumed.ok(), resumed.ok() ? "" : resumed.error().message.c_str());
        QCOMPARE(resumed->iterationsDone, 60);
        QCOMPARE(resumed->curve.back().validationLoss, uninterrupted->curve.back().validationLoss);
        QCOMPARE(resumed->curve.back().trainingLoss, uninterrupted->curve.back().trainingLoss);
    }

    // The plans differ in rounding only: the same seed trains to nearly the same losses under each.
    void everyStepPlanTrainsTheSameNetwork() {
        Fixture f;
        std::vector<double> finalLosses;
        for (const StepPlan& plan : StepPlan::candidates()) {
            TrainingParams params = quickParams({});
            params.iterations = 20;
            params.stepPlan = plan.name();
            auto result = Trainer::train(tinySpec(), f.features, params);
            QVERIFY2(result.ok(), result.ok() ? "" : result.error().message.c_str());
            finalLosses.push_back(result->curve.back().validationLoss);
        }
        for (double loss : finalLosses) {
            QVERIFY2(
                std::abs(loss - finalLosses.front()) < 1e-3 * std::abs(finalLosses.front()) + 1e-4,
                qPrintable(QString("%1 vs %2").arg(loss).arg(finalLosses.front())));
        }
    }

    // A continuation runs the plan its checkpoint ran, whatever the new run would choose.
    void aContinuationKeepsTheCheckpointsStepPlan() {
        Fixture f;
        TrainingParams library = quickParams(f.folder("library-one-go"));
        library.stepPlan = "nchw-library";
        auto oneGo = Trainer::train(tinySpec(), f.features, library);
        QVERIFY(oneGo.ok());

        TrainingParams first = library;
        first.checkpointFolder = f.folder("library-rungs");
        first.iterations = 30;
        QVERIFY(Trainer::train(tinySpec(), f.features, first).ok());
        QCOMPARE(Checkpoint::readInfo(first.checkpointFolder)->stepPlan.name(),
                 std::string("nchw-library"));
        TrainingParams rest = first;
        rest.iterations = 60;
        rest.stepPlan = "nhwc-fused";  // ignored: the checkpoint says how it ran
        auto continued = Trainer::resume(first.checkpointFolder, f.features, rest);
        QVERIFY2(continued.ok(), continued.ok() ? "" : continued.error().message.c_str());
        QCOMPARE(continued->curve.back().trainingLoss, oneGo->curve.back().trainingLoss);
        QCOMPARE(continued->curve.back().validationLoss, oneGo->curve.back().validationLoss);
    }

    // Successive halving's promotion: the trial trains to its rung, then continues in the same
    // folder to the next; a step schedule that crosses the rung boundary must run as in one go.
    void aRungContinuedInItsOwnFolderEqualsOneRun() {
        Fixture f;
        TrainingParams schedule = quickParams(f.folder("one-go"));
        schedule.decayFactor = 0.5;
        schedule.decayEvery = 25;
        auto oneGo = Trainer::train(tinySpec(), f.features, schedule);
        QVERIFY(oneGo.ok());

        TrainingParams rung = schedule;
        rung.checkpointFolder = f.folder("rungs");
        rung.iterations = 30;  // not a multiple of the validation or checkpoint period
        auto first = Trainer::train(tinySpec(), f.features, rung);
        QVERIFY(first.ok());
        QCOMPARE(first->iterationsDone, 30);
        rung.iterations = 60;
        auto continued = Trainer::resume(rung.checkpointFolder, f.features, rung);
        QVERIFY2(continued.ok(), continued.ok() ? "" : continued.error().message.c_str());
        QCOMPARE(continued->iterationsDone, 60);
        QCOMPARE(continued->validationTop1, oneGo->validationTop1);
        QCOMPARE(continued->curve.back().validationLoss, oneGo->curve.back().validationLoss);
        QCOMPARE(continued->curve.back().trainingLoss, oneGo->curve.back().trainingLoss);
        QCOMPARE(Checkpoint::readInfo(rung.checkpointFolder)->iteration, 60);
    }

    void nonFiniteLossEndsTheRunAsDiverged() {
        Fixture f;
        for (float& value : f.features.split(Split::Training).mfcc) value = std::nanf("");
        TrainingParams params = quickParams({});
        params.augmentation.enabled = false;  // use the poisoned cached MFCCs directly
        auto result = Trainer::train(tinySpec(), f.features, params);
        QVERIFY(result.ok());
        QCOMPARE(result->outcome, TrainingOutcome::Diverged);
        QCOMPARE(result->divergedAtIteration, 1);
    }

    void cancellationStopsWithinAnIteration() {
        Fixture f;
        CancelToken cancel;
        TrainingParams params = quickParams({});
        params.iterations = 100000;
        auto result = Trainer::train(
            tinySpec(), f.features, params, [&](const TrainingProgress&) { cancel.cancel(); },
            cancel);
        QVERIFY(result.ok());
        QCOMPARE(result->outcome, TrainingOutcome::Cancelled);
        QVERIFY(result->iterationsDone < 100000);
    }

    void badInputIsRejected() {
        Fixture f;
        ArchitectureSpec wrongClasses = tinySpec();
        wrongClasses.classes = 10;
        auto mismatch = Trainer::train(wrongClasses, f.features, quickParams({}));
        QVERIFY(!mismatch.ok());
        QVERIFY(QString::fromStdString(mismatch.error().message).contains("10 classes"));

        auto notACheckpoint = Trainer::resume(f.folder("nothing"), f.features, quickParams({}));
        QVERIFY(!notACheckpoint.ok());
        QVERIFY(QString::fromStdString(notACheckpoint.error().message)
                    .contains("not a checkpoint folder"));
    }

    void checkpointEvaluatesOnAnotherFolderWithTheSameClasses() {
        Fixture f;
        QVERIFY(Trainer::train(tinySpec(), f.features, quickParams(f.folder("ck"))).ok());
        Fixture other;  // another dataset folder, same layout and words
        auto evaluated = Evaluator::evaluateCheckpointOnAll(f.folder("ck"), other.features, 1);
        QVERIFY(evaluated.ok());
        QCOMPARE(evaluated->samples, std::size_t{36});
        QVERIFY(evaluated->top1 >= 0.9);

        other.features.classNames = {"a", "b", "c"};
        auto wrong =
            Evaluator::evaluateCheckpoint(f.folder("ck"), other.features, Split::Testing, 1);
        QVERIFY(!wrong.ok());
        QVERIFY(QString::fromStdString(wrong.error().message)
                    .contains("trained on classes low,mid,high"));
    }
};

QTEST_GUILESS_MAIN(TrainerTest)
#include "TrainerTest.moc"
