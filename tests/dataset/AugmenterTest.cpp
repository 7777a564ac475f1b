#include <QtTest>
#include <cmath>

#include "core/dataset/Augmenter.h"

using namespace perfnas;

namespace {

std::vector<std::int16_t> rampClip() {
    std::vector<std::int16_t> clip(16000);
    for (std::size_t i = 0; i < clip.size(); ++i)
        clip[i] = static_cast<std::int16_t>(i % 20000 + 1);
    return clip;
}

// The shift s with out[i] == clip[i - s] wherever both exist, or nullopt.
std::optional<int> findShift(const std::vector<std::int16_t>& clip, const std::vector<float>& out) {
    for (int s = -2000; s <= 2000; ++s) {
        bool matches = true;
        for (int i = 0; i < static_cast<int>(out.size()) && matches; ++i) {
            const int source = i - s;
            const float expected =
                source >= 0 && source < static_cast<int>(clip.size())
                    ? static_cast<float>(clip[static_cast<std::size_t>(source)]) / 32768.0F
                    : 0.0F;
            matches = out[static_cast<std::size_t>(i)] == expected;
        }
        if (matches) return s;
    }
    return std::nullopt;
}

}  // namespace

class AugmenterTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void disabledIsAPlainConversion() {
        const std::vector<std::vector<float>> noise;
        Augmenter augmenter({.enabled = false}, noise, 7);
        const auto clip = rampClip();
        std::vector<float> out(clip.size());
        augmenter.apply(clip, out, 3);
        QCOMPARE(findShift(clip, out), std::optional<int>(0));
    }

    void shiftsStayWithinTheConfiguredRangeAndUseBothDirections() {
        const std::vector<std::vector<float>> noise;
        Augmenter augmenter({.timeShiftMs = 100.0, .noiseProbability = 0.0}, noise, 7);
        const auto clip = rampClip();
        std::vector<float> out(clip.size());
        int negative = 0, positive = 0;
        for (std::uint64_t key = 0; key < 40; ++key) {
            augmenter.apply(clip, out, key);
            const auto shift = findShift(clip, out);
            QVERIFY(shift.has_value());
            QVERIFY(std::abs(*shift) <= 1600);  // 100 ms at 16 kHz
            negative += *shift < 0;
            positive += *shift > 0;
        }
        QVERIFY(negative > 5 && positive > 5);
    }

    void sameSeedAndKeyGiveTheSameClip() {
        std::vector<std::vector<float>> noise = {std::vector<float>(48000)};
        for (std::size_t i = 0; i < noise[0].size(); ++i)
            noise[0][i] = static_cast<float>(std::sin(i * 0.1));
        const auto clip = rampClip();
        Augmenter a({}, noise, 42), b({}, noise, 42), c({}, noise, 43);
        std::vector<float> outA(clip.size()), outB(clip.size()), outC(clip.size()),
            outOtherKey(clip.size());
        a.apply(clip, outA, 5);
        b.apply(clip, outB, 5);
        c.apply(clip, outC, 5);
        a.apply(clip, outOtherKey, 6);
        QCOMPARE(outA, outB);
        QVERIFY(outA != outC);
        QVERIFY(outA != outOtherKey);
    }

    void noiseIsMixedInAtMostTheConfiguredVolume() {
        std::vector<std::vector<float>> noise = {std::vector<float>(32000, 1.0F)};  // DC "noise"
        Augmenter augmenter({.timeShiftMs = 0.0, .noiseProbability = 1.0, .noiseVolume = 0.05},
                            noise, 1);
        const std::vector<std::int16_t> silence(16000, 0);
        std::vector<float> out(silence.size());
        float largest = 0.0F;
        for (std::uint64_t key = 0; key < 50; ++key) {
            augmenter.apply(silence, out, key);
            QVERIFY(std::all_of(out.begin(), out.end(), [&](float v) { return v == out[0]; }));
            QVERIFY(out[0] >= 0.0F && out[0] <= 0.05F);
            largest = std::max(largest, out[0]);
        }
        QVERIFY(largest > 0.02F);  // the volume really varies up to its bound

        Augmenter never({.timeShiftMs = 0.0, .noiseProbability = 0.0, .noiseVolume = 0.05}, noise,
                        1);
        never.apply(silence, out, 0);
        QVERIFY(std::all_of(out.begin(), out.end(), [](float v) { return v == 0.0F; }));
    }

    void mixedSignalIsClippedToFullScale() {
        std::vector<std::vector<float>> noise = {std::vector<float>(16000, 1.0F)};
        Augmenter augmenter({.timeShiftMs = 0.0, .noiseProbability = 1.0, .noiseVolume = 1.0},
                            noise, 3);
        const std::vector<std::int16_t> loud(16000, 32767);
        std::vector<float> out(loud.size());
        augmenter.apply(loud, out, 0);
        QVERIFY(std::all_of(out.begin(), out.end(), [](float v) { return v <= 1.0F; }));
    }
};

QTEST_GUILESS_MAIN(AugmenterTest)
#include "AugmenterTest.moc"
