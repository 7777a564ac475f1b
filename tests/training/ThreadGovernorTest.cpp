// ThreadGovernor: a training run gives up the cores other processes keep busy and takes them back
// when they stop; scripted CPU times for the rule, a real spinning process for /proc/stat.
#include <QProcess>
#include <QtTest>
#include <chrono>
#include <thread>

#include "core/common/ParallelFor.h"
#include "core/training/ThreadGovernor.h"

using namespace perfnas;
using namespace std::chrono_literals;

namespace {

using SteadyClock = std::chrono::steady_clock;

// CPU times of a machine on which other processes use `otherCores` and we use `ownCores`.
struct ScriptedMachine {
    SteadyClock::time_point at = SteadyClock::time_point{} + 1h;
    double machineBusy = 0.0;
    double own = 0.0;
    CpuTimes sample() const {
        return {.at = at, .machineBusySeconds = machineBusy, .ownSeconds = own};
    }
    void advance(std::chrono::milliseconds elapsed, double otherCores, double ownCores) {
        const double seconds = std::chrono::duration<double>(elapsed).count();
        at += elapsed;
        machineBusy += (otherCores + ownCores) * seconds;
        own += ownCores * seconds;
    }
};

}  // namespace

class ThreadGovernorTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void freeCoresRoundToTheNearestCore() {
        QCOMPARE(ThreadGovernor::threadsLeftFree(0.0, 2, 2), 2);
        QCOMPARE(ThreadGovernor::threadsLeftFree(0.3, 2, 2), 2);   // a GUI, an SSH session
        QCOMPARE(ThreadGovernor::threadsLeftFree(0.67, 2, 2), 1);  // a busy core squeezed by us
        QCOMPARE(ThreadGovernor::threadsLeftFree(2.0, 2, 2), 1);   // never fewer than one
        QCOMPARE(ThreadGovernor::threadsLeftFree(1.0, 8, 4), 4);   // never more than given
        QCOMPARE(ThreadGovernor::threadsLeftFree(-0.2, 2, 2), 2);
    }

    void givesUpABusyCoreAndTakesItBack() {
        ScriptedMachine machine;
        ThreadGovernor governor(2, 2, [&] { return machine.sample(); });
        auto now = SteadyClock::time_point{} + 1h;
        QCOMPARE(governor.poll(now), 2);  // first sample: nothing to compare with yet

        machine.advance(250ms, 0.05, 2.0);  // idle but for us
        now += 250ms;
        QCOMPARE(governor.poll(now), 2);

        machine.advance(1000ms, 0.7, 1.3);  // another process wants a core and gets 2/3 of one
        now += 1000ms;
        QCOMPARE(governor.poll(now), 1);

        machine.advance(1000ms, 1.0, 1.0);
        now += 1000ms;
        QCOMPARE(governor.poll(now), 1);

        machine.advance(1000ms, 0.0, 1.0);  // it stopped
        now += 1000ms;
        QCOMPARE(governor.poll(now), 2);
    }

    void samplesOncePerWindow() {
        ScriptedMachine machine;
        int samples = 0;
        ThreadGovernor governor(2, 2, [&] {
            ++samples;
            return machine.sample();
        });
        auto now = SteadyClock::time_point{} + 1h;
        governor.poll(now);
        auto runSteps = [&](std::chrono::milliseconds span, double otherCores) {
            for (auto spent = 0ms; spent < span; spent += 10ms) {
                machine.advance(10ms, otherCores, 2.0 - otherCores);
                now += 10ms;
                governor.poll(now);
            }
        };
        runSteps(ThreadGovernor::kFirstWindow - 10ms, 1.0);
        QCOMPARE(samples, 1);
        QCOMPARE(governor.threads(), 2);
        runSteps(10ms, 1.0);
        QCOMPARE(samples, 2);  // the first, short window ends
        QCOMPARE(governor.threads(), 1);
        runSteps(ThreadGovernor::kWindow - 10ms, 0.0);
        QCOMPARE(samples, 2);
        QCOMPARE(governor.threads(), 1);
        runSteps(10ms, 0.0);
        QCOMPARE(samples, 3);  // then one sample per second
        QCOMPARE(governor.threads(), 2);
    }

    void oneThreadIsNeverSampled() {
        int samples = 0;
        ThreadGovernor governor(1, 2, [&] {
            ++samples;
            return CpuTimes::now();
        });
        QCOMPARE(governor.poll(), 1);
        QCOMPARE(samples, 0);
    }

    // The real machine: a process spinning on one core takes a thread away.
    void aSpinningProcessTakesAThreadAway() {
        const int cores = defaultThreadCount();
        if (cores < 2) QSKIP("one core: there is no thread to give up");
        QProcess spinner;
        spinner.start("sh", {"-c", "while :; do :; done"});
        QVERIFY(spinner.waitForStarted());
        ThreadGovernor governor(cores, cores);
        const auto start = SteadyClock::now();
        governor.poll(start);
        // Our own "work" is a sleep, so every busy core below is someone else's.
        std::this_thread::sleep_for(ThreadGovernor::kFirstWindow + 200ms);
        const int threads = governor.poll(SteadyClock::now());
        spinner.kill();
        spinner.waitForFinished();
        QVERIFY2(threads >= 1 && threads <= cores - 1, qPrintable(QString::number(threads)));
    }
};

QTEST_GUILESS_MAIN(ThreadGovernorTest)
#include "ThreadGovernorTest.moc"
