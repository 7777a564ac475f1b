#pragma once
// For kill -9 tests: catch a running process in a given state. Polling the experiment file and
// then killing races with the process (a trial may finish in between), so the process is frozen
// with SIGSTOP before each look; it stays frozen when the state holds and resumes otherwise.
#include <QProcess>
#include <QtTest>
#include <csignal>
#include <functional>

namespace perfnas::test {

// True with `process` stopped once `holds()` is true while it is stopped; false after `timeoutMs`
// (the process then runs on).
inline bool freezeWhen(QProcess& process, const std::function<bool()>& holds, int timeoutMs) {
    QElapsedTimer clock;
    clock.start();
    const auto pid = static_cast<pid_t>(process.processId());
    while (clock.elapsed() < timeoutMs && process.state() == QProcess::Running) {
        ::kill(pid, SIGSTOP);
        if (holds()) return true;
        ::kill(pid, SIGCONT);
        QTest::qWait(200);
    }
    return false;
}

}  // namespace perfnas::test
