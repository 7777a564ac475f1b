#include "core/dataset/DatasetLoader.h"

#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cmath>
#include <memory>
#include <mutex>
#include <random>
#include <sstream>

#include "core/audio/AudioDecoder.h"
#include "core/common/ParallelFor.h"
#include "core/dataset/FeatureCache.h"

namespace perfnas {
namespace {

// Part of every cache key: bump it whenever the stored feature values change (e.g. a new FFT).
constexpr int kLoaderFormatVersion = 2;

std::string hexString(const unsigned char* bytes, unsigned int length) {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string hex;
    for (unsigned int i = 0; i < length; ++i) {
        hex += kHex[bytes[i] >> 4];
        hex += kHex[bytes[i] & 15];
    }
    return hex;
}

std::string sha1Hex(const std::string& text) {
    std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
    unsigned int length = 0;
    EVP_Digest(text.data(), text.size(), digest.data(), &length, EVP_sha1(), nullptr);
    return hexString(digest.data(), length);
}

std::int16_t toPcm16(float sample) {
    const float scaled = std::round(std::clamp(sample, -1.0F, 1.0F) * 32768.0F);
    return static_cast<std::int16_t>(std::clamp(scaled, -32768.0F, 32767.0F));
}

// A decoded clip, or why it was skipped.
struct DecodedClip {
    std::vector<float> samples;
    std::string error;
};

// Silence clips for a dataset without a `_silence_` folder: a random one-second stretch of a
// random background recording at a random low level (or digital silence without recordings).
std::vector<float> makeSilenceClip(const std::vector<std::vector<float>>& noise,
                                   std::mt19937_64& rng) {
    std::vector<float> clip(AudioDecoder::kClipSamples, 0.0F);
    if (noise.empty()) return clip;
    const auto& recording = noise[rng() % noise.size()];
    if (recording.size() < clip.size()) return clip;
    const std::size_t offset = rng() % (recording.size() - clip.size() + 1);
    const float volume = static_cast<float>(rng() % 1000) / 1000.0F * 0.3F;
    for (std::size_t i = 0; i < clip.size(); ++i) clip[i] = recording[offset + i] * volume;
    return clip;
}

std::vector<Split> requiredSplits(const LoadOptions& options) {
    if (options.splitRule == SplitRule::AllTesting) return {Split::Testing};
    return options.requiredSplits;
}

// "training", "training and testing", "training, validation and testing".
std::string splitList(const std::vector<Split>& splits) {
    std::string text;
    for (std::size_t i = 0; i < splits.size(); ++i) {
        if (i > 0) text += i + 1 == splits.size() ? " and " : ", ";
        text += splitName(splits[i]);
    }
    return text;
}

Error noClipsError(const DatasetIndex& index, Split split, const LoadOptions& options) {
    if (options.splitRule == SplitRule::AllTesting) {
        std::string classes;
        for (const std::string& name : index.classNames) {
            classes += (classes.empty() ? "" : ", ") + name;
        }
        return makeError(ErrorCode::InvalidInput,
                         index.root.string() + ": no usable clips of " + classes +
                             " (expected decodable audio in those folders; see the skipped files)");
    }
    return makeError(ErrorCode::InvalidInput,
                     index.root.string() + ": the " + std::string(splitName(split)) +
                         " split has no usable clips (expected clips in the " +
                         splitList(options.requiredSplits) +
                         (options.requiredSplits.size() > 1 ? " splits" : " split") +
                         "; check validation_list.txt / testing_list.txt and the skipped files)");
}

}  // namespace

std::string DatasetLoader::cacheKey(const DatasetIndex& index, const DatasetOptions& dataset,
                                    const LoadOptions& options) {
    std::ostringstream text;
    text << "loader v" << kLoaderFormatVersion << '\n'
         << std::filesystem::absolute(index.root).lexically_normal().string() << '\n'
         << options.mfcc.key() << '\n'
         << "silence " << dataset.includeSilence << ' ' << dataset.silencePercent << ' '
         << options.silenceSeed << " unknown " << dataset.includeUnknown << ' '
         << dataset.unknownPercent << '\n';
    for (const std::string& name : index.classNames) text << "class " << name << '\n';
    for (const auto* clips : {&index.clips, &index.backgroundNoise}) {
        for (const ClipRef& clip : *clips) {
            text << clip.relativePath << ' ' << clip.label << ' ' << splitName(clip.split) << ' '
                 << clip.sizeBytes << ' ' << clip.modifiedNs << '\n';
        }
    }
    for (const SkippedFile& skipped : index.skipped) text << "skip " << skipped.file << '\n';
    return sha1Hex(text.str());
}

std::string DatasetLoader::contentDigest(const FeatureSet& features) {
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> context(EVP_MD_CTX_new(),
                                                                    &EVP_MD_CTX_free);
    EVP_DigestInit_ex(context.get(), EVP_sha1(), nullptr);
    for (const std::string& name : features.classNames)
        EVP_DigestUpdate(context.get(), name.c_str(), name.size() + 1);
    for (const SplitData& split : features.splits) {
        const std::uint64_t count = split.size();
        EVP_DigestUpdate(context.get(), &count, sizeof count);
        EVP_DigestUpdate(context.get(), split.labels.data(),
                         split.labels.size() * sizeof(std::int32_t));
        EVP_DigestUpdate(context.get(), split.mfcc.data(), split.mfcc.size() * sizeof(float));
    }
    std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
    unsigned int length = 0;
    EVP_DigestFinal_ex(context.get(), digest.data(), &length);
    return hexString(digest.data(), length);
}

Result<LoadedDataset> DatasetLoader::load(const DatasetOptions& dataset, const LoadOptions& options,
                                          const ProgressCallback& progress,
                                          const CancelToken& cancel) {
    const auto start = std::chrono::steady_clock::now();
    auto scanned = DatasetScanner::scan(dataset, options.splitRule);
    if (!scanned) return scanned.error();
    DatasetIndex& index = *scanned;

    const FeatureCache cache(options.cacheFolder.empty() ? FeatureCache::defaultFolder()
                                                         : options.cacheFolder);
    const std::string key = cacheKey(index, dataset, options);
    LoadedDataset loaded;
    loaded.report.cacheFile = cache.fileFor(key);

    if (options.useCache) {
        if (auto cached = cache.load(key)) {
            loaded.features = std::move(*cached);
            loaded.report.cacheHit = true;
        }
    }

    if (!loaded.report.cacheHit) {
        const int threads = options.threads > 0 ? options.threads : defaultThreadCount();
        const std::size_t total = index.clips.size() + index.backgroundNoise.size();
        std::vector<DecodedClip> noiseDecoded(index.backgroundNoise.size());
        std::vector<DecodedClip> clipsDecoded(index.clips.size());
        std::vector<std::vector<float>> mfccs(index.clips.size());
        std::vector<std::unique_ptr<MfccExtractor>> extractors(static_cast<std::size_t>(threads));
        std::atomic<std::size_t> done{0};
        std::mutex progressMutex;
        auto reportProgress = [&] {
            const std::size_t now = ++done;
            if (progress && (now % 64 == 0 || now == total)) {
                std::lock_guard lock(progressMutex);
                progress(now, total);
            }
        };
        auto stop = [&] { return cancel.cancelled(); };

        parallelFor(
            index.backgroundNoise.size(), threads,
            [&](std::size_t i, int) {
                auto decoded =
                    AudioDecoder::decodeMono(index.root / index.backgroundNoise[i].relativePath);
                if (decoded && decoded->sampleRateHz != AudioDecoder::kClipRateHz) {
                    auto resampled = AudioDecoder::resample(decoded->samples, decoded->sampleRateHz,
                                                            AudioDecoder::kClipRateHz);
                    decoded = resampled ? Result<MonoAudio>(MonoAudio{std::move(*resampled),
                                                                      AudioDecoder::kClipRateHz})
                                        : Result<MonoAudio>(resampled.error());
                }
                if (decoded)
                    noiseDecoded[i].samples = std::move(decoded->samples);
                else
                    noiseDecoded[i].error = decoded.error().message;
                reportProgress();
            },
            stop);

        parallelFor(
            index.clips.size(), threads,
            [&](std::size_t i, int worker) {
                auto& extractor = extractors[static_cast<std::size_t>(worker)];
                if (!extractor) extractor = std::make_unique<MfccExtractor>(options.mfcc);
                auto clip = AudioDecoder::loadClip(index.root / index.clips[i].relativePath);
                if (clip) {
                    mfccs[i] = extractor->compute(*clip);
                    clipsDecoded[i].samples = std::move(*clip);
                } else {
                    clipsDecoded[i].error = clip.error().message;
                }
                reportProgress();
            },
            stop);
        if (cancel.cancelled()) return makeError(ErrorCode::Cancelled, "dataset load cancelled");

        FeatureSet& features = loaded.features;
        features.classNames = index.classNames;
        features.usesLists = index.usesLists;
        features.coefficients = options.mfcc.coefficients;
        features.frames = 1 + AudioDecoder::kClipSamples / options.mfcc.hopSamples;
        features.skipped = index.skipped;
        auto reasonOnly = [&](const std::string& relativePath, std::string message) {
            // Decoder messages start with "<full path>: "; the report already names the file.
            const std::string prefix = (index.root / relativePath).string() + ": ";
            if (message.starts_with(prefix)) message.erase(0, prefix.size());
            return message;
        };
        for (std::size_t i = 0; i < noiseDecoded.size(); ++i) {
            if (noiseDecoded[i].error.empty()) {
                features.backgroundNoise.push_back(std::move(noiseDecoded[i].samples));
            } else {
                features.skipped.push_back(
                    {index.backgroundNoise[i].relativePath,
                     reasonOnly(index.backgroundNoise[i].relativePath, noiseDecoded[i].error)});
            }
        }
        auto append = [&](Split split, const std::string& path, int label,
                          const std::vector<float>& samples, const std::vector<float>& mfcc) {
            SplitData& data = features.split(split);
            data.paths.push_back(path);
            data.labels.push_back(label);
            data.mfcc.insert(data.mfcc.end(), mfcc.begin(), mfcc.end());
            if (split == Split::Training) {
                std::transform(samples.begin(), samples.end(), std::back_inserter(data.waveforms),
                               toPcm16);
            }
        };
        for (std::size_t i = 0; i < index.clips.size(); ++i) {
            const ClipRef& ref = index.clips[i];
            if (!clipsDecoded[i].error.empty()) {
                features.skipped.push_back(
                    {ref.relativePath, reasonOnly(ref.relativePath, clipsDecoded[i].error)});
                continue;
            }
            append(ref.split, ref.relativePath, ref.label, clipsDecoded[i].samples, mfccs[i]);
        }
        if (index.generatesSilence) {
            const int silenceLabel = static_cast<int>(dataset.keywords.size());
            std::mt19937_64 rng(options.silenceSeed);
            MfccExtractor extractor(options.mfcc);
            for (Split split : {Split::Training, Split::Validation, Split::Testing}) {
                std::size_t keywordClips = 0;
                for (std::int32_t label : features.split(split).labels) {
                    keywordClips += label < silenceLabel ? 1 : 0;
                }
                const auto count =
                    static_cast<std::size_t>(keywordClips * dataset.silencePercent / 100.0);
                for (std::size_t n = 0; n < count; ++n) {
                    const std::vector<float> clip = makeSilenceClip(features.backgroundNoise, rng);
                    append(split,
                           std::string(kSilenceClass) + "/generated-" +
                               std::string(splitName(split)) + "-" + std::to_string(n),
                           silenceLabel, clip, extractor.compute(clip));
                }
            }
        }
        if (options.useCache) {
            if (auto stored = cache.store(key, features); !stored) {
                loaded.report.cacheWarning = stored.error().message;
            }
        }
    }

    for (Split split : requiredSplits(options)) {
        if (loaded.features.split(split).size() == 0) return noClipsError(index, split, options);
    }
    loaded.report.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return loaded;
}

}  // namespace perfnas
