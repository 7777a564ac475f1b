#include "core/execution/ProcessRunner.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fstream>
#include <thread>

extern char** environ;

namespace perfnas {
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

class FileDescriptor {
public:
    explicit FileDescriptor(int fd = -1) : m_fd(fd) {}
    FileDescriptor(FileDescriptor&& other) noexcept : m_fd(std::exchange(other.m_fd, -1)) {}
    FileDescriptor(const FileDescriptor&) = delete;
    FileDescriptor& operator=(const FileDescriptor&) = delete;
    FileDescriptor& operator=(FileDescriptor&& other) noexcept {
        if (this != &other) {
            reset();
            m_fd = std::exchange(other.m_fd, -1);
        }
        return *this;
    }
    ~FileDescriptor() { reset(); }
    int get() const { return m_fd; }
    void reset() {
        if (m_fd >= 0) ::close(m_fd);
        m_fd = -1;
    }

private:
    int m_fd;
};

std::string errnoText(int error) { return std::strerror(error); }

Result<std::string> resolveProgram(const std::string& program) {
    if (program.empty()) return makeError(ErrorCode::InvalidInput, "no program to run");
    if (program.find('/') != std::string::npos) return program;
    const char* path = std::getenv("PATH");
    std::string directories = path && *path ? path : "/usr/local/bin:/usr/bin:/bin";
    // Slurm's daemons and some tools live in sbin, which a user's PATH may lack.
    directories += ":/usr/sbin:/sbin";
    std::size_t start = 0;
    while (start <= directories.size()) {
        const std::size_t end = std::min(directories.find(':', start), directories.size());
        const std::string directory = directories.substr(start, end - start);
        const fs::path candidate = fs::path(directory.empty() ? "." : directory) / program;
        if (::access(candidate.c_str(), X_OK) == 0) return candidate.string();
        start = end + 1;
    }
    return makeError(ErrorCode::NotFound,
                     program + ": command not found (PATH: " + directories + ")");
}

std::vector<std::string> mergedEnvironment(const std::vector<std::string>& additions) {
    std::vector<std::string> result;
    for (char** entry = environ; entry && *entry; ++entry) result.emplace_back(*entry);
    for (const std::string& addition : additions) {
        const std::string name = addition.substr(0, addition.find('=') + 1);
        std::erase_if(result,
                      [&name](const std::string& entry) { return entry.starts_with(name); });
        result.push_back(addition);
    }
    return result;
}

std::vector<char*> pointers(std::vector<std::string>& strings) {
    std::vector<char*> result;
    for (std::string& text : strings) result.push_back(text.data());
    result.push_back(nullptr);
    return result;
}

struct SpawnIo {
    int stdoutFd = -1;  // -1: /dev/null
    int stderrFd = -1;
    bool dieWithParent = false;
};

// fork + exec rather than posix_spawn for PR_SET_PDEATHSIG; between them the child calls only
// async-signal-safe functions (the parent is multi-threaded). Exec failures come back on a pipe.
Result<pid_t> spawn(const std::vector<std::string>& command,
                    const std::vector<std::string>& environment, const SpawnIo& io) {
    if (command.empty()) return makeError(ErrorCode::InvalidInput, "no command to run");
    auto program = resolveProgram(command.front());
    if (!program) return program.error();
    std::vector<std::string> arguments = command;
    std::vector<std::string> variables = mergedEnvironment(environment);
    std::vector<char*> argv = pointers(arguments);
    std::vector<char*> envp = pointers(variables);
    const std::string& path = *program;

    int errorPipe[2];
    if (::pipe2(errorPipe, O_CLOEXEC) != 0) {
        return makeError(ErrorCode::IoFailure,
                         command.front() + ": cannot create a pipe: " + errnoText(errno));
    }
    FileDescriptor errorRead(errorPipe[0]);
    FileDescriptor errorWrite(errorPipe[1]);
    const pid_t parent = ::getpid();
    const pid_t pid = ::fork();
    if (pid < 0)
        return makeError(ErrorCode::IoFailure,
                         command.front() + ": fork failed: " + errnoText(errno));
    if (pid == 0) {
        ::setpgid(0,
                  0);  // its own group: stop() reaches its children, a terminal's Ctrl-C does not
        if (io.dieWithParent) {
            ::prctl(PR_SET_PDEATHSIG, SIGTERM);
            if (::getppid() != parent) ::_exit(127);
        }
        const int devNull = ::open("/dev/null", O_RDWR);
        ::dup2(devNull, STDIN_FILENO);
        ::dup2(io.stdoutFd >= 0 ? io.stdoutFd : devNull, STDOUT_FILENO);
        ::dup2(io.stderrFd >= 0 ? io.stderrFd : devNull, STDERR_FILENO);
        sigset_t none;
        sigemptyset(&none);
        ::sigprocmask(SIG_SETMASK, &none, nullptr);
        ::signal(SIGPIPE, SIG_DFL);
        ::execve(path.c_str(), argv.data(), envp.data());
        const int error = errno;
        [[maybe_unused]] auto written = ::write(errorPipe[1], &error, sizeof error);
        ::_exit(127);
    }
    errorWrite.reset();
    int execError = 0;
    ssize_t got = 0;
    do {
        got = ::read(errorRead.get(), &execError, sizeof execError);
    } while (got < 0 && errno == EINTR);
    if (got == static_cast<ssize_t>(sizeof execError)) {
        int status = 0;
        while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
        }
        return makeError(execError == ENOENT ? ErrorCode::NotFound : ErrorCode::IoFailure,
                         path + ": cannot run: " + errnoText(execError));
    }
    return pid;
}

ExitStatus fromWaitStatus(int status) {
    if (WIFSIGNALED(status)) return {.code = -1, .signal = WTERMSIG(status)};
    return {.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1, .signal = 0};
}

}  // namespace

std::string ExitStatus::describe() const {
    if (signal == 0) return "exit status " + std::to_string(code);
    const char* abbreviation = ::sigabbrev_np(signal);
    const char* description = ::strsignal(signal);
    std::string text = "killed by signal " + std::to_string(signal);
    if (abbreviation) {
        text += std::string(" (SIG") + abbreviation;
        if (description) text += std::string(": ") + description;
        text += ")";
    }
    return text;
}

Result<ChildProcess> ChildProcess::start(const ProcessSpec& spec) {
    FileDescriptor output;
    if (!spec.outputFile.empty()) {
        output = FileDescriptor(
            ::open(spec.outputFile.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644));
        if (output.get() < 0) {
            return makeError(
                ErrorCode::IoFailure,
                spec.outputFile.string() + ": cannot open for writing: " + errnoText(errno));
        }
    }
    auto pid = spawn(
        spec.command, spec.environment,
        {.stdoutFd = output.get(), .stderrFd = output.get(), .dieWithParent = spec.dieWithParent});
    if (!pid) return pid.error();
    return ChildProcess(*pid);
}

ChildProcess::ChildProcess(ChildProcess&& other) noexcept
    : m_pid(std::exchange(other.m_pid, -1)),
      m_status(std::exchange(other.m_status, std::nullopt)) {}

ChildProcess& ChildProcess::operator=(ChildProcess&& other) noexcept {
    if (this != &other) {
        if (m_pid > 0 && !m_status) stop(std::chrono::milliseconds(0));
        m_pid = std::exchange(other.m_pid, -1);
        m_status = std::exchange(other.m_status, std::nullopt);
    }
    return *this;
}

ChildProcess::~ChildProcess() {
    if (m_pid > 0 && !m_status) stop(std::chrono::milliseconds(0));
}

std::optional<ExitStatus> ChildProcess::poll() {
    if (m_status || m_pid <= 0) return m_status;
    int status = 0;
    const pid_t done = ::waitpid(m_pid, &status, WNOHANG);
    if (done == m_pid)
        m_status = fromWaitStatus(status);
    else if (done < 0 && errno == ECHILD)
        m_status = ExitStatus{};  // reaped elsewhere: unknown status
    return m_status;
}

ExitStatus ChildProcess::wait() {
    while (!m_status && m_pid > 0) {
        int status = 0;
        const pid_t done = ::waitpid(m_pid, &status, 0);
        if (done == m_pid)
            m_status = fromWaitStatus(status);
        else if (done < 0 && errno != EINTR)
            m_status = ExitStatus{};
    }
    return m_status.value_or(ExitStatus{});
}

void ChildProcess::sendSignal(int signal) {
    // Only while unreaped: afterwards the pid (and group id) may belong to someone else.
    if (m_pid > 0 && !poll()) ::kill(-m_pid, signal);
}

ExitStatus ChildProcess::stop(std::chrono::milliseconds grace) {
    if (grace.count() > 0) {
        sendSignal(SIGTERM);
        const auto deadline = Clock::now() + grace;
        while (!poll() && Clock::now() < deadline)
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    sendSignal(SIGKILL);
    return wait();
}

Result<CommandOutput> runCommand(const std::vector<std::string>& command,
                                 std::chrono::milliseconds timeout,
                                 const std::vector<std::string>& environment) {
    int outPipe[2];
    int errPipe[2];
    if (::pipe2(outPipe, O_CLOEXEC) != 0)
        return makeError(ErrorCode::IoFailure, "pipe: " + errnoText(errno));
    FileDescriptor outRead(outPipe[0]);
    FileDescriptor outWrite(outPipe[1]);
    if (::pipe2(errPipe, O_CLOEXEC) != 0)
        return makeError(ErrorCode::IoFailure, "pipe: " + errnoText(errno));
    FileDescriptor errRead(errPipe[0]);
    FileDescriptor errWrite(errPipe[1]);
    auto pid =
        spawn(command, environment,
              {.stdoutFd = outWrite.get(), .stderrFd = errWrite.get(), .dieWithParent = true});
    if (!pid) return pid.error();
    outWrite.reset();
    errWrite.reset();

    CommandOutput output;
    const auto deadline = Clock::now() + timeout;
    bool timedOut = false;
    bool outOpen = true;
    bool errOpen = true;
    char buffer[4096];
    while (outOpen || errOpen) {
        const auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
        if (left <= 0) {
            timedOut = true;
            break;
        }
        pollfd fds[2] = {{outOpen ? outRead.get() : -1, POLLIN, 0},
                         {errOpen ? errRead.get() : -1, POLLIN, 0}};
        const int ready = ::poll(fds, 2, static_cast<int>(std::min<long long>(left, 1000)));
        if (ready < 0 && errno != EINTR) break;
        for (int i = 0; i < 2; ++i) {
            if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
            const ssize_t got = ::read(fds[i].fd, buffer, sizeof buffer);
            if (got > 0)
                (i == 0 ? output.out : output.err).append(buffer, static_cast<std::size_t>(got));
            else if (got == 0 || errno != EINTR)
                (i == 0 ? outOpen : errOpen) = false;
        }
    }
    if (timedOut) ::kill(-*pid, SIGKILL);
    int status = 0;
    while (::waitpid(*pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (timedOut) {
        return makeError(ErrorCode::IoFailure,
                         describeCommand(command) + ": no answer within " +
                             std::to_string(timeout.count() / 1000.0).substr(0, 4) + " s (killed)");
    }
    output.status = fromWaitStatus(status);
    return output;
}

std::string describeCommand(const std::vector<std::string>& command) {
    std::string text;
    for (const std::string& argument : command) {
        if (!text.empty()) text += ' ';
        const bool plain =
            !argument.empty() && argument.find_first_of(" \t\"'\\$") == std::string::npos;
        text += plain ? argument : "'" + argument + "'";
    }
    return text;
}

std::string fileTail(const fs::path& file, std::size_t maxBytes) {
    std::ifstream in(file, std::ios::binary);
    if (!in) return {};
    in.seekg(0, std::ios::end);
    const auto size = static_cast<std::size_t>(std::max<std::streamoff>(0, in.tellg()));
    const std::size_t start = size > maxBytes ? size - maxBytes : 0;
    in.seekg(static_cast<std::streamoff>(start));
    std::string text(size - start, '\0');
    in.read(text.data(), static_cast<std::streamsize>(text.size()));
    if (start > 0) {
        if (const auto newline = text.find('\n');
            newline != std::string::npos && newline + 1 < text.size()) {
            text.erase(0, newline + 1);
        }
    }
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
    return text;
}

}  // namespace perfnas
