#pragma once
// train_benchmark --busy-core-study: training throughput on an idle machine and with one core kept
// busy, per OpenMP wait setting and thread count. libgomp reads its settings when it is loaded, so
// every measurement is a fresh train_benchmark process with the setting in its environment; the
// busy core is a spinning train_benchmark --spin child, started before and killed after each
// busy-core measurement. Rounds interleave every configuration (timings drift by 20-40% within
// minutes on shared machines); the table quotes medians, ratios and how many cores processes
// outside the study used meanwhile (/proc/stat).

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

namespace perfnas {

struct BusyCoreStudyOptions {
    std::filesystem::path benchmark;            // the train_benchmark executable
    std::vector<std::string> measureArguments;  // --data, --cache, --spec, --iterations, --warmup
    std::vector<int> threadCounts = {1, 2};
    // One column each: "NAME=value" in the environment, or "" for neither OMP_WAIT_POLICY nor
    // GOMP_SPINCOUNT (libgomp's default, what perfnas runs with).
    std::vector<std::string> settings;
    int rounds = 3;
    // Before each measurement, wait up to this long for other processes to go quiet; the table
    // reports how busy they kept the machine anyway.
    std::chrono::seconds quietWait{20};
};

// Runs the study, prints the table on stdout; returns the process exit status.
int runBusyCoreStudy(const BusyCoreStudyOptions& options);

// The busy core: spins on one thread for `seconds`, then returns (a bound in case nobody kills it).
void spinFor(double seconds);

}  // namespace perfnas
