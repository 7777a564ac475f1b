// A full disk while a trial writes its checkpoint: the checkpoint folder beside the experiment is a
// 2 MB tmpfs (mounting needs root; skipped where not permitted), filled up while a search runs.
// The trials that end afterwards fail with a message naming the file and "No space left on device";
// the experiment file (elsewhere) keeps every finished trial as it was; the search ends cleanly.
#include <fcntl.h>
#include <unistd.h>

#include <QProcess>
#include <QTemporaryDir>
#include <QTest>
#include <vector>

#include "tests/faults/SearchUnderFault.h"
#include "tests/support/ExperimentStatus.h"

namespace fs = std::filesystem;
using perfnas::test::countState;

namespace {

// Writes to `file` until the file system refuses; true when it ended with ENOSPC.
bool fillUp(const fs::path& file) {
    const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) return false;
    const std::vector<char> block(64 * 1024, 'x');
    std::size_t chunk = block.size();
    bool full = false;
    while (chunk > 0) {  // shrink the last writes so that not even a small file fits
        const ssize_t written = ::write(fd, block.data(), chunk);
        if (written < 0) {
            full = errno == ENOSPC;
            if (!full) break;
            chunk /= 2;
        }
    }
    ::close(fd);
    return full;
}

}  // namespace

class DiskFullTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() {
        QVERIFY(m_search.prepare());
        m_root = m_search.root();
        // perfnas keeps the checkpoints of EXP.sqlite in EXP-checkpoints/ beside it.
        m_mount = m_root / "full-checkpoints";
        fs::create_directories(m_mount);
        QProcess mount;
        mount.start("mount", {"-t", "tmpfs", "-o", "size=2m", "tmpfs",
                              QString::fromStdString(m_mount.string())});
        if (!mount.waitForFinished(10000) || mount.exitStatus() != QProcess::NormalExit ||
            mount.exitCode() != 0) {
            QSKIP(qPrintable("mounting a tmpfs is not permitted here: " +
                             mount.readAllStandardError() + mount.errorString()));
        }
        m_mounted = true;
    }

    void cleanupTestCase() {
        if (m_mounted)
            QProcess::execute("umount", {"-l", QString::fromStdString(m_mount.string())});
    }

    void trialsFailNamingTheFileAndFinishedOnesAreKept() {
        QProcess search;
        const QString db = m_search.start(search, "full");
        QVERIFY(search.waitForStarted());

        // Two trials finished (their checkpoints on the tmpfs) and the third running: fill the
        // disk.
        QJsonObject before;
        QTRY_VERIFY_WITH_TIMEOUT(
            (before = perfnas::test::statusOf(db),
             countState(before, "finished") >= 2 && countState(before, "running") == 1),
            120000);
        QVERIFY(fillUp(m_mount / "filler"));

        QVERIFY(search.waitForFinished(300000));
        const QByteArray err = search.readAllStandardError();
        QCOMPARE(search.exitStatus(), QProcess::NormalExit);
        QVERIFY2(search.exitCode() == 0, err.constData());

        const auto finishedBefore = perfnas::test::trialsById(before);
        const auto trials = perfnas::test::trialsById(perfnas::test::statusOf(db));
        QCOMPARE(trials.size(), std::size_t{4});
        int failed = 0;
        for (const auto& [id, trial] : trials) {
            const QString state = trial["state"].toString();
            const std::string error = trial["error"].toString().toStdString();
            qInfo("trial %d: %s, attempts %d, host %s %s", id,
                  qPrintable(trial["state"].toString()), trial["attempts"].toInt(),
                  qPrintable(trial["host"].toString()), qPrintable(trial["error"].toString()));
            if (finishedBefore.contains(id) &&
                finishedBefore.at(id)["state"].toString() == "finished") {
                QCOMPARE(state, QString("finished"));  // kept as it was
                QCOMPARE(trial["top1"].toDouble(), finishedBefore.at(id)["top1"].toDouble());
                QVERIFY(fs::exists(m_mount / ("trial-" + std::to_string(id)) / "checkpoint.json"));
                continue;
            }
            QCOMPARE(state, QString("failed"));
            ++failed;
            QVERIFY2(error.find((m_mount / ("trial-" + std::to_string(id))).string()) !=
                         std::string::npos,
                     error.c_str());
            QVERIFY2(error.find("No space left on device") != std::string::npos, error.c_str());
        }
        QVERIFY(failed >= 1);
        QVERIFY2(search.readAllStandardOutput().contains(QByteArray::number(failed) + " failed"),
                 err.constData());
    }

private:
    perfnas::test::SearchUnderFault m_search;
    fs::path m_root;
    fs::path m_mount;
    bool m_mounted = false;
};

QTEST_GUILESS_MAIN(DiskFullTest)
#include "DiskFullTest.moc"
