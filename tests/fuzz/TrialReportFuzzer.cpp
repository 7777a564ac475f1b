// What a worker (subprocess, Slurm job) or a board writes back: TrialReport::fromJson and
// TrainingResult::fromJson on arbitrary text must not crash; accepted reports re-serialize.
#include "core/execution/TrialRequest.h"
#include "core/training/TrainingResult.h"
#include "tests/fuzz/FuzzSupport.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    if (auto report = perfnas::TrialReport::fromJson(text)) {
        const std::string json = report->toJson();
        auto again = perfnas::TrialReport::fromJson(json);
        perfnas::fuzz::check(again.ok(), "TrialReport toJson output parses",
                             json + "\n" + (again ? "" : again.error().message));
    }
    if (auto result = perfnas::TrainingResult::fromJson(text)) {
        const std::string json = result->toJson();
        auto again = perfnas::TrainingResult::fromJson(json);
        perfnas::fuzz::check(again.ok(), "TrainingResult toJson output parses",
                             json + "\n" + (again ? "" : again.error().message));
    }
    return 0;
}
