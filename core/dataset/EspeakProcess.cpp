#include "core/dataset/EspeakProcess.h"

#include <espeak-ng/espeak_ng.h>
#include <espeak-ng/speak_lib.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstdlib>
#include <cstring>

// espeak-ng keeps synthesis state in globals (pitch flutter phase, AGC, rand()) that neither
// re-initialisation nor espeak_Terminate resets (Terminate even deadlocks a later Initialize in
// 1.51). A forked, single-threaded child starts from the pristine state every time, so equal
// requests give equal samples in any process, and espeak's setlocale()/exit() stay out of ours.
// Pipe protocol: int32 sample rate, then per request int32 count + count int16 samples; on
// failure int32 -1 and the message up to EOF.

namespace perfnas {
namespace {

constexpr std::chrono::seconds kSilentChild{60};

std::vector<short>* g_collected = nullptr;  // only ever used in the child

int collectSamples(short* wav, int count, espeak_EVENT* /*events*/) {
    if (wav != nullptr && count > 0) g_collected->insert(g_collected->end(), wav, wav + count);
    return 0;
}

void writeAll(int fd, const void* data, std::size_t size) {
    for (auto* bytes = static_cast<const char*>(data); size > 0;) {
        const ssize_t written = ::write(fd, bytes, size);
        if (written < 0 && errno == EINTR) continue;
        if (written <= 0) ::_exit(4);
        bytes += written;
        size -= static_cast<std::size_t>(written);
    }
}

[[noreturn]] void childFail(int fd, const std::string& message) {
    const std::int32_t tag = -1;
    writeAll(fd, &tag, sizeof tag);
    writeAll(fd, message.data(), message.size());
    ::_exit(3);
}

[[noreturn]] void speechChild(int fd, const std::vector<SpeechRequest>& requests) {
    std::srand(1);  // breathy variants draw noise from rand()
    espeak_ng_InitializePath(nullptr);
    espeak_ng_ERROR_CONTEXT context = nullptr;
    if (const espeak_ng_STATUS status = espeak_ng_Initialize(&context); status != ENS_OK) {
        char message[512] = {};
        espeak_ng_GetStatusCodeMessage(status, message, sizeof message);
        childFail(fd, std::string("espeak-ng could not start: ") + message);
    }
    if (espeak_ng_InitializeOutput(ENOUTPUT_MODE_SYNCHRONOUS, 0, nullptr) != ENS_OK) {
        childFail(fd, "espeak-ng could not start synchronous output");
    }
    espeak_SetSynthCallback(collectSamples);
    const std::int32_t rate = espeak_ng_GetSampleRate();
    writeAll(fd, &rate, sizeof rate);
    std::vector<short> samples;
    g_collected = &samples;
    for (const SpeechRequest& request : requests) {
        if (espeak_SetVoiceByName(request.voice.c_str()) != EE_OK) {
            childFail(fd, "espeak-ng has no voice " + request.voice);
        }
        espeak_SetParameter(espeakRATE, request.rateWpm, 0);
        espeak_SetParameter(espeakPITCH, request.pitch, 0);
        espeak_SetParameter(espeakRANGE, request.pitchRange, 0);
        samples.clear();
        if (espeak_Synth(request.text.c_str(), request.text.size() + 1, 0, POS_CHARACTER, 0,
                         espeakCHARS_UTF8, nullptr, nullptr) != EE_OK ||
            samples.empty()) {
            childFail(fd, "espeak-ng produced no audio for \"" + request.text + "\"");
        }
        const auto count = static_cast<std::int32_t>(samples.size());
        writeAll(fd, &count, sizeof count);
        writeAll(fd, samples.data(), samples.size() * sizeof(short));
    }
    ::_exit(0);
}

}  // namespace

Result<Speech> EspeakProcess::speak(const std::vector<SpeechRequest>& requests,
                                    const CancelToken& cancel) {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) return makeError(ErrorCode::Internal, "espeak-ng: no pipe");
    const pid_t pid = ::fork();
    if (pid < 0) return makeError(ErrorCode::Internal, "espeak-ng: cannot start a process");
    if (pid == 0) speechChild(fds[1], requests);
    ::close(fds[1]);
    std::string bytes;
    char buffer[1 << 16];
    // Drain the pipe while polling the cancel token; a child silent for a minute is stuck.
    auto lastData = std::chrono::steady_clock::now();
    const bool stopped = [&] {
        for (;;) {
            if (cancel.cancelled() || std::chrono::steady_clock::now() - lastData > kSilentChild) {
                return ::kill(pid, SIGKILL), true;
            }
            pollfd entry{fds[0], POLLIN, 0};
            if (::poll(&entry, 1, /*timeout ms=*/50) <= 0) continue;
            const ssize_t got = ::read(fds[0], buffer, sizeof buffer);
            if (got < 0 && errno == EINTR) continue;
            if (got <= 0) return false;
            bytes.append(buffer, static_cast<std::size_t>(got));
            lastData = std::chrono::steady_clock::now();
        }
    }();
    ::close(fds[0]);
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (stopped && cancel.cancelled()) {
        return makeError(ErrorCode::Cancelled, "demo data synthesis cancelled");
    }
    if (stopped) return makeError(ErrorCode::Internal, "espeak-ng: stopped responding");

    std::size_t at = 0;
    std::int32_t count = 0;
    const auto take = [&](void* out, std::size_t size) {
        if (bytes.size() - at < size) return false;
        std::memcpy(out, bytes.data() + at, size);
        return at += size, true;
    };
    Speech speech;
    while (count >= 0 && speech.utterances.size() < requests.size() && take(&count, sizeof count)) {
        if (speech.sampleRateHz == 0) {
            speech.sampleRateHz = count;
            continue;
        }
        std::vector<short> pcm(static_cast<std::size_t>(std::max(count, 0)));
        if (!take(pcm.data(), pcm.size() * sizeof(short))) break;
        std::vector<float>& samples = speech.utterances.emplace_back(pcm.size());
        for (std::size_t i = 0; i < pcm.size(); ++i) samples[i] = pcm[i] / 32768.0F;
    }
    if (count < 0) return makeError(ErrorCode::Internal, bytes.substr(at));
    if (speech.utterances.size() != requests.size() || !WIFEXITED(status) ||
        WEXITSTATUS(status) != 0) {
        return makeError(ErrorCode::Internal,
                         "espeak-ng: the process ended early (" + std::to_string(status) + ")");
    }
    return speech;
}

std::string EspeakProcess::version() { return std::string("espeak-ng ") + espeak_Info(nullptr); }

}  // namespace perfnas
