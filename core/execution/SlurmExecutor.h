#pragma once
// SlurmExecutor: each trial is one Slurm batch job (sbatch --parsable) that runs
// `perfnas trial --spec ... --out ...` with its files in WORK/trial-<id>/ (TrialFiles), on a file
// system the compute nodes share. State is polled with squeue, and scontrol / sacct (sacct -c,
// the job-completion log, where there is no accounting daemon) once the job left the queue; the
// result is the file the worker wrote atomically. Cancellation is scancel. A job that vanishes,
// is cancelled outside perfnas, or dies with its node is resubmitted once, then the trial fails
// with the reasons. Only the Slurm command-line tools are used (libslurm's API changes every
// release). One job per trial rather than job arrays: the runner hands over trials one at a time.
// Thread-safe: run() keeps no shared state; each call polls its own job.
#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "core/execution/SlurmJobOptions.h"
#include "core/execution/TrialExecutor.h"

namespace perfnas {

struct SlurmSettings {
    SlurmJobOptions job;
    std::filesystem::path perfnasPath;  // as seen from the compute nodes; empty: this executable
    std::filesystem::path workFolder;   // shared with the compute nodes
    std::string jobName = "perfnas";    // jobs are named "<jobName>-t<trial id>"
    std::vector<std::string>
        environment;  // "NAME=value" for the Slurm tools; sbatch exports it to the job
    std::chrono::milliseconds pollInterval{2000};
    std::chrono::milliseconds commandTimeout{30000};  // per squeue / sbatch / ... call
    std::chrono::milliseconds resultGrace{
        10000};  // a job left the queue: wait this long for its file (NFS)
    std::chrono::milliseconds controllerPatience{
        300000};  // slurmctld not answering this long: the trial fails
    std::chrono::milliseconds cancelWait{
        30000};              // after scancel: wait this long for the job to end
    int maxSubmissions = 2;  // the first and one resubmission
};

class SlurmExecutor final : public TrialExecutor {
public:
    explicit SlurmExecutor(SlurmSettings settings);
    std::string name() const override { return "slurm"; }
    TrialReport run(const TrialRequest& request, const TrainingProgressCallback& progress,
                    const CancelToken& cancel) override;

    // The sbatch command line for a job script (settings' options; --parsable, --no-requeue).
    std::vector<std::string> submitCommand(int trialId, const std::filesystem::path& folder,
                                           const std::filesystem::path& script) const;

private:
    TrialReport runChecked(const TrialRequest& request, const TrainingProgressCallback& progress,
                           const CancelToken& cancel);
    SlurmSettings m_settings;
};

}  // namespace perfnas
