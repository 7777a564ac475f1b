#pragma once
// ThreadGovernor: the intra-op thread count of one training run, chosen again about once a second
// from how many cores other processes kept busy meanwhile (core/common/CpuLoad.h).
//
// Why: libtorch's OpenMP threads wait for each other at every parallel region. When another
// process keeps one of their cores busy, each region lasts as long as the thread that got the
// least time: kws12 on two threads fell from about 650 samples/s to about 60 with one core busy,
// while one thread kept its full speed. So a run uses the cores the others leave free, never more
// than it was given, at least one, and takes them back once the other process stops.
// libgomp's wait policy stays its default (spin ~3 ms, then sleep): OMP_WAIT_POLICY=PASSIVE or a
// short GOMP_SPINCOUNT cost 8-14 % on an idle machine and help only threads that share a busy
// core, which this count avoids (train_benchmark --busy-core-study measures all three).
// Not thread-safe: one governor per training loop, polled from the thread that runs the steps.

#include <chrono>
#include <functional>

#include "core/common/CpuLoad.h"

namespace perfnas {

class ThreadGovernor {
public:
    // The first decision comes early, so that a run started beside a busy process loses little;
    // later windows are long enough for /proc/stat's 10 ms ticks to average out.
    static constexpr std::chrono::milliseconds kFirstWindow{250};
    static constexpr std::chrono::milliseconds kWindow{1000};

    using Sampler = std::function<CpuTimes()>;

    // maxThreads: the count the run was given; cores: the machine's hardware threads; sample reads
    // the CPU times (injectable for tests).
    ThreadGovernor(int maxThreads, int cores, Sampler sample = &CpuTimes::now);

    // Cores left free by `busyElsewhere` cores of other work, within [1, maxThreads].
    static int threadsLeftFree(double busyElsewhere, int cores, int maxThreads);

    // Called once per step; samples the CPU times after kFirstWindow, then once per kWindow, and
    // returns the count to run with from now on.
    int poll(std::chrono::steady_clock::time_point now = std::chrono::steady_clock::now());

    int threads() const { return threads_; }

private:
    int maxThreads_;
    int cores_;
    int threads_;
    Sampler sample_;
    std::chrono::steady_clock::time_point nextSample_{};
    CpuTimes windowStart_;
    bool started_ = false;
};

}  // namespace perfnas
