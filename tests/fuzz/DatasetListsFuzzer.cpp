// Speech Commands' validation_list.txt / testing_list.txt: the input up to the first NUL byte is
// one list, the rest the other; SplitAssigner::forDataset reads them from a scratch dataset folder
// and every listed path must then be assigned to the split its list names.
#include <cstring>
#include <sstream>

#include "core/dataset/SplitAssigner.h"
#include "tests/fuzz/FuzzSupport.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    namespace fs = std::filesystem;
    const fs::path root = perfnas::fuzz::scratchFolder() / "dataset";
    fs::create_directories(root);
    const auto* nul = static_cast<const std::uint8_t*>(std::memchr(data, 0, size));
    const std::size_t first = nul ? static_cast<std::size_t>(nul - data) : size;
    perfnas::fuzz::writeBytes(root / "validation_list.txt", data, first);
    const std::size_t restStart = nul ? first + 1 : size;
    perfnas::fuzz::writeBytes(root / "testing_list.txt", data + restStart, size - restStart);

    auto assigner = perfnas::SplitAssigner::forDataset(root);
    if (!assigner) return 0;
    // Lists are read line by line with trailing CR and blanks dropped; every accepted entry of the
    // validation list is assigned to validation.
    std::istringstream lines(std::string(reinterpret_cast<const char*>(data), first));
    for (std::string line; std::getline(lines, line);) {
        while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
        if (line.empty()) continue;
        perfnas::fuzz::check(assigner->assign(line) == perfnas::Split::Validation,
                             "a listed clip is in its split", line);
    }
    (void)assigner->assign("yes/0a7c2a8d_nohash_0.wav");
    (void)perfnas::SplitAssigner::hashRule(
        std::string_view(reinterpret_cast<const char*>(data), size));
    return 0;
}
