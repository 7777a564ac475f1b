// kill -9 of slurmd during `perfnas search --backend slurm` on the test cluster (ctest fixture
// `slurm`): slurmd is restarted a few seconds later, as a node's supervisor would. No finished
// trial is lost, every trial ends finished or failed with the reason, and the search finishes.
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>
#include <csignal>
#include <fstream>
#include <sstream>
#include <thread>

#include "tests/faults/SearchUnderFault.h"
#include "tests/support/ExperimentStatus.h"

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using perfnas::test::countState;

namespace {

// The pid start-slurm.sh recorded last for `name` in WORKDIR/pids.
std::optional<pid_t> daemonPid(const fs::path& pidsFile, const std::string& name) {
    std::ifstream in(pidsFile);
    std::optional<pid_t> pid;
    for (std::string line; std::getline(in, line);) {
        std::istringstream fields(line);
        std::string entry;
        long value = 0;
        if (fields >> entry >> value && entry == name) pid = static_cast<pid_t>(value);
    }
    return pid;
}

}  // namespace

class SlurmdKillTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() {
        const char* conf = std::getenv("SLURM_CONF");
        if (!conf || !fs::exists(conf))
            QFAIL("SLURM_CONF does not name a slurm.conf: run through ctest (fixture `slurm`)");
        m_conf = conf;
        m_pids = m_conf.parent_path() / "pids";
        QVERIFY(m_search.prepare());
        m_root = m_search.root();
    }

    void killedSlurmdLosesNoFinishedTrial() {
        const auto slurmd = daemonPid(m_pids, "slurmd");
        QVERIFY2(slurmd && ::kill(*slurmd, 0) == 0, "the fixture's slurmd is not running");
        QProcess search;
        const QString db = m_search.start(search, "slurmd", {"--backend", "slurm"});
        QVERIFY(search.waitForStarted());

        QJsonObject before;
        QTRY_VERIFY_WITH_TIMEOUT(
            (before = perfnas::test::statusOf(db),
             countState(before, "finished") >= 1 && countState(before, "running") == 1),
            180000);
        QCOMPARE(::kill(*slurmd, SIGKILL), 0);
        std::this_thread::sleep_for(3s);
        restartSlurmd();

        QVERIFY(search.waitForFinished(400000));
        const QByteArray err = search.readAllStandardError();
        QCOMPARE(search.exitStatus(), QProcess::NormalExit);
        QVERIFY2(search.exitCode() == 0, err.constData());

        const auto finishedBefore = perfnas::test::trialsById(before);
        const auto trials = perfnas::test::trialsById(perfnas::test::statusOf(db));
        QCOMPARE(trials.size(), std::size_t{4});
        for (const auto& [id, trial] : trials) {
            const QString state = trial["state"].toString();
            const QString error = trial["error"].toString();
            qInfo("trial %d: %s, attempts %d, host %s %s", id,
                  qPrintable(trial["state"].toString()), trial["attempts"].toInt(),
                  qPrintable(trial["host"].toString()), qPrintable(trial["error"].toString()));
            if (finishedBefore.contains(id) &&
                finishedBefore.at(id)["state"].toString() == "finished") {
                QCOMPARE(state, QString("finished"));
                QCOMPARE(trial["top1"].toDouble(), finishedBefore.at(id)["top1"].toDouble());
                QCOMPARE(trial["attempts"].toInt(), 1);
            } else if (state == "failed") {
                QVERIFY2(error.contains("Slurm"), qPrintable(error));  // failed with the reason
            } else {
                QVERIFY2(state == "finished", qPrintable(state + ": " + error));
                QVERIFY(trial["host"].toString().startsWith("slurm:"));
            }
        }
    }

    void cleanupTestCase() {
        // Leave the cluster as the fixture started it for the tests that follow.
        if (!m_restarted) restartSlurmd();
    }

private:
    void restartSlurmd() {
        const auto slurmd = daemonPid(m_pids, "slurmd");
        if (slurmd && ::kill(*slurmd, 0) == 0) {
            char stat[64] = {};
            std::ifstream(fs::path("/proc") / std::to_string(*slurmd) / "stat")
                .read(stat, sizeof stat - 1);
            if (std::string(stat).find(") Z") == std::string::npos) return;  // alive, not a zombie
        }
        qint64 pid = 0;
        const QString conf = QString::fromStdString(m_conf.string());
        const QString log = QString::fromStdString(
            (m_conf.parent_path() / "log" / "slurmd-restarted.out").string());
        QVERIFY(QProcess::startDetached("setsid",
                                        {"sh", "-c",
                                         "PATH=\"$PATH:/usr/sbin:/sbin\" exec slurmd -D -N "
                                         "perfnas-node1 -f \"$0\" >\"$1\" 2>&1",
                                         conf, log},
                                        {}, &pid));
        // stop-slurm.sh stops every recorded pid, newest first.
        std::ofstream(m_pids, std::ios::app) << "slurmd " << pid << '\n';
        m_restarted = true;
    }

    perfnas::test::SearchUnderFault m_search;
    fs::path m_root;
    fs::path m_conf;
    fs::path m_pids;
    bool m_restarted = false;
};

QTEST_GUILESS_MAIN(SlurmdKillTest)
#include "SlurmdKillTest.moc"
