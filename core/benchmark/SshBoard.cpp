// SshBoard over libssh 0.10. Blocking session for the handshake, SFTP and channel setup; the
// command read loop polls with short timeouts so that the command timeout is ours to enforce.
#include "core/benchmark/SshBoard.h"

#include <fcntl.h>
#include <libssh/libssh.h>
#include <libssh/sftp.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <thread>

namespace perfnas {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// The marker line a wrapped command prints first on stderr: its pid, which sshd made the leader of
// a new session and process group, so that a timeout can kill the whole group.
constexpr const char* kPidMarker = "perfnas-pid ";
// mktemp, rm and kill on the board: short, but a busy board may be slow to fork.
constexpr milliseconds kHousekeepingTimeout{15'000};

std::string shellQuote(const std::string& text) {
    std::string quoted = "'";
    for (char c : text) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return quoted + "'";
}

std::string seconds(milliseconds duration) {
    const double value = static_cast<double>(duration.count()) / 1000.0;
    char text[32];
    std::snprintf(text, sizeof text, "%g s", value);
    return text;
}

std::string tail(const std::string& text, std::size_t maxBytes = 1500) {
    std::string trimmed = text;
    while (!trimmed.empty() && std::isspace(static_cast<unsigned char>(trimmed.back())))
        trimmed.pop_back();
    return trimmed.size() > maxBytes ? "..." + trimmed.substr(trimmed.size() - maxBytes) : trimmed;
}

std::string lowercase(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char c) { return std::tolower(c); });
    return text;
}

std::string fingerprintOf(ssh_key key) {
    unsigned char* hash = nullptr;
    std::size_t length = 0;
    if (ssh_get_publickey_hash(key, SSH_PUBLICKEY_HASH_SHA256, &hash, &length) != SSH_OK)
        return "(unavailable)";
    char* text = ssh_get_fingerprint_hash(SSH_PUBLICKEY_HASH_SHA256, hash, length);
    std::string fingerprint = text ? text : "(unavailable)";
    ssh_string_free_char(text);
    ssh_clean_pubkey_hash(&hash);
    return fingerprint;
}

// The name OpenSSH gives the server's key file of a type: "ssh-ed25519" -> ssh_host_ed25519_key.
std::string hostKeyFileType(const std::string& keyType) {
    if (keyType.rfind("ecdsa", 0) == 0) return "ecdsa";
    if (keyType.rfind("ssh-", 0) == 0) return keyType.substr(4);
    return keyType;
}

// Refuses to prompt: without it OpenSSL asks on the terminal for a PEM key's passphrase.
int refusePassphrase(const char*, char*, std::size_t, int, int, void*) { return -1; }

struct ChannelCloser {
    void operator()(ssh_channel channel) const {
        if (ssh_channel_is_open(channel)) ssh_channel_close(channel);
        ssh_channel_free(channel);
    }
};
using Channel = std::unique_ptr<ssh_channel_struct, ChannelCloser>;

}  // namespace

Result<SshBoardSettings> SshBoardSettings::fromTarget(const std::string& target) {
    const std::string scheme = "ssh://";
    const auto invalid = [&target](const std::string& why) {
        return makeError(ErrorCode::InvalidInput,
                         "target '" + target + "': " + why + " (expected ssh://USER@HOST:PORT)");
    };
    if (target.rfind(scheme, 0) != 0) return invalid("not an ssh:// target");
    std::string rest = target.substr(scheme.size());
    if (!rest.empty() && rest.back() == '/') rest.pop_back();
    SshBoardSettings settings;
    if (const auto at = rest.rfind('@'); at != std::string::npos) {
        settings.user = rest.substr(0, at);
        rest = rest.substr(at + 1);
        if (settings.user.empty()) return invalid("empty user name");
    }
    std::string portText;
    if (!rest.empty() && rest.front() == '[') {
        const auto close = rest.find(']');
        if (close == std::string::npos) return invalid("unclosed '[' around an IPv6 address");
        settings.host = rest.substr(1, close - 1);
        const std::string after = rest.substr(close + 1);
        if (!after.empty() && after.front() != ':') return invalid("unexpected text after ']'");
        if (!after.empty()) portText = after.substr(1);
        if (after == ":") return invalid("empty port");
    } else if (const auto colon = rest.find(':'); colon != std::string::npos) {
        settings.host = rest.substr(0, colon);
        portText = rest.substr(colon + 1);
        if (portText.empty()) return invalid("empty port");
    } else {
        settings.host = rest;
    }
    if (settings.host.empty()) return invalid("no host");
    if (settings.host.find_first_of("/ ") != std::string::npos)
        return invalid("a path or space in the host");
    if (!portText.empty()) {
        char* end = nullptr;
        const long port = std::strtol(portText.c_str(), &end, 10);
        if (*end != '\0' || port < 1 || port > 65535)
            return invalid("port '" + portText + "' is not 1..65535");
        settings.port = static_cast<int>(port);
    }
    return settings;
}

std::string SshBoardSettings::target() const {
    const bool ipv6 = host.find(':') != std::string::npos;
    return "ssh://" + (user.empty() ? std::string() : user + "@") +
           (ipv6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

std::string SshBoardSettings::address() const { return target().substr(6); }

struct SshBoard::Impl {
    SshBoardSettings settings;
    ssh_session session = nullptr;
    std::string fingerprint;

    ~Impl() {
        if (session) {
            ssh_disconnect(session);
            ssh_free(session);
        }
    }

    Error failure(const std::string& what, ErrorCode code = ErrorCode::IoFailure) const {
        return makeError(code, "ssh " + settings.address() + ": " + what);
    }
    std::string libsshError() const { return ssh_get_error(session); }

    Status verifyHostKey();
    Status authenticate();
    Result<RemoteCommandOutput> execute(const std::string& command, milliseconds timeout,
                                        bool killOnTimeout);
    void killProcessGroup(long pid);
};

Status SshBoard::Impl::verifyHostKey() {
    ssh_key key = nullptr;
    if (ssh_get_server_publickey(session, &key) != SSH_OK)
        return failure("no host key from the server: " + libsshError());
    fingerprint = fingerprintOf(key);
    const std::string keyType = ssh_key_type_to_char(ssh_key_type(key));
    ssh_key_free(key);
    const std::string file = settings.knownHostsFile.string();
    switch (ssh_session_is_known_server(session)) {
        case SSH_KNOWN_HOSTS_OK:
            return Done{};
        case SSH_KNOWN_HOSTS_CHANGED:
        case SSH_KNOWN_HOSTS_OTHER:
            return failure("WRONG HOST KEY: the " + keyType + " key the server offers (" +
                           fingerprint + ") does not match the key recorded for this host in " +
                           file +
                           "; refusing to connect (the board was reinstalled, or someone is in "
                           "between). If the change is"
                           " expected, remove the old line from " +
                           file + " and connect again.");
        case SSH_KNOWN_HOSTS_NOT_FOUND:
        case SSH_KNOWN_HOSTS_UNKNOWN:
            if (!settings.trustNewHost) {
                return failure("unknown host: no key for this host in " + file + "; the server's " +
                               keyType + " key has fingerprint " + fingerprint +
                               ". Compare it with `ssh-keygen -lf /etc/ssh/ssh_host_" +
                               hostKeyFileType(keyType) +
                               "_key.pub` on the board, then trust it (--trust-new-host).");
            }
            if (ssh_session_update_known_hosts(session) != SSH_OK) {
                return failure("cannot add the host key to " + file + ": " + libsshError());
            }
            return Done{};
        case SSH_KNOWN_HOSTS_ERROR:
            break;
    }
    return failure("cannot check the host key against " + file + ": " + libsshError());
}

Status SshBoard::Impl::authenticate() {
    if (settings.identityFile.empty()) {
        if (!std::getenv("SSH_AUTH_SOCK")) {
            return failure(
                "no identity file given and no ssh-agent (SSH_AUTH_SOCK is not set): use "
                "--identity KEY");
        }
        if (ssh_userauth_agent(session, nullptr) != SSH_AUTH_SUCCESS) {
            return failure("authentication as '" + settings.user +
                           "' failed: the server accepted none of the ssh-agent's keys (" +
                           libsshError() + ")");
        }
        return Done{};
    }
    const std::string file = settings.identityFile.string();
    ssh_key key = nullptr;
    const int imported =
        ssh_pki_import_privkey_file(file.c_str(), nullptr, refusePassphrase, nullptr, &key);
    if (imported != SSH_OK) {
        return failure("identity file " + file +
                       " is not a private key libssh can read without a passphrase"
                       " (for an encrypted key, load it into ssh-agent and leave --identity out)");
    }
    const int result = ssh_userauth_publickey(session, nullptr, key);
    ssh_key_free(key);
    if (result != SSH_AUTH_SUCCESS) {
        return failure("authentication as '" + settings.user +
                       "' failed: the server did not accept the key " + file +
                       (result == SSH_AUTH_ERROR ? " (" + libsshError() + ")" : std::string()));
    }
    return Done{};
}

Result<RemoteCommandOutput> SshBoard::Impl::execute(const std::string& command,
                                                    milliseconds timeout, bool killOnTimeout) {
    const auto deadline = Clock::now() + timeout;
    Channel channel(ssh_channel_new(session));
    if (!channel) return failure("cannot open a channel: " + libsshError());
    if (ssh_channel_open_session(channel.get()) != SSH_OK)
        return failure("cannot open a session channel: " + libsshError());
    // exec keeps the pid the marker names; sh -c gives the template a known shell whatever the
    // login shell.
    const std::string wrapped = killOnTimeout ? "echo " + std::string(kPidMarker) +
                                                    "$$ >&2; exec /bin/sh -c " + shellQuote(command)
                                              : command;
    if (ssh_channel_request_exec(channel.get(), wrapped.c_str()) != SSH_OK) {
        return failure("cannot run a command: " + libsshError());
    }
    RemoteCommandOutput output;
    char buffer[16384];
    const auto drain = [&](int isStderr, std::string& into) -> bool {
        for (;;) {
            const int n =
                ssh_channel_read_nonblocking(channel.get(), buffer, sizeof buffer, isStderr);
            if (n == SSH_ERROR) return false;
            if (n <= 0) return true;
            into.append(buffer, static_cast<std::size_t>(n));
        }
    };
    bool timedOut = false;
    for (;;) {
        if (!drain(1, output.err))
            return failure("reading the command's stderr failed: " + libsshError());
        const int available = ssh_channel_poll_timeout(channel.get(), 50, 0);
        if (available == SSH_ERROR)
            return failure("connection lost while running a command: " + libsshError());
        if (available == SSH_EOF) break;
        if (available > 0 && !drain(0, output.out))
            return failure("reading the command's output failed: " + libsshError());
        if (Clock::now() >= deadline) {
            timedOut = true;
            break;
        }
    }
    if (!timedOut) {
        if (!drain(1, output.err))
            return failure("reading the command's stderr failed: " + libsshError());
        // The exit status follows EOF; non-blocking so that a server that never sends it cannot
        // hang us.
        ssh_set_blocking(session, 0);
        const auto statusDeadline = std::max(deadline, Clock::now() + milliseconds(2000));
        while ((output.exitStatus = ssh_channel_get_exit_status(channel.get())) == -1 &&
               !ssh_channel_is_closed(channel.get()) && Clock::now() < statusDeadline) {
            std::this_thread::sleep_for(milliseconds(5));
        }
        ssh_set_blocking(session, 1);
    }
    long pid = 0;
    if (killOnTimeout && output.err.rfind(kPidMarker, 0) == 0) {
        const auto lineEnd = output.err.find('\n');
        if (lineEnd != std::string::npos) {
            pid = std::strtol(output.err.c_str() + std::strlen(kPidMarker), nullptr, 10);
            output.err.erase(0, lineEnd + 1);
        }
    }
    if (!timedOut) return output;
    channel.reset();  // closing the channel alone leaves a non-tty command running on the board
    std::string killed = "the board did not report the command's pid, so it may still be running";
    if (pid > 1) {
        killProcessGroup(pid);
        killed = "its process group (pid " + std::to_string(pid) + ") was killed";
    }
    std::string message =
        "the command timed out after " + seconds(timeout) + " and " + killed + ": " + command;
    if (!tail(output.err).empty()) message += "; stderr: " + tail(output.err);
    return failure(message);
}

void SshBoard::Impl::killProcessGroup(long pid) {
    const std::string p = std::to_string(pid);
    // TERM to the group, up to 2 s to go, then KILL; `kill -p` alone when it is not a group leader.
    const std::string script = "kill -TERM -" + p + " 2>/dev/null || kill -TERM " + p +
                               " 2>/dev/null; i=0; while kill -0 -" + p +
                               " 2>/dev/null && [ $i -lt 20 ]; do sleep 0.1;"
                               " i=$((i+1)); done; kill -KILL -" +
                               p + " 2>/dev/null; true";
    (void)execute(script, kHousekeepingTimeout, /*killOnTimeout=*/false);
}

SshBoard::SshBoard(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
SshBoard::~SshBoard() = default;

const SshBoardSettings& SshBoard::settings() const { return m_impl->settings; }
std::string SshBoard::hostKeyFingerprint() const { return m_impl->fingerprint; }

Result<std::unique_ptr<SshBoard>> SshBoard::connect(const SshBoardSettings& given) {
    auto impl = std::make_unique<Impl>();
    impl->settings = given;
    SshBoardSettings& settings = impl->settings;
    if (settings.user.empty()) {  // as ssh does: the local account, not $USER (unset under cron)
        if (const passwd* account = getpwuid(getuid())) settings.user = account->pw_name;
    }
    if (settings.knownHostsFile.empty()) {
        const char* home = std::getenv("HOME");
        settings.knownHostsFile = std::filesystem::path(home ? home : "") / ".ssh" / "known_hosts";
    }
    // The key file first: a typo is the likeliest mistake and needs no network to report.
    if (!settings.identityFile.empty()) {
        std::error_code error;
        if (!std::filesystem::exists(settings.identityFile, error)) {
            return impl->failure(
                "identity file " + settings.identityFile.string() + " does not exist",
                ErrorCode::NotFound);
        }
        if (std::ifstream probe(settings.identityFile); !probe) {
            return impl->failure("cannot read identity file " + settings.identityFile.string() +
                                 ": " + std::strerror(errno));
        }
    }

    impl->session = ssh_new();
    if (!impl->session) return impl->failure("libssh could not create a session");
    ssh_session session = impl->session;
    const unsigned int port = static_cast<unsigned int>(settings.port);
    const long timeoutS = static_cast<long>(settings.connectTimeout.count() / 1000);
    const long timeoutUs = static_cast<long>((settings.connectTimeout.count() % 1000) * 1000);
    const int noDelay = 1;             // small SFTP writes otherwise wait for Nagle + delayed ACK
    const bool processConfig = false;  // ~/.ssh/config would silently change host, port or keys
    const std::string knownHosts = settings.knownHostsFile.string();
    if (ssh_options_set(session, SSH_OPTIONS_HOST, settings.host.c_str()) < 0 ||
        ssh_options_set(session, SSH_OPTIONS_PORT, &port) < 0 ||
        ssh_options_set(session, SSH_OPTIONS_USER, settings.user.c_str()) < 0 ||
        ssh_options_set(session, SSH_OPTIONS_PROCESS_CONFIG, &processConfig) < 0 ||
        ssh_options_set(session, SSH_OPTIONS_NODELAY, &noDelay) < 0 ||
        ssh_options_set(session, SSH_OPTIONS_TIMEOUT, &timeoutS) < 0 ||
        ssh_options_set(session, SSH_OPTIONS_TIMEOUT_USEC, &timeoutUs) < 0 ||
        ssh_options_set(session, SSH_OPTIONS_KNOWNHOSTS, knownHosts.c_str()) < 0 ||
        // Only the given file decides: a system-wide entry must not vouch for a board.
        ssh_options_set(session, SSH_OPTIONS_GLOBAL_KNOWNHOSTS, "/dev/null") < 0) {
        return impl->failure("invalid connection settings: " + impl->libsshError(),
                             ErrorCode::InvalidInput);
    }
    if (ssh_connect(session) != SSH_OK) {
        const std::string why = impl->libsshError();
        const std::string lower = lowercase(why);
        if (lower.find("refused") != std::string::npos) {
            return impl->failure("connection refused (no SSH server listening on port " +
                                 std::to_string(settings.port) + ")");
        }
        if (lower.find("timeout") != std::string::npos ||
            lower.find("timed out") != std::string::npos) {
            return impl->failure("connection timed out after " + seconds(settings.connectTimeout) +
                                 " (" + why + ")");
        }
        return impl->failure("cannot connect: " + why);
    }
    if (auto verified = impl->verifyHostKey(); !verified) return verified.error();
    if (auto authenticated = impl->authenticate(); !authenticated) return authenticated.error();
    return std::unique_ptr<SshBoard>(new SshBoard(std::move(impl)));
}

Result<RemoteCommandOutput> SshBoard::run(const std::string& command, milliseconds timeout) {
    return m_impl->execute(command, timeout, /*killOnTimeout=*/true);
}

Status SshBoard::upload(const std::string& contents, const std::string& remotePath) {
    struct SftpCloser {
        void operator()(sftp_session sftp) const { sftp_free(sftp); }
    };
    std::unique_ptr<sftp_session_struct, SftpCloser> sftp(sftp_new(m_impl->session));
    if (!sftp) return m_impl->failure("cannot start SFTP: " + m_impl->libsshError());
    if (sftp_init(sftp.get()) != SSH_OK) {
        return m_impl->failure("the server offers no SFTP (sshd_config: Subsystem sftp): " +
                               m_impl->libsshError());
    }
    sftp_file file =
        sftp_open(sftp.get(), remotePath.c_str(), O_WRONLY | O_CREAT | O_TRUNC, S_IRUSR | S_IWUSR);
    if (!file) {
        return m_impl->failure("cannot create " + remotePath + " over SFTP (SFTP error " +
                               std::to_string(sftp_get_error(sftp.get())) + ")");
    }
    std::size_t written = 0;
    while (written < contents.size()) {
        const std::size_t chunk = std::min<std::size_t>(contents.size() - written, 32768);
        const ssize_t n = sftp_write(file, contents.data() + written, chunk);
        if (n <= 0) {
            sftp_close(file);
            return m_impl->failure("writing " + remotePath +
                                   " over SFTP failed: " + m_impl->libsshError());
        }
        written += static_cast<std::size_t>(n);
    }
    if (sftp_close(file) != SSH_OK)
        return m_impl->failure("closing " + remotePath +
                               " over SFTP failed: " + m_impl->libsshError());
    return Done{};
}

Status SshBoard::checkCommandTemplate(const std::string& commandTemplate) {
    if (commandTemplate.find("{model}") == std::string::npos) {
        return makeError(ErrorCode::InvalidInput,
                         "remote command '" + commandTemplate +
                             "' does not name {model} (the uploaded architecture file)");
    }
    return Done{};
}

Result<ParsedLatency> SshBoard::measure(const std::string& modelJson,
                                        const RemoteBenchmarkSettings& benchmark) {
    if (auto checked = checkCommandTemplate(benchmark.commandTemplate); !checked)
        return checked.error();
    const auto parser = LatencyOutputParser::create(benchmark.parser);
    if (!parser)
        return makeError(ErrorCode::InvalidInput,
                         "unknown output parser '" + benchmark.parser + "'");

    auto made = run("mktemp -d \"${TMPDIR:-/tmp}/perfnas-bench.XXXXXX\"", kHousekeepingTimeout);
    if (!made) return made.error();
    std::string folder = made->out;
    while (!folder.empty() && std::isspace(static_cast<unsigned char>(folder.back())))
        folder.pop_back();
    if (made->exitStatus != 0 || folder.empty() || folder.front() != '/' ||
        folder.find('\n') != std::string::npos) {
        return m_impl->failure("cannot create a temporary folder on the board (mktemp -d): " +
                               tail(made->err + made->out));
    }
    const std::string model = folder + "/model.json";
    std::string command = benchmark.commandTemplate;
    for (const auto& [key, value] :
         {std::pair<std::string, std::string>{"{model}", shellQuote(model)},
          std::pair<std::string, std::string>{"{runs}", std::to_string(benchmark.runs)}}) {
        for (auto at = command.find(key); at != std::string::npos;
             at = command.find(key, at + value.size())) {
            command.replace(at, key.size(), value);
        }
    }
    Result<RemoteCommandOutput> ran = makeError(ErrorCode::Internal, "not run");
    if (auto uploaded = upload(modelJson, model); !uploaded) {
        ran = uploaded.error();
    } else {
        ran = run(command, m_impl->settings.commandTimeout);
    }
    (void)m_impl->execute("rm -rf " + shellQuote(folder), kHousekeepingTimeout,
                          /*killOnTimeout=*/false);
    if (!ran) return ran.error();
    if (ran->exitStatus != 0) {
        const std::string status = ran->exitStatus < 0
                                       ? "ended without an exit status (killed by a signal?)"
                                       : "exited with status " + std::to_string(ran->exitStatus);
        const std::string err = tail(ran->err);
        return m_impl->failure("the remote command " + status + ": " + command +
                               (err.empty() ? "" : "; stderr: " + err));
    }
    auto parsed = parser->parse(ran->out);
    if (!parsed)
        return m_impl->failure(parsed.error().message + " from: " + command,
                               ErrorCode::InvalidInput);
    return parsed;
}

BoardRun SshBoard::measureAll(const SshBoardSettings& settings,
                              const std::vector<std::string>& modelJsons,
                              const RemoteBenchmarkSettings& benchmark,
                              const ProgressCallback& progress, const CancelToken& cancel) {
    BoardRun result;
    auto board = connect(settings);
    if (!board) {
        result.models.assign(modelJsons.size(), board.error());
        if (progress) progress(modelJsons.size(), modelJsons.size());
        return result;
    }
    result.connected = true;
    for (std::size_t i = 0; i < modelJsons.size(); ++i) {
        if (cancel.cancelled()) {
            result.models.push_back(
                makeError(ErrorCode::Cancelled,
                          "ssh " + settings.address() + ": cancelled before this model"));
        } else {
            result.models.push_back((*board)->measure(modelJsons[i], benchmark));
        }
        if (progress) progress(i + 1, modelJsons.size());
    }
    return result;
}

}  // namespace perfnas
