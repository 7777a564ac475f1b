// mfcc_benchmark: MFCC throughput of perfnas::MfccExtractor in clips per second, at 1 and 2 threads
// (one extractor per worker, parallelFor), on one-second clips from a Speech Commands folder
// (decoded with AudioDecoder; _background_noise_ is skipped) or on deterministic synthetic clips.
// --dump writes the exact clips as raw float32 so tests/benchmarks/mfcc_torchaudio.py times
// torchaudio on identical input. Not a test: it prints figures (see run_mfcc_benchmark.sh).
//
//   mfcc_benchmark [--data DIR] [--clips N] [--threads 1,2] [--dump FILE] [--no-time]
// Output: human-readable lines plus one "RESULT ours threads=T clips_per_s=X" line per thread
// count.

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <memory>
#include <numbers>
#include <span>
#include <string>
#include <vector>

#include "core/audio/AudioDecoder.h"
#include "core/audio/MfccExtractor.h"
#include "core/common/ParallelFor.h"

namespace perfnas {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

struct Options {
    fs::path dataDir;
    fs::path dumpFile;
    std::size_t clipCount = 2000;
    std::vector<int> threadCounts = {1, 2};
    bool time = true;
};

[[noreturn]] void usage(const std::string& problem) {
    std::fprintf(stderr,
                 "mfcc_benchmark: %s\nusage: mfcc_benchmark [--data DIR] [--clips N] "
                 "[--threads 1,2] [--dump FILE] [--no-time]\n",
                 problem.c_str());
    std::exit(2);
}

Options parseOptions(int argc, char** argv) {
    Options options;
    std::string dataDir;
    std::string dumpFile;
    bool noTime = false;
    CLI::App app{"MFCC throughput of MfccExtractor in clips per second (run_mfcc_benchmark.sh)",
                 "mfcc_benchmark"};
    app.get_formatter()->column_width(36);
    app.add_option("--data", dataDir, "Speech Commands folder (default: synthetic clips)")
        ->type_name("DIR");
    app.add_option("--clips", options.clipCount, "Clips to process")
        ->type_name("N")
        ->capture_default_str()
        ->check(CLI::Range(1L, std::numeric_limits<long>::max()).description("POSITIVE"));
    app.add_option("--threads", options.threadCounts, "Comma-separated thread counts to time")
        ->type_name("1,2")
        ->delimiter(',')
        ->capture_default_str()
        ->check(CLI::Range(1, std::numeric_limits<int>::max()).description("POSITIVE"));
    app.add_option("--dump", dumpFile, "Write the clips as raw float32 for mfcc_torchaudio.py")
        ->type_name("FILE");
    app.add_flag("--no-time", noTime, "Load (and --dump) the clips, time nothing");
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& error) {
        std::exit(app.exit(error) == 0 ? 0 : 2);  // --help: 0; a bad command line: 2
    }
    options.dataDir = dataDir;
    options.dumpFile = dumpFile;
    options.time = !noTime;
    return options;
}

// Speech Commands clips in sorted path order, cycling if the folder holds fewer than `count`.
std::vector<std::vector<float>> loadDataset(const fs::path& dir, std::size_t count) {
    std::vector<fs::path> files;
    for (const auto& entry : fs::recursive_directory_iterator(dir)) {
        if (!entry.is_regular_file() || !AudioDecoder::hasAudioExtension(entry.path())) continue;
        // Minutes-long noise recordings, not one-second keyword clips.
        if (entry.path().parent_path().filename() == "_background_noise_") continue;
        files.push_back(entry.path());
    }
    std::sort(files.begin(), files.end());
    if (files.empty()) usage(dir.string() + ": no audio files");
    std::vector<std::vector<float>> clips(count);
    std::vector<std::string> errors(count);
    parallelFor(count, defaultThreadCount(), [&](std::size_t i, int /*workerIndex*/) {
        auto clip = AudioDecoder::loadClip(files[i % files.size()]);
        if (clip) {
            clips[i] = std::move(*clip);
        } else {
            errors[i] = clip.error().message;
        }
    });
    for (std::size_t i = 0; i < count; ++i) {
        if (!errors[i].empty()) usage(errors[i]);
    }
    std::printf("clips: %zu from %s (%zu files)\n", count, dir.c_str(), files.size());
    return clips;
}

// Deterministic stand-ins for speech: a gliding tone with harmonics under an envelope, plus noise.
// A private LCG rather than <random> distributions, whose output differs between libraries.
std::vector<std::vector<float>> synthesize(std::size_t count) {
    std::vector<std::vector<float>> clips(count, std::vector<float>(AudioDecoder::kClipSamples));
    std::uint64_t state = 0x9E3779B97F4A7C15ULL;
    const auto uniform = [&state] {  // in [0, 1)
        state = state * 6364136223846793005ULL + 1442695040888963407ULL;
        return static_cast<double>(state >> 11) / 9007199254740992.0;
    };
    for (auto& clip : clips) {
        const double startHz = 90.0 + 160.0 * uniform();
        const double glideHz = 100.0 * (uniform() - 0.5);
        const double onset = 0.1 + 0.4 * uniform();
        const double duration = 0.3 + 0.3 * uniform();
        double phase = 0.0;
        for (std::size_t i = 0; i < clip.size(); ++i) {
            const double t = static_cast<double>(i) / AudioDecoder::kClipRateHz;
            phase += 2.0 * std::numbers::pi * (startHz + glideHz * t) / AudioDecoder::kClipRateHz;
            const double x = (t - onset) / duration;
            const double envelope = x > 0.0 && x < 1.0 ? std::sin(std::numbers::pi * x) : 0.0;
            double voice = 0.0;
            for (int harmonic = 1; harmonic <= 12; ++harmonic)
                voice += std::sin(harmonic * phase) / harmonic;
            clip[i] = static_cast<float>(0.25 * envelope * voice + 0.01 * (uniform() - 0.5));
        }
    }
    std::printf("clips: %zu synthetic\n", count);
    return clips;
}

void dump(const std::vector<std::vector<float>>& clips, const fs::path& file) {
    std::ofstream out(file, std::ios::binary);
    for (const auto& clip : clips) {
        out.write(reinterpret_cast<const char*>(clip.data()),
                  static_cast<std::streamsize>(clip.size() * sizeof(float)));
    }
    if (!out) usage(file.string() + ": cannot write");
    std::printf("dumped %zu x %d float32 to %s\n", clips.size(), AudioDecoder::kClipSamples,
                file.c_str());
}

// Clips per second at `threads` workers, each with its own extractor (built outside the timing).
double measure(const std::vector<std::vector<float>>& clips, int threads, double* checksum) {
    std::vector<std::unique_ptr<MfccExtractor>> extractors;
    for (int w = 0; w < threads; ++w) extractors.push_back(std::make_unique<MfccExtractor>());
    const int frames = extractors[0]->frameCount(AudioDecoder::kClipSamples);
    const std::size_t values =
        static_cast<std::size_t>(extractors[0]->settings().coefficients * frames);
    std::vector<float> features(clips.size() * values);
    const auto run = [&](std::size_t count) {
        parallelFor(count, threads, [&](std::size_t i, int worker) {
            extractors[static_cast<std::size_t>(worker)]->compute(
                clips[i], std::span<float>(features.data() + i * values, values));
        });
    };
    run(std::min<std::size_t>(clips.size(), 50));  // warm caches and page in `features`
    const auto start = Clock::now();
    run(clips.size());
    const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
    double sum = 0.0;
    for (float v : features) sum += v;
    *checksum = sum;  // keeps the work observable
    return static_cast<double>(clips.size()) / seconds;
}

}  // namespace
}  // namespace perfnas

int main(int argc, char** argv) {
    using namespace perfnas;
    const Options options = parseOptions(argc, argv);
    const auto clips = options.dataDir.empty() ? synthesize(options.clipCount)
                                               : loadDataset(options.dataDir, options.clipCount);
    if (!options.dumpFile.empty()) dump(clips, options.dumpFile);
    if (!options.time) return 0;
    for (const int threads : options.threadCounts) {
        double checksum = 0.0;
        const double clipsPerSecond = measure(clips, threads, &checksum);
        std::printf("ours %d thread(s): %8.0f clips/s  (%.1f us/clip, checksum %.6g)\n", threads,
                    clipsPerSecond, 1e6 / clipsPerSecond, checksum);
        std::printf("RESULT ours threads=%d clips_per_s=%.1f\n", threads, clipsPerSecond);
        std::fflush(stdout);
    }
    return 0;
}
