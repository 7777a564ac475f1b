// RunLock: one runner per experiment file, its pid visible to readers, released when it ends.
#include <unistd.h>

#include <QTemporaryDir>
#include <QtTest>

#include "core/storage/RunLock.h"

using namespace perfnas;

class RunLockTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void oneRunnerAtATime() {
        QTemporaryDir folder;
        const std::filesystem::path file =
            std::filesystem::path(folder.path().toStdString()) / "e.sqlite";
        QVERIFY(!RunLock::holder(file));  // never run
        {
            auto first = RunLock::acquire(file);
            QVERIFY(first);
            QCOMPARE(RunLock::holder(file), std::optional<long>(::getpid()));
            auto second = RunLock::acquire(file);
            QVERIFY(!second);
            QCOMPARE(second.error().code, ErrorCode::InvalidInput);
            const std::string message = second.error().message;
            QVERIFY2(message.find(file.string()) != std::string::npos &&
                         message.find("pid " + std::to_string(::getpid())) != std::string::npos,
                     message.c_str());
        }
        QVERIFY(!RunLock::holder(file));  // released with its holder
        QVERIFY(RunLock::acquire(file));
    }
};

QTEST_GUILESS_MAIN(RunLockTest)
#include "RunLockTest.moc"
