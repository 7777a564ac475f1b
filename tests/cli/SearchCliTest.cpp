// perfnas search / status / freeze / finetune / trial end to end with real training on a small
// tone dataset: a killed search (SIGKILL) resumes without losing a finished trial, and the phases
// of the method (search -> refine -> fine-tune) run from the command line.
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>
#include <map>

#include "core/storage/ExperimentStore.h"
#include "tests/support/CliRunner.h"
#include "tests/support/DatasetFixture.h"
#include "tests/support/ExperimentStatus.h"
#include "tests/support/FreezeWhen.h"

namespace fs = std::filesystem;
using perfnas::test::countState;
using perfnas::test::Run;
using perfnas::test::runCli;
using perfnas::test::statusOf;
using perfnas::test::trialsById;

namespace {

const std::vector<std::string> kWords = {"yes",   "no", "up",  "down", "left",
                                         "right", "on", "off", "stop", "go"};

// Small, fast architectures: a few filters per unit, ~1 s per trial on one core.
std::string configText(int trials, int iterations, const std::string& extra = "") {
    return R"({
      // written by SearchCliTest
      "name": "cli-test",
      "dataset": {"path": "data"},
      "space": {"units": [
        {"filters": {"min": 2, "max": 8}}, {"filters": {"min": 2, "max": 8}}, {"filters": {"min": 2, "max": 8}},
        {"filters": {"min": 2, "max": 8}}, {"filters": {"min": 2, "max": 8}}, {"filters": {"min": 2, "max": 8}}]},
      "search": {"train_seed": false, "trials": )" +
           std::to_string(trials) + R"(},
      "refinement": {"trials": 2},
      "sampler": {"startup_trials": 3},
      "training": {"iterations": )" +
           std::to_string(iterations) + R"(, "learning_rate": 0.003, "validate_every": 0},
      "execution": {"workers": 1, "threads_per_trial": 1})" +
           extra + R"(
    })";
}

}  // namespace

class SearchCliTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() {
        QVERIFY(m_folder.isValid());
        m_root = fs::path(m_folder.path().toStdString());
        perfnas::test::makeKeywordDataset(m_root / "data", kWords, 6);
        qputenv("PERFNAS_CACHE_DIR", QByteArray::fromStdString((m_root / "cache").string()));
    }

    void killedSearchResumesWithoutLosingTrials() {
        const fs::path config = m_root / "kill.json";
        perfnas::test::writeText(config, configText(6, 300));
        const QString db = QString::fromStdString((m_root / "kill.sqlite").string());
        QProcess search;
        search.start(PERFNAS_CLI_PATH,
                     {"search", "--config", QString::fromStdString(config.string()), "--db", db});
        QVERIFY(search.waitForStarted());
        // Wait until two trials are finished and another one is running, then kill -9.
        QJsonObject before;
        QVERIFY(perfnas::test::freezeWhen(
            search,
            [&] {
                before = statusOf(db);
                return countState(before, "finished") >= 2 && countState(before, "running") == 1;
            },
            120000));
        QCOMPARE(before["run_by"].toInteger(), search.processId());  // its run lock
        search.kill();
        QVERIFY(search.waitForFinished());
        QCOMPARE(search.exitStatus(), QProcess::CrashExit);

        // The lock died with it: status says the running trial was interrupted.
        const QJsonObject afterKill = statusOf(db);
        QVERIFY(afterKill["run_by"].isNull());
        const Run text = runCli({"status", "--db", db});
        QVERIFY2(text.out.contains("1 trial(s) marked running were interrupted"),
                 text.out.constData());
        const auto killed = trialsById(afterKill);
        int interrupted = 0;
        for (const auto& [id, trial] : killed)
            interrupted += trial["state"].toString() == "running";
        QCOMPARE(interrupted, 1);

        const Run resumed =
            runCli({"search", "--config", QString::fromStdString(config.string()), "--db", db}, {},
                   300000);
        QVERIFY2(resumed.exitCode == 0, resumed.err.constData());
        QVERIFY(resumed.err.contains("resuming"));
        const QJsonObject after = statusOf(db);
        const auto trials = trialsById(after);
        QCOMPARE(countState(after, "finished") + countState(after, "failed") +
                     countState(after, "diverged"),
                 6);
        for (const auto& [id, trial] : killed) {
            if (trial["state"].toString() == "finished") {
                QCOMPARE(trials.at(id)["top1"].toDouble(),
                         trial["top1"].toDouble());  // finished work kept as is
                QCOMPARE(trials.at(id)["attempts"].toInt(), 1);
            } else if (trial["state"].toString() == "running") {
                QCOMPARE(trials.at(id)["state"].toString(), QString("finished"));  // reran
                QCOMPARE(trials.at(id)["attempts"].toInt(), 2);
            }
        }
    }

    // Multi-fidelity search: kill -9 after a promotion, while a trial trains, then resume.
    void killedBetweenRungsLosesNoFinishedRung() {
        const fs::path config = m_root / "rungs.json";
        perfnas::test::writeText(config, configText(6, 360, R"(,
          "fidelity": {"min_iterations": 40, "max_iterations": 360, "eta": 3})"));
        const QString db = QString::fromStdString((m_root / "rungs.sqlite").string());
        QProcess search;
        search.start(PERFNAS_CLI_PATH,
                     {"search", "--config", QString::fromStdString(config.string()), "--db", db});
        QVERIFY(search.waitForStarted());
        // Wait for a promotion and any running trial, reading the file directly (cheaper than a
        // `perfnas status` per poll while the process is frozen).
        auto promotedRunning = [&db] {
            auto store = perfnas::ExperimentStore::open(db.toStdString(),
                                                        perfnas::ExperimentStore::Access::ReadOnly);
            auto trials = store ? (*store)->trials()
                                : perfnas::Result<std::vector<perfnas::TrialRecord>>(store.error());
            if (!trials) return false;
            bool promoted = false;
            bool running = false;
            for (const perfnas::TrialRecord& trial : *trials) {
                promoted = promoted || trial.rung >= 1;
                running = running || trial.state == perfnas::TrialState::Running;
            }
            return promoted && running;
        };
        QVERIFY(perfnas::test::freezeWhen(search, promotedRunning, 120000));
        search.kill();
        QVERIFY(search.waitForFinished());

        const auto killed = trialsById(statusOf(db));
        const Run resumed = runCli({"search", "--db", db}, {}, 300000);
        QVERIFY2(resumed.exitCode == 0, resumed.err.constData());
        const QJsonObject after = statusOf(db);
        const auto trials = trialsById(after);
        QCOMPARE(static_cast<int>(trials.size()), 6);
        QVERIFY(after["fidelity"].toObject()["rung_iterations"].toArray().size() == 3);
        bool sawInterrupted = false;
        for (const auto& [id, trial] : killed) {
            const QJsonArray rungsBefore = trial["rungs"].toArray();
            const QJsonArray rungsAfter = trials.at(id)["rungs"].toArray();
            QVERIFY(rungsAfter.size() >= rungsBefore.size());
            for (qsizetype k = 0; k < rungsBefore.size();
                 ++k) {  // every finished rung kept as it was
                QCOMPARE(rungsAfter[k].toObject()["top1"].toDouble(),
                         rungsBefore[k].toObject()["top1"].toDouble());
                QCOMPARE(rungsAfter[k].toObject()["iterations"].toInt(),
                         rungsBefore[k].toObject()["iterations"].toInt());
            }
            if (trial["state"].toString() == "running") {
                sawInterrupted = true;
                QCOMPARE(trials.at(id)["state"].toString(), QString("finished"));
                QVERIFY(trials.at(id)["iterations"].toInt() >= 40);
                QCOMPARE(trials.at(id)["attempts"].toInt(), trial["attempts"].toInt() + 1);
            }
        }
        QVERIFY(sawInterrupted);
        for (const QJsonValue& id : after["frontier"].toArray()) {
            QVERIFY(trials.at(id.toInt())["top_rung"].toBool());
            QCOMPARE(trials.at(id.toInt())["iterations"].toInt(), 360);
        }
    }

    void searchRefineAndFinetuneFromTheCommandLine() {
        const fs::path config = m_root / "method.json";
        perfnas::test::writeText(config, configText(4, 40));
        const QString db = QString::fromStdString((m_root / "method.sqlite").string());
        const Run search = runCli(
            {"search", "--config", QString::fromStdString(config.string()), "--db", db, "--json"},
            {}, 300000);
        QVERIFY2(search.exitCode == 0, search.err.constData());
        const QJsonObject status = QJsonDocument::fromJson(search.out).object();
        for (const char* key : {"phases", "trials", "frontier", "suggestions", "hypervolume"})
            QVERIFY2(status.contains(key), key);
        QCOMPARE(status["trials"].toArray().size(), 4);
        const QJsonObject trial = status["trials"].toArray()[0].toObject();
        for (const char* key : {"id", "phase", "state", "top1", "mfpops", "spec"})
            QVERIFY2(trial.contains(key), key);
        QVERIFY(trial["top1"].toDouble() >= 0.0 && trial["top1"].toDouble() <= 1.0);
        QVERIFY(!status["frontier"].toArray().isEmpty());
        QVERIFY(!status["suggestions"].toArray().isEmpty());

        // Freeze the first suggestion, then search the reduced space.
        const QJsonObject suggestion = status["suggestions"].toArray()[0].toObject();
        const Run freeze =
            runCli({"freeze", "--db", db, "--unit", QString::number(suggestion["unit"].toInt()),
                    "--param", suggestion["param"].toString(), "--value",
                    QString::number(suggestion["value"].toInt())});
        QVERIFY2(freeze.exitCode == 0, freeze.err.constData());
        const Run refine = runCli({"search", "--db", db, "--json"}, {}, 300000);
        QVERIFY2(refine.exitCode == 0, refine.err.constData());
        const QJsonObject refined = QJsonDocument::fromJson(refine.out).object();
        const QJsonArray phases = refined["phases"].toArray();
        QCOMPARE(phases.size(), 2);
        QCOMPARE(phases[1].toObject()["kind"].toString(), QString("refinement"));
        QCOMPARE(phases[1].toObject()["frozen"].toArray().size(), 1);
        QCOMPARE(refined["trials"].toArray().size(), 6);
        for (const auto& value : refined["trials"].toArray()) {
            const QJsonObject t = value.toObject();
            if (t["phase"].toInt() != phases[1].toObject()["id"].toInt()) continue;
            const QJsonObject unit =
                t["spec"].toObject()["units"].toArray()[suggestion["unit"].toInt() - 1].toObject();
            QCOMPARE(unit[suggestion["param"].toString()].toInt(), suggestion["value"].toInt());
        }

        const Run finetune =
            runCli({"finetune", "--db", db, "--iterations", "80", "--json"}, {}, 300000);
        QVERIFY2(finetune.exitCode == 0, finetune.err.constData());
        const QJsonObject tuned = QJsonDocument::fromJson(finetune.out).object();
        int finetuned = 0;
        for (const auto& value : tuned["trials"].toArray()) {
            const QJsonObject t = value.toObject();
            if (t["parent"].toInt() == 0) continue;
            ++finetuned;
            QCOMPARE(t["state"].toString(), QString("finished"));
            QCOMPARE(t["iterations"].toInt(), 80);
            QVERIFY(t["test_top1"].toDouble() > 0.0);
        }
        QVERIFY(finetuned >=
                tuned["frontier"].toArray().size());  // the frontier, and the seed when trained

        // Latency of the frontier (the seed alongside), stored and shown by the report.
        const Run bench =
            runCli({"bench", "--db", db, "--target", "local", "--runs", "5", "--json"});
        QVERIFY2(bench.exitCode == 0, bench.err.constData());
        const QJsonObject latencies = QJsonDocument::fromJson(bench.out).object();
        QCOMPARE(latencies["results"].toArray().size(), 1 + tuned["frontier"].toArray().size());
        QCOMPARE(latencies["results"].toArray()[0].toObject()["trial"].toInt(),
                 0);  // the seed first
        QVERIFY(latencies["results"].toArray()[0].toObject()["median_ms"].toDouble() > 0.0);
        QVERIFY(latencies.contains("mfpops_latency_rank_correlation"));
        const QString reportFile = QString::fromStdString((m_root / "report.md").string());
        const Run report = runCli({"report", "--db", db, "--format", "md", "--out", reportFile});
        QVERIFY2(report.exitCode == 0, report.err.constData());
        QFile markdown(reportFile);
        QVERIFY(markdown.open(QIODevice::ReadOnly));
        const QByteArray tables = markdown.readAll();
        QVERIFY(tables.contains("Table II") && tables.contains("local ms") &&
                tables.contains("best δ FPOPS"));
        // ssh targets are measured in tests/benchmark/SshBoardTest (a real sshd); bad usage fails
        // before connecting.
        const Run badPort = runCli({"bench", "--db", db, "--target", "ssh://pi@board:99999"});
        QCOMPARE(badPort.exitCode, 2);
        QVERIFY(badPort.err.contains("99999"));
        const Run noModel = runCli(
            {"bench", "--db", db, "--target", "ssh://pi@board:22", "--remote-command", "true"});
        QCOMPARE(noModel.exitCode, 2);
        QVERIFY(noModel.err.contains("{model}"));

        const Run human = runCli({"status", "--db", db});
        QCOMPARE(human.exitCode, 0);
        QVERIFY(human.out.contains("Pareto frontier"));
        QVERIFY(human.out.contains("fine-tuned trial"));
    }

    void trialWorkerWritesItsResultFile() {
        const fs::path request = m_root / "trial.json";
        const fs::path result = m_root / "trial-result.json";
        perfnas::test::writeText(request, R"({"trial": 7,
          "spec": {"input": {"height": 40, "width": 32}, "classes": 10, "units": [{"kh": 3, "kw": 3, "filters": 4}]},
          "training": {"iterations": 20, "validate_every": 0, "threads": 1,
                       "checkpoint_folder": ")" +
                                              (m_root / "trial-7").string() + R"("},
          "dataset": {"path": ")" + (m_root / "data").string() +
                                              R"("}})");
        const Run run = runCli({"trial", "--spec", QString::fromStdString(request.string()),
                                "--out", QString::fromStdString(result.string()), "--quiet"});
        QVERIFY2(run.exitCode == 0, run.err.constData());
        QFile file(QString::fromStdString(result.string()));
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QJsonObject report = QJsonDocument::fromJson(file.readAll()).object();
        QCOMPARE(report["trial"].toInt(), 7);
        QCOMPARE(report["result"].toObject()["state"].toString(), QString("finished"));
        QCOMPARE(report["result"].toObject()["iterations"].toInt(), 20);
        QVERIFY(fs::exists(m_root / "trial-7" / "checkpoint.json"));
    }

    void badInputIsNamed_data() {
        QTest::addColumn<QString>("configText");
        QTest::addColumn<QString>("mentions");
        QTest::newRow("unknown key") << R"({"serach": {}})"
                                     << "serach";
        QTest::newRow("nested unknown key") << R"({"search": {"trails": 3}})"
                                            << "search: unknown field 'trails'";
        QTest::newRow("wrong type") << R"({"training": {"iterations": "many"}})"
                                    << "iterations";
        QTest::newRow("kernel too large")
            << R"({"space": {"units": [{"kh": {"min": 1, "max": 41}}]}})"
            << "kh";
        QTest::newRow("not json") << "{"
                                  << "not valid JSON";
        QTest::newRow("classes mismatch") << R"({"dataset": {"keywords": ["yes", "no"]}})"
                                          << "classes";
    }
    void badInputIsNamed() {
        QFETCH(QString, configText);
        QFETCH(QString, mentions);
        const fs::path config = m_root / "bad.json";
        perfnas::test::writeText(config, configText.toStdString());
        const QString db = QString::fromStdString((m_root / "bad.sqlite").string());
        const Run run =
            runCli({"search", "--config", QString::fromStdString(config.string()), "--db", db,
                    "--data", QString::fromStdString((m_root / "data").string())});
        QCOMPARE(run.exitCode, 2);
        QVERIFY2(QString::fromUtf8(run.err).contains(mentions), run.err.constData());
        QVERIFY(QString::fromUtf8(run.err).contains("bad.json"));
        QVERIFY(!fs::exists(db.toStdString()));
    }

    void foreignExperimentFileIsRefused() {
        const fs::path file = m_root / "notes.sqlite";
        perfnas::test::writeText(file, "my notes, not an experiment");
        const Run status = runCli({"status", "--db", QString::fromStdString(file.string())});
        QCOMPARE(status.exitCode, 2);
        QVERIFY2(status.err.contains("notes.sqlite"), status.err.constData());
        const Run missing = runCli(
            {"status", "--db", QString::fromStdString((m_root / "missing.sqlite").string())});
        QCOMPARE(missing.exitCode, 2);
        QVERIFY(missing.err.contains("missing.sqlite"));
        QFile notes(QString::fromStdString(file.string()));
        QVERIFY(notes.open(QIODevice::ReadOnly));
        QCOMPARE(notes.readAll(), QByteArray("my notes, not an experiment"));  // untouched
    }

private:
    QTemporaryDir m_folder;
    fs::path m_root;
};

QTEST_GUILESS_MAIN(SearchCliTest)
#include "SearchCliTest.moc"
