#pragma once
// InProcessExecutor: trials train on threads of this process, sharing one loaded FeatureSet
// (read-only, so concurrent trials need no locking). The default backend.
#include "core/dataset/FeatureSet.h"
#include "core/execution/TrialExecutor.h"

namespace perfnas {

class InProcessExecutor final : public TrialExecutor {
public:
    explicit InProcessExecutor(const FeatureSet& features)
        : m_features(features) {}  // must outlive this
    std::string name() const override { return "inprocess"; }
    TrialReport run(const TrialRequest& request, const TrainingProgressCallback& progress,
                    const CancelToken& cancel) override;

    // One trial on `features` (also what a `perfnas trial` worker process runs).
    static TrialReport runOn(const FeatureSet& features, const TrialRequest& request,
                             const TrainingProgressCallback& progress, const CancelToken& cancel);

private:
    const FeatureSet& m_features;
};

}  // namespace perfnas
