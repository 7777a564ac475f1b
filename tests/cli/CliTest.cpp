// Black-box checks of the perfnas command line (docs/cli.md): exit codes, output shapes.
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include "tests/support/CliRunner.h"
#include "tests/support/DatasetFixture.h"

namespace fs = std::filesystem;

namespace {

using perfnas::test::Run;
using perfnas::test::runCli;

std::size_t wavFilesIn(const fs::path& folder) {
    std::size_t count = 0;
    for (const auto& entry : fs::directory_iterator(folder)) {
        count += entry.is_regular_file() && entry.path().extension() == ".wav" ? 1 : 0;
    }
    return count;
}

QByteArray contentsOf(const fs::path& file) {
    QFile in(QString::fromStdString(file.string()));
    return in.open(QIODevice::ReadOnly) ? in.readAll() : QByteArray();
}

QStringList linesOf(const fs::path& file) {
    return QString::fromUtf8(contentsOf(file)).split('\n', Qt::SkipEmptyParts);
}

QString str(const fs::path& path) { return QString::fromStdString(path.string()); }

// A network small enough to train in a blink: enough for a checkpoint to evaluate.
const char* kTinySpec = R"({"name": "tiny", "input": {"height": 40, "width": 32}, "classes": 2,
  "units": [{"kh": 3, "kw": 3, "filters": 4, "stride": [2, 2]}]})";

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
        QTest::newRow("mfcc bad format")
            << QStringList{"mfcc", "x.wav", "--format", "xml"} << "xml";
        QTest::newRow("mfcc missing file")
            << QStringList{"mfcc", "/no/such/clip.wav"} << "/no/such/clip.wav";
        QTest::newRow("dataset missing folder")
            << QStringList{"dataset", "/no/such/dataset"} << "/no/such/dataset";
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

        const Run json =
            runCli({"mfcc", QString::fromStdString(clip.string()), "--format", "json"});
        QCOMPARE(json.exitCode, 0);
        const QJsonObject document = QJsonDocument::fromJson(json.out).object();
        const QJsonArray matrix = document["mfcc"].toArray();
        QCOMPARE(matrix.size(), 40);
        QCOMPARE(matrix[0].toArray().size(), 32);
        // Same numbers in both formats.
        QCOMPARE(static_cast<float>(matrix[3].toArray()[7].toDouble()),
                 rows[3].split(',')[7].toFloat());
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
        const QStringList arguments = {"dataset", QString::fromStdString(root.string()),
                                       "--keywords", "yes,no", "--json"};
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
                    .object()["cache"]
                    .toObject()["hit"]
                    .toBool());

        const Run missingKeyword =
            runCli({"dataset", QString::fromStdString(root.string()), "--keywords", "yes,maybe"},
                   dir.filePath("cache"));
        QCOMPARE(missingKeyword.exitCode, 2);
        QVERIFY(missingKeyword.err.contains("maybe"));
    }

    // evaluate needs only the split it reports on, and --split all takes every clip of the folder
    // whatever its split; train still needs clips in all three splits.
    void evaluateNeedsOnlyTheSplitItReportsOn() {
        QTemporaryDir dir;
        const fs::path root(dir.path().toStdString());
        const QString cache = dir.filePath("cache");
        const std::vector<std::string> words = {"yes", "no"};
        perfnas::test::makeKeywordDataset(root / "train", words, 6);
        perfnas::test::writeText(root / "tiny.json", kTinySpec);
        auto train = [&](const fs::path& data, const fs::path& checkpoint) {
            return runCli({"train", "--data", str(data), "--out", str(checkpoint), "--keywords",
                           "yes,no", "--spec", str(root / "tiny.json"), "--iterations", "3"},
                          cache);
        };
        const Run trained = train(root / "train", root / "ck");
        QVERIFY2(trained.exitCode == 0, trained.err.constData());

        // Like Speech Commands' separate test set: every clip listed for testing.
        const fs::path testSet = root / "test-set";
        perfnas::test::makeKeywordDataset(testSet, words, 4, /*withLists=*/false);
        perfnas::test::listEveryClipForTesting(testSet, words);
        // New recordings without lists, all from speakers the hash rule puts in training.
        const fs::path recordings = root / "recordings";
        perfnas::test::makeOneSplitDataset(recordings, words, 3, perfnas::Split::Training);

        auto evaluate = [&](const fs::path& data, const QString& split) {
            return runCli({"evaluate", "--checkpoint", str(root / "ck"), "--data", str(data),
                           "--split", split, "--json"},
                          cache);
        };
        const struct {
            fs::path data;
            QString split;
            int clips;
        } cases[] = {{testSet, "testing", 8},
                     {testSet, "all", 8},
                     {recordings, "all", 6},
                     {root / "train", "all", 12}};
        for (const auto& [data, split, clips] : cases) {
            const Run run = evaluate(data, split);
            QVERIFY2(run.exitCode == 0, run.err.constData());
            const QJsonObject document = QJsonDocument::fromJson(run.out).object();
            QCOMPARE(document["samples"].toInt(), clips);
            QCOMPARE(document["split"].toString(), split);
        }

        const Run noTestingClips = evaluate(recordings, "testing");
        QCOMPARE(noTestingClips.exitCode, 2);
        QVERIFY2(noTestingClips.err.contains(str(recordings).toUtf8() +
                                             ": the testing split has no usable clips"),
                 noTestingClips.err.constData());

        const Run trainOnTestSet = train(testSet, root / "ck2");
        QCOMPARE(trainOnTestSet.exitCode, 2);
        QVERIFY2(trainOnTestSet.err.contains(str(testSet).toUtf8() +
                                             ": the training split has no usable clips"),
                 trainOnTestSet.err.constData());
    }

    void demoDataCountsMatchTheFilesAndARerunReuses() {
        QTemporaryDir dir;
        const fs::path out = fs::path(dir.path().toStdString()) / "demo";
        const QStringList arguments = {
            "demo-data",        "--out", QString::fromStdString(out.string()),
            "--clips-per-word", "3",     "--json"};
        const Run run = runCli(arguments);
        QVERIFY2(run.exitCode == 0, run.err.constData());
        const QJsonObject report = QJsonDocument::fromJson(run.out).object();
        QVERIFY(!report["reused"].toBool());
        QCOMPARE(report["clipsPerWord"].toInt(), 3);

        // Word folders hold either 3 clips (keywords) or the unknown-word count.
        int clips = 0, keywordClips = 0;
        QSet<QString> speakers;  // clip names start with the speaker's 8-digit id
        for (const auto& entry : fs::directory_iterator(out)) {
            const std::string name = entry.path().filename().string();
            if (!entry.is_directory() || name.starts_with('_')) continue;
            const auto inFolder = static_cast<int>(wavFilesIn(entry.path()));
            clips += inFolder;
            keywordClips += inFolder == 3 ? 3 : 0;
            for (const auto& clip : fs::directory_iterator(entry.path())) {
                const std::string clipName = clip.path().filename().string();
                speakers.insert(QString::fromStdString(clipName.substr(0, 8)));
            }
        }
        QCOMPARE(report["clips"].toInt(), clips);
        QCOMPARE(report["keywordClips"].toInt(), keywordClips);
        QCOMPARE(report["unknownWordClips"].toInt(), clips - keywordClips);
        QVERIFY(keywordClips > 0 && clips > keywordClips);
        QVERIFY(!speakers.isEmpty() && speakers.size() <= report["speakers"].toInt());
        QCOMPARE(report["backgroundNoiseFiles"].toInt(),
                 static_cast<int>(wavFilesIn(out / "_background_noise_")));
        const QStringList validation = linesOf(out / "validation_list.txt");
        const QStringList testing = linesOf(out / "testing_list.txt");
        QCOMPARE(report["validationClips"].toInt(), validation.size());
        QCOMPARE(report["testingClips"].toInt(), testing.size());
        for (const QString& line : validation + testing) {
            QVERIFY2(fs::is_regular_file(out / line.toStdString()), qPrintable(line));
        }

        const Run again = runCli(arguments);
        QCOMPARE(again.exitCode, 0);
        const QJsonObject second = QJsonDocument::fromJson(again.out).object();
        QVERIFY(second["reused"].toBool());
        for (const char* key : {"clips", "keywordClips", "unknownWordClips", "speakers",
                                "backgroundNoiseFiles", "validationClips", "testingClips"}) {
            QCOMPARE(second[key].toInt(), report[key].toInt());
        }
    }

    void demoDataRejectsZeroClipsPerWord() {
        QTemporaryDir dir;
        const QString out = dir.filePath("demo");
        const Run run = runCli({"demo-data", "--out", out, "--clips-per-word", "0"});
        QCOMPARE(run.exitCode, 2);
        QVERIFY2(run.err.contains("--clips-per-word"), run.err.constData());
        QVERIFY(!QFileInfo::exists(out));
    }

    void demoDataRefusesAForeignFolder() {
        QTemporaryDir dir;
        const fs::path notes = fs::path(dir.path().toStdString()) / "notes.txt";
        perfnas::test::writeText(notes, "not a dataset\n");
        const Run run = runCli({"demo-data", "--out", dir.path(), "--clips-per-word", "3"});
        QCOMPARE(run.exitCode, 2);
        QVERIFY2(run.err.contains(dir.path().toUtf8()), run.err.constData());
        QCOMPARE(contentsOf(notes), QByteArray("not a dataset\n"));
        QCOMPARE(QDir(dir.path()).entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden),
                 QStringList{"notes.txt"});
    }
};

QTEST_GUILESS_MAIN(CliTest)
#include "CliTest.moc"
