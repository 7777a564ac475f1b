#pragma once
// RunLock: one process runs an experiment at a time. The runner holds an exclusive flock on
// "<experiment file>.lock" beside it, with its pid inside; the kernel releases it when the process
// ends however it ends, so a killed run leaves nothing to clean up. Readers (the studio, `perfnas
// status`) ask whether a run holds it: trials marked running in a file nobody runs were
// interrupted, and have no ETA. Linux/POSIX.
#include <filesystem>
#include <optional>

#include "core/common/Result.h"

namespace perfnas {

class RunLock {
public:
    // InvalidInput naming the file and the pid of the process that runs it; IoFailure when the
    // lock file cannot be created.
    static Result<RunLock> acquire(const std::filesystem::path& experimentFile);
    // The pid of the process that runs the experiment now (this one included); nullopt: none.
    static std::optional<long> holder(const std::filesystem::path& experimentFile);

    RunLock(RunLock&& other) noexcept;
    RunLock& operator=(RunLock&& other) noexcept;
    RunLock(const RunLock&) = delete;
    RunLock& operator=(const RunLock&) = delete;
    ~RunLock();

private:
    explicit RunLock(int fd) : m_fd(fd) {}
    int m_fd = -1;
};

}  // namespace perfnas
