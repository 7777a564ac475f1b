#pragma once
// SubprocessExecutor: each trial runs as a child `perfnas trial --spec ... --out ...` process, its
// request, result and log in WORK/trial-<id>/ (TrialFiles). A crash or a kill of the child fails
// only that trial, with the exit status or signal and the tail of its log. Cancellation sends
// SIGTERM (the worker then writes a cancelled report) and SIGKILL after a grace period.
// Thread-safe: run() keeps no shared state, so worker threads call it concurrently.
#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "core/execution/TrialExecutor.h"

namespace perfnas {

struct SubprocessSettings {
    std::filesystem::path
        perfnasPath;  // the perfnas executable; empty: this process's (/proc/self/exe)
    std::filesystem::path
        workFolder;  // trial-<id>/ folders go here (e.g. beside the experiment file)
    std::vector<std::string>
        environment;  // "NAME=value" added for the workers (PERFNAS_CACHE_DIR, ...)
    std::chrono::milliseconds pollInterval{100};
    std::chrono::milliseconds killGrace{5000};  // after SIGTERM, before SIGKILL
};

class SubprocessExecutor final : public TrialExecutor {
public:
    explicit SubprocessExecutor(SubprocessSettings settings);
    std::string name() const override { return "subprocess"; }
    TrialReport run(const TrialRequest& request, const TrainingProgressCallback& progress,
                    const CancelToken& cancel) override;

    // This executable's resolved path (/proc/self/exe), for workers that are the same program.
    static std::filesystem::path currentExecutable();

private:
    TrialReport runChecked(const TrialRequest& request, const TrainingProgressCallback& progress,
                           const CancelToken& cancel);
    SubprocessSettings m_settings;
};

}  // namespace perfnas
