#include "core/dataset/FeatureCache.h"

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>

namespace perfnas {
namespace {

namespace fs = std::filesystem;
constexpr char kMagic[8] = {'P', 'N', 'F', 'C', 'A', 'C', 'H', 'E'};
constexpr std::uint32_t kFormatVersion = 1;

template <typename T>
void writeArray(std::ofstream& out, const std::vector<T>& values) {
    out.write(reinterpret_cast<const char*>(values.data()),
              static_cast<std::streamsize>(values.size() * sizeof(T)));
}

template <typename T>
bool readArray(std::ifstream& in, std::vector<T>& values, std::size_t count) {
    values.resize(count);
    in.read(reinterpret_cast<char*>(values.data()),
            static_cast<std::streamsize>(count * sizeof(T)));
    return static_cast<std::size_t>(in.gcount()) == count * sizeof(T);
}

}  // namespace

FeatureCache::FeatureCache(fs::path folder) : m_folder(std::move(folder)) {}

fs::path FeatureCache::defaultFolder() {
    if (const char* dir = std::getenv("PERFNAS_CACHE_DIR"); dir && *dir) return dir;
    if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg) {
        return fs::path(xdg) / "perfnas" / "features";
    }
    if (const char* home = std::getenv("HOME"); home && *home) {
        return fs::path(home) / ".cache" / "perfnas" / "features";
    }
    return fs::temp_directory_path() / "perfnas-features";
}

fs::path FeatureCache::fileFor(const std::string& key) const { return m_folder / (key + ".pnfc"); }

std::optional<FeatureSet> FeatureCache::load(const std::string& key) const {
    std::ifstream in(fileFor(key), std::ios::binary);
    if (!in) return std::nullopt;
    char magic[8] = {};
    std::uint32_t version = 0;
    std::uint64_t headerBytes = 0;
    in.read(magic, sizeof magic);
    in.read(reinterpret_cast<char*>(&version), sizeof version);
    in.read(reinterpret_cast<char*>(&headerBytes), sizeof headerBytes);
    if (!in || std::memcmp(magic, kMagic, sizeof kMagic) != 0 || version != kFormatVersion ||
        headerBytes > (64U << 20)) {
        return std::nullopt;
    }
    std::string headerText(headerBytes, '\0');
    in.read(headerText.data(), static_cast<std::streamsize>(headerBytes));
    const nlohmann::json header =
        nlohmann::json::parse(headerText, nullptr, /*allow_exceptions=*/false);
    if (!in || header.is_discarded() || header.value("key", "") != key) return std::nullopt;

    try {
        FeatureSet features;
        features.classNames = header.at("classes").get<std::vector<std::string>>();
        features.usesLists = header.at("uses_lists").get<bool>();
        features.coefficients = header.at("coefficients").get<int>();
        features.frames = header.at("frames").get<int>();
        for (const auto& skipped : header.at("skipped")) {
            features.skipped.push_back(
                {skipped.at(0).get<std::string>(), skipped.at(1).get<std::string>()});
        }
        const auto perClip = static_cast<std::size_t>(features.coefficients * features.frames);
        for (std::size_t s = 0; s < features.splits.size(); ++s) {
            SplitData& split = features.splits[s];
            const auto& meta = header.at("splits").at(s);
            split.paths = meta.at("paths").get<std::vector<std::string>>();
            split.labels = meta.at("labels").get<std::vector<std::int32_t>>();
            const auto waveformSamples = meta.at("waveform_samples").get<std::size_t>();
            if (split.paths.size() != split.labels.size() ||
                !readArray(in, split.mfcc, split.size() * perClip) ||
                !readArray(in, split.waveforms, waveformSamples)) {
                return std::nullopt;
            }
        }
        for (const auto length : header.at("noise_lengths").get<std::vector<std::size_t>>()) {
            std::vector<float> noise;
            if (!readArray(in, noise, length)) return std::nullopt;
            features.backgroundNoise.push_back(std::move(noise));
        }
        if (in.peek() != std::char_traits<char>::eof()) return std::nullopt;  // trailing garbage
        return features;
    } catch (const nlohmann::json::exception&) {
        return std::nullopt;
    }
}

Status FeatureCache::store(const std::string& key, const FeatureSet& features) const {
    std::error_code ec;
    fs::create_directories(m_folder, ec);
    if (ec) {
        return makeError(
            ErrorCode::IoFailure,
            m_folder.string() + ": cannot create the feature cache folder: " + ec.message());
    }
    nlohmann::json header = {{"key", key},
                             {"classes", features.classNames},
                             {"uses_lists", features.usesLists},
                             {"coefficients", features.coefficients},
                             {"frames", features.frames}};
    header["skipped"] = nlohmann::json::array();
    for (const SkippedFile& skipped : features.skipped)
        header["skipped"].push_back({skipped.file, skipped.reason});
    for (const SplitData& split : features.splits) {
        header["splits"].push_back({{"paths", split.paths},
                                    {"labels", split.labels},
                                    {"waveform_samples", split.waveforms.size()}});
    }
    header["noise_lengths"] = nlohmann::json::array();
    for (const auto& noise : features.backgroundNoise)
        header["noise_lengths"].push_back(noise.size());
    const std::string headerText = header.dump();
    const std::uint64_t headerBytes = headerText.size();

    const fs::path target = fileFor(key);
    const fs::path temporary = target.string() + ".tmp" + std::to_string(std::random_device{}());
    {
        std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
        out.write(kMagic, sizeof kMagic);
        out.write(reinterpret_cast<const char*>(&kFormatVersion), sizeof kFormatVersion);
        out.write(reinterpret_cast<const char*>(&headerBytes), sizeof headerBytes);
        out.write(headerText.data(), static_cast<std::streamsize>(headerBytes));
        for (const SplitData& split : features.splits) {
            writeArray(out, split.mfcc);
            writeArray(out, split.waveforms);
        }
        for (const auto& noise : features.backgroundNoise) writeArray(out, noise);
        out.flush();
        if (!out) {
            out.close();
            fs::remove(temporary, ec);
            return makeError(
                ErrorCode::IoFailure,
                temporary.string() + ": writing the feature cache failed (disk full?)");
        }
    }
    fs::rename(temporary, target, ec);
    if (ec) {
        fs::remove(temporary, ec);
        return makeError(ErrorCode::IoFailure,
                         target.string() + ": cannot rename the feature cache into place");
    }
    return Done{};
}

}  // namespace perfnas
