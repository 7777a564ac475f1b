// The demo's result (label slow): the README's run command on the product's own data shows the
// method's finding. Through the real CLI: synthesize the demo data, search with
// resources/examples/demo-experiment.json, freeze what the frontier agrees on, search the reduced
// space. One worker, fixed trial budgets and no wall-clock budget make the run deterministic (the
// demo itself uses two workers and 3.5 minutes per phase). Then: the seed reaches >= 90 %
// validation TOP-1 at the top rung, and a top-rung model costing at most a fifth of the seed's
// MFPOPS comes within 3 points of it. The demo's goal is one point; with 200 validation clips from
// 5 speakers one clip is half a point and a model's figure moves by +-1.5 points with its training
// seed, so the test allows that spread and prints the gap.
#include <QJsonArray>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

#include "tests/support/CliRunner.h"
#include "tests/support/ExperimentStatus.h"

using perfnas::test::Run;
using perfnas::test::runCli;
using perfnas::test::statusOf;
using perfnas::test::trialsById;

class DemoResultTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void theDemoFindsAModelAsAccurateAsTheSeedAtAFifthOfItsCost() {
        QTemporaryDir folder;
        QVERIFY(folder.isValid());
        const QString root = folder.path();
        const QString cache = root + "/cache";
        const QString db = root + "/demo.sqlite";
        const QString config = PERFNAS_SOURCE_DIR "/resources/examples/demo-experiment.json";
        constexpr int kTimeoutMs = 30 * 60 * 1000;

        const Run data = runCli({"demo-data", "--out", root + "/demo"}, cache);
        QVERIFY2(data.exitCode == 0, data.err.constData());
        const QStringList deterministic = {"--workers", "1",        "--max-minutes",
                                           "0",         "--trials", "16"};
        const Run search =
            runCli(QStringList{"search", "--config", config, "--data", root + "/demo", "--db", db} +
                       deterministic,
                   cache, kTimeoutMs);
        QVERIFY2(search.exitCode == 0, search.err.constData());
        const Run freeze = runCli({"freeze", "--db", db, "--auto", "--min-share", "0.6"}, cache);
        QVERIFY2(freeze.exitCode == 0, freeze.err.constData());
        const Run refine =
            runCli(QStringList{"search", "--db", db} + deterministic, cache, kTimeoutMs);
        QVERIFY2(refine.exitCode == 0, refine.err.constData());

        const QJsonObject status = statusOf(db);
        const auto trials = trialsById(status);
        const QJsonObject seed = trials.at(status["seed"].toObject()["trial"].toInt());
        const double seedTop1 = seed["top1"].toDouble();
        const double seedMfpops = seed["mfpops"].toDouble();
        QVERIFY(seed["top_rung"].toBool());
        qInfo("seed: validation TOP-1 %.2f %%, test %.2f %%, %.3f MFPOPS", 100 * seedTop1,
              100 * seed["test_top1"].toDouble(), seedMfpops);
        QVERIFY2(seedTop1 >= 0.90, qPrintable(QString::number(seedTop1)));

        const QJsonObject* best = nullptr;
        for (const auto& [id, trial] : trials) {
            if (!trial["top_rung"].toBool() || trial["mfpops"].toDouble() > seedMfpops / 5)
                continue;
            if (!best || trial["top1"].toDouble() > (*best)["top1"].toDouble()) best = &trial;
        }
        QVERIFY2(best, "no top-rung model at a fifth of the seed's cost");
        qInfo(
            "best model at <= 1/5 of the seed's MFPOPS: trial %d, validation TOP-1 %.2f %%, test "
            "%.2f %%, %.3f MFPOPS",
            (*best)["id"].toInt(), 100 * (*best)["top1"].toDouble(),
            100 * (*best)["test_top1"].toDouble(), (*best)["mfpops"].toDouble());
        qInfo("gap to the seed: %.2f points", 100 * (seedTop1 - (*best)["top1"].toDouble()));
        QVERIFY((*best)["top1"].toDouble() >= seedTop1 - 0.03);
        for (const QJsonValue& id : status["frontier"].toArray())
            QVERIFY(trials.at(id.toInt())["top_rung"].toBool());
    }
};

QTEST_GUILESS_MAIN(DemoResultTest)
#include "DemoResultTest.moc"
