#include "core/training/ThreadGovernor.h"

#include <algorithm>
#include <cmath>
#include <utility>

namespace perfnas {

ThreadGovernor::ThreadGovernor(int maxThreads, int cores, Sampler sample)
    : maxThreads_(std::max(1, maxThreads)),
      cores_(std::max(1, cores)),
      threads_(maxThreads_),
      sample_(std::move(sample)) {}

int ThreadGovernor::threadsLeftFree(double busyElsewhere, int cores, int maxThreads) {
    // Rounded to the nearest core: a process that uses a third of a core (a GUI, an SSH session)
    // does not cost a thread, one that wants a whole core does even when it is squeezed to 2/3.
    const int free = cores - static_cast<int>(std::lround(std::max(0.0, busyElsewhere)));
    return std::clamp(free, 1, std::max(1, maxThreads));
}

int ThreadGovernor::poll(std::chrono::steady_clock::time_point now) {
    if (maxThreads_ == 1 || now < nextSample_) return threads_;
    nextSample_ = now + (started_ ? kWindow : kFirstWindow);
    const CpuTimes times = sample_();
    if (started_) {
        threads_ = threadsLeftFree(coresBusyElsewhere(windowStart_, times), cores_, maxThreads_);
    }
    windowStart_ = times;
    started_ = true;
    return threads_;
}

}  // namespace perfnas
