#include "core/execution/SlurmExecutor.h"

#include <algorithm>
#include <exception>
#include <optional>
#include <set>
#include <sstream>
#include <thread>

#include "core/execution/ProcessRunner.h"
#include "core/execution/SubprocessExecutor.h"
#include "core/execution/TrialFiles.h"

namespace perfnas {
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

namespace {

struct JobState {
    std::string state;  // COMPLETED, CANCELLED, ... (first word: sacct says "CANCELLED by 0")
    std::string node;
    std::string reason;
    std::string exitCode;  // "code:signal"
};

bool isTerminal(const std::string& state) {
    static const std::set<std::string> kTerminal = {
        "COMPLETED", "FAILED",    "CANCELLED",     "TIMEOUT", "NODE_FAIL",   "BOOT_FAIL",
        "DEADLINE",  "PREEMPTED", "OUT_OF_MEMORY", "REVOKED", "SPECIAL_EXIT"};
    return kTerminal.contains(state);
}

// Endings that say nothing about the trial itself: worth one more submission.
bool isRetryable(const std::string& state) {
    return state == "NODE_FAIL" || state == "BOOT_FAIL" || state == "PREEMPTED" ||
           state == "CANCELLED" || state == "REVOKED";
}

std::string trim(std::string text) {
    const auto first = text.find_first_not_of(" \t\r\n");
    if (first == std::string::npos) return {};
    text.erase(0, first);
    text.erase(text.find_last_not_of(" \t\r\n") + 1);
    return text;
}

std::string firstWord(const std::string& text) { return text.substr(0, text.find(' ')); }

std::string firstLine(const std::string& text) { return trim(text.substr(0, text.find('\n'))); }

std::vector<std::string> split(const std::string& text, char separator) {
    std::vector<std::string> parts;
    std::stringstream stream(text);
    for (std::string part; std::getline(stream, part, separator);) parts.push_back(part);
    return parts;
}

bool unknownJob(const CommandOutput& output) {
    return output.err.find("Invalid job id") != std::string::npos;
}

std::string shellQuote(const std::string& text) {
    std::string quoted = "'";
    for (char c : text) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return quoted + "'";
}

enum class Ending { Result, CancelledHere, Retry, Failed };

struct Watched {
    Ending ending = Ending::Failed;
    std::string reason;
};

// One submitted job, polled until it ends.
class JobWatch {
public:
    JobWatch(const SlurmSettings& settings, const TrialFiles& files, std::string jobId,
             const CancelToken& cancel)
        : m_settings(settings), m_files(files), m_jobId(std::move(jobId)), m_cancel(cancel) {}

    const std::string& node() const { return m_node; }

    Watched watch(const TrainingProgressCallback& progress) {
        auto lastAnswer = Clock::now();
        int lastIteration = -1;
        int polls = 0;
        const fs::path log = m_files.folder / ("slurm-" + m_jobId + ".log");
        while (true) {
            if (m_cancel.cancelled()) return cancelJob();
            if (m_files.hasResult()) return finishedWithResult();
            if (progress) {
                if (auto step = progressFromLog(log); step && step->iteration != lastIteration) {
                    lastIteration = step->iteration;
                    progress(*step);
                }
            }
            auto queued = squeue();
            if (!queued) {
                if (Clock::now() - lastAnswer > m_settings.controllerPatience) {
                    return {Ending::Failed,
                            "the Slurm controller did not answer about job " + m_jobId + " for " +
                                std::to_string(m_settings.controllerPatience.count() / 1000) +
                                " s: " + queued.error().message};
                }
                sleepUnlessCancelled(m_settings.pollInterval);
                continue;
            }
            lastAnswer = Clock::now();
            std::optional<JobState> state = *queued;
            if (state && !state->node.empty()) m_node = state->node;
            if (state && !isTerminal(state->state)) {
                // Quick first looks (short jobs, tests), then every pollInterval (spare the
                // controller).
                sleepUnlessCancelled(
                    std::min(m_settings.pollInterval, milliseconds(250 << std::min(polls++, 6))));
                continue;
            }
            if (!state) state = finishedState();
            return ended(state, log);
        }
    }

private:
    Result<CommandOutput> slurm(const std::vector<std::string>& command) const {
        return runCommand(command, m_settings.commandTimeout, m_settings.environment);
    }

    // The job's state while squeue knows it (running jobs, and finished ones for MinJobAge);
    // nullopt when it is gone from the queue; an error when the controller does not answer.
    Result<std::optional<JobState>> squeue() const {
        auto output = slurm(
            {"squeue", "--noheader", "--states=all", "--jobs=" + m_jobId, "--format=%T|%N|%r"});
        if (!output) return output.error();
        if (!output->status.success()) {
            if (unknownJob(*output)) return std::optional<JobState>{};
            return makeError(ErrorCode::IoFailure,
                             "squeue: " + output->status.describe() + ": " + trim(output->err));
        }
        const std::string line = firstLine(output->out);
        if (line.empty()) return std::optional<JobState>{};
        const auto fields = split(line, '|');
        JobState state{.state = firstWord(fields.at(0))};
        if (fields.size() > 1 && fields[1] != "(null)") state.node = fields[1];
        if (fields.size() > 2 && fields[2] != "None") state.reason = fields[2];
        return std::optional<JobState>{state};
    }

    // After the job left squeue: scontrol (while the controller remembers it), then the
    // job-completion log (sacct -c, no accounting daemon needed), then accounting (sacct).
    std::optional<JobState> finishedState() const {
        if (auto output = slurm({"scontrol", "--oneliner", "show", "job", m_jobId});
            output && output->status.success()) {
            JobState state;
            for (const std::string& token : split(firstLine(output->out), ' ')) {
                const auto equals = token.find('=');
                if (equals == std::string::npos) continue;
                const std::string key = token.substr(0, equals);
                const std::string value = token.substr(equals + 1);
                if (key == "JobState")
                    state.state = value;
                else if (key == "Reason" && value != "None")
                    state.reason = value;
                else if (key == "ExitCode")
                    state.exitCode = value;
                else if (key == "NodeList" && value != "(null)")
                    state.node = value;
            }
            if (!state.state.empty()) return state;
        }
        for (const bool completionLog : {true, false}) {
            std::vector<std::string> command = {"sacct", "--noheader", "--parsable2",
                                                "--jobs=" + m_jobId,
                                                "--format=State,NodeList,ExitCode"};
            command.insert(command.begin() + 1, completionLog ? "--completion" : "--allocations");
            auto output = slurm(command);
            if (!output || !output->status.success()) continue;
            const std::string line = firstLine(output->out);
            if (line.empty()) continue;
            const auto fields = split(line, '|');
            JobState state{.state = firstWord(fields.at(0))};
            if (fields.size() > 1 && fields[1] != "None assigned") state.node = fields[1];
            if (fields.size() > 2) state.exitCode = fields[2];
            if (!state.state.empty()) return state;
        }
        return std::nullopt;
    }

    // The result file appears late on a network file system: give it a moment.
    bool waitForResult() {
        const auto deadline = Clock::now() + m_settings.resultGrace;
        while (!m_files.hasResult()) {
            if (Clock::now() >= deadline || m_cancel.cancelled()) return false;
            std::this_thread::sleep_for(milliseconds(100));
        }
        return true;
    }

    Watched finishedWithResult() {
        if (m_node.empty()) {
            if (auto state = finishedState(); state) m_node = state->node;
        }
        return {Ending::Result, {}};
    }

    Watched ended(const std::optional<JobState>& state, const fs::path& log) {
        if (state && !state->node.empty()) m_node = state->node;
        if (waitForResult()) return finishedWithResult();
        if (!state) {
            return {Ending::Retry,
                    "Slurm job " + m_jobId +
                        " vanished (not in squeue, scontrol or sacct) without a result"};
        }
        std::string reason = "Slurm job " + m_jobId + " ended " + state->state;
        if (!state->reason.empty()) reason += " (" + state->reason + ")";
        if (!state->exitCode.empty()) reason += ", exit code " + state->exitCode;
        if (!m_node.empty()) reason += " on " + m_node;
        reason += ", without writing " + m_files.result.string();
        if (state->state == "CANCELLED") reason += " (cancelled outside perfnas?)";
        if (isRetryable(state->state)) return {Ending::Retry, reason};
        if (const std::string tail = fileTail(log); !tail.empty())
            reason += "; the end of " + log.string() + ":\n" + tail;
        return {Ending::Failed, reason};
    }

    Watched cancelJob() {
        if (auto output = slurm({"scancel", m_jobId}); !output || !output->status.success()) {
            const std::string why = output ? trim(output->err) : output.error().message;
            return {Ending::CancelledHere, "scancel " + m_jobId + " failed: " + why};
        }
        // Wait (bounded) for the job to end, so a resumed trial never shares its folder with it.
        const auto deadline = Clock::now() + m_settings.cancelWait;
        while (Clock::now() < deadline) {
            auto queued = squeue();
            if (queued && (!*queued || isTerminal((*queued)->state))) break;
            std::this_thread::sleep_for(milliseconds(200));
        }
        return {Ending::CancelledHere, {}};
    }

    void sleepUnlessCancelled(milliseconds duration) const {
        const auto deadline = Clock::now() + duration;
        while (Clock::now() < deadline && !m_cancel.cancelled()) {
            std::this_thread::sleep_for(std::min(milliseconds(100), duration));
        }
    }

    const SlurmSettings& m_settings;
    const TrialFiles& m_files;
    std::string m_jobId;
    const CancelToken& m_cancel;
    std::string m_node;
};

}  // namespace

SlurmExecutor::SlurmExecutor(SlurmSettings settings) : m_settings(std::move(settings)) {
    if (m_settings.perfnasPath.empty())
        m_settings.perfnasPath = SubprocessExecutor::currentExecutable();
    m_settings.maxSubmissions = std::max(1, m_settings.maxSubmissions);
}

std::vector<std::string> SlurmExecutor::submitCommand(int trialId, const fs::path& folder,
                                                      const fs::path& script) const {
    const SlurmJobOptions& job = m_settings.job;
    std::vector<std::string> command = {
        "sbatch",
        "--parsable",
        "--no-requeue",  // resubmission is ours: once, with the reason kept
        "--job-name=" + m_settings.jobName + "-t" + std::to_string(trialId),
        "--chdir=" + folder.string(),
        "--output=" + (folder / "slurm-%j.log").string(),
        "--ntasks=1",
        "--cpus-per-task=" + std::to_string(std::max(1, job.cpusPerTrial))};
    if (!job.partition.empty()) command.push_back("--partition=" + job.partition);
    if (!job.account.empty()) command.push_back("--account=" + job.account);
    if (!job.timeLimit.empty()) command.push_back("--time=" + job.timeLimit);
    command.insert(command.end(), job.options.begin(), job.options.end());
    command.push_back(script.string());
    return command;
}

TrialReport SlurmExecutor::run(const TrialRequest& request,
                               const TrainingProgressCallback& progress,
                               const CancelToken& cancel) {
    try {
        return runChecked(request, progress, cancel);
    } catch (const std::exception& error) {
        return {.trialId = request.trialId,
                .failure =
                    makeError(ErrorCode::Internal, std::string("Slurm executor: ") + error.what())};
    }
}

TrialReport SlurmExecutor::runChecked(const TrialRequest& request,
                                      const TrainingProgressCallback& progress,
                                      const CancelToken& cancel) {
    TrialReport report{.trialId = request.trialId, .host = "slurm"};
    // torch threads beyond the CPUs Slurm grants would only contend.
    TrialRequest job = request;
    const int cpus = std::max(1, m_settings.job.cpusPerTrial);
    if (job.training.threads <= 0 || job.training.threads > cpus) job.training.threads = cpus;

    const TrialFiles files = TrialFiles::under(m_settings.workFolder, request.trialId);
    const fs::path script = files.folder / "job.sh";
    std::vector<std::string> reasons;
    for (int submission = 1; submission <= m_settings.maxSubmissions; ++submission) {
        if (cancel.cancelled()) {
            report.training.outcome = TrainingOutcome::Cancelled;
            return report;
        }
        if (auto prepared = files.prepare(job); !prepared) {
            report.failure = prepared.error();
            return report;
        }
        const std::string body = "#!/bin/sh\n# perfnas trial " + std::to_string(request.trialId) +
                                 ", submitted by SlurmExecutor\nexec " +
                                 shellQuote(m_settings.perfnasPath.string()) + " trial --spec " +
                                 shellQuote(files.request.string()) + " --out " +
                                 shellQuote(files.result.string()) + "\n";
        if (auto written = writeFileAtomically(script, body); !written) {
            report.failure = written.error();
            return report;
        }
        const auto command = submitCommand(request.trialId, files.folder, script);
        auto submitted = runCommand(command, m_settings.commandTimeout, m_settings.environment);
        if (!submitted || !submitted->status.success()) {
            const std::string why = submitted
                                        ? submitted->status.describe() + ": " + trim(submitted->err)
                                        : submitted.error().message;
            report.failure =
                makeError(ErrorCode::IoFailure, describeCommand(command) + " failed: " + why);
            return report;
        }
        // --parsable prints "jobid" or "jobid;cluster".
        const std::string jobId =
            trim(firstLine(submitted->out).substr(0, firstLine(submitted->out).find(';')));
        if (jobId.empty() ||
            !std::all_of(jobId.begin(), jobId.end(), [](char c) { return c >= '0' && c <= '9'; })) {
            report.failure = makeError(
                ErrorCode::IoFailure, "sbatch printed no job id: \"" + trim(submitted->out) + "\"");
            return report;
        }
        report.host = "slurm:" + jobId;

        JobWatch watch(m_settings, files, jobId, cancel);
        const Watched outcome = watch.watch(progress);
        const std::string host =
            "slurm:" + jobId + (watch.node().empty() ? "" : "@" + watch.node());
        report.host = host;
        switch (outcome.ending) {
            case Ending::Result: {
                auto written = files.readResult(request.trialId);
                if (!written) {
                    report.failure = written.error();
                    return report;
                }
                const bool cancelledOutside =
                    !written->failure && written->training.outcome == TrainingOutcome::Cancelled &&
                    !cancel.cancelled();
                if (!cancelledOutside) {
                    report = *written;
                    report.host = host;
                    return report;
                }
                reasons.push_back(
                    "Slurm job " + jobId +
                    " was cancelled outside perfnas (scancel?) before the trial ended");
                break;
            }
            case Ending::CancelledHere:
                report.training.outcome = TrainingOutcome::Cancelled;
                return report;
            case Ending::Retry:
                reasons.push_back(outcome.reason);
                break;
            case Ending::Failed:
                report.failure = makeError(ErrorCode::Internal, outcome.reason);
                return report;
        }
    }
    std::string message = "no result after " + std::to_string(m_settings.maxSubmissions) +
                          " Slurm submission" + (m_settings.maxSubmissions > 1 ? "s" : "") + ": ";
    for (std::size_t i = 0; i < reasons.size(); ++i) message += (i ? "; " : "") + reasons[i];
    report.failure = makeError(ErrorCode::Internal, message);
    return report;
}

}  // namespace perfnas
