#pragma once
// Runs the perfnas executable (PERFNAS_CLI_PATH) for black-box tests and collects exit code and
// output.
#include <QProcess>
#include <QProcessEnvironment>
#include <QStringList>

namespace perfnas::test {

struct Run {
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

// `cacheDir`: the feature cache the process uses (empty: the environment's).
inline Run runCli(const QStringList& arguments, const QString& cacheDir = {},
                  int timeoutMs = 120000) {
    QProcess process;
    if (!cacheDir.isEmpty()) {
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        environment.insert("PERFNAS_CACHE_DIR", cacheDir);
        process.setProcessEnvironment(environment);
    }
    process.start(PERFNAS_CLI_PATH, arguments);
    if (!process.waitForFinished(timeoutMs)) return {};
    return {process.exitCode(), process.readAllStandardOutput(), process.readAllStandardError()};
}

}  // namespace perfnas::test
