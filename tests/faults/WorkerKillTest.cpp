// kill -9 of a trial worker during `perfnas search --backend subprocess`: the search goes on, the
// killed trial is failed with the reason (the signal), the other trials finish, and the command
// ends with exit status 0. (The executor-level variant: SubprocessExecutorTest.)
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>
#include <csignal>

#include "tests/faults/SearchUnderFault.h"
#include "tests/support/ExperimentStatus.h"

namespace fs = std::filesystem;
using namespace std::chrono_literals;

class WorkerKillTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() {
        QVERIFY(m_search.prepare());
        m_root = m_search.root();
    }

    void killedWorkerFailsItsTrialAndTheSearchFinishes() {
        QProcess search;
        const QString db = m_search.start(search, "kill", {"--backend", "subprocess"});
        QVERIFY(search.waitForStarted());

        // The worker of trial 2 is a `perfnas trial --spec .../kill-work/trial-2/request.json`.
        const std::string needle = (m_root / "kill-work" / "trial-2" / "request.json").string();
        std::optional<pid_t> worker;
        QVERIFY2(
            perfnas::test::waitUntil(
                [&] { return (worker = perfnas::test::findProcess(needle)).has_value(); }, 120s),
            search.readAllStandardError().constData());
        QCOMPARE(::kill(*worker, SIGKILL), 0);

        QVERIFY(search.waitForFinished(300000));
        QCOMPARE(search.exitStatus(), QProcess::NormalExit);
        QVERIFY2(search.exitCode() == 0, search.readAllStandardError().constData());
        QVERIFY(search.readAllStandardOutput().contains("1 failed"));

        const auto trials = perfnas::test::trialsById(perfnas::test::statusOf(db));
        QCOMPARE(trials.size(), std::size_t{4});
        for (const auto& [id, trial] : trials) {
            const std::string error = trial["error"].toString().toStdString();
            if (id == 2) {
                QCOMPARE(trial["state"].toString(), QString("failed"));
                QVERIFY2(error.find("SIGKILL") != std::string::npos, error.c_str());
            } else {
                QVERIFY2(trial["state"].toString() == "finished", error.c_str());
                QVERIFY(trial["host"].toString().startsWith("subprocess:"));
            }
        }
    }

private:
    perfnas::test::SearchUnderFault m_search;
    fs::path m_root;
};

QTEST_GUILESS_MAIN(WorkerKillTest)
#include "WorkerKillTest.moc"
