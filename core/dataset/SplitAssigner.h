#pragma once
// SplitAssigner: which split (training / validation / testing) a clip belongs to.
// With validation_list.txt / testing_list.txt present, the lists decide for every class folder they
// mention (unlisted clips there are training); folders they never mention, and datasets without
// lists, use Speech Commands' own hash rule (SHA-1 of the file name before "_nohash_", 10/10/80),
// so one speaker's clips always land in the same split. Immutable after load; thread-safe.
// SplitRule::AllTesting instead puts every clip in the testing split and reads no list.

#include <filesystem>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "core/common/Result.h"

namespace perfnas {

enum class Split { Training, Validation, Testing };

std::string_view splitName(Split split);  // "training", "validation", "testing"
std::optional<Split> splitFromName(std::string_view name);

// How clips get their split: the lists, then the hash rule (training, search, evaluating one
// split), or all in the testing split whatever those say (evaluating every clip of a folder).
enum class SplitRule { ListsThenHash, AllTesting };

class SplitAssigner {
public:
    // Reads the lists in `datasetRoot` when they exist; a list that exists but cannot be read, or
    // names a path outside the dataset, is an error naming the list and the line.
    static Result<SplitAssigner> forDataset(const std::filesystem::path& datasetRoot,
                                            SplitRule rule = SplitRule::ListsThenHash);

    // `relativePath` is "word/file.wav" with forward slashes.
    Split assign(const std::string& relativePath) const;

    bool usesLists() const { return m_usesLists; }

    // Speech Commands' which_set(): percentage = (low 27 bits of SHA-1(name)) * 100 / (2^27 - 1).
    static Split hashRule(std::string_view fileName, double validationPercent = 10.0,
                          double testingPercent = 10.0);

private:
    std::set<std::string> m_validation;
    std::set<std::string> m_testing;
    std::set<std::string> m_listedFolders;
    bool m_usesLists = false;
    SplitRule m_rule = SplitRule::ListsThenHash;
};

}  // namespace perfnas
