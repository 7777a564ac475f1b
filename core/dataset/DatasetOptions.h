#pragma once
// DatasetOptions: which Speech Commands-layout folder to read and which classes to build from it.
// The default is the paper's 10-keyword setting; silence + unknown make the 12-class setting.

#include <filesystem>
#include <string>
#include <vector>

namespace perfnas {

inline const std::vector<std::string>& defaultKeywords() {
    static const std::vector<std::string> kKeywords = {"yes",   "no", "up",  "down", "left",
                                                       "right", "on", "off", "stop", "go"};
    return kKeywords;
}

inline constexpr const char* kSilenceClass = "_silence_";
inline constexpr const char* kUnknownClass = "_unknown_";
inline constexpr const char* kBackgroundNoiseFolder = "_background_noise_";

struct DatasetOptions {
    std::filesystem::path root;
    std::vector<std::string> keywords = defaultKeywords();
    // _silence_ clips come from a `_silence_` folder when there is one, else they are generated
    // from background noise: silencePercent of the keyword clips of each split.
    bool includeSilence = false;
    double silencePercent = 10.0;
    // _unknown_ clips come from an `_unknown_` folder when there is one, else from every word
    // folder that is not a keyword; either way at most unknownPercent of the keyword clips of each
    // split.
    bool includeUnknown = false;
    double unknownPercent = 10.0;

    std::vector<std::string> classNames() const {
        std::vector<std::string> names = keywords;
        if (includeSilence) names.emplace_back(kSilenceClass);
        if (includeUnknown) names.emplace_back(kUnknownClass);
        return names;
    }
};

}  // namespace perfnas
