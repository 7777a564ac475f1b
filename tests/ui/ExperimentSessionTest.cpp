// ExperimentSession with the real engine: a tiny search on a small tone dataset in a temporary
// folder creates the file, trains every trial and reports them as signals on the GUI thread;
// stop() returns at once and the run ends within seconds with interrupted trials queued again;
// pause/resume change the state; destroying a running session does not hang.
#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QThread>
#include <QtTest>
#include <map>

#include "tests/support/DatasetFixture.h"
#include "tests/ui/SyntheticExperiment.h"
#include "ui/search/ExperimentSession.h"

using namespace perfnas;
using namespace perfnas::ui;
namespace fs = std::filesystem;
using State = ExperimentSession::State;

namespace {
const std::vector<std::string> kWords = {"yes",   "no", "up",  "down", "left",
                                         "right", "on", "off", "stop", "go"};
}

class ExperimentSessionTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() {
        QVERIFY(m_folder.isValid());
        m_root = fs::path(m_folder.path().toStdString());
        test::makeKeywordDataset(m_root / "data", kWords, 6);
    }

    void runsATinySearchAndReportsIt() {
        ExperimentConfig config = test::smallSearchConfig(m_root / "data", 3);
        config.cacheFolder = m_root / "cache";
        const fs::path file =
            m_root / "Documents" / "run.sqlite";  // a folder that does not exist yet
        ExperimentSession session(file);
        QSignalSpy created(&session, &ExperimentSession::created);
        QSignalSpy started(&session, &ExperimentSession::trialStarted);
        QSignalSpy finished(&session, &ExperimentSession::trialFinished);
        QSignalSpy failed(&session, &ExperimentSession::trialFailed);
        QSignalSpy progress(&session, &ExperimentSession::trialProgress);
        QSignalSpy frontier(&session, &ExperimentSession::frontierChanged);
        QSignalSpy done(&session, &ExperimentSession::runFinished);
        QSignalSpy errors(&session, &ExperimentSession::errorOccurred);
        // Every signal arrives on the thread the session lives on.
        bool offThread = false;
        connect(&session, &ExperimentSession::trialFinished, this,
                [&] { offThread |= QThread::currentThread() != thread(); });
        connect(&session, &ExperimentSession::trialProgress, this,
                [&] { offThread |= QThread::currentThread() != thread(); });
        session.create(config);
        QCOMPARE(session.state(), State::Loading);
        QTRY_COMPARE_WITH_TIMEOUT(done.count() + errors.count(), 1, 240000);
        QVERIFY2(errors.isEmpty(),
                 errors.isEmpty() ? "" : errors.front().at(0).value<Error>().message.c_str());
        QCOMPARE(created.count(), 1);
        QCOMPARE(started.count(), 3);
        QCOMPARE(finished.count() + failed.count(), 3);
        QVERIFY(finished.count() >= 1);
        QVERIFY(frontier.count() >= 1);
        QVERIFY(!offThread);
        const auto outcome = done.front().at(0).value<RunReport>();
        QVERIFY(!outcome.stopped);
        QCOMPARE(outcome.trialsFinished, finished.count());
        QTRY_COMPARE(session.state(), State::Idle);

        // Progress is throttled to ~10 Hz per trial and ends at the last iteration.
        std::map<int, int> perTrial;
        for (const QList<QVariant>& arguments : progress) ++perTrial[arguments.at(0).toInt()];
        auto store = ExperimentStore::open(file, ExperimentStore::Access::ReadOnly);
        QVERIFY(store);
        auto trials = (*store)->trials();
        QVERIFY(trials);
        for (const TrialRecord& trial : trials.value()) {
            QVERIFY2(trial.state == TrialState::Finished, trial.error.c_str());
            QVERIFY(perTrial[trial.id] >= 1);
            QVERIFY2(perTrial[trial.id] <= static_cast<int>(trial.seconds * 10) + 3,
                     qPrintable(QString("%1 progress signals in %2 s")
                                    .arg(perTrial[trial.id])
                                    .arg(trial.seconds)));
        }
        for (const QList<QVariant>& arguments : finished) {
            const auto trial = arguments.at(0).value<TrialRecord>();
            QCOMPARE(trial.state, TrialState::Finished);
            QVERIFY(trial.validationTop1 >= 0.0 && trial.validationTop1 <= 1.0);
        }
    }

    void stopReturnsPromptlyAndRequeues() {
        ExperimentConfig config = test::smallSearchConfig(m_root / "data", 20);
        config.training.iterations = 20000;  // far longer than the test waits
        config.cacheFolder = m_root / "cache";
        const fs::path file = m_root / "stop.sqlite";
        ExperimentSession session(file);
        QSignalSpy started(&session, &ExperimentSession::trialStarted);
        QSignalSpy done(&session, &ExperimentSession::runFinished);
        QSignalSpy errors(&session, &ExperimentSession::errorOccurred);
        session.create(config);
        QTRY_VERIFY_WITH_TIMEOUT(started.count() >= 1 || !errors.isEmpty(), 120000);
        QVERIFY(errors.isEmpty());
        QTRY_COMPARE(session.state(), State::Running);
        session.pause();
        QCOMPARE(session.state(), State::Paused);
        session.resume();
        QCOMPARE(session.state(), State::Running);

        QElapsedTimer clock;
        clock.start();
        session.stop();
        const qint64 stopMs = clock.elapsed();
        QVERIFY2(stopMs < 50, qPrintable(QString("stop() took %1 ms").arg(stopMs)));
        QCOMPARE(session.state(), State::Stopping);
        QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, 5000);
        QVERIFY(done.front().at(0).value<RunReport>().stopped);
        QTRY_COMPARE(session.state(), State::Idle);
        auto store = ExperimentStore::open(file, ExperimentStore::Access::ReadOnly);
        QVERIFY(store);
        auto trials = (*store)->trials();
        QVERIFY(trials);
        for (const TrialRecord& trial : trials.value()) {
            QVERIFY2(trial.state != TrialState::Running,
                     "an interrupted trial must be queued again");
        }
    }

    void destroyingARunningSessionDoesNotHang() {
        ExperimentConfig config = test::smallSearchConfig(m_root / "data", 20);
        config.training.iterations = 20000;
        config.cacheFolder = m_root / "cache";
        QElapsedTimer clock;
        {
            ExperimentSession session(m_root / "destroy.sqlite");
            QSignalSpy started(&session, &ExperimentSession::trialStarted);
            session.create(config);
            QTRY_VERIFY_WITH_TIMEOUT(started.count() >= 1, 120000);
            clock.start();
        }
        QVERIFY2(clock.elapsed() < 3000, qPrintable(QString("%1 ms").arg(clock.elapsed())));
    }

    // The engine's errors reach the UI as values: code and the file named, before any dataset
    // loads.
    void errorsArriveWithTheirCode() {
        const fs::path file = m_root / "Documents" / "run.sqlite";  // created by the first test
        QVERIFY(fs::exists(file));
        ExperimentConfig config = test::smallSearchConfig(m_root / "no-such-data", 3);
        ExperimentSession session(file);
        QSignalSpy errors(&session, &ExperimentSession::errorOccurred);
        session.create(config);
        QTRY_COMPARE(errors.count(), 1);
        const auto error = errors.front().at(0).value<Error>();
        QCOMPARE(error.code, ErrorCode::InvalidInput);
        QVERIFY2(error.message.find(file.string() + " already exists") != std::string::npos,
                 error.message.c_str());
        QTRY_COMPARE(session.state(), State::Idle);

        // A dataset folder that does not exist is named, with its code.
        ExperimentSession fresh(m_root / "fresh.sqlite");
        QSignalSpy freshErrors(&fresh, &ExperimentSession::errorOccurred);
        fresh.create(config);
        QTRY_COMPARE_WITH_TIMEOUT(freshErrors.count(), 1, 30000);
        const auto missing = freshErrors.front().at(0).value<Error>();
        QCOMPARE(missing.code, ErrorCode::NotFound);
        QVERIFY2(missing.message.find("no-such-data") != std::string::npos,
                 missing.message.c_str());
        QVERIFY(!fs::exists(m_root / "fresh.sqlite"));
    }

private:
    QTemporaryDir m_folder;
    fs::path m_root;
};

QTEST_MAIN(ExperimentSessionTest)
#include "ExperimentSessionTest.moc"
