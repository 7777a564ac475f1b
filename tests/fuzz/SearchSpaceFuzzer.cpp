// SearchSpace::fromJson against the paper's seed on arbitrary text: no crash; an accepted space
// survives toJson -> fromJson with the same JSON.
#include "core/model/ArchitectureSpec.h"
#include "core/search/SearchSpace.h"
#include "tests/fuzz/FuzzSupport.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const perfnas::ArchitectureSpec seed = perfnas::ArchitectureSpec::paperSeed();
    const std::string text(reinterpret_cast<const char*>(data), size);
    auto space = perfnas::SearchSpace::fromJson(text, seed);
    if (!space) return 0;
    const std::string json = space->toJson();
    auto again = perfnas::SearchSpace::fromJson(json, seed);
    perfnas::fuzz::check(again.ok(), "toJson output parses",
                         json + "\n" + (again ? "" : again.error().message));
    perfnas::fuzz::check(again->toJson() == json, "round trip keeps the space", json);
    return 0;
}
