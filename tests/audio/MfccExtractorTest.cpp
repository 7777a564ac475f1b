// MfccExtractor against torchaudio 0.13 (the oracle of docs/method.md): golden matrices for the
// fixture clips come from tests/audio/make_mfcc_golden.py; the clips from
// tests/audio/make_fixture_clips.sh. The Python-free cases check closed forms and an independent
// double-precision DFT implementation.

#include <QFile>
#include <QtTest>
#include <algorithm>
#include <cmath>
#include <numbers>
#include <vector>

#include "core/audio/AudioDecoder.h"
#include "core/audio/MfccExtractor.h"

using perfnas::AudioDecoder;
using perfnas::MfccExtractor;
using perfnas::MfccSettings;

namespace {

constexpr int kCoefficients = 40;
constexpr int kFrames = 32;
// Absolute tolerance against torchaudio: float32 on both sides, values up to ~500 in magnitude.
constexpr double kGoldenToleranceAbs = 0.01;

QString fixturePath(const QString& name) {
    return QStringLiteral(PERFNAS_AUDIO_FIXTURE_DIR "/") + name;
}

// Reads a coefficients x frames CSV (one row per coefficient) into coefficient-major order.
std::vector<float> readGoldenCsv(const QString& path, QString* problem) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly | QIODevice::Text)) {
        *problem = path + ": cannot open (" + file.errorString() + ")";
        return {};
    }
    std::vector<float> values;
    int rows = 0;
    while (!file.atEnd()) {
        const QString line = QString::fromUtf8(file.readLine()).trimmed();
        if (line.isEmpty()) continue;
        const QStringList cells = line.split(',');
        if (cells.size() != kFrames) {
            *problem = QStringLiteral("%1: row %2 has %3 values, expected %4")
                           .arg(path)
                           .arg(rows + 1)
                           .arg(cells.size())
                           .arg(kFrames);
            return {};
        }
        for (const QString& cell : cells) {
            bool ok = false;
            values.push_back(cell.toFloat(&ok));
            if (!ok) {
                *problem = path + ": not a number: " + cell;
                return {};
            }
        }
        ++rows;
    }
    if (rows != kCoefficients) {
        *problem =
            QStringLiteral("%1: %2 rows, expected %3").arg(path).arg(rows).arg(kCoefficients);
        return {};
    }
    return values;
}

// docs/method.md's MFCC written the slow, obvious way in double precision (direct DFT, dense mel
// matrix, dense DCT) — an implementation independent of MfccExtractor's KissFFT and sparse filters.
std::vector<double> referenceMfcc(const std::vector<float>& clip, int n) {
    constexpr int hop = 512;
    const int bins = n / 2 + 1;
    constexpr int mels = 40;
    const int frames = 1 + static_cast<int>(clip.size()) / hop;
    const auto length = static_cast<int>(clip.size());
    std::vector<double> padded(static_cast<std::size_t>(length + n));
    for (int i = 0; i < length + n; ++i) {
        int source = i - n / 2;  // reflect without repeating the edge sample
        if (source < 0) source = -source;
        if (source >= length) source = 2 * (length - 1) - source;
        padded[static_cast<std::size_t>(i)] = clip[static_cast<std::size_t>(source)];
    }
    std::vector<double> cosTable(n);
    std::vector<double> sinTable(n);
    for (int i = 0; i < n; ++i) {
        cosTable[static_cast<std::size_t>(i)] = std::cos(2.0 * std::numbers::pi * i / n);
        sinTable[static_cast<std::size_t>(i)] = std::sin(2.0 * std::numbers::pi * i / n);
    }
    const auto hzToMel = [](double hz) { return 2595.0 * std::log10(1.0 + hz / 700.0); };
    const auto melToHz = [](double mel) { return 700.0 * (std::pow(10.0, mel / 2595.0) - 1.0); };
    std::vector<double> edges(mels + 2);
    for (int i = 0; i < mels + 2; ++i) {
        edges[static_cast<std::size_t>(i)] = melToHz(hzToMel(8000.0) * i / (mels + 1));
    }
    std::vector<double> melDb(static_cast<std::size_t>(frames * mels));
    std::vector<double> windowed(n);
    std::vector<double> power(bins);
    for (int t = 0; t < frames; ++t) {
        for (int i = 0; i < n; ++i) {
            const double hann = 0.5 - 0.5 * cosTable[static_cast<std::size_t>(i)];
            windowed[static_cast<std::size_t>(i)] =
                padded[static_cast<std::size_t>(t * hop + i)] * hann;
        }
        for (int k = 0; k < bins; ++k) {
            double re = 0.0;
            double im = 0.0;
            for (int i = 0; i < n; ++i) {
                const auto phase = static_cast<std::size_t>((static_cast<long>(i) * k) % n);
                re += windowed[static_cast<std::size_t>(i)] * cosTable[phase];
                im -= windowed[static_cast<std::size_t>(i)] * sinTable[phase];
            }
            power[static_cast<std::size_t>(k)] = re * re + im * im;
        }
        for (int m = 0; m < mels; ++m) {
            double energy = 0.0;
            for (int k = 0; k < bins; ++k) {
                const double hz = 8000.0 * k / (bins - 1);
                const double left = edges[static_cast<std::size_t>(m)];
                const double center = edges[static_cast<std::size_t>(m + 1)];
                const double right = edges[static_cast<std::size_t>(m + 2)];
                const double weight = std::max(
                    0.0, std::min((hz - left) / (center - left), (right - hz) / (right - center)));
                energy += weight * power[static_cast<std::size_t>(k)];
            }
            melDb[static_cast<std::size_t>(t * mels + m)] =
                10.0 * std::log10(std::max(energy, 1e-10));
        }
    }
    const double floorDb = *std::max_element(melDb.begin(), melDb.end()) - 80.0;
    for (double& db : melDb) db = std::max(db, floorDb);
    std::vector<double> out(static_cast<std::size_t>(kCoefficients * frames));
    for (int k = 0; k < kCoefficients; ++k) {
        const double scale = std::sqrt(2.0 / mels) * (k == 0 ? 1.0 / std::sqrt(2.0) : 1.0);
        for (int t = 0; t < frames; ++t) {
            double sum = 0.0;
            for (int m = 0; m < mels; ++m) {
                sum += std::cos(std::numbers::pi / mels * (m + 0.5) * k) *
                       melDb[static_cast<std::size_t>(t * mels + m)];
            }
            out[static_cast<std::size_t>(k * frames + t)] = scale * sum;
        }
    }
    return out;
}

}  // namespace

class MfccExtractorTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void matchesTorchaudioGolden_data() {
        QTest::addColumn<QString>("clip");
        QTest::newRow("one-second word") << "word";
        QTest::newRow("short clip, zero-padded") << "short";
        QTest::newRow("long clip, cropped") << "long";
        QTest::newRow("quiet clip at -35 dB") << "quiet";
        QTest::newRow("speech with low noise") << "noisy";
    }
    void matchesTorchaudioGolden() {
        QFETCH(QString, clip);
        auto samples = AudioDecoder::loadClip(fixturePath(clip + ".wav").toStdString());
        QVERIFY2(samples.ok(), samples.ok() ? "" : samples.error().message.c_str());
        QCOMPARE(samples->size(), std::size_t{16000});

        QString problem;
        const std::vector<float> golden = readGoldenCsv(fixturePath(clip + ".mfcc.csv"), &problem);
        QVERIFY2(problem.isEmpty(), qPrintable(problem));

        MfccExtractor extractor;
        const std::vector<float> mfcc = extractor.compute(*samples);
        QCOMPARE(mfcc.size(), golden.size());
        double maxDiff = 0.0;
        std::size_t worst = 0;
        for (std::size_t i = 0; i < mfcc.size(); ++i) {
            const double diff = std::abs(static_cast<double>(mfcc[i]) - golden[i]);
            if (diff > maxDiff) {
                maxDiff = diff;
                worst = i;
            }
        }
        qInfo("%s: max |diff| vs torchaudio = %.3g (coefficient %d, frame %d)", qPrintable(clip),
              maxDiff, static_cast<int>(worst / kFrames), static_cast<int>(worst % kFrames));
        QVERIFY2(maxDiff <= kGoldenToleranceAbs,
                 qPrintable(QStringLiteral(
                                "max |diff| %1 at coefficient %2, frame %3: ours %4, torchaudio %5")
                                .arg(maxDiff)
                                .arg(worst / kFrames)
                                .arg(worst % kFrames)
                                .arg(mfcc[worst])
                                .arg(golden[worst])));
    }

    void oneSecondGivesThirtyTwoFrames() {
        MfccExtractor extractor;
        QCOMPARE(extractor.frameCount(16000), 32);
        QCOMPARE(extractor.frameCount(16000), kFrames);
        const std::vector<float> clip(16000, 0.0F);
        QCOMPARE(extractor.compute(clip).size(), std::size_t{kCoefficients * kFrames});
    }

    void settingsKeyChangesWithEverySetting() {
        const MfccSettings defaults;
        const std::string base = defaults.key();
        QCOMPARE(MfccSettings{}.key(), base);  // stable for equal settings
        const std::vector<std::pair<const char*, MfccSettings>> variants = {
            {"sampleRateHz", MfccSettings{.sampleRateHz = 8000}},
            {"frameSamples", MfccSettings{.frameSamples = 1024}},
            {"hopSamples", MfccSettings{.hopSamples = 256}},
            {"melBands", MfccSettings{.melBands = 64}},
            {"coefficients", MfccSettings{.coefficients = 13}},
            {"minHz", MfccSettings{.minHz = 20.0}},
            {"maxHz", MfccSettings{.maxHz = 7600.0}},
            {"topDb", MfccSettings{.topDb = 60.0}},
        };
        std::vector<std::string> keys = {base};
        for (const auto& [name, settings] : variants) {
            QVERIFY2(settings.key() != base, name);
            keys.push_back(settings.key());
            MfccExtractor extractor(settings);
            QCOMPARE(extractor.settings().key(), settings.key());
        }
        std::sort(keys.begin(), keys.end());
        QVERIFY(std::adjacent_find(keys.begin(), keys.end()) == keys.end());
    }

    // No Python needed: silence has a closed form. Every mel energy is clamped to amin = 1e-10,
    // i.e. -100 dB everywhere; the DCT of a constant is c0 = -100 * sqrt(40) and zero elsewhere.
    void silenceHasClosedForm() {
        MfccExtractor extractor;
        const std::vector<float> mfcc = extractor.compute(std::vector<float>(16000, 0.0F));
        const double c0 = -100.0 * std::sqrt(40.0);
        for (int t = 0; t < kFrames; ++t) {
            QVERIFY(std::abs(mfcc[static_cast<std::size_t>(t)] - c0) < 1e-3);
            for (int k = 1; k < kCoefficients; ++k) {
                QVERIFY(std::abs(mfcc[static_cast<std::size_t>(k * kFrames + t)]) < 1e-3);
            }
        }
    }

    // No Python needed: a chirp plus a click through an independent double-precision reference,
    // for power-of-two frames (the frame-parallel FFT) and others (KissFFT).
    void matchesDirectDftReference_data() {
        QTest::addColumn<int>("frameSamples");
        QTest::newRow("2048, frame-parallel FFT") << 2048;
        QTest::newRow("1024, frame-parallel FFT") << 1024;
        QTest::newRow("1536, KissFFT") << 1536;
    }
    void matchesDirectDftReference() {
        QFETCH(int, frameSamples);
        std::vector<float> clip(16000);
        for (std::size_t i = 0; i < clip.size(); ++i) {
            const double seconds = static_cast<double>(i) / 16000.0;
            // 100 Hz -> 6 kHz linear chirp, amplitude swelling, so every band and the floor matter.
            const double phase =
                2.0 * std::numbers::pi * (100.0 * seconds + 2950.0 * seconds * seconds);
            clip[i] = static_cast<float>(0.4 * (0.2 + seconds) * std::sin(phase));
        }
        clip[8000] += 0.9F;
        MfccExtractor extractor({.frameSamples = frameSamples});
        const std::vector<float> mfcc = extractor.compute(clip);
        const std::vector<double> reference = referenceMfcc(clip, frameSamples);
        QCOMPARE(mfcc.size(), reference.size());
        double maxDiff = 0.0;
        for (std::size_t i = 0; i < mfcc.size(); ++i) {
            maxDiff = std::max(maxDiff, std::abs(mfcc[i] - reference[i]));
        }
        qInfo("chirp: max |diff| vs double-precision direct DFT = %.3g", maxDiff);
        QVERIFY(maxDiff <= kGoldenToleranceAbs);
    }

    // Reusing one extractor (scratch buffers) must not change results.
    void repeatedCallsAgree() {
        auto word = AudioDecoder::loadClip(fixturePath("word.wav").toStdString());
        auto quiet = AudioDecoder::loadClip(fixturePath("quiet.wav").toStdString());
        QVERIFY(word.ok() && quiet.ok());
        MfccExtractor extractor;
        const std::vector<float> first = extractor.compute(*word);
        (void)extractor.compute(*quiet);
        QVERIFY(extractor.compute(*word) == first);
    }
};

QTEST_GUILESS_MAIN(MfccExtractorTest)
#include "MfccExtractorTest.moc"
