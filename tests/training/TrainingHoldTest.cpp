// TrainingHold: a hold returns only once every registered training waits at its pause point, no
// iteration runs while it lasts, and training goes on after it; with no training it returns at
// once.
#include <QtTest>
#include <atomic>
#include <chrono>
#include <thread>

#include "core/common/TrainingHold.h"

using namespace perfnas;
using namespace std::chrono_literals;

class TrainingHoldTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void aHoldStopsEveryTrainingBetweenIterations() {
        std::atomic<int> iterations[2] = {0, 0};
        std::atomic<bool> stop{false};
        auto train = [&](std::atomic<int>& counter) {
            const TrainingHold::Registration registration;
            while (!stop) {
                TrainingHold::instance().pausePoint();
                std::this_thread::sleep_for(1ms);  // an iteration's work
                ++counter;
            }
        };
        std::thread first(train, std::ref(iterations[0]));
        std::thread second(train, std::ref(iterations[1]));
        QTRY_VERIFY(iterations[0] > 3 && iterations[1] > 3);

        const auto [during0, during1] = TrainingHold::instance().whileHeld([&] {
            const int before0 = iterations[0], before1 = iterations[1];
            std::this_thread::sleep_for(50ms);  // the measurement
            return std::pair(iterations[0] - before0, iterations[1] - before1);
        });
        QCOMPARE(during0, 0);
        QCOMPARE(during1, 0);

        const int after = iterations[0];
        QTRY_VERIFY(iterations[0] > after + 3);  // released
        stop = true;
        first.join();
        second.join();

        // Nothing registered: a hold does not wait.
        const auto start = std::chrono::steady_clock::now();
        TrainingHold::instance().whileHeld([] { return 0; });
        QVERIFY(std::chrono::steady_clock::now() - start < 1s);
    }
};

QTEST_GUILESS_MAIN(TrainingHoldTest)
#include "TrainingHoldTest.moc"
