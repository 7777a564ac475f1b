#pragma once
// TrialExecutor: where trials run. run() executes one trial to its end on the calling thread and
// is called from several worker threads at once, so implementations are thread-safe. Failures are
// reported in the TrialReport, never thrown. Cancellation ends the trial as Cancelled.
#include <string>

#include "core/common/CancelToken.h"
#include "core/execution/TrialRequest.h"
#include "core/training/Trainer.h"

namespace perfnas {

class TrialExecutor {
public:
    virtual ~TrialExecutor() = default;
    virtual std::string name() const = 0;  // "inprocess", "subprocess", "slurm"
    virtual TrialReport run(const TrialRequest& request, const TrainingProgressCallback& progress,
                            const CancelToken& cancel) = 0;
};

}  // namespace perfnas
