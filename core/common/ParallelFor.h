#pragma once
// parallelFor: runs body(index, workerIndex) for every index in [0, count) on `threads` threads
// (the calling thread is one of them). Indices are handed out dynamically, so uneven work balances.
// body must not throw; workers stop taking new indices once `stop()` returns true.

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <functional>
#include <thread>
#include <vector>

namespace perfnas {

inline void parallelFor(std::size_t count, int threads,
                        const std::function<void(std::size_t index, int workerIndex)>& body,
                        const std::function<bool()>& stop = {}) {
    const int workerCount = std::max(1, std::min<int>(threads, static_cast<int>(count)));
    std::atomic<std::size_t> next{0};
    auto work = [&](int workerIndex) {
        for (std::size_t i = next++; i < count; i = next++) {
            if (stop && stop()) return;
            body(i, workerIndex);
        }
    };
    std::vector<std::jthread> helpers;
    helpers.reserve(static_cast<std::size_t>(workerCount - 1));
    for (int w = 1; w < workerCount; ++w) helpers.emplace_back(work, w);
    work(0);
}

// Default worker count: every hardware thread (two on the reference machine).
inline int defaultThreadCount() { return std::max(1u, std::thread::hardware_concurrency()); }

}  // namespace perfnas
