#include "core/execution/SubprocessExecutor.h"

#include <unistd.h>

#include <exception>
#include <system_error>
#include <thread>

#include "core/execution/ProcessRunner.h"
#include "core/execution/TrialFiles.h"

namespace perfnas {
namespace fs = std::filesystem;

namespace {

std::string hostName() {
    char name[256] = {};
    return ::gethostname(name, sizeof name - 1) == 0 ? name : "localhost";
}

}  // namespace

SubprocessExecutor::SubprocessExecutor(SubprocessSettings settings)
    : m_settings(std::move(settings)) {
    if (m_settings.perfnasPath.empty()) m_settings.perfnasPath = currentExecutable();
}

fs::path SubprocessExecutor::currentExecutable() {
    std::error_code error;
    fs::path path = fs::read_symlink("/proc/self/exe", error);
    return error ? fs::path("perfnas") : path;
}

TrialReport SubprocessExecutor::run(const TrialRequest& request,
                                    const TrainingProgressCallback& progress,
                                    const CancelToken& cancel) {
    // Never throw into the runner's worker thread.
    try {
        return runChecked(request, progress, cancel);
    } catch (const std::exception& error) {
        return {.trialId = request.trialId,
                .failure = makeError(ErrorCode::Internal,
                                     std::string("subprocess executor: ") + error.what())};
    }
}

TrialReport SubprocessExecutor::runChecked(const TrialRequest& request,
                                           const TrainingProgressCallback& progress,
                                           const CancelToken& cancel) {
    TrialReport report{.trialId = request.trialId, .host = "subprocess@" + hostName()};
    const TrialFiles files = TrialFiles::under(m_settings.workFolder, request.trialId);
    if (auto prepared = files.prepare(request); !prepared) {
        report.failure = prepared.error();
        return report;
    }
    const fs::path log = files.folder / "worker.log";
    std::error_code ignored;
    fs::remove(log, ignored);
    const std::vector<std::string> command = {
        m_settings.perfnasPath.string(), "trial", "--spec",
        files.request.string(),          "--out", files.result.string()};
    auto child = ChildProcess::start(
        {.command = command, .environment = m_settings.environment, .outputFile = log});
    if (!child) {
        report.failure = makeError(child.error().code, "trial worker: " + child.error().message);
        return report;
    }
    report.host = "subprocess:" + std::to_string(child->pid()) + "@" + hostName();

    bool cancelled = false;
    std::optional<ExitStatus> status;
    int lastIteration = -1;
    auto lastProgressCheck = std::chrono::steady_clock::now();
    while (!(status = child->poll())) {
        if (cancel.cancelled()) {
            cancelled = true;
            status = child->stop(m_settings.killGrace);
            break;
        }
        if (progress &&
            std::chrono::steady_clock::now() - lastProgressCheck > std::chrono::seconds(1)) {
            lastProgressCheck = std::chrono::steady_clock::now();
            if (auto step = progressFromLog(log); step && step->iteration != lastIteration) {
                lastIteration = step->iteration;
                progress(*step);
            }
        }
        std::this_thread::sleep_for(m_settings.pollInterval);
    }

    if (files.hasResult()) {
        auto written = files.readResult(request.trialId);
        if (!written) {
            report.failure = written.error();
            return report;
        }
        const std::string host = report.host;
        report = *written;
        report.host = host;
        return report;
    }
    if (cancelled) {
        report.training.outcome = TrainingOutcome::Cancelled;
        return report;
    }
    std::string message = "trial worker " + describeCommand(command) + " ended with " +
                          status->describe() + " without writing " + files.result.string();
    if (const std::string tail = fileTail(log); !tail.empty())
        message += "; the end of " + log.string() + ":\n" + tail;
    report.failure = makeError(ErrorCode::Internal, message);
    return report;
}

}  // namespace perfnas
