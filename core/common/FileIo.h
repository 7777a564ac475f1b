#pragma once
// Whole-file reads and atomic writes for the engine's own files (checkpoints, worker requests and
// results, reports). A write goes to a temporary file beside the target (named with the pid, so
// concurrent writers on shared folders do not collide), then is renamed into place: readers see all
// or nothing, and an earlier version stays intact when writing fails. Errors name the file and the
// system's reason ("No space left on device (disk full)").
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <system_error>

#include "core/common/Result.h"

namespace perfnas {

inline Status writeFileAtomically(const std::filesystem::path& file, std::string_view bytes) {
    const std::filesystem::path temporary = file.string() + ".tmp" + std::to_string(::getpid());
    auto failure = [&](const std::string& what, int error) -> Status {
        ::unlink(temporary.c_str());
        return makeError(ErrorCode::IoFailure,
                         file.string() + ": " + what + ": " +
                             std::generic_category().message(error) +
                             (error == ENOSPC || error == EDQUOT ? " (disk full)" : ""));
    };
    // POSIX calls rather than a stream: every short write and the close report errno.
    const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) return failure("cannot be written", errno);
    for (std::size_t done = 0; done < bytes.size();) {
        const ssize_t written = ::write(fd, bytes.data() + done, bytes.size() - done);
        if (written < 0 && errno == EINTR) continue;
        if (written <= 0) {
            const int error = written < 0 ? errno : ENOSPC;
            ::close(fd);
            return failure("cannot be written", error);
        }
        done += static_cast<std::size_t>(written);
    }
    if (::close(fd) != 0) return failure("cannot be written", errno);
    if (::rename(temporary.c_str(), file.c_str()) != 0)
        return failure("cannot be renamed into place", errno);
    return Done{};
}

inline Result<std::string> readTextFile(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) return makeError(ErrorCode::NotFound, file.string() + ": cannot be opened");
    std::stringstream text;
    text << in.rdbuf();
    if (in.bad()) return makeError(ErrorCode::IoFailure, file.string() + ": read failed");
    return text.str();
}

}  // namespace perfnas
