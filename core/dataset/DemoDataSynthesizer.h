#pragma once
// DemoDataSynthesizer: writes a small Speech Commands v0.02-layout keyword dataset synthesized with
// espeak-ng (word folders, _background_noise_, speaker-disjoint validation/testing lists), byte-
// identical for equal options on one machine. Never deletes files it did not write; synchronous.

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "core/common/CancelToken.h"
#include "core/common/ParallelFor.h"
#include "core/common/Progress.h"
#include "core/common/Result.h"

namespace perfnas {

struct DemoDataOptions {
    std::filesystem::path outputDir;
    int clipsPerWord = 200;  // per keyword
    std::uint64_t seed = 1;
    std::vector<std::string> keywords = {"yes",   "no", "up",  "down", "left",
                                         "right", "on", "off", "stop", "go"};
    std::vector<std::string> unknownWords = {"bed",   "bird",   "cat",    "dog",  "happy",
                                             "house", "marvin", "sheila", "tree", "wow"};
    int clipsPerUnknownWord = 40;
    int speakers = 50;                // espeak-ng voice + variant + pitch + rate combinations
    int backgroundNoiseSeconds = 20;  // length of each _background_noise_ recording
    double validationPercent = 10.0;  // of the speakers (whole speakers per split)
    double testingPercent = 10.0;
    int threads = defaultThreadCount();  // rendering only; does not change the output
};

struct DemoDataReport {
    std::filesystem::path outputDir;
    int clips = 0;  // keyword + unknown-word clips
    int keywordClips = 0;
    int unknownWordClips = 0;
    int speakers = 0;
    int backgroundNoiseFiles = 0;
    int validationClips = 0;
    int testingClips = 0;
    double seconds = 0.0;  // wall time of this call
    bool reused = false;   // the folder already held this exact dataset; nothing was written
};

class DemoDataSynthesizer {
public:
    // Name of the completeness marker written last into the output folder.
    static constexpr const char* kMarkerFileName = "perfnas-demo.json";
    static constexpr int kFormatVersion = 1;

    // Errors: InvalidInput for bad options or a non-empty folder that is not a demo dataset,
    // IoFailure for writes, Internal when espeak-ng fails, Cancelled when `cancel` fires.
    // `progress` is called from worker threads with (clips written, total clips).
    static Result<DemoDataReport> synthesize(const DemoDataOptions& options,
                                             const ProgressCallback& progress = {},
                                             const CancelToken& cancel = {});
};

}  // namespace perfnas
