#include <QTemporaryDir>
#include <QtTest>
#include <filesystem>

#include "core/dataset/DatasetLoader.h"
#include "core/dataset/FeatureCache.h"
#include "tests/support/DatasetFixture.h"

using namespace perfnas;
namespace fs = std::filesystem;

namespace {

const std::vector<std::string> kWords = {"yes", "no"};

struct Fixture {
    QTemporaryDir dir;
    fs::path root() const { return fs::path(dir.path().toStdString()) / "data"; }
    fs::path cache() const { return fs::path(dir.path().toStdString()) / "cache"; }
    DatasetOptions dataset() const { return {.root = root(), .keywords = kWords}; }
    LoadOptions load() const { return {.cacheFolder = cache()}; }
};

std::size_t count(const FeatureSet& features, Split split, int label) {
    const auto& labels = features.split(split).labels;
    return static_cast<std::size_t>(std::count(labels.begin(), labels.end(), label));
}

bool skippedContains(const FeatureSet& features, const std::string& file, const QString& reason) {
    for (const SkippedFile& skipped : features.skipped) {
        if (skipped.file == file && QString::fromStdString(skipped.reason).contains(reason))
            return true;
    }
    return false;
}

}  // namespace

class DatasetLoaderTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void listsDecideSplitsAndFeaturesHaveTheRightShape() {
        Fixture f;
        test::makeKeywordDataset(f.root(), kWords, 6);
        auto loaded = DatasetLoader::load(f.dataset(), f.load());
        QVERIFY2(loaded.ok(), loaded.ok() ? "" : loaded.error().message.c_str());
        const FeatureSet& features = loaded->features;
        QCOMPARE(features.classNames, kWords);
        QVERIFY(features.usesLists);
        for (int label : {0, 1}) {
            QCOMPARE(count(features, Split::Validation, label), std::size_t{1});
            QCOMPARE(count(features, Split::Testing, label), std::size_t{1});
            QCOMPARE(count(features, Split::Training, label), std::size_t{4});
        }
        const SplitData& training = features.split(Split::Training);
        QCOMPARE(training.mfcc.size(), training.size() * 40 * 32);
        QCOMPARE(training.waveforms.size(), training.size() * 16000);
        QVERIFY(features.split(Split::Validation).waveforms.empty());  // no augmentation there
        QCOMPARE(features.split(Split::Validation).paths.front(),
                 std::string("yes/s0_nohash_0.wav"));
        QVERIFY(features.skipped.empty());
    }

    void brokenFilesAreSkippedWithTheirReasonAndTheRestLoads() {
        Fixture f;
        test::makeKeywordDataset(f.root(), kWords, 4);
        const fs::path yes = f.root() / "yes";
        test::writeText(yes / "empty.wav", "");
        test::writeText(yes / "text.wav", "this is not audio, just text with a .wav name\n");
        test::writeText(yes / "notes.txt", "a stray note");
        test::writeClip(yes / "zero.wav", {});
        test::writeClip(yes / "cut.wav", test::toneClip(440, 1.0, 0));
        fs::resize_file(yes / "cut.wav", 44 + 1000);  // header promises 32,000 bytes of samples
        fs::create_symlink(f.root() / "nowhere.wav", yes / "dangling.wav");
        const std::vector<float> tooLong = test::toneClip(440, 1.7, 3);
        test::writeClip(yes / "long_nohash_0.wav", tooLong);

        auto loaded = DatasetLoader::load(f.dataset(), f.load());
        QVERIFY2(loaded.ok(), loaded.ok() ? "" : loaded.error().message.c_str());
        const FeatureSet& features = loaded->features;
        for (const SkippedFile& skipped : features.skipped)
            qInfo("skipped %s: %s", skipped.file.c_str(), skipped.reason.c_str());
        QVERIFY(skippedContains(features, "yes/empty.wav", "empty file"));
        QVERIFY(skippedContains(features, "yes/text.wav", "not a readable audio file"));
        QVERIFY(skippedContains(features, "yes/notes.txt", "not an audio file name"));
        QVERIFY(skippedContains(features, "yes/zero.wav", "no audio samples"));
        QVERIFY(skippedContains(features, "yes/cut.wav", "truncated"));
        QVERIFY(skippedContains(features, "yes/dangling.wav", "not a regular file"));
        QCOMPARE(features.skipped.size(), std::size_t{6});
        // The 4 good clips of each word plus the long one, cropped to one second.
        std::size_t clips = 0;
        for (const SplitData& split : features.splits) clips += split.size();
        QCOMPARE(clips, std::size_t{9});
    }

    void structuralProblemsAreClearErrors() {
        Fixture f;
        auto missing = DatasetLoader::load(f.dataset(), f.load());
        QVERIFY(!missing.ok());
        QCOMPARE(missing.error().code, ErrorCode::NotFound);
        QVERIFY(QString::fromStdString(missing.error().message).contains("does not exist"));

        test::makeKeywordDataset(f.root(), kWords, 4);
        DatasetOptions withMissingWord = f.dataset();
        withMissingWord.keywords.push_back("maybe");
        auto noFolder = DatasetLoader::load(withMissingWord, f.load());
        QVERIFY(!noFolder.ok());
        QCOMPARE(noFolder.error().code, ErrorCode::InvalidInput);
        QVERIFY(QString::fromStdString(noFolder.error().message)
                    .contains("keyword 'maybe' has no folder"));

        fs::create_directories(f.root() / "empty");
        DatasetOptions withEmptyWord = f.dataset();
        withEmptyWord.keywords = {"yes", "empty"};
        auto noClips = DatasetLoader::load(withEmptyWord, f.load());
        QVERIFY(!noClips.ok());
        QVERIFY(QString::fromStdString(noClips.error().message).contains("holds no audio clips"));

        test::writeText(f.root() / "testing_list.txt", "");  // nothing left for testing
        auto emptySplit = DatasetLoader::load(f.dataset(), f.load());
        QVERIFY(!emptySplit.ok());
        QVERIFY2(QString::fromStdString(emptySplit.error().message)
                     .contains("testing split has no usable clips"),
                 emptySplit.error().message.c_str());
    }

    // Evaluation needs only the split it reports on; training and search need all three.
    void onlyTheRequiredSplitsMustHoldClips() {
        Fixture f;
        test::makeKeywordDataset(f.root(), kWords, 4, /*withLists=*/false);
        test::listEveryClipForTesting(f.root(), kWords);

        auto forTraining = DatasetLoader::load(f.dataset(), f.load());
        QVERIFY(!forTraining.ok());
        const QString message = QString::fromStdString(forTraining.error().message);
        QVERIFY2(message.startsWith(QString::fromStdString(f.root().string())),
                 qPrintable(message));
        QVERIFY2(message.contains("the training split has no usable clips (expected clips in the "
                                  "training, validation and testing splits"),
                 qPrintable(message));

        LoadOptions testingOnly = f.load();
        testingOnly.requiredSplits = {Split::Testing};
        auto forTesting = DatasetLoader::load(f.dataset(), testingOnly);
        QVERIFY2(forTesting.ok(), forTesting.ok() ? "" : forTesting.error().message.c_str());
        QCOMPARE(forTesting->features.split(Split::Testing).size(), std::size_t{8});
        QCOMPARE(forTesting->features.split(Split::Training).size(), std::size_t{0});

        testingOnly.requiredSplits = {Split::Validation};
        auto forValidation = DatasetLoader::load(f.dataset(), testingOnly);
        QVERIFY(!forValidation.ok());
        QVERIFY2(QString::fromStdString(forValidation.error().message)
                     .contains("the validation split has no usable clips (expected clips in the "
                               "validation split;"),
                 forValidation.error().message.c_str());
    }

    // SplitRule::AllTesting: every clip, whatever the lists and the hash rule say.
    void allTestingLoadsEveryClipAsTheTestingSplit_data() {
        QTest::addColumn<bool>("withLists");
        QTest::newRow("lists spread the clips over three splits") << true;
        QTest::newRow("no lists, every clip hashes into training") << false;
    }
    void allTestingLoadsEveryClipAsTheTestingSplit() {
        QFETCH(bool, withLists);
        Fixture f;
        if (withLists) {
            test::makeKeywordDataset(f.root(), kWords, 5);
        } else {
            test::makeOneSplitDataset(f.root(), kWords, 5, Split::Training);
            QVERIFY(!DatasetLoader::load(f.dataset(), f.load()).ok());  // nothing to validate on
        }
        LoadOptions wholeFolder = f.load();
        wholeFolder.splitRule = SplitRule::AllTesting;
        auto loaded = DatasetLoader::load(f.dataset(), wholeFolder);
        QVERIFY2(loaded.ok(), loaded.ok() ? "" : loaded.error().message.c_str());
        QCOMPARE(loaded->features.split(Split::Testing).size(), std::size_t{10});
        QCOMPARE(loaded->features.split(Split::Training).size(), std::size_t{0});
        QCOMPARE(loaded->features.split(Split::Validation).size(), std::size_t{0});
        QVERIFY(!loaded->features.usesLists);
        QVERIFY(loaded->features.split(Split::Testing).waveforms.empty());
    }

    void cacheIsReusedAndInvalidatedByFilesAndSettings() {
        Fixture f;
        test::makeKeywordDataset(f.root(), kWords, 5);
        auto first = DatasetLoader::load(f.dataset(), f.load());
        QVERIFY(first.ok());
        QVERIFY(!first->report.cacheHit);
        QVERIFY(fs::exists(first->report.cacheFile));

        auto second = DatasetLoader::load(f.dataset(), f.load());
        QVERIFY(second.ok());
        QVERIFY(second->report.cacheHit);
        QCOMPARE(second->features.split(Split::Training).mfcc,
                 first->features.split(Split::Training).mfcc);
        QCOMPARE(second->features.split(Split::Training).waveforms,
                 first->features.split(Split::Training).waveforms);
        QCOMPARE(second->features.split(Split::Testing).paths,
                 first->features.split(Split::Testing).paths);

        LoadOptions otherSettings = f.load();
        otherSettings.mfcc.topDb = 60.0;
        auto changedSetting = DatasetLoader::load(f.dataset(), otherSettings);
        QVERIFY(changedSetting.ok());
        QVERIFY(!changedSetting->report.cacheHit);
        QVERIFY(changedSetting->features.split(Split::Training).mfcc !=
                first->features.split(Split::Training).mfcc);

        // A rewritten clip (new size and time) invalidates the entry.
        test::writeClip(f.root() / "yes" / "s3_nohash_0.wav", test::toneClip(1000, 0.5, 9));
        auto changedFile = DatasetLoader::load(f.dataset(), f.load());
        QVERIFY(changedFile.ok());
        QVERIFY(!changedFile->report.cacheHit);

        // A damaged cache file is a miss, rebuilt, never a crash or wrong data.
        fs::resize_file(changedFile->report.cacheFile,
                        fs::file_size(changedFile->report.cacheFile) / 2);
        auto rebuilt = DatasetLoader::load(f.dataset(), f.load());
        QVERIFY(rebuilt.ok());
        QVERIFY(!rebuilt->report.cacheHit);
        QCOMPARE(rebuilt->features.split(Split::Training).mfcc,
                 changedFile->features.split(Split::Training).mfcc);
        QVERIFY(DatasetLoader::load(f.dataset(), f.load())->report.cacheHit);
    }

    void silenceIsGeneratedAndUnknownComesFromOtherWords() {
        Fixture f;
        test::makeKeywordDataset(f.root(), {"yes", "no", "cat", "dog"}, 20, /*withLists=*/false);
        std::vector<float> noise(16000 * 5);
        for (std::size_t i = 0; i < noise.size(); ++i)
            noise[i] = 0.2F * static_cast<float>(std::sin(i * 0.37) * std::sin(i * 0.011));
        test::writeClip(f.root() / kBackgroundNoiseFolder / "hum.wav", noise);
        DatasetOptions twelve = f.dataset();
        twelve.includeSilence = true;
        twelve.includeUnknown = true;
        twelve.unknownPercent = 50.0;
        auto loaded = DatasetLoader::load(twelve, f.load());
        QVERIFY2(loaded.ok(), loaded.ok() ? "" : loaded.error().message.c_str());
        const FeatureSet& features = loaded->features;
        QCOMPARE(features.classNames,
                 (std::vector<std::string>{"yes", "no", "_silence_", "_unknown_"}));
        QCOMPARE(features.backgroundNoise.size(), std::size_t{1});
        QVERIFY(!features.usesLists);
        std::size_t keywordClips = 0, silence = 0, unknown = 0;
        for (Split split : {Split::Training, Split::Validation, Split::Testing}) {
            keywordClips += count(features, split, 0) + count(features, split, 1);
            silence += count(features, split, 2);
            unknown += count(features, split, 3);
        }
        QCOMPARE(keywordClips, std::size_t{40});
        QVERIFY2(silence >= 2 && silence <= 4, qPrintable(QString::number(silence)));  // ~10% of 40
        QVERIFY2(unknown >= 17 && unknown <= 20,
                 qPrintable(QString::number(unknown)));  // ~50% of 40 (of 40 candidates)
    }

    void cancellationStopsTheLoad() {
        Fixture f;
        test::makeKeywordDataset(f.root(), kWords, 100);
        CancelToken cancel;
        std::size_t lastDone = 0;
        auto loaded = DatasetLoader::load(
            f.dataset(), f.load(),
            [&](std::size_t done, std::size_t) {
                lastDone = done;
                cancel.cancel();
            },
            cancel);
        QVERIFY(!loaded.ok());
        QCOMPARE(loaded.error().code, ErrorCode::Cancelled);
        QVERIFY(lastDone < 200);
        QVERIFY(!fs::exists(f.cache()) || fs::is_empty(f.cache()));  // nothing half-done cached
    }

    // Real Speech Commands clips, when the shared data folder is present.
    void realSubsetLoadsWithItsLists() {
        const fs::path root = fs::path(PERFNAS_SHARED_DATA_DIR) / "speech_commands_subset";
        if (!fs::exists(root)) QSKIP("shared/data/speech_commands_subset is not present");
        Fixture f;
        auto loaded = DatasetLoader::load({.root = root}, f.load());
        QVERIFY2(loaded.ok(), loaded.ok() ? "" : loaded.error().message.c_str());
        const FeatureSet& features = loaded->features;
        QCOMPARE(features.classNames.size(), std::size_t{10});
        QVERIFY(features.usesLists);
        QCOMPARE(features.split(Split::Validation).size(), std::size_t{249});
        QCOMPARE(features.split(Split::Testing).size(), std::size_t{240});
        QVERIFY(features.split(Split::Training).size() > 1700);
        QCOMPARE(features.backgroundNoise.size(), std::size_t{6});
        QVERIFY(features.skipped.empty());
        auto again = DatasetLoader::load({.root = root}, f.load());
        QVERIFY(again->report.cacheHit);
        qInfo("real subset: decoded in %.2f s, reloaded from cache in %.3f s",
              loaded->report.seconds, again->report.seconds);
    }
};

QTEST_GUILESS_MAIN(DatasetLoaderTest)
#include "DatasetLoaderTest.moc"
