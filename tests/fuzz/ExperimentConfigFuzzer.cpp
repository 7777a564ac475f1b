// ExperimentConfig::fromJson on arbitrary text (users edit experiment files by hand): no crash;
// an accepted config validates without crashing and its toJson parses back.
#include "core/search/ExperimentConfig.h"
#include "tests/fuzz/FuzzSupport.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using perfnas::ExperimentConfig;
    const std::string text(reinterpret_cast<const char*>(data), size);
    auto config = ExperimentConfig::fromJson(text, "/nonexistent/base");
    if (!config) return 0;
    (void)config->validate();
    (void)config->effectiveThreadsPerTrial();
    const std::string json = config->toJson();
    auto again = ExperimentConfig::fromJson(json, "/nonexistent/base");
    perfnas::fuzz::check(again.ok(), "toJson output parses",
                         json + "\n" + (again ? "" : again.error().message));
    return 0;
}
