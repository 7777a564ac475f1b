#include "ui/benchmark/BenchmarkJob.h"

#include <QString>

#include "core/search/ExperimentBenchmark.h"
#include "ui/common/BackgroundWork.h"

namespace perfnas::ui {
namespace {

// The worker's whole job; an Error return becomes `failed`. A board that could not be reached
// stored a failed record per model; it fails the job with the connection's reason.
Result<std::vector<BenchmarkRecord>> runBenchmark(const BenchmarkRequest& request,
                                                  const ProgressCallback& progress,
                                                  const CancelToken& cancel) {
    auto store = ExperimentStore::open(request.file, ExperimentStore::Access::ReadWrite);
    if (!store) return store.error();
    auto summary = ExperimentSummary::load(**store);
    if (!summary) return summary.error();
    auto run =
        benchmarkExperiment(**store, *summary, request.target, request.trialIds, progress, cancel);
    if (!run) return run.error();
    if (!run->connected) return makeError(ErrorCode::IoFailure, run->models.front().error);
    return (*store)->benchmarks();
}

}  // namespace

BenchmarkJob::BenchmarkJob(QObject* parent) : QObject(parent) {
    connect(&m_watcher, &QFutureWatcher<Result<std::vector<BenchmarkRecord>>>::finished, this,
            [this] {
                const Result<std::vector<BenchmarkRecord>> outcome = m_watcher.result();
                if (outcome)
                    Q_EMIT finished(*outcome);
                else
                    Q_EMIT failed(QString::fromStdString(outcome.error().message));
            });
}

BenchmarkJob::~BenchmarkJob() {
    m_cancel.cancel();
    m_watcher.waitForFinished();
}

void BenchmarkJob::start(BenchmarkRequest request) {
    if (isRunning()) return;
    m_cancel = CancelToken();
    auto progress = queuedProgress(this, [this](std::size_t done, std::size_t total) {
        Q_EMIT progressed(static_cast<int>(done), static_cast<int>(total));
    });
    m_watcher.setFuture(runInBackground<std::vector<BenchmarkRecord>>(
        "the benchmark", [request = std::move(request), progress, cancel = m_cancel] {
            return runBenchmark(request, progress, cancel);
        }));
}

void BenchmarkJob::cancel() { m_cancel.cancel(); }

}  // namespace perfnas::ui
