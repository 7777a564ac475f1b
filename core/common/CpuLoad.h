#pragma once
// CpuTimes: CPU time of the whole machine (/proc/stat), of this process and of its reaped children
// (getrusage), so that two samples tell how many cores *other* processes kept busy in between.
// Without /proc/stat (not Linux) the machine reads as idle. Stateless; thread-safe.

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <fstream>
#include <string>

namespace perfnas {

struct CpuTimes {
    std::chrono::steady_clock::time_point at;
    double machineBusySeconds = 0.0;  // summed over cores, since boot
    double ownSeconds = 0.0;          // this process and the children it has waited for

    static CpuTimes now() {
        CpuTimes times{.at = std::chrono::steady_clock::now()};
        std::ifstream stat("/proc/stat");
        std::string cpu;
        std::uint64_t user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0,
                      steal = 0;
        if (stat >> cpu >> user >> nice >> system >> idle >> iowait >> irq >> softirq >> steal) {
            const auto ticksPerSecond = static_cast<double>(sysconf(_SC_CLK_TCK));
            times.machineBusySeconds =
                static_cast<double>(user + nice + system + irq + softirq + steal) / ticksPerSecond;
        }
        for (const int who : {RUSAGE_SELF, RUSAGE_CHILDREN}) {
            rusage usage{};
            getrusage(who, &usage);
            times.ownSeconds +=
                static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
                static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
        }
        return times;
    }
};

// Cores that other processes kept busy between two samples, on average (0 for an empty interval).
inline double coresBusyElsewhere(const CpuTimes& before, const CpuTimes& after) {
    const double wallSeconds = std::chrono::duration<double>(after.at - before.at).count();
    if (wallSeconds <= 0.0) return 0.0;
    const double otherSeconds = (after.machineBusySeconds - before.machineBusySeconds) -
                                (after.ownSeconds - before.ownSeconds);
    return std::max(0.0, otherSeconds / wallSeconds);
}

}  // namespace perfnas
