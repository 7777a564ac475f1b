// SubprocessExecutor with real `perfnas trial` children (PERFNAS_CLI_PATH) on a tiny dataset:
// a trial's report comes back; a worker killed with SIGKILL fails the trial naming the signal;
// cancellation ends the child promptly; a bad request fails naming the file.
#include <QTemporaryDir>
#include <QTest>
#include <csignal>
#include <future>

#include "core/execution/SubprocessExecutor.h"
#include "tests/execution/ExecutorFixture.h"
#include "tests/support/CliRunner.h"

using namespace perfnas;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

class SubprocessExecutorTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() {
        QVERIFY(m_folder.isValid());
        m_root = fs::path(m_folder.path().toStdString());
        test::makeExecutorDataset(m_root / "data");
    }

    void trialRunsAsChildProcess() {
        SubprocessExecutor executor(settings());
        int progressCalls = 0;
        const TrialReport report = executor.run(
            test::tinyTrial(1, m_root, 20), [&](const TrainingProgress&) { ++progressCalls; },
            CancelToken{});
        QVERIFY2(!report.failure, report.failure ? report.failure->message.c_str() : "");
        QCOMPARE(report.trialId, 1);
        QCOMPARE(report.training.outcome, TrainingOutcome::Finished);
        QCOMPARE(report.training.iterationsDone, 20);
        QVERIFY(report.training.validationTop1 >= 0.0 && report.training.validationTop1 <= 1.0);
        QVERIFY2(report.host.starts_with("subprocess:"), report.host.c_str());
        QVERIFY(fs::exists(m_root / "work" / "trial-1" / "result.json"));
        QVERIFY(fs::exists(m_root / "checkpoints-1" / "checkpoint.json"));
    }

    void killedWorkerFailsNamingTheSignal() {
        SubprocessExecutor executor(settings());
        const TrialRequest request = test::tinyTrial(2, m_root, 1000000);
        auto running = std::async(std::launch::async,
                                  [&] { return executor.run(request, {}, CancelToken{}); });
        const std::string needle = (m_root / "work" / "trial-2" / "request.json").string();
        std::optional<pid_t> pid;
        QVERIFY(
            test::waitUntil([&] { return (pid = test::findProcess(needle)).has_value(); }, 20s));
        QCOMPARE(::kill(*pid, SIGKILL), 0);
        QVERIFY(running.wait_for(10s) == std::future_status::ready);
        const TrialReport report = running.get();
        QVERIFY(report.failure);
        QVERIFY2(report.failure->message.find("SIGKILL") != std::string::npos,
                 report.failure->message.c_str());
        QVERIFY2(report.failure->message.find("result.json") != std::string::npos,
                 report.failure->message.c_str());
    }

    void cancellationEndsTheChildPromptly() {
        SubprocessExecutor executor(settings());
        const TrialRequest request = test::tinyTrial(3, m_root, 1000000);
        CancelToken cancel;
        auto running =
            std::async(std::launch::async, [&] { return executor.run(request, {}, cancel); });
        const std::string needle = (m_root / "work" / "trial-3" / "request.json").string();
        std::optional<pid_t> pid;
        QVERIFY(
            test::waitUntil([&] { return (pid = test::findProcess(needle)).has_value(); }, 20s));
        std::this_thread::sleep_for(500ms);  // let it get into training
        const auto cancelledAt = std::chrono::steady_clock::now();
        cancel.cancel();
        QVERIFY(running.wait_for(10s) == std::future_status::ready);
        const double seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - cancelledAt).count();
        const TrialReport report = running.get();
        QVERIFY2(!report.failure, report.failure ? report.failure->message.c_str() : "");
        QCOMPARE(report.training.outcome, TrainingOutcome::Cancelled);
        QVERIFY2(seconds < 3.0, qPrintable(QString("took %1 s").arg(seconds)));
        QVERIFY(!test::findProcess(needle));
    }

    void badRequestFailsNamingTheFile() {
        SubprocessExecutor executor(settings());
        TrialRequest request = test::tinyTrial(4, m_root, 20);
        request.dataset.root = m_root / "no-such-dataset";
        const TrialReport report = executor.run(request, {}, CancelToken{});
        QVERIFY(report.failure);
        QVERIFY2(report.failure->message.find("no-such-dataset") != std::string::npos,
                 report.failure->message.c_str());
    }

    void missingWorkerProgramIsNamed() {
        SubprocessSettings broken = settings();
        broken.perfnasPath = m_root / "no-perfnas-here";
        SubprocessExecutor executor(broken);
        const TrialReport report = executor.run(test::tinyTrial(5, m_root, 20), {}, CancelToken{});
        QVERIFY(report.failure);
        QVERIFY2(report.failure->message.find("no-perfnas-here") != std::string::npos,
                 report.failure->message.c_str());
    }

    void searchWithSubprocessesMatchesInProcess() {
        const fs::path config = m_root / "search.json";
        test::writeText(config, test::searchConfigText());
        for (const QString backend : {"inprocess", "subprocess"}) {
            const QString db = QString::fromStdString(
                (m_root / ("search-" + backend.toStdString() + ".sqlite")).string());
            const test::Run run =
                test::runCli({"search", "--config", QString::fromStdString(config.string()), "--db",
                              db, "--backend", backend, "--json"},
                             QString::fromStdString((m_root / "cache").string()), 120000);
            QVERIFY2(run.exitCode == 0, run.err.constData());
        }
        const std::string difference = test::compareTrials(
            m_root / "search-inprocess.sqlite", m_root / "search-subprocess.sqlite", "subprocess:");
        QVERIFY2(difference.empty(), difference.c_str());
        QVERIFY(fs::exists(m_root / "search-subprocess-work" / "trial-1" / "worker.log"));
    }

private:
    SubprocessSettings settings() const {
        return {.perfnasPath = PERFNAS_CLI_PATH,
                .workFolder = m_root / "work",
                .killGrace = std::chrono::milliseconds(2000)};
    }

    QTemporaryDir m_folder;
    fs::path m_root;
};

QTEST_GUILESS_MAIN(SubprocessExecutorTest)
#include "SubprocessExecutorTest.moc"
