#include "core/execution/TrialFiles.h"

#include <cstdio>
#include <system_error>

#include "core/execution/ProcessRunner.h"

namespace perfnas {
namespace fs = std::filesystem;

TrialFiles TrialFiles::under(const fs::path& workFolder, int trialId) {
    const fs::path folder = workFolder / ("trial-" + std::to_string(trialId));
    return {.folder = folder, .request = folder / "request.json", .result = folder / "result.json"};
}

Status TrialFiles::prepare(const TrialRequest& trial) const {
    std::error_code error;
    fs::create_directories(folder, error);
    if (error)
        return makeError(ErrorCode::IoFailure,
                         folder.string() + ": cannot create the trial folder: " + error.message());
    fs::remove(result, error);
    if (error)
        return makeError(ErrorCode::IoFailure,
                         result.string() + ": cannot remove an old result: " + error.message());
    return writeFileAtomically(request, trial.toJson());
}

bool TrialFiles::hasResult() const {
    std::error_code error;
    return fs::exists(result, error);
}

Result<TrialReport> TrialFiles::readResult(int trialId) const {
    auto text = readTextFile(result);
    if (!text) return text.error();
    auto report = TrialReport::fromJson(*text);
    if (!report)
        return makeError(ErrorCode::InvalidInput, result.string() + ": " + report.error().message);
    if (report->trialId != trialId) {
        return makeError(ErrorCode::InvalidInput, result.string() + ": the report is for trial " +
                                                      std::to_string(report->trialId) +
                                                      ", expected " + std::to_string(trialId));
    }
    return report;
}

std::optional<TrainingProgress> progressFromLog(const fs::path& log) {
    const std::string tail = fileTail(log, 512);
    const std::size_t at = tail.rfind("iteration ");
    if (at == std::string::npos) return std::nullopt;
    TrainingProgress progress;
    if (std::sscanf(tail.c_str() + at, "iteration %d/%d", &progress.iteration,
                    &progress.iterations) != 2) {
        return std::nullopt;
    }
    return progress;
}

}  // namespace perfnas
