// Black-box checks of the perfnas command line (design.md "The CLI"): exit codes, output shapes.
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include "tests/support/DatasetFixture.h"

namespace fs = std::filesystem;

namespace {

struct Run {
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

Run runCli(const QStringList& arguments, const QString& cacheDir = {}) {
    QProcess process;
    if (!cacheDir.isEmpty()) {
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        environment.insert("PERFNAS_CACHE_DIR", cacheDir);
        process.setProcessEnvironment(environment);
    }
    process.start(PERFNAS_CLI_PATH, arguments);
    if (!process.waitForFinished(120000)) return {};
    return {process.exitCode(), process.readAllStandardOutput(), process.readAllStandardError()};
}

}  // namespace

class CliTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void versionAndHelp() {
        const Run version = runCli({"--version"});
        QCOMPARE(version.exitCode, 0);
        QVERIFY(version.out.startsWith("perfnas "));
        QCOMPARE(runCli({"--help"}).exitCode, 0);
    }

    void badUsageExitsWithTwo_data() {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<QString>("mentions");
        QTest::newRow("no command") << QStringList{} << "";
        QTest::newRow("unknown command") << QStringList{"frobnicate"} << "frobnicate";
        QTest::newRow("mfcc without file") << QStringList{"mfcc"} << "FILE";
        QTest::newRow("mfcc bad format") << QStringList{"mfcc", "x.wav", "--format", "xml"} << "xml";
        QTest::newRow("mfcc missing file") << QStringList{"mfcc", "/no/such/clip.wav"} << "/no/such/clip.wav";
        QTest::newRow("dataset missing folder") << QStringList{"dataset", "/no/such/dataset"} << "/no/such/dataset";
    }
    void badUsageExitsWithTwo() {
        QFETCH(QStringList, arguments);
        QFETCH(QString, mentions);
        const Run run = runCli(arguments);
        QCOMPARE(run.exitCode, 2);
        QVERIFY2(QString::fromUtf8(run.err).contains(mentions), run.err.constData());
    }

    void mfccPrintsFortyRowsOfThirtyTwo() {
        QTemporaryDir dir;
        const fs::path clip = fs::path(dir.path().toStdString()) / "tone.wav";
        perfnas::test::writeClip(clip, perfnas::test::toneClip(500, 0.8, 1));

        const Run csv = runCli({"mfcc", QString::fromStdString(clip.string())});
        QCOMPARE(csv.exitCode, 0);
        const QList<QByteArray> rows = csv.out.trimmed().split('\n');
        QCOMPARE(rows.size(), 40);
        for (const QByteArray& row : rows) QCOMPARE(row.split(',').size(), 32);

        const Run json = runCli({"mfcc", QString::fromStdString(clip.string()), "--format", "json"});
        QCOMPARE(json.exitCode, 0);
        const QJsonObject document = QJsonDocument::fromJson(json.out).object();
        const QJsonArray matrix = document["mfcc"].toArray();
        QCOMPARE(matrix.size(), 40);
        QCOMPARE(matrix[0].toArray().size(), 32);
        // Same numbers in both formats.
        QCOMPARE(static_cast<float>(matrix[3].toArray()[7].toDouble()), rows[3].split(',')[7].toFloat());
    }

    void mfccOfAnEmptyFileNamesTheFile() {
        QTemporaryDir dir;
        const QString empty = dir.filePath("empty.wav");
        perfnas::test::writeText(empty.toStdString(), "");
        const Run run = runCli({"mfcc", empty});
        QCOMPARE(run.exitCode, 2);
        QVERIFY(run.err.contains(empty.toUtf8()));
        QVERIFY(run.err.contains("empty"));
    }

    void datasetReportsCountsAndSkippedFilesAsJson() {
        QTemporaryDir dir;
        const fs::path root = fs::path(dir.path().toStdString()) / "data";
        perfnas::test::makeKeywordDataset(root, {"yes", "no"}, 5);
        perfnas::test::writeText(root / "no" / "broken.wav", "RIFF....WAVE garbage");
        const QStringList arguments = {"dataset", QString::fromStdString(root.string()), "--keywords",
                                       "yes,no", "--json"};
        const Run run = runCli(arguments, dir.filePath("cache"));
        QCOMPARE(run.exitCode, 0);
        const QJsonObject document = QJsonDocument::fromJson(run.out).object();
        QCOMPARE(document["classes"].toArray().size(), 2);
        const QJsonObject splits = document["splits"].toObject();
        QCOMPARE(splits["training"].toObject()["total"].toInt(), 6);
        QCOMPARE(splits["validation"].toObject()["per_class"].toObject()["no"].toInt(), 1);
        QCOMPARE(splits["testing"].toObject()["total"].toInt(), 2);
        const QJsonArray skipped = document["skipped"].toArray();
        QCOMPARE(skipped.size(), 1);
        QCOMPARE(skipped[0].toObject()["file"].toString(), QString("no/broken.wav"));
        QVERIFY(!document["cache"].toObject()["hit"].toBool());
        QVERIFY(QJsonDocument::fromJson(runCli(arguments, dir.filePath("cache")).out)
                    .object()["cache"].toObject()["hit"].toBool());

        const Run missingKeyword = runCli({"dataset", QString::fromStdString(root.string()),
                                            "--keywords", "yes,maybe"}, dir.filePath("cache"));
        QCOMPARE(missingKeyword.exitCode, 2);
        QVERIFY(missingKeyword.err.contains("maybe"));
    }
};

QTEST_GUILESS_MAIN(CliTest)
#include "CliTest.moc"
