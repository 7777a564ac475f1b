#pragma once
// DatasetScanner: lists the clips of a Speech Commands-layout folder with their class and split,
// without decoding audio. Files that cannot be used (wrong extension, unreadable folder) are
// returned as skipped with the reason; structural problems (no such folder, a keyword without a
// folder or without clips) are errors. Stateless and thread-safe.

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "core/common/Result.h"
#include "core/dataset/DatasetOptions.h"
#include "core/dataset/SplitAssigner.h"

namespace perfnas {

struct ClipRef {
    std::string relativePath;  // "word/file.wav"
    int label = 0;             // index into DatasetIndex::classNames
    Split split = Split::Training;
    std::uintmax_t sizeBytes = 0;
    std::int64_t modifiedNs = 0;  // for the cache fingerprint
};

struct SkippedFile {
    std::string file;
    std::string reason;
};

struct DatasetIndex {
    std::filesystem::path root;
    std::vector<std::string> classNames;
    std::vector<ClipRef> clips;
    std::vector<ClipRef> backgroundNoise;  // label unused
    std::vector<SkippedFile> skipped;
    bool usesLists = false;
    bool generatesSilence = false;  // includeSilence without a `_silence_` folder
};

class DatasetScanner {
public:
    static Result<DatasetIndex> scan(const DatasetOptions& options,
                                     SplitRule splitRule = SplitRule::ListsThenHash);
};

}  // namespace perfnas
