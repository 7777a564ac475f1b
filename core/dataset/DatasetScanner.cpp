#include "core/dataset/DatasetScanner.h"

#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <map>

#include "core/audio/AudioDecoder.h"

namespace perfnas {
namespace {

namespace fs = std::filesystem;

// Lists the audio files of one class folder, sorted; anything else is recorded as skipped.
std::vector<ClipRef> listFolder(const fs::path& root, const std::string& folder,
                                std::vector<SkippedFile>& skipped) {
    std::vector<ClipRef> clips;
    std::error_code ec;
    fs::directory_iterator it(root / folder, ec);
    if (ec) {
        skipped.push_back({folder + "/", "folder cannot be read: " + ec.message()});
        return clips;
    }
    for (; it != fs::directory_iterator(); it.increment(ec)) {
        if (ec) {
            skipped.push_back({folder + "/", "folder listing failed: " + ec.message()});
            break;
        }
        const fs::directory_entry& entry = *it;
        const std::string relative = folder + "/" + entry.path().filename().string();
        std::error_code statError;
        if (!entry.is_regular_file(statError)) {
            if (entry.is_directory(statError)) continue;  // nested folders are not clips
            skipped.push_back({relative, "not a regular file"});
            continue;
        }
        if (!AudioDecoder::hasAudioExtension(entry.path())) {
            skipped.push_back({relative, "not an audio file name (expected .wav, .flac or .ogg)"});
            continue;
        }
        ClipRef clip{.relativePath = relative};
        clip.sizeBytes = entry.file_size(statError);
        clip.modifiedNs = std::chrono::duration_cast<std::chrono::nanoseconds>(
                              entry.last_write_time(statError).time_since_epoch())
                              .count();
        clips.push_back(std::move(clip));
    }
    std::sort(clips.begin(), clips.end(),
              [](const ClipRef& a, const ClipRef& b) { return a.relativePath < b.relativePath; });
    return clips;
}

// Deterministic order-free thinning: a clip's rank is the SHA-1 of its path.
std::uint64_t pathRank(const std::string& path) {
    std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
    unsigned int length = 0;
    EVP_Digest(path.data(), path.size(), digest.data(), &length, EVP_sha1(), nullptr);
    std::uint64_t rank = 0;
    for (int i = 0; i < 8; ++i) rank = (rank << 8) | digest[static_cast<std::size_t>(i)];
    return rank;
}

// Keeps at most `percent` of the keyword clips of each split among `candidates`.
void capPerSplit(std::vector<ClipRef>& candidates, const std::vector<ClipRef>& keywordClips,
                 double percent) {
    std::map<Split, std::size_t> keywordCount;
    for (const ClipRef& clip : keywordClips) ++keywordCount[clip.split];
    std::sort(candidates.begin(), candidates.end(), [](const ClipRef& a, const ClipRef& b) {
        return pathRank(a.relativePath) < pathRank(b.relativePath);
    });
    std::map<Split, std::size_t> kept;
    std::vector<ClipRef> result;
    for (ClipRef& clip : candidates) {
        const auto limit = static_cast<std::size_t>(keywordCount[clip.split] * percent / 100.0);
        if (kept[clip.split] < limit) {
            ++kept[clip.split];
            result.push_back(std::move(clip));
        }
    }
    std::sort(result.begin(), result.end(),
              [](const ClipRef& a, const ClipRef& b) { return a.relativePath < b.relativePath; });
    candidates = std::move(result);
}

}  // namespace

Result<DatasetIndex> DatasetScanner::scan(const DatasetOptions& options, SplitRule splitRule) {
    const fs::path& root = options.root;
    std::error_code ec;
    if (!fs::exists(root, ec)) {
        return makeError(ErrorCode::NotFound, root.string() + ": dataset folder does not exist");
    }
    if (!fs::is_directory(root, ec)) {
        return makeError(ErrorCode::InvalidInput, root.string() + ": is not a folder");
    }
    if (options.keywords.empty()) {
        return makeError(ErrorCode::InvalidInput, "no keywords selected (expected e.g. yes,no,up)");
    }

    auto assigner = SplitAssigner::forDataset(root, splitRule);
    if (!assigner) return assigner.error();

    DatasetIndex index{.root = root, .classNames = options.classNames()};
    index.usesLists = assigner->usesLists();
    auto assign = [&](std::vector<ClipRef>& clips, int label) {
        for (ClipRef& clip : clips) {
            clip.label = label;
            clip.split = assigner->assign(clip.relativePath);
        }
    };

    std::vector<ClipRef> keywordClips;
    for (std::size_t k = 0; k < options.keywords.size(); ++k) {
        const std::string& word = options.keywords[k];
        if (std::count(options.keywords.begin(), options.keywords.end(), word) > 1) {
            return makeError(ErrorCode::InvalidInput, "keyword '" + word + "' is selected twice");
        }
        if (!fs::is_directory(root / word, ec)) {
            return makeError(ErrorCode::InvalidInput,
                             "keyword '" + word + "' has no folder " + (root / word).string());
        }
        std::vector<ClipRef> clips = listFolder(root, word, index.skipped);
        if (clips.empty()) {
            return makeError(ErrorCode::InvalidInput, "keyword '" + word + "': folder " +
                                                          (root / word).string() +
                                                          " holds no audio clips");
        }
        assign(clips, static_cast<int>(k));
        keywordClips.insert(keywordClips.end(), clips.begin(), clips.end());
    }
    index.clips = keywordClips;

    int nextLabel = static_cast<int>(options.keywords.size());
    if (options.includeSilence) {
        if (fs::is_directory(root / kSilenceClass, ec)) {
            std::vector<ClipRef> clips = listFolder(root, kSilenceClass, index.skipped);
            assign(clips, nextLabel);
            index.clips.insert(index.clips.end(), clips.begin(), clips.end());
        } else {
            index.generatesSilence = true;
        }
        ++nextLabel;
    }
    if (options.includeUnknown) {
        std::vector<ClipRef> candidates;
        if (fs::is_directory(root / kUnknownClass, ec)) {
            candidates = listFolder(root, kUnknownClass, index.skipped);
        } else {
            for (const fs::directory_entry& entry : fs::directory_iterator(root, ec)) {
                const std::string name = entry.path().filename().string();
                if (!entry.is_directory() || name.starts_with('_') || name.starts_with('.') ||
                    std::find(options.keywords.begin(), options.keywords.end(), name) !=
                        options.keywords.end()) {
                    continue;
                }
                std::vector<ClipRef> clips = listFolder(root, name, index.skipped);
                candidates.insert(candidates.end(), clips.begin(), clips.end());
            }
        }
        assign(candidates, nextLabel);
        capPerSplit(candidates, keywordClips, options.unknownPercent);
        index.clips.insert(index.clips.end(), candidates.begin(), candidates.end());
    }

    if (fs::is_directory(root / kBackgroundNoiseFolder, ec)) {
        index.backgroundNoise = listFolder(root, kBackgroundNoiseFolder, index.skipped);
    }
    return index;
}

}  // namespace perfnas
