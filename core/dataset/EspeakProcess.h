#pragma once
// EspeakProcess: speaks a batch of requests with espeak-ng in a forked child process, so equal
// requests give equal samples in any process and espeak's global state never touches ours.
// Synchronous; errors: Internal (espeak-ng failed, died or was silent for 60 s), Cancelled.

#include <string>
#include <vector>

#include "core/common/CancelToken.h"
#include "core/common/Result.h"

namespace perfnas {

struct SpeechRequest {
    std::string voice;  // "en-us+f2"
    int rateWpm = 175, pitch = 50, pitchRange = 50;
    std::string text;
};

struct Speech {
    int sampleRateHz = 0;                        // espeak-ng's native rate
    std::vector<std::vector<float>> utterances;  // one per request, in order, in [-1, 1)
};

class EspeakProcess {
public:
    // Polls `cancel` while the child speaks; a cancelled child is killed.
    static Result<Speech> speak(const std::vector<SpeechRequest>& requests,
                                const CancelToken& cancel);
    // "espeak-ng <version>" of the linked library, for provenance records.
    static std::string version();
};

}  // namespace perfnas
