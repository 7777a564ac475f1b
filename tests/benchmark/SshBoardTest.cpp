// SshBoard against a real OpenSSH server on 127.0.0.1 (tests/benchmark/sshd/start-sshd.sh, a ctest
// fixture; PERFNAS_SSHD_WORK names its folder). The board is this machine: the remote command runs
// PERFNAS_CLI_PATH bench-model. Every failure path must end, quickly, in its own error message and,
// through measureAll and `perfnas bench`, in a failed benchmark record.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <fstream>
#include <sstream>

#include "core/benchmark/SshBoard.h"
#include "core/storage/ExperimentStore.h"
#include "tests/support/CliRunner.h"
#include "tests/support/DatasetFixture.h"
#include "tests/support/ExperimentStatus.h"
#include "tests/ui/SyntheticExperiment.h"

namespace fs = std::filesystem;
using namespace perfnas;
using Clock = std::chrono::steady_clock;

namespace {

const std::string kTinyModel =
    R"({"name": "tiny", "input": {"height": 40, "width": 32}, "classes": 10, "units": [{"kh": 3, "kw": 3, "filters": 4}]})";

std::string readText(const fs::path& file) {
    std::ifstream in(file);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

void writeText(const fs::path& file, const std::string& text) { std::ofstream(file) << text; }

double secondsSince(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

// A loopback port that accepts TCP connections (the kernel completes the handshake) but never
// speaks SSH: the connect timeout's case without any network.
class SilentListener {
public:
    SilentListener() {
        m_fd = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t length = sizeof address;
        if (m_fd < 0 || ::bind(m_fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
            ::listen(m_fd, 4) != 0 ||
            ::getsockname(m_fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
            qFatal("SilentListener: %s", std::strerror(errno));
        }
        m_port = ntohs(address.sin_port);
    }
    ~SilentListener() { ::close(m_fd); }
    int port() const { return m_port; }

private:
    int m_fd = -1;
    int m_port = 0;
};

// A port nothing listens on: bound, then closed.
int closedPort() {
    const SilentListener listener;
    return listener.port();
}

bool processGroupGone(long pid) {
    return ::kill(static_cast<pid_t>(-pid), 0) != 0 && errno == ESRCH;
}

}  // namespace

class SshBoardTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() {
        const QByteArray work = qgetenv("PERFNAS_SSHD_WORK");
        QVERIFY2(
            !work.isEmpty(),
            "PERFNAS_SSHD_WORK is not set: run through ctest (the sshd fixture starts the server)");
        m_work = fs::path(work.toStdString());
        QVERIFY2(fs::exists(m_work / "port"),
                 "no sshd in PERFNAS_SSHD_WORK: did the sshd_start test fail?");
        m_port = std::stoi(readText(m_work / "port"));
        m_user = readText(m_work / "user");
        while (!m_user.empty() && m_user.back() == '\n') m_user.pop_back();
        QProcess keygen;
        keygen.start("ssh-keygen",
                     {"-lf", QString::fromStdString((m_work / "host_key.pub").string())});
        QVERIFY(keygen.waitForFinished(10000));
        m_fingerprint = keygen.readAllStandardOutput()
                            .split(' ')
                            .value(1)
                            .toStdString();  // "256 SHA256:... comment (ED25519)"
        QVERIFY(m_fingerprint.rfind("SHA256:", 0) == 0);
        QVERIFY(m_folder.isValid());
        m_root = fs::path(m_folder.path().toStdString());
    }

    void targetsParse_data() {
        QTest::addColumn<QString>("target");
        QTest::addColumn<QString>("user");
        QTest::addColumn<QString>("host");
        QTest::addColumn<int>("port");
        QTest::addColumn<QString>("normalized");  // empty: invalid
        QTest::newRow("full") << "ssh://pi@board:2222"
                              << "pi"
                              << "board" << 2222 << "ssh://pi@board:2222";
        QTest::newRow("default port") << "ssh://pi@board"
                                      << "pi"
                                      << "board" << 22 << "ssh://pi@board:22";
        QTest::newRow("ipv6") << "ssh://pi@[::1]:2200"
                              << "pi"
                              << "::1" << 2200 << "ssh://pi@[::1]:2200";
        QTest::newRow("not ssh") << "local"
                                 << ""
                                 << "" << 0 << "";
        QTest::newRow("bad port") << "ssh://pi@board:99999"
                                  << ""
                                  << "" << 0 << "";
        QTest::newRow("empty port") << "ssh://pi@board:"
                                    << ""
                                    << "" << 0 << "";
        QTest::newRow("no host") << "ssh://pi@:22"
                                 << ""
                                 << "" << 0 << "";
    }
    void targetsParse() {
        QFETCH(QString, target);
        QFETCH(QString, user);
        QFETCH(QString, host);
        QFETCH(int, port);
        QFETCH(QString, normalized);
        const auto settings = SshBoardSettings::fromTarget(target.toStdString());
        QCOMPARE(settings.ok(), !normalized.isEmpty());
        if (!settings) {
            QVERIFY(settings.error().message.find("ssh://USER@HOST:PORT") != std::string::npos);
            return;
        }
        QCOMPARE(QString::fromStdString(settings->user), user);
        QCOMPARE(QString::fromStdString(settings->host), host);
        QCOMPARE(settings->port, port);
        QCOMPARE(QString::fromStdString(settings->target()), normalized);
    }

    void runsCommandsAndMeasuresAModel() {
        auto board = SshBoard::connect(settings());
        QVERIFY2(board, board ? "" : board.error().message.c_str());
        QCOMPARE((*board)->hostKeyFingerprint(), m_fingerprint);

        auto ran = (*board)->run("echo out; echo err >&2; exit 3", std::chrono::seconds(10));
        QVERIFY2(ran, ran ? "" : ran.error().message.c_str());
        QCOMPARE(ran->exitStatus, 3);
        QCOMPARE(ran->out, std::string("out\n"));
        QCOMPARE(ran->err, std::string("err\n"));  // the pid marker is not part of it

        // The template also records the remote folder, to check that it is removed afterwards.
        const fs::path folderNote = m_root / "remote-folder.txt";
        const auto start = Clock::now();
        auto measured = (*board)->measure(
            kTinyModel,
            {.commandTemplate = "dirname {model} > " + folderNote.string() + "; " +
                                std::string(PERFNAS_CLI_PATH) +
                                " bench-model --model {model} --runs {runs} --warmup 1 --json",
             .runs = 3});
        QVERIFY2(measured, measured ? "" : measured.error().message.c_str());
        qInfo("upload + bench-model (3 runs) + cleanup over ssh: %.2f s", secondsSince(start));
        QCOMPARE(measured->statistics.runs, 3);
        QVERIFY(measured->statistics.medianMs > 0 &&
                measured->statistics.p90Ms >= measured->statistics.medianMs);
        QVERIFY(measured->device.find("CPU") != std::string::npos);
        QCOMPARE(measured->threads, 1);
        std::string remoteFolder = readText(folderNote);
        while (!remoteFolder.empty() && remoteFolder.back() == '\n') remoteFolder.pop_back();
        QVERIFY2(remoteFolder.find("perfnas-bench.") != std::string::npos, remoteFolder.c_str());
        QVERIFY2(!fs::exists(remoteFolder), "the remote temporary folder was not removed");
    }

    void connectionFailuresAreClearAndQuick_data() {
        QTest::addColumn<QString>("knownHosts");  // a file in the work folder, or "empty"
        QTest::addColumn<QString>(
            "identity");                // a file in the work folder, or "missing" / "garbage"
        QTest::addColumn<int>("port");  // 0: the sshd; -1: a closed port; -2: a silent listener
        QTest::addColumn<QStringList>("expected");  // parts of the message
        const QString known = "known_hosts";
        const QString key = "client_key";
        QTest::newRow("wrong host key")
            << "wrong_known_hosts" << key << 0
            << QStringList{"WRONG HOST KEY", "@FINGERPRINT", "wrong_known_hosts", "@ADDRESS"};
        QTest::newRow("unknown host")
            << "empty" << key << 0
            << QStringList{"unknown host", "@FINGERPRINT", "empty_known_hosts", "--trust-new-host"};
        QTest::newRow("auth failure")
            << known << "other_key" << 0
            << QStringList{"authentication as", "did not accept the key", "other_key"};
        QTest::newRow("missing key file")
            << known << "missing" << 0
            << QStringList{"identity file", "missing_key", "does not exist"};
        QTest::newRow("unreadable key file")
            << known << "garbage" << 0 << QStringList{"garbage_key", "not a private key"};
        QTest::newRow("connection refused")
            << known << key << -1 << QStringList{"connection refused", "127.0.0.1:"};
        QTest::newRow("connect timeout")
            << known << key << -2 << QStringList{"connection timed out after 2 s"};
    }
    void connectionFailuresAreClearAndQuick() {
        QFETCH(QString, knownHosts);
        QFETCH(QString, identity);
        QFETCH(int, port);
        QFETCH(QStringList, expected);
        SshBoardSettings board = settings();
        board.connectTimeout = std::chrono::seconds(2);
        if (knownHosts == "empty") {
            board.knownHostsFile = m_root / "empty_known_hosts";
            writeText(board.knownHostsFile, "");
        } else {
            board.knownHostsFile = m_work / knownHosts.toStdString();
        }
        if (identity == "missing") {
            board.identityFile = m_root / "missing_key";
        } else if (identity == "garbage") {
            board.identityFile = m_root / "garbage_key";
            writeText(board.identityFile,
                      "-----BEGIN OPENSSH PRIVATE KEY-----\nnot a key\n-----END OPENSSH PRIVATE "
                      "KEY-----\n");
        } else {
            board.identityFile = m_work / identity.toStdString();
        }
        std::optional<SilentListener> silent;
        if (port == -1) board.port = closedPort();
        if (port == -2) board.port = (silent.emplace(), silent->port());

        const auto start = Clock::now();
        const BoardRun run =
            SshBoard::measureAll(board, {kTinyModel, kTinyModel}, remoteSettings(3));
        const double seconds = secondsSince(start);
        qInfo("failed in %.2f s", seconds);
        QVERIFY(!run.connected);
        QCOMPARE(run.models.size(), std::size_t(2));  // one failed result per model
        for (const auto& model : run.models) QVERIFY(!model.ok());
        const std::string message = run.models.front().error().message;
        qInfo("%s", message.c_str());
        for (QString part : expected) {
            part.replace("@FINGERPRINT", QString::fromStdString(m_fingerprint));
            part.replace("@ADDRESS", QString("127.0.0.1:%1").arg(board.port));
            QVERIFY2(message.find(part.toStdString()) != std::string::npos,
                     qPrintable("missing '" + part + "' in: " + QString::fromStdString(message)));
        }
        QVERIFY2(seconds < 5.0, "a failure must not wait past the connect timeout");
    }

    void unknownHostIsTrustedOnlyWhenConfirmed() {
        SshBoardSettings board = settings();
        board.knownHostsFile = m_root / "trust" / "known_hosts";  // not there yet, nor its folder
        QVERIFY(!SshBoard::connect(board).ok());
        QVERIFY(!fs::exists(board.knownHostsFile));
        board.trustNewHost = true;
        auto trusted = SshBoard::connect(board);
        QVERIFY2(trusted, trusted ? "" : trusted.error().message.c_str());
        const std::string written = readText(board.knownHostsFile);
        QVERIFY2(written.find("[127.0.0.1]:" + std::to_string(m_port)) != std::string::npos,
                 written.c_str());
        board.trustNewHost = false;  // now known: a plain connect works
        auto again = SshBoard::connect(board);
        QVERIFY2(again, again ? "" : again.error().message.c_str());
    }

    void authenticatesThroughTheAgent() {
        // An agent of our own, stopped by its QProcess (never by name).
        const QString socket = QString::fromStdString((m_root / "agent.sock").string());
        QProcess agent;
        agent.start("ssh-agent", {"-D", "-a", socket});
        QVERIFY(agent.waitForStarted());
        QTRY_VERIFY_WITH_TIMEOUT(fs::exists(socket.toStdString()), 5000);
        QProcess add;
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        environment.insert("SSH_AUTH_SOCK", socket);
        add.setProcessEnvironment(environment);
        add.start("ssh-add", {QString::fromStdString((m_work / "client_key").string())});
        QVERIFY(add.waitForFinished(10000) && add.exitCode() == 0);

        const QByteArray saved = qgetenv("SSH_AUTH_SOCK");
        SshBoardSettings board = settings();
        board.identityFile.clear();
        qputenv("SSH_AUTH_SOCK", socket.toUtf8());
        auto viaAgent = SshBoard::connect(board);
        qunsetenv("SSH_AUTH_SOCK");
        auto noAgent = SshBoard::connect(board);
        if (!saved.isEmpty()) qputenv("SSH_AUTH_SOCK", saved);
        agent.terminate();
        QVERIFY(agent.waitForFinished(5000));
        QVERIFY2(viaAgent, viaAgent ? "" : viaAgent.error().message.c_str());
        QVERIFY(!noAgent);
        QVERIFY2(noAgent.error().message.find("no ssh-agent") != std::string::npos,
                 noAgent.error().message.c_str());
    }

    void failingRemoteCommandShowsStatusAndStderr() {
        auto board = SshBoard::connect(settings());
        QVERIFY(board);
        auto measured = (*board)->measure(
            kTinyModel,
            {.commandTemplate = "echo 'runner missing on this board' >&2; exit 127 # {model}"});
        QVERIFY(!measured);
        const std::string message = measured.error().message;
        QVERIFY2(message.find("exited with status 127") != std::string::npos, message.c_str());
        QVERIFY2(message.find("runner missing on this board") != std::string::npos,
                 message.c_str());
        auto garbled = (*board)->measure(kTinyModel, {.commandTemplate = "echo hello # {model}"});
        QVERIFY(!garbled);
        QVERIFY2(garbled.error().message.find("not a JSON document") != std::string::npos,
                 garbled.error().message.c_str());
    }

    void timedOutRemoteCommandIsKilled() {
        SshBoardSettings timed = settings();
        timed.commandTimeout = std::chrono::seconds(2);
        auto board = SshBoard::connect(timed);
        QVERIFY(board);
        // $$ is the group leader's pid (the template runs exec-ed); sleep is its child.
        const fs::path pidFile = m_root / "sleeper.pid";
        const auto start = Clock::now();
        auto measured = (*board)->measure(
            kTinyModel,
            {.commandTemplate = "echo $$ > " + pidFile.string() + "; sleep 30 # {model}"});
        const double seconds = secondsSince(start);
        qInfo("timed out and cleaned up in %.2f s", seconds);
        QVERIFY(!measured);
        const std::string message = measured.error().message;
        QVERIFY2(message.find("timed out after 2 s") != std::string::npos &&
                     message.find("was killed") != std::string::npos,
                 message.c_str());
        QVERIFY2(seconds < 8.0, "the timeout took too long");
        const long pid = std::stol(readText(pidFile));
        QTRY_VERIFY_WITH_TIMEOUT(processGroupGone(pid), 3000);  // the sleep too, not just its shell
        auto after =
            (*board)->run("echo still here", std::chrono::seconds(10));  // the session survives
        QVERIFY(after && after->out == "still here\n");
    }

    // perfnas bench --target ssh://...: every model stored per (trial, target), a model's failure
    // stored beside the others' results, and a connection failure stored for every model.
    void benchFromTheCommandLine() {
        const fs::path db = m_root / "bench.sqlite";
        const ExperimentConfig config = test::smallSearchConfig(m_root / "data", 3);
        int trialId = 0;
        {
            auto store =
                test::makeSyntheticExperiment(db, config, {.trials = 3, .failures = false});
            trialId = store->trials()->back().id;
        }
        const QString target =
            QString("ssh://%1@127.0.0.1:%2").arg(QString::fromStdString(m_user)).arg(m_port);
        const QString runner = QString(PERFNAS_CLI_PATH) +
                               " bench-model --model {model} --runs {runs} --warmup 1 --json";
        const QStringList common = {"bench",
                                    "--db",
                                    QString::fromStdString(db.string()),
                                    "--target",
                                    target,
                                    "--identity",
                                    QString::fromStdString((m_work / "client_key").string()),
                                    "--trials",
                                    QString::number(trialId),
                                    "--runs",
                                    "3",
                                    "--json"};
        const QString knownHosts = QString::fromStdString((m_work / "known_hosts").string());

        const test::Run ok = test::runCli(
            common + QStringList{"--known-hosts", knownHosts, "--remote-command", runner});
        QVERIFY2(ok.exitCode == 0, ok.err.constData());
        const QJsonObject document = QJsonDocument::fromJson(ok.out).object();
        QCOMPARE(document["target"].toString(), target);
        QCOMPARE(document["results"].toArray().size(), 2);
        QCOMPARE(document["results"].toArray()[0].toObject()["trial"].toInt(),
                 0);  // the seed first
        QVERIFY(document["results"].toArray()[1].toObject()["median_ms"].toDouble() > 0);

        // The seed's runner works, the trial's fails: both stored, exit status 1.
        const QString picky = "if grep -q paper-seed {model}; then " + runner +
                              "; else echo 'board refuses this model' >&2; exit 7; fi";
        const test::Run partial = test::runCli(
            common + QStringList{"--known-hosts", knownHosts, "--remote-command", picky});
        QCOMPARE(partial.exitCode, 1);
        const QJsonArray partialResults =
            QJsonDocument::fromJson(partial.out).object()["results"].toArray();
        QVERIFY2(partialResults[0].toObject()["median_ms"].toDouble() > 0, partial.out.constData());
        QVERIFY2(
            partialResults[1].toObject()["error"].toString().contains("board refuses this model"),
            partial.out.constData());

        const test::Run refused = test::runCli(
            common + QStringList{"--known-hosts",
                                 QString::fromStdString((m_work / "wrong_known_hosts").string())});
        QCOMPARE(refused.exitCode, 1);

        auto store = ExperimentStore::open(db);
        QVERIFY(store);
        const auto records = *(*store)->benchmarks();
        QCOMPARE(records.size(), std::size_t(6));
        for (const BenchmarkRecord& record : records)
            QCOMPARE(QString::fromStdString(record.target), target);
        QVERIFY(records[0].error.empty() && records[0].trialId == 0 && records[0].runs == 3 &&
                records[0].medianMs > 0);
        QVERIFY(records[1].error.empty() && records[1].trialId == trialId);
        QVERIFY(records[2].error.empty() &&
                records[3].error.find("exited with status 7") != std::string::npos);
        for (std::size_t i = 4; i < 6; ++i) {
            QVERIFY2(records[i].error.find("WRONG HOST KEY") != std::string::npos,
                     records[i].error.c_str());
            QCOMPARE(records[i].runs, 0);
        }
        QCOMPARE(records[5].trialId, trialId);
    }

    // The search's latency objective on a board: every architecture measured there once, over
    // the fixture's sshd, before it trains; a board whose key does not match stops the search
    // with the target and the reason.
    void searchesOnTheBoardsLatency() {
        const fs::path data = m_root / "words";
        test::makeKeywordDataset(
            data, {"yes", "no", "up", "down", "left", "right", "on", "off", "stop", "go"}, 4);
        ExperimentConfig config = test::smallSearchConfig(data, 4);
        config.cost = CostMetric::Latency;
        config.latency.target = "ssh://" + m_user + "@127.0.0.1:" + std::to_string(m_port);
        config.latency.runs = 3;
        config.latency.warmupRuns = 1;
        config.latency.board = settings();
        config.latency.remote = remoteSettings(3);
        const fs::path configFile = m_root / "board-search.json";
        writeText(configFile, config.toJson());
        const fs::path db = m_root / "board-search.sqlite";
        const test::Run search =
            test::runCli({"search", "--config", QString::fromStdString(configFile.string()), "--db",
                          QString::fromStdString(db.string())});
        QVERIFY2(search.exitCode == 0, search.err.constData());

        auto store = ExperimentStore::open(db, ExperimentStore::Access::ReadOnly);
        QVERIFY(store);
        const auto records = (*store)->latencies();
        QVERIFY(records);
        std::map<std::string, LatencyRecord> measured;
        for (const LatencyRecord& record : *records) {
            QCOMPARE(record.target, config.latency.target);
            QVERIFY2(record.device.find("127.0.0.1") != std::string::npos, record.device.c_str());
            QVERIFY(record.medianMs > 0 && record.runs == 3);
            QVERIFY(measured.emplace(record.architecture, record).second);  // never twice
        }
        QVERIFY(measured.contains(config.seed.toJson()));
        const QJsonObject status = test::statusOf(QString::fromStdString(db.string()));
        const QJsonArray trials = status["trials"].toArray();
        QCOMPARE(trials.size(), 4);
        for (const QJsonValue& trial : trials) {
            const QJsonObject latency = trial.toObject()["latency_ms"].toObject();
            QVERIFY2(latency[QString::fromStdString(config.latency.target)].toDouble() > 0,
                     QJsonDocument(trial.toObject()).toJson().constData());
        }

        config.latency.board.knownHostsFile = m_work / "wrong_known_hosts";
        writeText(configFile, config.toJson());
        const test::Run refused =
            test::runCli({"search", "--config", QString::fromStdString(configFile.string()), "--db",
                          QString::fromStdString((m_root / "board-refused.sqlite").string())});
        QVERIFY(refused.exitCode != 0);
        QVERIFY2(refused.err.contains(QByteArray::fromStdString(config.latency.target)) &&
                     refused.err.contains("WRONG HOST KEY"),
                 refused.err.constData());
    }

private:
    SshBoardSettings settings() const {
        return {.host = "127.0.0.1",
                .port = m_port,
                .user = m_user,
                .identityFile = m_work / "client_key",
                .knownHostsFile = m_work / "known_hosts",
                .connectTimeout = std::chrono::seconds(5),
                .commandTimeout = std::chrono::seconds(60)};
    }
    static RemoteBenchmarkSettings remoteSettings(int runs) {
        return {.commandTemplate = std::string(PERFNAS_CLI_PATH) +
                                   " bench-model --model {model} --runs {runs} --warmup 1 --json",
                .runs = runs};
    }

    fs::path m_work;
    int m_port = 0;
    std::string m_user;
    std::string m_fingerprint;
    QTemporaryDir m_folder;
    fs::path m_root;
};

QTEST_GUILESS_MAIN(SshBoardTest)
#include "SshBoardTest.moc"
