#pragma once
// FeatureCache: FeatureSets on disk, one file per (dataset content, settings) key, so a dataset's
// MFCCs are computed once. A file is written to a temporary name and renamed, so a reader never
// sees half a file; one that is truncated, corrupt or of another format version reads as a miss.
// Thread-safe (no shared state); concurrent writers of one key are harmless (last rename wins).

#include <filesystem>
#include <optional>
#include <string>

#include "core/common/Result.h"
#include "core/dataset/FeatureSet.h"

namespace perfnas {

class FeatureCache {
public:
    explicit FeatureCache(std::filesystem::path folder);

    // $PERFNAS_CACHE_DIR, else $XDG_CACHE_HOME/perfnas/features, else ~/.cache/perfnas/features.
    static std::filesystem::path defaultFolder();

    std::filesystem::path fileFor(const std::string& key) const;

    // nullopt on a miss (no file, or an unusable one).
    std::optional<FeatureSet> load(const std::string& key) const;
    Status store(const std::string& key, const FeatureSet& features) const;

private:
    std::filesystem::path m_folder;
};

}  // namespace perfnas
