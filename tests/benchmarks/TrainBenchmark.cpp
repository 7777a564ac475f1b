// train_benchmark: training throughput of perfnas::Trainer in samples per second — the product's
// own path: DatasetLoader (feature cache in a benchmark folder), ArchitectureSpec::fromFile and
// Trainer::train with batch 25, no periodic validation and no checkpoints. Not a test: it prints
// figures (see run_train_benchmark.sh, which compares them with train_torch.py).
//
// Timing: per (threads, augmentation) configuration, one untimed train() of W iterations warms
// libtorch (oneDNN primitives, allocator, OpenMP team); then train() of W and of W + N iterations
// are timed and samples/s = N x batch / (t(W + N) - t(W)), so per-call fixed costs (building the
// network, the first batch, the final validation and test evaluation) cancel out. The same
// difference of the trainer's own loop timer (TrainingResult::seconds, which excludes the final
// evaluation) is printed as loop_samples_per_s.
//
//   train_benchmark [--data DIR] [--cache DIR] [--spec FILE] [--iterations N] [--warmup W]
//                   [--threads 1,2,auto] [--augment off,on] [--plans auto,nhwc-fused,...]
//                   [--dump FILE] [--no-time]
// Output: human-readable lines on stderr, one JSON object per configuration on stdout.
//
//   train_benchmark --busy-core-study [--rounds R] [--settings S1,S2,...] [--threads 1,2,auto]
//                   [--quiet-wait SECONDS] [--data DIR] [--cache DIR] [--spec FILE]
//                   [--iterations N] [--warmup W]
// kws12 throughput on an idle machine and with one core kept busy, at 1 and 2 threads (auto: all
// cores), per OpenMP wait setting (see BusyCoreStudy.h): each setting is
// NAME=value or `default` (neither variable set); by default libgomp's default, a short spin and
// OMP_WAIT_POLICY=PASSIVE.
// --dump FILE writes the training split as train_torch.py reads it: int32 count, coefficients,
// frames, classes; float32 MFCCs normalized as the trainer does (count x coefficients x frames);
// int64 labels (count).

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "core/common/ParallelFor.h"
#include "core/dataset/DatasetLoader.h"
#include "core/model/ArchitectureSpec.h"
#include "core/training/BatchSource.h"
#include "core/training/StepCalibration.h"
#include "core/training/Trainer.h"
#include "tests/benchmarks/BusyCoreStudy.h"

namespace perfnas {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

struct Options {
    fs::path dataDir = PERFNAS_SHARED_DATA_DIR "/speech_commands_subset";
    fs::path cacheDir;  // empty: train_benchmark_cache beside the executable
    fs::path specFile;  // empty: the paper seed, or kws12 for the busy-core study
    fs::path dumpFile;
    int iterations = 60;
    int warmup = 5;
    std::vector<int> threadCounts;  // empty: 2, or 1,2 for the busy-core study
    std::vector<bool> augmentModes = {false};
    std::vector<std::string> plans = {"auto"};  // StepPlan names or auto (the calibrated choice)
    bool time = true;
    bool busyCoreStudy = false;
    int rounds = 3;
    int quietWaitSeconds = 20;
    std::vector<std::string> settings = {"default", "GOMP_SPINCOUNT=3000",
                                         "OMP_WAIT_POLICY=PASSIVE"};
    double spinSeconds = 0.0;  // > 0: be the busy core for the study, nothing else
};

[[noreturn]] void fail(const std::string& problem) {
    std::fprintf(stderr, "train_benchmark: %s\n", problem.c_str());
    std::exit(1);
}

// The upper bound of every count and number of seconds on the command line.
constexpr int kMaxCount = 1'000'000;

Options parseOptions(int argc, char** argv) {
    Options options;
    options.cacheDir = fs::absolute(argv[0]).parent_path() / "train_benchmark_cache";
    std::string dataDir = options.dataDir.string();
    std::string cacheDir = options.cacheDir.string();
    std::string specFile;
    std::string dumpFile;
    std::vector<std::string> threads;
    std::vector<std::string> augment = {"off"};
    bool noTime = false;
    CLI::App app{"Training throughput of Trainer in samples per second (run_train_benchmark.sh)",
                 "train_benchmark"};
    app.get_formatter()->column_width(36);
    app.add_option("--data", dataDir,
                   "Speech Commands folder (default: ../shared/data/speech_commands_subset)")
        ->type_name("DIR");
    app.add_option("--cache", cacheDir,
                   "Feature cache folder (default: train_benchmark_cache beside the executable)")
        ->type_name("DIR");
    app.add_option("--spec", specFile, "Architecture (default: paper seed; study: kws12)")
        ->type_name("FILE");
    app.add_option("--iterations", options.iterations, "Timed training iterations")
        ->type_name("N")
        ->capture_default_str()
        ->check(CLI::Range(1, kMaxCount).description(""));
    app.add_option("--warmup", options.warmup, "Iterations of the untimed run")
        ->type_name("W")
        ->capture_default_str()
        ->check(CLI::Range(1, kMaxCount).description(""));
    app.add_option("--threads", threads, "Thread counts, auto: all cores (default 2; study: 1,2)")
        ->type_name("1,2,auto")
        ->delimiter(',')
        ->check((CLI::IsMember({"auto"}) | CLI::Range(1, kMaxCount)).description(""));
    app.add_option("--augment", augment, "Waveform augmentation off, on or both")
        ->type_name("off,on")
        ->delimiter(',')
        ->capture_default_str()
        ->check(CLI::IsMember({"off", "on"}).description(""));
    app.add_option("--plans", options.plans,
                   "Step plans: auto (calibrated), nhwc-fused, nhwc-library, nchw-library")
        ->type_name("auto,nhwc-fused,...")
        ->delimiter(',')
        ->capture_default_str()
        ->check(
            CLI::IsMember({"auto", "nhwc-fused", "nhwc-library", "nchw-library"}).description(""));
    app.add_option("--dump", dumpFile, "Write the training split for train_torch.py")
        ->type_name("FILE");
    app.add_flag("--no-time", noTime, "Load (and --dump) the data, time nothing");
    app.add_flag("--busy-core-study", options.busyCoreStudy,
                 "Idle vs one busy core, per OpenMP wait setting");
    app.add_option("--rounds", options.rounds, "Study: interleaved rounds")
        ->type_name("R")
        ->capture_default_str()
        ->check(CLI::Range(1, kMaxCount).description(""));
    app.add_option("--settings", options.settings,
                   "Study: NAME=value or default each (default: " +
                       CLI::detail::join(options.settings, ",") + ")")
        ->type_name("S1,S2,...")
        ->delimiter(',')
        ->check(CLI::Validator(
            [](const std::string& setting) {
                return setting == "default" || setting.find('=') != std::string::npos
                           ? std::string()
                           : "takes NAME=value items or default, not '" + setting + "'";
            },
            ""));
    app.add_option("--quiet-wait", options.quietWaitSeconds,
                   "Study: wait up to this long for a quiet machine")
        ->type_name("SECONDS")
        ->capture_default_str()
        ->check(CLI::Range(0, kMaxCount).description(""));
    app.add_option("--spin", options.spinSeconds, "Internal: be the study's busy core")
        ->type_name("SECONDS")
        ->check(CLI::Range(1, kMaxCount).description(""));
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& error) {
        std::exit(app.exit(error) == 0 ? 0 : 2);  // --help: 0; a bad command line: 2
    }
    options.dataDir = dataDir;
    options.cacheDir = cacheDir;
    options.specFile = specFile;
    options.dumpFile = dumpFile;
    for (const std::string& item : threads) {
        options.threadCounts.push_back(item == "auto" ? 0 : std::stoi(item));
    }
    options.augmentModes.clear();
    for (const std::string& item : augment) options.augmentModes.push_back(item == "on");
    options.time = !noTime;
    if (options.specFile.empty()) {
        options.specFile = options.busyCoreStudy
                               ? PERFNAS_SOURCE_DIR "/resources/examples/kws12.json"
                               : PERFNAS_SOURCE_DIR "/resources/seeds/paper-seed.json";
    }
    if (options.threadCounts.empty()) {
        options.threadCounts = options.busyCoreStudy ? std::vector<int>{1, 2} : std::vector<int>{2};
    }
    return options;
}

int runStudy(const Options& options, const char* self) {
    BusyCoreStudyOptions study{
        .benchmark = fs::absolute(self),
        .measureArguments = {"--data", options.dataDir.string(), "--cache",
                             options.cacheDir.string(), "--spec", options.specFile.string(),
                             "--iterations", std::to_string(options.iterations), "--warmup",
                             std::to_string(options.warmup)},
        .threadCounts = options.threadCounts,
        .rounds = options.rounds,
        .quietWait = std::chrono::seconds(options.quietWaitSeconds)};
    for (const std::string& setting : options.settings) {
        study.settings.push_back(setting == "default" ? std::string() : setting);
    }
    return runBusyCoreStudy(study);
}

LoadedDataset loadDataset(const Options& options) {
    const DatasetOptions dataset{.root = options.dataDir};
    auto loaded = DatasetLoader::load(dataset, LoadOptions{.cacheFolder = options.cacheDir});
    if (!loaded) fail(loaded.error().message);
    const FeatureSet& features = loaded->features;
    std::fprintf(stderr,
                 "data: %s, %zu training / %zu validation / %zu testing clips (%s, %.1f s)\n",
                 options.dataDir.c_str(), features.split(Split::Training).size(),
                 features.split(Split::Validation).size(), features.split(Split::Testing).size(),
                 loaded->report.cacheHit ? "feature cache hit" : "decoded", loaded->report.seconds);
    return std::move(*loaded);
}

void dump(const FeatureSet& features, const fs::path& file) {
    const SplitData& training = features.split(Split::Training);
    const InputNormalization normalization = InputNormalization::fromTraining(features);
    std::vector<float> mfcc(training.mfcc.size());
    for (std::size_t i = 0; i < mfcc.size(); ++i) {
        mfcc[i] = (training.mfcc[i] - normalization.mean) / normalization.stdDev;
    }
    const std::vector<std::int64_t> labels(training.labels.begin(), training.labels.end());
    const std::int32_t header[4] = {static_cast<std::int32_t>(training.size()),
                                    features.coefficients, features.frames,
                                    static_cast<std::int32_t>(features.classNames.size())};
    std::ofstream out(file, std::ios::binary);
    out.write(reinterpret_cast<const char*>(header), sizeof(header));
    out.write(reinterpret_cast<const char*>(mfcc.data()),
              static_cast<std::streamsize>(mfcc.size() * sizeof(float)));
    out.write(reinterpret_cast<const char*>(labels.data()),
              static_cast<std::streamsize>(labels.size() * sizeof(std::int64_t)));
    if (!out) fail(file.string() + ": cannot write");
    std::fprintf(stderr, "dumped %zu training clips (%d x %d, normalized) to %s\n", training.size(),
                 features.coefficients, features.frames, file.c_str());
}

// The OpenMP wait variables this process started with (libgomp read them when it loaded).
std::string openMpWaitSettings() {
    std::string settings;
    for (const char* name : {"OMP_WAIT_POLICY", "GOMP_SPINCOUNT"}) {
        if (const char* value = std::getenv(name)) {
            settings += (settings.empty() ? "" : " ") + std::string(name) + "=" + value;
        }
    }
    return settings.empty() ? "libgomp default" : settings;
}

struct Timed {
    double wallSeconds = 0.0;
    TrainingResult result;
};

Timed timedTrain(const ArchitectureSpec& spec, const FeatureSet& features,
                 const TrainingParams& params) {
    const auto start = Clock::now();
    auto result = Trainer::train(spec, features, params);
    const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
    if (!result) fail("training failed: " + result.error().message);
    if (result->outcome != TrainingOutcome::Finished)
        fail("training " + outcomeName(result->outcome));
    return {seconds, std::move(*result)};
}

void measure(const Options& options, const ArchitectureSpec& spec, const FeatureSet& features,
             int threads, bool augment, const std::string& plan) {
    TrainingParams params{
        .iterations = options.warmup, .validateEvery = 0, .checkpointEvery = 0, .threads = threads};
    params.augmentation.enabled = augment;
    params.stepPlan = plan;
    timedTrain(spec, features, params);  // warm-up, untimed
    const Timed shortRun = timedTrain(spec, features, params);
    params.iterations = options.warmup + options.iterations;
    const Timed longRun = timedTrain(spec, features, params);

    const double samples = static_cast<double>(options.iterations) * params.batchSize;
    const double samplesPerSecond = samples / (longRun.wallSeconds - shortRun.wallSeconds);
    const double loopSamplesPerSecond =
        samples / (longRun.result.seconds - shortRun.result.seconds);
    // What "auto" ran: the calibration the warm-up stored (a cache hit now).
    std::string ran = plan;
    if (plan == "auto") {
        const StepChoice choice = StepCalibration().choose(
            spec, params.batchSize, threads > 0 ? threads : defaultThreadCount());
        ran = choice.plan.name() + "/" + std::to_string(choice.threads) + "T";
    }
    std::fprintf(
        stderr,
        "ours %s %dT augment %-3s plan %s: %8.1f samples/s (loop timer %.1f; train() %.2f s for "
        "%d, %.2f s for %d)\n",
        spec.name.c_str(), threads, augment ? "on" : "off", ran.c_str(), samplesPerSecond,
        loopSamplesPerSecond, shortRun.wallSeconds, options.warmup, longRun.wallSeconds,
        params.iterations);
    std::printf(
        "{\"side\":\"ours\",\"spec\":\"%s\",\"threads\":%d,\"augment\":%s,\"batch\":%d,"
        "\"iterations\":%d,"
        "\"warmup\":%d,\"samples_per_s\":%.2f,\"loop_samples_per_s\":%.2f,\"trainer_samples_per_"
        "s\":%.2f,"
        "\"wall_s_short\":%.3f,\"wall_s_long\":%.3f,\"input\":\"%s\",\"openmp_wait\":\"%s\","
        "\"plan\":\"%s\",\"ran\":\"%s\"}\n",
        spec.name.c_str(), threads, augment ? "true" : "false", params.batchSize,
        options.iterations, options.warmup, samplesPerSecond, loopSamplesPerSecond,
        longRun.result.samplesPerSecond, shortRun.wallSeconds, longRun.wallSeconds,
        augment ? "augmented waveforms, MFCCs recomputed per sample" : "cached training MFCCs",
        openMpWaitSettings().c_str(), plan.c_str(), ran.c_str());
    std::fflush(stdout);
}

}  // namespace
}  // namespace perfnas

int main(int argc, char** argv) {
    using namespace perfnas;
    const Options options = parseOptions(argc, argv);
    if (options.spinSeconds > 0.0) {
        spinFor(options.spinSeconds);
        return 0;
    }
    if (options.busyCoreStudy) return runStudy(options, argv[0]);
    const LoadedDataset loaded = loadDataset(options);
    if (!options.dumpFile.empty()) dump(loaded.features, options.dumpFile);
    if (!options.time) return 0;
    const auto spec = ArchitectureSpec::fromFile(options.specFile.string());
    if (!spec) fail(spec.error().message);
    for (const int threads : options.threadCounts) {
        for (const bool augment : options.augmentModes) {
            for (const std::string& plan : options.plans)
                measure(options, *spec, loaded.features, threads, augment, plan);
        }
    }
    return 0;
}
