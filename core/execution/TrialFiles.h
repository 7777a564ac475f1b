#pragma once
// TrialFiles: the folder a worker process (local or a Slurm job) shares with the executor for one
// trial: WORK/trial-<id>/ with request.json (in), result.json (out, written atomically by the
// worker) and the worker's log. Shared by SubprocessExecutor and SlurmExecutor; plain value type.
#include <filesystem>
#include <optional>
#include <string>

#include "core/common/Result.h"
#include "core/execution/TrialRequest.h"
#include "core/training/TrainingResult.h"

namespace perfnas {

struct TrialFiles {
    std::filesystem::path folder;
    std::filesystem::path request;
    std::filesystem::path result;

    static TrialFiles under(const std::filesystem::path& workFolder, int trialId);
    // Creates the folder, writes the request, removes a result left by an earlier attempt.
    Status prepare(const TrialRequest& request) const;
    bool hasResult() const;
    // The worker's report; errors name the result file. The trial id must match `trialId`.
    Result<TrialReport> readResult(int trialId) const;
};

// The latest "iteration N/M" line a `perfnas trial` worker printed to its log, if any.
std::optional<TrainingProgress> progressFromLog(const std::filesystem::path& log);

}  // namespace perfnas
