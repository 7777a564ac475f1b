#include "core/storage/RunLock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace perfnas {
namespace {

std::filesystem::path lockFileOf(const std::filesystem::path& experimentFile) {
    return experimentFile.string() + ".lock";
}

long pidIn(int fd) {
    char text[32] = {};
    const ssize_t read = ::pread(fd, text, sizeof text - 1, 0);
    return read > 0 ? std::strtol(text, nullptr, 10) : 0;
}

}  // namespace

Result<RunLock> RunLock::acquire(const std::filesystem::path& experimentFile) {
    const std::filesystem::path file = lockFileOf(experimentFile);
    const int fd = ::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) {
        return makeError(ErrorCode::IoFailure,
                         file.string() + ": cannot create the run lock: " + std::strerror(errno));
    }
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
        const long pid = pidIn(fd);
        ::close(fd);
        return makeError(ErrorCode::InvalidInput,
                         experimentFile.string() + " is being run by another process" +
                             (pid > 0 ? " (pid " + std::to_string(pid) + ")" : std::string()) +
                             ": wait for it to end or stop it first");
    }
    const std::string pid = std::to_string(::getpid()) + "\n";
    // The pid only makes the message above friendlier; the lock holds without it.
    [[maybe_unused]] const bool recorded =
        ::ftruncate(fd, 0) == 0 && ::pwrite(fd, pid.data(), pid.size(), 0) > 0;
    return RunLock(fd);
}

std::optional<long> RunLock::holder(const std::filesystem::path& experimentFile) {
    const int fd = ::open(lockFileOf(experimentFile).c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return std::nullopt;  // never run, or the folder is not readable
    std::optional<long> pid;
    if (::flock(fd, LOCK_SH | LOCK_NB) != 0)
        pid = pidIn(fd);
    else
        ::flock(fd, LOCK_UN);
    ::close(fd);
    return pid;
}

RunLock::RunLock(RunLock&& other) noexcept : m_fd(other.m_fd) { other.m_fd = -1; }

RunLock& RunLock::operator=(RunLock&& other) noexcept {
    if (this != &other) {
        if (m_fd >= 0) ::close(m_fd);
        m_fd = other.m_fd;
        other.m_fd = -1;
    }
    return *this;
}

RunLock::~RunLock() {
    if (m_fd >= 0) ::close(m_fd);  // closing releases the flock
}

}  // namespace perfnas
