#include <QTemporaryDir>
#include <QtTest>
#include <cmath>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "core/audio/AudioDecoder.h"
#include "core/dataset/DemoDataSynthesizer.h"
#include "core/dataset/SplitAssigner.h"

namespace fs = std::filesystem;
using perfnas::DemoDataOptions;
using perfnas::DemoDataReport;
using perfnas::DemoDataSynthesizer;
using perfnas::ErrorCode;

namespace {

// Small enough for a few seconds; large enough that every split gets clips.
DemoDataOptions smallOptions(const fs::path& dir, std::uint64_t seed = 7) {
    return {.outputDir = dir,
            .clipsPerWord = 6,
            .seed = seed,
            .clipsPerUnknownWord = 3,
            .backgroundNoiseSeconds = 10};
}

fs::path pathOf(const QTemporaryDir& dir) { return fs::path(dir.path().toStdString()); }

std::string readFile(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    std::ostringstream bytes;
    bytes << in.rdbuf();
    return bytes.str();
}

// Every file under `root`, keyed by its relative path.
std::map<std::string, std::string> contentsOf(const fs::path& root) {
    std::map<std::string, std::string> files;
    for (const auto& entry : fs::recursive_directory_iterator(root)) {
        if (entry.is_regular_file()) {
            files[fs::relative(entry.path(), root).generic_string()] = readFile(entry.path());
        }
    }
    return files;
}

std::vector<std::string> readLines(const fs::path& file) {
    std::ifstream in(file);
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
}

std::string speakerOf(const std::string& relativePath) {
    return fs::path(relativePath).filename().string().substr(0, 8);
}

}  // namespace

class DemoDataSynthesizerTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        auto report = DemoDataSynthesizer::synthesize(smallOptions(pathOf(m_dir)));
        QVERIFY2(report.ok(), report.ok() ? "" : report.error().message.c_str());
        m_report = *report;
        m_files = contentsOf(pathOf(m_dir));
    }

    void layoutIsSpeechCommands() {
        const DemoDataOptions options = smallOptions(pathOf(m_dir));
        QCOMPARE(m_report.clips, 10 * 6 + 10 * 3);
        QCOMPARE(m_report.keywordClips, 60);
        QCOMPARE(m_report.unknownWordClips, 30);
        QVERIFY(!m_report.reused);
        QVERIFY(m_report.speakers >= 40 && m_report.speakers <= 60);
        const std::regex clipName("[0-9a-f]{8}_nohash_[0-9]+\\.wav");
        std::map<std::string, int> perFolder;
        int clips = 0;
        for (const auto& [path, bytes] : m_files) {
            const fs::path relative(path);
            const std::string folder = relative.begin()->string();
            if (folder == "_background_noise_" || !relative.has_parent_path()) continue;
            QVERIFY2(std::regex_match(relative.filename().string(), clipName), path.c_str());
            ++perFolder[folder];
            ++clips;
        }
        QCOMPARE(clips, m_report.clips);
        for (const std::string& word : options.keywords) QCOMPARE(perFolder[word], 6);
        for (const std::string& word : options.unknownWords) QCOMPARE(perFolder[word], 3);
        QCOMPARE(perFolder.size(), std::size_t{20});
        QVERIFY(m_files.contains("validation_list.txt"));
        QVERIFY(m_files.contains("testing_list.txt"));
        QVERIFY(m_files.at("perfnas-demo.json").find("\"complete\": true") != std::string::npos);

        int noiseFiles = 0;
        for (const auto& entry : fs::directory_iterator(pathOf(m_dir) / "_background_noise_")) {
            auto noise = perfnas::AudioDecoder::decodeMono(entry.path());
            QVERIFY2(noise.ok(), entry.path().c_str());
            QCOMPARE(noise->sampleRateHz, 16000);
            QCOMPARE(noise->samples.size(), std::size_t{10 * 16000});
            ++noiseFiles;
        }
        QVERIFY(noiseFiles >= 3);
        QCOMPARE(noiseFiles, m_report.backgroundNoiseFiles);
    }

    void everyClipIsOneAudibleSecond() {
        for (const auto& [path, bytes] : m_files) {
            if (!path.ends_with(".wav") || path.starts_with("_background_noise_")) continue;
            // Canonical 44-byte header: PCM (1), mono, 16 kHz, 16 bits; then 16000 samples.
            QCOMPARE(bytes.size(), std::size_t{44 + 2 * 16000});
            const auto le16 = [&](std::size_t at) {
                return static_cast<unsigned char>(bytes[at]) |
                       (static_cast<unsigned char>(bytes[at + 1]) << 8);
            };
            QVERIFY2(bytes.starts_with("RIFF") && bytes.compare(8, 8, "WAVEfmt ") == 0,
                     path.c_str());
            QCOMPARE(le16(20), 1);
            QCOMPARE(le16(22), 1);
            QCOMPARE(le16(24) | (le16(26) << 16), 16000);
            QCOMPARE(le16(34), 16);
            auto audio = perfnas::AudioDecoder::decodeMono(pathOf(m_dir) / path);
            QVERIFY2(audio.ok(), path.c_str());
            QCOMPARE(audio->sampleRateHz, 16000);
            QCOMPARE(audio->samples.size(), std::size_t{16000});
            double energy = 0;
            float peak = 0;
            for (float x : audio->samples)
                energy += double(x) * x, peak = std::max(peak, std::fabs(x));
            QVERIFY2(std::sqrt(energy / 16000) > 1e-3, path.c_str());  // not silent
            QVERIFY2(peak > 0.05F && peak <= 1.0F, path.c_str());
        }
    }

    void listsAreSpeakerDisjoint() {
        const auto validation = readLines(pathOf(m_dir) / "validation_list.txt");
        const auto testing = readLines(pathOf(m_dir) / "testing_list.txt");
        QCOMPARE(static_cast<int>(validation.size()), m_report.validationClips);
        QCOMPARE(static_cast<int>(testing.size()), m_report.testingClips);
        std::set<std::string> listed;
        std::set<std::string> speakers[3];
        std::set<std::string> listedWords;
        for (const auto* list : {&validation, &testing}) {
            for (const std::string& entry : *list) {
                QVERIFY2(m_files.contains(entry), entry.c_str());  // "word/file.wav", existing
                listed.insert(entry);
                listedWords.insert(fs::path(entry).begin()->string());
                speakers[list == &validation ? 1 : 2].insert(speakerOf(entry));
            }
        }
        for (const auto& [path, bytes] : m_files) {
            if (path.find("_nohash_") != std::string::npos && !listed.contains(path)) {
                speakers[0].insert(speakerOf(path));
            }
        }
        for (int a = 0; a < 3; ++a) {
            for (int b = a + 1; b < 3; ++b) {
                for (const std::string& speaker : speakers[a])
                    QVERIFY(!speakers[b].contains(speaker));
            }
        }
        // Keyword and unknown-word clips are both listed.
        const DemoDataOptions options = smallOptions(pathOf(m_dir));
        const auto anyListed = [&](const std::vector<std::string>& words) {
            return std::any_of(words.begin(), words.end(),
                               [&](const std::string& word) { return listedWords.contains(word); });
        };
        QVERIFY(anyListed(options.keywords));
        QVERIFY(anyListed(options.unknownWords));
        const double total = m_report.clips;
        QVERIFY2(validation.size() / total > 0.04 && validation.size() / total < 0.2,
                 std::to_string(validation.size()).c_str());
        QVERIFY2(testing.size() / total > 0.04 && testing.size() / total < 0.2,
                 std::to_string(testing.size()).c_str());

        // The dataset loader's split rule reads the same lists.
        auto assigner = perfnas::SplitAssigner::forDataset(pathOf(m_dir));
        QVERIFY(assigner.ok() && assigner->usesLists());
        QCOMPARE(assigner->assign(validation.front()), perfnas::Split::Validation);
        QCOMPARE(assigner->assign(testing.front()), perfnas::Split::Testing);
    }

    void sameSeedGivesIdenticalBytes() {
        QTemporaryDir other;
        DemoDataOptions options = smallOptions(pathOf(other));
        options.threads = 1;  // the thread count must not matter either
        auto report = DemoDataSynthesizer::synthesize(options);
        QVERIFY2(report.ok(), report.ok() ? "" : report.error().message.c_str());
        const auto files = contentsOf(pathOf(other));
        QCOMPARE(files.size(), m_files.size());
        QVERIFY(files == m_files);
    }

    void differentSeedGivesDifferentClips() {
        QTemporaryDir other;
        auto report = DemoDataSynthesizer::synthesize(smallOptions(pathOf(other), /*seed=*/8));
        QVERIFY(report.ok());
        const auto files = contentsOf(pathOf(other));
        QVERIFY(files != m_files);
        std::set<std::string> speakers;
        std::set<std::string> otherSpeakers;
        for (const auto& [path, bytes] : m_files) speakers.insert(speakerOf(path));
        for (const auto& [path, bytes] : files) otherSpeakers.insert(speakerOf(path));
        QVERIFY(speakers != otherSpeakers);
        QVERIFY(files.at("_background_noise_/white_noise.wav") !=
                m_files.at("_background_noise_/white_noise.wav"));
    }

    void reusesAnIdenticalDataset() {
        const fs::path marker = pathOf(m_dir) / DemoDataSynthesizer::kMarkerFileName;
        const auto before = fs::last_write_time(marker);
        auto report = DemoDataSynthesizer::synthesize(smallOptions(pathOf(m_dir)));
        QVERIFY(report.ok());
        QVERIFY(report->reused);
        QCOMPARE(report->clips, m_report.clips);
        QCOMPARE(report->validationClips, m_report.validationClips);
        QCOMPARE(fs::last_write_time(marker), before);
        QVERIFY(contentsOf(pathOf(m_dir)) == m_files);
    }

    void rewritesItsOwnDatasetForOtherOptions() {
        QTemporaryDir dir;
        QVERIFY(DemoDataSynthesizer::synthesize(smallOptions(pathOf(dir))).ok());
        std::ofstream(pathOf(dir) / "notes.txt") << "mine";
        std::ofstream(pathOf(dir) / "yes" / "keep.wav") << "not a clip name";
        DemoDataOptions fewer = smallOptions(pathOf(dir));
        fewer.clipsPerWord = 4;
        auto report = DemoDataSynthesizer::synthesize(fewer);
        QVERIFY2(report.ok(), report.ok() ? "" : report.error().message.c_str());
        QVERIFY(!report->reused);
        QCOMPARE(report->clips, 10 * 4 + 10 * 3);
        int yesClips = 0;
        for (const auto& entry : fs::directory_iterator(pathOf(dir) / "yes")) {
            yesClips += entry.path().filename().string().find("_nohash_") != std::string::npos;
        }
        QCOMPARE(yesClips, 4);  // the earlier run's extra takes are gone
        QCOMPARE(readFile(pathOf(dir) / "notes.txt"), std::string("mine"));
        QCOMPARE(readFile(pathOf(dir) / "yes" / "keep.wav"), std::string("not a clip name"));
    }

    void refusesAForeignFolder() {
        QTemporaryDir dir;
        std::ofstream(pathOf(dir) / "thesis.txt") << "precious";
        auto report = DemoDataSynthesizer::synthesize(smallOptions(pathOf(dir)));
        QVERIFY(!report.ok());
        QCOMPARE(report.error().code, ErrorCode::InvalidInput);
        QVERIFY(report.error().message.find(pathOf(dir).string()) != std::string::npos);
        QVERIFY(report.error().message.find("not a PerfNAS demo dataset") != std::string::npos);
        QCOMPARE(readFile(pathOf(dir) / "thesis.txt"), std::string("precious"));
        QCOMPARE(std::distance(fs::directory_iterator(pathOf(dir)), fs::directory_iterator()), 1);
    }

    void rejectsBadOptions_data() {
        QTest::addColumn<int>("clipsPerWord");
        QTest::addColumn<QString>("extraKeyword");
        QTest::newRow("zero clips per word") << 0 << QString();
        QTest::newRow("negative clips per word") << -3 << QString();
        QTest::newRow("duplicate word") << 6 << "yes";
        QTest::newRow("reserved folder name") << 6 << "_background_noise_";
        QTest::newRow("path in a word") << 6 << "../up";
    }
    void rejectsBadOptions() {
        QFETCH(int, clipsPerWord);
        QFETCH(QString, extraKeyword);
        QTemporaryDir dir;
        DemoDataOptions options = smallOptions(pathOf(dir));
        options.clipsPerWord = clipsPerWord;
        if (!extraKeyword.isEmpty()) options.keywords.push_back(extraKeyword.toStdString());
        auto report = DemoDataSynthesizer::synthesize(options);
        QVERIFY(!report.ok());
        QCOMPARE(report.error().code, ErrorCode::InvalidInput);
        QVERIFY(fs::is_empty(pathOf(dir)));
    }

    void cancellationStopsAndARerunCompletes_data() {
        QTest::addColumn<int>("cancelAfterClips");  // -1: before the call
        QTest::newRow("before start") << -1;
        QTest::newRow("while writing clips") << 5;
    }
    void cancellationStopsAndARerunCompletes() {
        QFETCH(int, cancelAfterClips);
        QTemporaryDir dir;
        perfnas::CancelToken cancel;
        if (cancelAfterClips < 0) cancel.cancel();
        auto report = DemoDataSynthesizer::synthesize(
            smallOptions(pathOf(dir)),
            [&](std::size_t done, std::size_t) {
                if (cancelAfterClips >= 0 && done >= std::size_t(cancelAfterClips)) cancel.cancel();
            },
            cancel);
        QVERIFY(!report.ok());
        QCOMPARE(report.error().code, ErrorCode::Cancelled);
        const fs::path marker = pathOf(dir) / DemoDataSynthesizer::kMarkerFileName;
        QVERIFY(!fs::exists(marker) ||
                readFile(marker).find("\"complete\": false") != std::string::npos);
        // The interrupted folder is recognised as ours and completed to the same bytes.
        auto rerun = DemoDataSynthesizer::synthesize(smallOptions(pathOf(dir)));
        QVERIFY2(rerun.ok(), rerun.ok() ? "" : rerun.error().message.c_str());
        QVERIFY(!rerun->reused);
        QVERIFY(contentsOf(pathOf(dir)) == m_files);
    }

private:
    QTemporaryDir m_dir;
    DemoDataReport m_report;
    std::map<std::string, std::string> m_files;
};

QTEST_GUILESS_MAIN(DemoDataSynthesizerTest)
#include "DemoDataSynthesizerTest.moc"
