#pragma once
// SshBoard: one SSH connection (libssh) to a board that measures latency. The host key is verified
// against a known_hosts file (unknown or changed keys are refused, showing the SHA-256 fingerprint,
// unless the user confirmed trusting a new host); public-key authentication with a key file or the
// ssh-agent, never passwords. Remote commands run with a timeout, past which their process group is
// killed. Errors are values (IoFailure, NotFound for a missing key file) naming user@host:port and
// what failed. Not thread-safe: one owner thread per board (a libssh session is not shared).
#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "core/benchmark/LatencyOutputParser.h"
#include "core/common/CancelToken.h"
#include "core/common/Progress.h"
#include "core/common/Result.h"

namespace perfnas {

struct SshBoardSettings {
    std::string host;
    int port = 22;
    std::string user;                      // empty: the local user name
    std::filesystem::path identityFile;    // an unencrypted private key; empty: the ssh-agent
    std::filesystem::path knownHostsFile;  // empty: ~/.ssh/known_hosts
    std::chrono::milliseconds connectTimeout{10'000};   // TCP connect + handshake
    std::chrono::milliseconds commandTimeout{600'000};  // one benchmark command on the board
    // Accept an unknown host's key and append it to knownHostsFile (only when the user confirmed).
    bool trustNewHost = false;

    // "ssh://USER@HOST:PORT" (":PORT" optional; "[::1]" for IPv6); InvalidInput naming the mistake.
    static Result<SshBoardSettings> fromTarget(const std::string& target);
    std::string target() const;   // "ssh://user@host:port", the benchmark records' target
    std::string address() const;  // "user@host:port", for messages
};

struct RemoteCommandOutput {
    int exitStatus = -1;  // -1: none reported (killed by a signal)
    std::string out;
    std::string err;
};

struct RemoteBenchmarkSettings {
    static constexpr const char* kDefaultCommand =
        "perfnas bench-model --model {model} --runs {runs} --json";
    std::string commandTemplate = kDefaultCommand;  // {model}: the uploaded file, {runs}: runs
    int runs = 100;
    std::string parser = "perfnas";  // a LatencyOutputParser name
};

// What measureAll did: one result per model, in order.
struct BoardRun {
    bool connected = false;  // false: every model failed with the connection's error
    std::vector<Result<ParsedLatency>> models;
};

class SshBoard {
public:
    static Result<std::unique_ptr<SshBoard>> connect(const SshBoardSettings& settings);
    // Every model (architecture spec JSON) on one connection, in order; one model's failure does
    // not stop the others. Progress after each model; cancelled models get a Cancelled error.
    static BoardRun measureAll(const SshBoardSettings& settings,
                               const std::vector<std::string>& modelJsons,
                               const RemoteBenchmarkSettings& benchmark,
                               const ProgressCallback& progress = {},
                               const CancelToken& cancel = {});
    ~SshBoard();
    SshBoard(const SshBoard&) = delete;
    SshBoard& operator=(const SshBoard&) = delete;

    const SshBoardSettings& settings() const;
    std::string hostKeyFingerprint() const;  // "SHA256:..." as ssh-keygen -l prints it

    // Runs `command` through the remote user's shell. A non-zero exit is an output, not an error;
    // past `timeout` the channel is closed, the command's process group killed, and IoFailure says
    // so.
    Result<RemoteCommandOutput> run(const std::string& command, std::chrono::milliseconds timeout);
    // Writes `contents` to `remotePath` over SFTP (mode 0600).
    Status upload(const std::string& contents, const std::string& remotePath);
    // One model: a temporary remote folder, the spec uploaded there, the command template run with
    // settings().commandTimeout, its stdout parsed, the folder removed. A failing command is an
    // IoFailure with its exit status and stderr; unparsable output InvalidInput.
    Result<ParsedLatency> measure(const std::string& modelJson,
                                  const RemoteBenchmarkSettings& benchmark);

    // Checks a template before connecting: it must name {model}. InvalidInput otherwise.
    static Status checkCommandTemplate(const std::string& commandTemplate);

private:
    struct Impl;
    explicit SshBoard(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

}  // namespace perfnas
