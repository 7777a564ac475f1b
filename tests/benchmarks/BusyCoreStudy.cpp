#include "tests/benchmarks/BusyCoreStudy.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <thread>
#include <tuple>

#include "core/common/CpuLoad.h"
#include "core/execution/ProcessRunner.h"

namespace perfnas {
namespace {

using Clock = std::chrono::steady_clock;

// A spinner nobody stops (the study was killed) ends by itself after this.
constexpr int kSpinLimitSeconds = 1800;
// Other processes below this many cores count as a quiet machine.
constexpr double kQuietCores = 0.25;

enum class Load { Idle, BusyCore };

struct Cell {
    Load load;
    int threads;
    std::size_t setting;  // index into BusyCoreStudyOptions::settings
    auto key() const { return std::tuple(load, threads, setting); }
};

std::string settingLabel(const std::string& setting) {
    return setting.empty() ? "libgomp default" : setting;
}

std::string threadsLabel(int threads) {
    return threads > 0 ? std::to_string(threads) : std::string("auto");
}

struct Measurement {
    double samplesPerSecond = 0.0;
    std::string openMpWait;   // what the process ran with, as it reports it
    double otherCores = 0.0;  // CPU used meanwhile by processes outside the study, in cores
};

// One train_benchmark process, started without the user's OpenMP wait variables.
Result<Measurement> measure(const BusyCoreStudyOptions& options, const std::string& setting,
                            int threads) {
    std::vector<std::string> command = {"env", "-u", "OMP_WAIT_POLICY", "-u", "GOMP_SPINCOUNT"};
    if (!setting.empty()) command.push_back(setting);
    command.push_back(options.benchmark.string());
    command.insert(command.end(), options.measureArguments.begin(), options.measureArguments.end());
    for (const char* argument : {"--augment", "off", "--threads"}) command.emplace_back(argument);
    command.push_back(threadsLabel(threads));
    auto output = runCommand(command, std::chrono::minutes(30));
    if (!output) return output.error();
    if (!output->status.success()) {
        return makeError(ErrorCode::Internal, describeCommand(command) + ": " +
                                                  output->status.describe() + "\n" + output->err);
    }
    const auto row = nlohmann::json::parse(output->out, nullptr, /*allow_exceptions=*/false);
    if (row.is_discarded() || !row.contains("samples_per_s")) {
        return makeError(ErrorCode::Internal,
                         describeCommand(command) + ": no JSON result in\n" + output->out);
    }
    return Measurement{row["samples_per_s"].get<double>(), row.value("openmp_wait", "")};
}

using Results = std::map<std::tuple<Load, int, std::size_t>, std::vector<Measurement>>;

template <typename Field>
double median(const std::vector<Measurement>& measurements, Field field) {
    std::vector<double> values;
    for (const Measurement& measurement : measurements) values.push_back(measurement.*field);
    std::sort(values.begin(), values.end());
    const std::size_t middle = values.size() / 2;
    return values.size() % 2 ? values[middle] : (values[middle - 1] + values[middle]) / 2.0;
}

double medianRate(Results& results, const Cell& cell) {
    return median(results[cell.key()], &Measurement::samplesPerSecond);
}

void printTable(const BusyCoreStudyOptions& options, const std::vector<Cell>& cells,
                Results& results) {
    const Cell reference{Load::Idle, options.threadCounts.front(), 0};
    const double referenceRate = medianRate(results, reference);
    std::printf(
        "\nTraining throughput, samples/s (batch 25, augmentation off), median of %d "
        "interleaved rounds (ratio to %s thread(s), idle, %s) [range]\n",
        options.rounds, threadsLabel(reference.threads).c_str(),
        settingLabel(options.settings[0]).c_str());
    std::printf("%7s %-9s", "threads", "machine");
    for (const std::string& setting : options.settings) {
        std::printf(" | %-28s", settingLabel(setting).c_str());
    }
    std::printf(" | other processes\n");
    for (const Cell& row : cells) {
        if (row.setting != 0) continue;  // one row per (load, threads); settings are columns
        std::printf("%7s %-9s", threadsLabel(row.threads).c_str(),
                    row.load == Load::Idle ? "idle" : "busy core");
        std::vector<Measurement> rowMeasurements;
        for (std::size_t s = 0; s < options.settings.size(); ++s) {
            const std::vector<Measurement>& measured =
                results[Cell{row.load, row.threads, s}.key()];
            rowMeasurements.insert(rowMeasurements.end(), measured.begin(), measured.end());
            const auto [least, most] = std::minmax_element(
                measured.begin(), measured.end(), [](const Measurement& a, const Measurement& b) {
                    return a.samplesPerSecond < b.samplesPerSecond;
                });
            const double rate = median(measured, &Measurement::samplesPerSecond);
            char cell[64];
            std::snprintf(cell, sizeof cell, "%7.1f (%.2f) [%.0f-%.0f]", rate, rate / referenceRate,
                          least->samplesPerSecond, most->samplesPerSecond);
            std::printf(" | %-28s", cell);
        }
        std::printf(" | %.2f cores\n", median(rowMeasurements, &Measurement::otherCores));
    }
    // The goals, per thread count and setting: with a busy core >= 0.8 of one thread on the idle
    // machine; on the idle machine >= 0.95 of the first setting at the most threads.
    const int mostThreads =
        *std::max_element(options.threadCounts.begin(), options.threadCounts.end());
    const double idleBefore = medianRate(results, {Load::Idle, mostThreads, 0});
    std::printf(
        "\nbusy core vs %s thread(s) idle (goal >= 0.80); idle vs %d threads with %s (goal "
        ">= 0.95):\n",
        threadsLabel(reference.threads).c_str(), mostThreads,
        settingLabel(options.settings[0]).c_str());
    for (std::size_t s = 0; s < options.settings.size(); ++s) {
        for (const int threads : options.threadCounts) {
            std::printf("  %-28s %4s threads: %.2f; %.2f\n",
                        settingLabel(options.settings[s]).c_str(), threadsLabel(threads).c_str(),
                        medianRate(results, {Load::BusyCore, threads, s}) / referenceRate,
                        medianRate(results, {Load::Idle, threads, s}) / idleBefore);
        }
    }
}

// Waits up to `limit` until other processes use less than kQuietCores, so that between a
// colleague's compile jobs "idle" means idle and "busy core" means only our spinner.
void waitForQuietMachine(std::chrono::seconds limit) {
    const auto giveUp = Clock::now() + limit;
    while (Clock::now() < giveUp) {
        const CpuTimes before = CpuTimes::now();
        std::this_thread::sleep_for(std::chrono::seconds(1));
        if (coresBusyElsewhere(before, CpuTimes::now()) < kQuietCores) return;
    }
}

// One measurement of `cell`, with the spinner running for a busy core.
Result<Measurement> measureCell(const BusyCoreStudyOptions& options, const Cell& cell) {
    waitForQuietMachine(options.quietWait);
    const CpuTimes before = CpuTimes::now();
    std::optional<ChildProcess> spinner;  // killed and reaped when reset
    if (cell.load == Load::BusyCore) {
        auto started = ChildProcess::start(
            {.command = {options.benchmark.string(), "--spin", std::to_string(kSpinLimitSeconds)}});
        if (!started) return started.error();
        spinner.emplace(std::move(*started));
    }
    auto measured = measure(options, options.settings[cell.setting], cell.threads);
    spinner.reset();
    if (measured) measured->otherCores = coresBusyElsewhere(before, CpuTimes::now());
    return measured;
}

}  // namespace

void spinFor(double seconds) {
    const auto end = Clock::now() + std::chrono::duration<double>(seconds);
    volatile std::uint64_t counter = 0;
    while (Clock::now() < end) {
        for (int i = 0; i < 1'000'000; ++i) counter = counter + 1;
    }
}

int runBusyCoreStudy(const BusyCoreStudyOptions& options) {
    std::vector<Cell> cells;
    for (Load load : {Load::Idle, Load::BusyCore}) {
        for (int threads : options.threadCounts) {
            for (std::size_t s = 0; s < options.settings.size(); ++s) {
                cells.push_back({load, threads, s});
            }
        }
    }
    Results results;
    for (int round = 1; round <= options.rounds; ++round) {
        // Odd rounds forwards, even rounds backwards: no configuration always goes first or last.
        std::vector<Cell> order = cells;
        if (round % 2 == 0) std::reverse(order.begin(), order.end());
        for (const Cell& cell : order) {
            auto measured = measureCell(options, cell);
            if (!measured) {
                std::fprintf(stderr, "train_benchmark: %s\n", measured.error().message.c_str());
                return 1;
            }
            std::fprintf(stderr,
                         "round %d/%d: %4s thread(s), %-9s, %s: %7.1f samples/s (other processes "
                         "used %.2f cores)\n",
                         round, options.rounds, threadsLabel(cell.threads).c_str(),
                         cell.load == Load::Idle ? "idle" : "busy core",
                         measured->openMpWait.c_str(), measured->samplesPerSecond,
                         measured->otherCores);
            results[cell.key()].push_back(*measured);
        }
    }
    printTable(options, cells, results);
    return 0;
}

}  // namespace perfnas
