#pragma once
// Child processes for the subprocess and Slurm backends: start a program with arguments (no
// shell), poll or wait for it, stop it (SIGTERM, then SIGKILL after a grace period), or run a short
// command to its end with captured stdout/stderr and a timeout. Errors to start (program missing,
// log file not writable) are return values naming the program; nothing throws. A ChildProcess is
// owned by one thread; distinct objects may be used from different threads.
#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "core/common/Result.h"

namespace perfnas {

struct ProcessSpec {
    std::vector<std::string> command;  // command[0]: the program (looked up in PATH without a '/')
    std::vector<std::string>
        environment;                   // "NAME=value" entries added to this process's environment
    std::filesystem::path outputFile;  // stdout and stderr appended here; empty: /dev/null
    bool dieWithParent =
        true;  // SIGTERM to the child when the starting thread ends (kill -9 of us)
};

// How a child ended: exit code, or the signal that killed it.
struct ExitStatus {
    int code = -1;   // valid when signal == 0
    int signal = 0;  // non-zero: killed by this signal
    bool success() const { return signal == 0 && code == 0; }
    std::string describe() const;  // "exit status 3", "killed by signal 9 (SIGKILL, Killed)"
};

class ChildProcess {
public:
    static Result<ChildProcess> start(const ProcessSpec& spec);
    ChildProcess(ChildProcess&& other) noexcept;
    ChildProcess& operator=(ChildProcess&& other) noexcept;
    ChildProcess(const ChildProcess&) = delete;
    ChildProcess& operator=(const ChildProcess&) = delete;
    ~ChildProcess();  // a child still running is killed (SIGKILL) and reaped

    pid_t pid() const { return m_pid; }
    std::optional<ExitStatus> poll();  // non-blocking; the status once it has ended
    ExitStatus wait();
    void sendSignal(int signal);  // to the child's process group
    // SIGTERM, up to `grace` for it to end, then SIGKILL; reaps it.
    ExitStatus stop(std::chrono::milliseconds grace);

private:
    explicit ChildProcess(pid_t pid) : m_pid(pid) {}
    pid_t m_pid = -1;
    std::optional<ExitStatus> m_status;
};

struct CommandOutput {
    ExitStatus status;
    std::string out;
    std::string err;
};

// Runs `command` to its end, capturing stdout and stderr. Past `timeout` the command is killed
// and an IoFailure names it; a program that cannot start is NotFound.
Result<CommandOutput> runCommand(const std::vector<std::string>& command,
                                 std::chrono::milliseconds timeout,
                                 const std::vector<std::string>& environment = {});

// "sbatch --parsable x.sh": a command line for messages.
std::string describeCommand(const std::vector<std::string>& command);
// The last `maxBytes` of a (log) file, from a line start where possible; empty when unreadable.
std::string fileTail(const std::filesystem::path& file, std::size_t maxBytes = 2000);

}  // namespace perfnas
