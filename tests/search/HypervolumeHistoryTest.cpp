// hypervolumeHistory against the definition: at every step, the hypervolume of all candidates
// finished by then, computed from scratch; the last step is the summary's hypervolume.
#include <QTemporaryDir>
#include <QtTest>

#include "core/search/HypervolumeHistory.h"
#include "tests/ui/SyntheticExperiment.h"

using namespace perfnas;

class HypervolumeHistoryTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void everyStepIsTheHypervolumeOfWhatHadFinished() {
        QTemporaryDir folder;
        const auto file = std::filesystem::path(folder.path().toStdString()) / "history.sqlite";
        auto store = test::makeSyntheticExperiment(
            file, test::smallSearchConfig("/data/unused", 80), {.trials = 80});
        const auto summary = ExperimentSummary::load(*store);
        QVERIFY(summary);
        const std::vector<HypervolumeStep> steps = hypervolumeHistory(*summary);

        std::vector<const TrialRecord*> candidates;
        for (const TrialRecord& trial : summary->trials)
            if (summary->isCandidate(trial)) candidates.push_back(&trial);
        QCOMPARE(steps.size(), candidates.size());  // failed and diverged trials are no steps
        std::vector<Point2> finished;
        for (std::size_t k = 0; k < steps.size(); ++k) {
            const TrialRecord* trial = summary->trial(steps[k].trialId);
            QVERIFY(trial && summary->isCandidate(*trial));
            QCOMPARE(steps[k].phaseId, trial->phaseId);
            finished.push_back(summary->objectivePoint(*trial));
            QVERIFY(qFuzzyCompare(1.0 + steps[k].hypervolume,
                                  1.0 + hypervolume2d(finished, summary->reference())));
            if (k > 0) {
                QVERIFY(steps[k].minutes >= steps[k - 1].minutes);
                QVERIFY(steps[k].hypervolume >= steps[k - 1].hypervolume);
            }
        }
        QVERIFY(steps.front().minutes >= 0.0);
        QVERIFY(qFuzzyCompare(steps.back().hypervolume, summary->hypervolume));
        QVERIFY(steps.back().hypervolume > steps.front().hypervolume);  // it improved
    }

    void anEmptyExperimentHasNoSteps() {
        QTemporaryDir folder;
        const auto file = std::filesystem::path(folder.path().toStdString()) / "empty.sqlite";
        auto store =
            ExperimentPlanner::create(file, test::smallSearchConfig("/data/unused", 4), "digest");
        QVERIFY(store);
        const auto summary = ExperimentSummary::load(**store);
        QVERIFY(summary);
        QVERIFY(hypervolumeHistory(*summary).empty());
    }
};

QTEST_MAIN(HypervolumeHistoryTest)
#include "HypervolumeHistoryTest.moc"
