// AudioDecoder on bad input and on every format docs/architecture.md promises. All files are
// written at run time with libsndfile into a QTemporaryDir, so the cases document exactly what each
// file holds.

#include <sndfile.h>

#include <QTemporaryDir>
#include <QtTest>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <numbers>
#include <string>
#include <vector>

#include "core/audio/AudioDecoder.h"

using perfnas::AudioDecoder;
using perfnas::ErrorCode;

Q_DECLARE_METATYPE(ErrorCode)

namespace {

namespace fs = std::filesystem;

// 0.5 * sin(2 pi f t + 0.3): the phase offset keeps samples off exact zeros for crossing counts.
std::vector<float> sine(double frequencyHz, int rateHz, int frames, double amplitude = 0.5) {
    std::vector<float> out(static_cast<std::size_t>(frames));
    for (int i = 0; i < frames; ++i) {
        out[static_cast<std::size_t>(i)] = static_cast<float>(
            amplitude * std::sin(2.0 * std::numbers::pi * frequencyHz * i / rateHz + 0.3));
    }
    return out;
}

// Writes interleaved samples with libsndfile; an empty vector makes a header-only file.
void writeSound(const fs::path& path, int format, int rateHz, int channels,
                const std::vector<float>& interleaved) {
    SF_INFO info{};
    info.samplerate = rateHz;
    info.channels = channels;
    info.format = format;
    QVERIFY2(sf_format_check(&info), "libsndfile rejects the format of a test file");
    SNDFILE* file = sf_open(path.c_str(), SFM_WRITE, &info);
    QVERIFY2(file != nullptr, sf_strerror(nullptr));
    const auto frames = static_cast<sf_count_t>(interleaved.size()) / channels;
    if (frames > 0) QCOMPARE(sf_writef_float(file, interleaved.data(), frames), frames);
    QCOMPARE(sf_close(file), 0);
}

void writeText(const fs::path& path, const std::string& text) {
    std::ofstream(path, std::ios::binary) << text;
}

// Sign changes between `from` and `to`, scaled to a frequency.
double zeroCrossingFrequencyHz(const std::vector<float>& samples, int rateHz, int from, int to) {
    int crossings = 0;
    for (int i = from + 1; i < to; ++i) {
        const bool before = samples[static_cast<std::size_t>(i - 1)] >= 0.0F;
        const bool now = samples[static_cast<std::size_t>(i)] >= 0.0F;
        crossings += before != now ? 1 : 0;
    }
    const double seconds = static_cast<double>(to - from - 1) / rateHz;
    return crossings / (2.0 * seconds);
}

double rms(const std::vector<float>& samples, int from, int to) {
    double sum = 0.0;
    for (int i = from; i < to; ++i)
        sum += samples[static_cast<std::size_t>(i)] * samples[static_cast<std::size_t>(i)];
    return std::sqrt(sum / (to - from));
}

double maxAbsDiff(const std::vector<float>& a, const std::vector<float>& b, std::size_t count) {
    double worst = 0.0;
    for (std::size_t i = 0; i < count; ++i) worst = std::max(worst, std::abs(double{a[i]} - b[i]));
    return worst;
}

}  // namespace

class AudioDecoderTest : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    fs::path file(const char* name) const { return fs::path(m_dir.path().toStdString()) / name; }

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void missingFileIsNotFound() {
        const fs::path missing = file("does-not-exist.wav");
        auto clip = AudioDecoder::loadClip(missing);
        QVERIFY(!clip.ok());
        QCOMPARE(clip.error().code, ErrorCode::NotFound);
        QVERIFY2(clip.error().message.find(missing.string()) != std::string::npos,
                 clip.error().message.c_str());
    }

    // Every unreadable input is InvalidInput with a message that names the file and the reason.
    void badInputIsAnErrorNamingTheFile_data() {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QString>("reason");  // a fragment the message must contain
        QTest::newRow("empty file, 0 bytes") << "empty"
                                             << "empty file";
        QTest::newRow("text named .wav") << "text"
                                         << "not a readable audio file";
        QTest::newRow("header-only WAV, zero length") << "header-only"
                                                      << "no audio samples";
        QTest::newRow("folder passed as a file") << "folder"
                                                 << "is a folder";
        QTest::newRow("WAV cut inside its header") << "cut-header"
                                                   << "not a readable audio file";
        QTest::newRow("WAV cut right after its header") << "cut-data"
                                                        << "truncated";
        QTest::newRow("truncated FLAC") << "truncated-flac"
                                        << "truncated";
        QTest::newRow("float WAV holding NaN") << "nan"
                                               << "not a finite number";
    }
    void badInputIsAnErrorNamingTheFile() {
        QFETCH(QString, kind);
        QFETCH(QString, reason);
        const fs::path path = file(qPrintable("bad-" + kind + ".wav"));
        if (kind == "empty") {
            writeText(path, "");
        } else if (kind == "text") {
            writeText(path, "This is a text file, not audio.\nRIFF? No.\n");
        } else if (kind == "header-only") {
            writeSound(path, SF_FORMAT_WAV | SF_FORMAT_PCM_16, 16000, 1, {});
            QCOMPARE(fs::file_size(path), std::uintmax_t{44});  // canonical header, no data
        } else if (kind == "folder") {
            QVERIFY(fs::create_directory(path));
        } else if (kind == "cut-header" || kind == "cut-data") {
            writeSound(path, SF_FORMAT_WAV | SF_FORMAT_PCM_16, 16000, 1, sine(440.0, 16000, 16000));
            fs::resize_file(path, kind == "cut-header" ? 30 : 44);  // fmt chunk ends at byte 36
        } else if (kind == "truncated-flac") {
            // FLAC stores the total sample count; cutting the stream makes the decoder lose sync.
            writeSound(path, SF_FORMAT_FLAC | SF_FORMAT_PCM_16, 16000, 1,
                       sine(440.0, 16000, 16000));
            fs::resize_file(path, fs::file_size(path) / 2);
        } else if (kind == "nan") {
            std::vector<float> samples = sine(440.0, 16000, 16000);
            samples[123] = std::nanf("");
            writeSound(path, SF_FORMAT_WAV | SF_FORMAT_FLOAT, 16000, 1, samples);
        }
        if (QTest::currentTestFailed()) return;

        auto clip = AudioDecoder::loadClip(path);
        QVERIFY2(!clip.ok(), qPrintable(kind + " decoded without an error"));
        const std::string& message = clip.error().message;
        qInfo("%s", message.c_str());
        QCOMPARE(clip.error().code, ErrorCode::InvalidInput);
        QVERIFY2(message.find(path.string()) != std::string::npos, message.c_str());
        QVERIFY2(message.find(reason.toStdString()) != std::string::npos, message.c_str());
    }

    // A WAV whose data chunk claims more bytes than the file holds (an interrupted copy or
    // recording). libsndfile clamps the length to the bytes present and reports no error, as sox,
    // Python's wave and torchaudio do; the decoder keeps those samples and loadClip pads the rest.
    // libsndfile would quietly return the samples that are there; a cut-off clip is damaged input
    // (a keyword cut in half is a wrong training example), so it is an error saying what is
    // missing.
    void truncatedWavIsAnErrorSayingWhatIsMissing() {
        const fs::path path = file("truncated.wav");
        writeSound(path, SF_FORMAT_WAV | SF_FORMAT_PCM_16, 16000, 1, sine(440.0, 16000, 16000));
        QCOMPARE(fs::file_size(path), std::uintmax_t{44 + 2 * 16000});
        fs::resize_file(path, 44 + 2 * 1000 + 1);  // 1000 whole samples and half of the next

        auto mono = AudioDecoder::decodeMono(path);
        QVERIFY(!mono.ok());
        QCOMPARE(mono.error().code, ErrorCode::InvalidInput);
        const std::string& message = mono.error().message;
        QVERIFY2(message.find(path.string()) == 0, message.c_str());
        QVERIFY2(message.find("promises 32000 bytes of samples, the file holds 2001") !=
                     std::string::npos,
                 message.c_str());
        QVERIFY(!AudioDecoder::loadClip(path).ok());
    }

    // libsndfile recognises formats by content, so the extension does not matter.
    void validWavWithWrongExtensionDecodes() {
        const fs::path path = file("actually-a-wav.txt");
        const std::vector<float> samples = sine(440.0, 16000, 16000);
        writeSound(path, SF_FORMAT_WAV | SF_FORMAT_PCM_16, 16000, 1, samples);
        QVERIFY(!AudioDecoder::hasAudioExtension(path));  // the dataset scanner would skip it
        auto clip = AudioDecoder::loadClip(path);
        QVERIFY2(clip.ok(), clip.ok() ? "" : clip.error().message.c_str());
        QVERIFY(maxAbsDiff(*clip, samples, 16000) < 2.0 / 32768);
    }

    void stereoIsDownmixedByAveraging() {
        const fs::path path = file("stereo.wav");
        const std::vector<float> left = sine(440.0, 16000, 16000, 0.6);
        const std::vector<float> right = sine(1250.0, 16000, 16000, 0.3);
        std::vector<float> interleaved;
        for (std::size_t i = 0; i < left.size(); ++i) {
            interleaved.push_back(left[i]);
            interleaved.push_back(right[i]);
        }
        writeSound(path, SF_FORMAT_WAV | SF_FORMAT_FLOAT, 16000, 2, interleaved);
        auto clip = AudioDecoder::loadClip(path);
        QVERIFY2(clip.ok(), clip.ok() ? "" : clip.error().message.c_str());
        QCOMPARE(clip->size(), std::size_t{16000});
        for (std::size_t i = 0; i < left.size(); ++i) {
            QVERIFY(std::abs((*clip)[i] - 0.5F * (left[i] + right[i])) < 1e-6F);
        }
    }

    // One second at another rate becomes exactly 16,000 samples and the tone keeps its pitch
    // (zero-crossing rate) and level (RMS), measured away from the resampler's edges.
    void otherRatesAreResampled_data() {
        QTest::addColumn<int>("rateHz");
        QTest::addColumn<double>("toneHz");
        QTest::newRow("44.1 kHz, 440 Hz") << 44100 << 440.0;
        QTest::newRow("44.1 kHz, 3 kHz") << 44100 << 3000.0;
        QTest::newRow("48 kHz, 1 kHz") << 48000 << 1000.0;
        QTest::newRow("22.05 kHz, 700 Hz") << 22050 << 700.0;
        QTest::newRow("8 kHz, 1 kHz") << 8000 << 1000.0;
        QTest::newRow("8 kHz, 300 Hz") << 8000 << 300.0;
    }
    void otherRatesAreResampled() {
        QFETCH(int, rateHz);
        QFETCH(double, toneHz);
        const fs::path path =
            file(qPrintable(QStringLiteral("rate-%1-%2.wav").arg(rateHz).arg(toneHz)));
        writeSound(path, SF_FORMAT_WAV | SF_FORMAT_PCM_16, rateHz, 1, sine(toneHz, rateHz, rateHz));

        auto mono = AudioDecoder::decodeMono(path);
        QVERIFY(mono.ok());
        QCOMPARE(mono->sampleRateHz, rateHz);  // decodeMono keeps the file's own rate
        QCOMPARE(mono->samples.size(), static_cast<std::size_t>(rateHz));

        auto clip = AudioDecoder::loadClip(path);
        QVERIFY2(clip.ok(), clip.ok() ? "" : clip.error().message.c_str());
        QCOMPARE(clip->size(), std::size_t{16000});
        const double measuredHz = zeroCrossingFrequencyHz(*clip, 16000, 400, 15600);
        const double level = rms(*clip, 400, 15600);
        qInfo("%d Hz -> 16 kHz: %.1f Hz tone measured %.2f Hz, RMS %.4f (expected %.4f)", rateHz,
              toneHz, measuredHz, level, 0.5 / std::sqrt(2.0));
        QVERIFY(std::abs(measuredHz - toneHz) < 2.0);
        QVERIFY(std::abs(level - 0.5 / std::sqrt(2.0)) < 0.01);
    }

    // Formats docs/architecture.md names: WAV of any PCM or float subtype, FLAC, OGG (Vorbis,
    // lossy).
    void formatsDecode_data() {
        QTest::addColumn<int>("format");
        QTest::addColumn<double>("tolerance");  // max |decoded - written|: the format's resolution
        QTest::newRow("WAV unsigned 8-bit") << (SF_FORMAT_WAV | SF_FORMAT_PCM_U8) << 2.0 / 128;
        QTest::newRow("WAV 16-bit") << (SF_FORMAT_WAV | SF_FORMAT_PCM_16) << 2.0 / 32768;
        QTest::newRow("WAV 24-bit") << (SF_FORMAT_WAV | SF_FORMAT_PCM_24) << 1e-5;
        QTest::newRow("WAV 32-bit int") << (SF_FORMAT_WAV | SF_FORMAT_PCM_32) << 1e-6;
        QTest::newRow("WAV 32-bit float") << (SF_FORMAT_WAV | SF_FORMAT_FLOAT) << 0.0;
        QTest::newRow("WAV 64-bit float") << (SF_FORMAT_WAV | SF_FORMAT_DOUBLE) << 0.0;
        QTest::newRow("FLAC 16-bit") << (SF_FORMAT_FLAC | SF_FORMAT_PCM_16) << 2.0 / 32768;
        QTest::newRow("FLAC 24-bit") << (SF_FORMAT_FLAC | SF_FORMAT_PCM_24) << 1e-5;
        QTest::newRow("OGG Vorbis") << (SF_FORMAT_OGG | SF_FORMAT_VORBIS) << 0.05;
    }
    void formatsDecode() {
        QFETCH(int, format);
        QFETCH(double, tolerance);
        SF_INFO probe{.frames = 0,
                      .samplerate = 16000,
                      .channels = 1,
                      .format = format,
                      .sections = 0,
                      .seekable = 0};
        if (!sf_format_check(&probe)) QSKIP("this libsndfile build cannot write the format");
        const fs::path path =
            file(qPrintable(QStringLiteral("format-%1.audio").arg(format, 0, 16)));
        const std::vector<float> samples = sine(440.0, 16000, 16000);
        writeSound(path, format, 16000, 1, samples);
        auto clip = AudioDecoder::loadClip(path);
        QVERIFY2(clip.ok(), clip.ok() ? "" : clip.error().message.c_str());
        QCOMPARE(clip->size(), std::size_t{16000});
        const double diff = maxAbsDiff(*clip, samples, samples.size());
        qInfo("max |decoded - written| = %.3g", diff);
        QVERIFY(diff <= tolerance);
    }

    void longClipIsCroppedAndShortClipIsPadded_data() {
        QTest::addColumn<int>("frames");
        QTest::newRow("1.5 s, cropped") << 24000;
        QTest::newRow("1 s plus one sample, cropped") << 16001;
        QTest::newRow("exactly 1 s") << 16000;
        QTest::newRow("0.4 s, zero-padded") << 6400;
        QTest::newRow("one sample, zero-padded") << 1;
    }
    void longClipIsCroppedAndShortClipIsPadded() {
        QFETCH(int, frames);
        const fs::path path = file(qPrintable(QStringLiteral("length-%1.wav").arg(frames)));
        std::vector<float> samples = sine(440.0, 16000, frames);
        writeSound(path, SF_FORMAT_WAV | SF_FORMAT_FLOAT, 16000, 1, samples);
        auto clip = AudioDecoder::loadClip(path);
        QVERIFY2(clip.ok(), clip.ok() ? "" : clip.error().message.c_str());
        QCOMPARE(clip->size(), std::size_t{16000});
        const auto kept = std::min<std::size_t>(samples.size(), 16000);
        // The start of the clip is kept as it is: cropping cuts the end, padding appends zeros.
        QCOMPARE(maxAbsDiff(*clip, samples, kept), 0.0);
        QVERIFY(std::all_of(clip->begin() + static_cast<std::ptrdiff_t>(kept), clip->end(),
                            [](float x) { return x == 0.0F; }));
    }
};

QTEST_GUILESS_MAIN(AudioDecoderTest)
#include "AudioDecoderTest.moc"
