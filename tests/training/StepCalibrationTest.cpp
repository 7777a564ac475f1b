// StepCalibration: the choice rule on given timings, and the cache on a real measurement of a
// small network (a file per test, never the user's cache).
#include <QTemporaryDir>
#include <QtTest>
#include <fstream>
#include <nlohmann/json.hpp>
#include <utility>

#include "core/common/FileIo.h"
#include "core/training/StepCalibration.h"

using namespace perfnas;
namespace fs = std::filesystem;

namespace {

constexpr StepPlan kFused{TensorLayout::ChannelsLast, BatchNormKernel::Fused};
constexpr StepPlan kLibrary{TensorLayout::ChannelsLast, BatchNormKernel::Library};
constexpr StepPlan kContiguous{TensorLayout::Contiguous, BatchNormKernel::Library};

ArchitectureSpec smallSpec() {
    return {.name = "small", .classes = 4, .units = {{10, 4, 12, {2, 2}}, {3, 3, 12}}};
}

}  // namespace

class StepCalibrationTest : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void planNamesRoundTrip() {
        for (const StepPlan& plan : StepPlan::candidates())
            QCOMPARE(*StepPlan::parse(plan.name()), plan);
        QVERIFY(!StepPlan::parse("nchw-fused"));
        QVERIFY(!StepPlan::parse("auto"));
    }

    void theDefaultPlanStaysUnlessAnotherIsClearlyFaster() {
        // 4 % faster is noise: the default plan at the most threads stays.
        StepChoice choice =
            StepCalibration::pick({{kFused, 2, 1.00}, {kLibrary, 2, 0.96}, {kFused, 1, 1.20}});
        QCOMPARE(choice.plan, kFused);
        QCOMPARE(choice.threads, 2);
        // 10 % faster wins, whatever its plan or thread count.
        choice =
            StepCalibration::pick({{kFused, 2, 1.00}, {kContiguous, 2, 0.90}, {kFused, 1, 0.97}});
        QCOMPARE(choice.plan, kContiguous);
        QCOMPARE(choice.threads, 2);
        choice = StepCalibration::pick({{kFused, 2, 1.00}, {kLibrary, 2, 1.10}, {kFused, 1, 0.50}});
        QCOMPARE(choice.plan, kFused);
        QCOMPARE(choice.threads, 1);
    }

    void measuresEveryCandidate() {
        const auto timings = StepCalibration::measure(smallSpec(), 8, 2, 2);
        QCOMPARE(timings.size(), std::size_t{6});  // three plans at 2 and at 1 thread
        for (const StepTiming& timing : timings) QVERIFY(timing.medianSeconds > 0.0);
        QCOMPARE(StepCalibration::measure(smallSpec(), 8, 1, 2).size(), std::size_t{3});
    }

    void aChoiceIsMeasuredOnceThenReadFromTheCache() {
        QTemporaryDir folder;
        const fs::path cache = fs::path(folder.path().toStdString()) / "plans" / "step-plans.json";
        StepCalibration calibration(cache);
        const StepChoice first = calibration.choose(smallSpec(), 8, 1);
        QVERIFY(!first.fromCache);
        QCOMPARE(first.threads, 1);
        const auto stored = nlohmann::json::parse(*readTextFile(cache));
        const std::string key = StepCalibration::key(smallSpec(), 8, 1);
        QVERIFY(stored.contains(key));
        QCOMPARE(stored[key]["plan"].get<std::string>(), first.plan.name());
        QCOMPARE(stored[key]["seconds_per_step"].size(), std::size_t{3});

        const StepChoice second = calibration.choose(smallSpec(), 8, 1);
        QVERIFY(second.fromCache);
        QCOMPARE(second.plan, first.plan);
        // Another batch size, thread count or size class is another calibration; an architecture
        // of about the same cost shares it.
        QVERIFY(StepCalibration::key(smallSpec(), 16, 1) != key);
        QVERIFY(StepCalibration::key(smallSpec(), 8, 2) != key);
        ArchitectureSpec similar = smallSpec();
        std::swap(similar.units[0].kh, similar.units[0].kw);  // another shape, the same cost
        QCOMPARE(StepCalibration::key(similar, 8, 1), key);
        ArchitectureSpec wider = smallSpec();
        wider.units[1].filters = 48;
        QVERIFY(StepCalibration::key(wider, 8, 1) != key);
    }

    void aDamagedCacheIsMeasuredAroundAndRewritten() {
        QTemporaryDir folder;
        const fs::path cache = fs::path(folder.path().toStdString()) / "step-plans.json";
        std::ofstream(cache) << "{ not json";
        StepCalibration calibration(cache);
        QVERIFY(!calibration.choose(smallSpec(), 8, 1).fromCache);
        QVERIFY(calibration.choose(smallSpec(), 8, 1).fromCache);
    }
};

QTEST_GUILESS_MAIN(StepCalibrationTest)
#include "StepCalibrationTest.moc"
