#pragma once
// DatasetLoader: scan → (feature cache hit, or decode + MFCC on all cores, then cache) → features.
// Unusable clips are skipped and listed with the reason; a split the caller needs left without
// clips is an error naming the folder and the split. Synchronous; reports progress (clips done /
// total) and honours the cancel token between clips.

#include <filesystem>
#include <string>
#include <vector>

#include "core/audio/MfccExtractor.h"
#include "core/common/CancelToken.h"
#include "core/common/Progress.h"
#include "core/common/Result.h"
#include "core/dataset/DatasetOptions.h"
#include "core/dataset/FeatureSet.h"

namespace perfnas {

struct LoadOptions {
    std::filesystem::path cacheFolder;  // empty: FeatureCache::defaultFolder()
    bool useCache = true;
    int threads = 0;  // 0: every hardware thread
    MfccSettings mfcc;
    std::uint64_t silenceSeed = 1;  // for silence clips generated from background noise
    // The splits the caller uses: each must hold a usable clip, the others may be empty. Training
    // and search use all three; evaluating one split needs only that one. Every split is loaded
    // anyway, so one cache entry serves all commands and generated silence stays the same.
    std::vector<Split> requiredSplits = {Split::Training, Split::Validation, Split::Testing};
    // SplitRule::AllTesting loads every clip of the folder as the testing split, which is then the
    // one required: evaluating new recordings, or Speech Commands' separate test set.
    SplitRule splitRule = SplitRule::ListsThenHash;
};

struct LoadReport {
    bool cacheHit = false;
    std::filesystem::path cacheFile;
    std::string cacheWarning;  // e.g. the cache could not be written (the load still succeeded)
    double seconds = 0.0;
};

struct LoadedDataset {
    FeatureSet features;
    LoadReport report;
};

class DatasetLoader {
public:
    static Result<LoadedDataset> load(const DatasetOptions& dataset,
                                      const LoadOptions& options = {},
                                      const ProgressCallback& progress = {},
                                      const CancelToken& cancel = {});

    // The cache key: a digest of the format, the options, the MFCC settings and every clip's
    // path, size and modification time (a changed, added or removed file changes it).
    static std::string cacheKey(const DatasetIndex& index, const DatasetOptions& dataset,
                                const LoadOptions& options);
    // A digest of what training sees (class names, every split's labels and MFCC values): the
    // dataset identity an experiment records, independent of where the files live.
    static std::string contentDigest(const FeatureSet& features);
};

}  // namespace perfnas
