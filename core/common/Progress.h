#pragma once
// Progress reporting for long synchronous core work: called from the working thread(s) with the
// number of items done out of total; it must be cheap and thread-safe (callers may throttle).

#include <cstddef>
#include <functional>

namespace perfnas {

using ProgressCallback = std::function<void(std::size_t done, std::size_t total)>;

}  // namespace perfnas
