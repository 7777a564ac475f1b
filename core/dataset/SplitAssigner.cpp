// Speech Commands split rule: tensorflow/examples/speech_commands/input_data.py, which_set().
#include "core/dataset/SplitAssigner.h"

#include <openssl/evp.h>

#include <array>
#include <fstream>

namespace perfnas {
namespace {

constexpr std::uint32_t kMaxWavsPerClass = (1U << 27) - 1;  // MAX_NUM_WAVS_PER_CLASS

std::string folderOf(const std::string& relativePath) {
    const auto slash = relativePath.find('/');
    return slash == std::string::npos ? std::string() : relativePath.substr(0, slash);
}

Status readList(const std::filesystem::path& file, std::set<std::string>& entries,
                std::set<std::string>& folders) {
    std::ifstream in(file);
    if (!in) return makeError(ErrorCode::IoFailure, file.string() + ": cannot be read");
    std::string line;
    int lineNumber = 0;
    while (std::getline(in, line)) {
        ++lineNumber;
        while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
        if (line.empty()) continue;
        const std::string folder = folderOf(line);
        if (folder.empty() || line.starts_with('/') || line.find("..") != std::string::npos) {
            return makeError(ErrorCode::InvalidInput,
                             file.string() + ":" + std::to_string(lineNumber) + ": '" + line +
                                 "' is not a path of the form word/file.wav inside the dataset");
        }
        folders.insert(folder);
        entries.insert(line);
    }
    return Done{};
}

}  // namespace

std::string_view splitName(Split split) {
    switch (split) {
        case Split::Training:
            return "training";
        case Split::Validation:
            return "validation";
        case Split::Testing:
            return "testing";
    }
    return "training";
}

std::optional<Split> splitFromName(std::string_view name) {
    for (Split split : {Split::Training, Split::Validation, Split::Testing}) {
        if (splitName(split) == name) return split;
    }
    return std::nullopt;
}

Result<SplitAssigner> SplitAssigner::forDataset(const std::filesystem::path& datasetRoot,
                                                SplitRule rule) {
    SplitAssigner assigner;
    assigner.m_rule = rule;
    if (rule == SplitRule::AllTesting) return assigner;
    const std::array<std::pair<const char*, std::set<std::string>*>, 2> lists = {{
        {"validation_list.txt", &assigner.m_validation},
        {"testing_list.txt", &assigner.m_testing},
    }};
    for (const auto& [name, entries] : lists) {
        const auto file = datasetRoot / name;
        std::error_code ec;
        if (!std::filesystem::exists(file, ec)) continue;
        if (auto status = readList(file, *entries, assigner.m_listedFolders); !status) {
            return status.error();
        }
        assigner.m_usesLists = true;
    }
    return assigner;
}

Split SplitAssigner::assign(const std::string& relativePath) const {
    if (m_rule == SplitRule::AllTesting) return Split::Testing;
    if (m_usesLists && m_listedFolders.contains(folderOf(relativePath))) {
        if (m_validation.contains(relativePath)) return Split::Validation;
        if (m_testing.contains(relativePath)) return Split::Testing;
        return Split::Training;
    }
    const auto slash = relativePath.rfind('/');
    return hashRule(slash == std::string::npos ? relativePath : relativePath.substr(slash + 1));
}

Split SplitAssigner::hashRule(std::string_view fileName, double validationPercent,
                              double testingPercent) {
    const auto nohash = fileName.find("_nohash_");
    const std::string_view hashName =
        nohash == std::string_view::npos ? fileName : fileName.substr(0, nohash);
    std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
    unsigned int digestLength = 0;
    EVP_Digest(hashName.data(), hashName.size(), digest.data(), &digestLength, EVP_sha1(), nullptr);
    // int(hexdigest, 16) % 2^27 keeps the low 27 bits of the big-endian digest.
    const std::uint32_t low = (std::uint32_t{digest[16]} << 24) |
                              (std::uint32_t{digest[17]} << 16) | (std::uint32_t{digest[18]} << 8) |
                              std::uint32_t{digest[19]};
    const double percentage = (low & kMaxWavsPerClass) * (100.0 / kMaxWavsPerClass);
    if (percentage < validationPercent) return Split::Validation;
    if (percentage < validationPercent + testingPercent) return Split::Testing;
    return Split::Training;
}

}  // namespace perfnas
