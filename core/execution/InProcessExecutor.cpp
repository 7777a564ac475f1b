#include "core/execution/InProcessExecutor.h"

#include <unistd.h>

#include <exception>

namespace perfnas {

TrialReport InProcessExecutor::run(const TrialRequest& request,
                                   const TrainingProgressCallback& progress,
                                   const CancelToken& cancel) {
    TrialReport report = runOn(m_features, request, progress, cancel);
    report.host = name();
    return report;
}

TrialReport InProcessExecutor::runOn(const FeatureSet& features, const TrialRequest& request,
                                     const TrainingProgressCallback& progress,
                                     const CancelToken& cancel) {
    TrialReport report{.trialId = request.trialId};
    char hostname[256] = {};
    if (::gethostname(hostname, sizeof hostname - 1) == 0) report.host = hostname;
    // A trial must never take its experiment down: anything thrown becomes the trial's failure.
    try {
        Result<TrainingResult> result =
            request.resumeFrom.empty()
                ? Trainer::train(request.spec, features, request.training, progress, cancel)
                : Trainer::resume(request.resumeFrom, features, request.training, progress, cancel);
        if (result)
            report.training = *result;
        else
            report.failure = result.error();
    } catch (const std::exception& error) {
        report.failure =
            makeError(ErrorCode::Internal, std::string("trial crashed: ") + error.what());
    }
    return report;
}

}  // namespace perfnas
