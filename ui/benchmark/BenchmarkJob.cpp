#include "ui/benchmark/BenchmarkJob.h"

#include <QString>
#include <chrono>

#include "core/search/ExperimentBenchmark.h"

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

BenchmarkJob::BenchmarkJob(QObject* parent) : QObject(parent) {}

BenchmarkJob::~BenchmarkJob() {
    m_cancel.cancel();
    join();
}

void BenchmarkJob::join() {
    if (m_thread.joinable()) m_thread.join();
}

void BenchmarkJob::start(BenchmarkRequest request) {
    if (m_running) return;
    join();  // the previous run's thread has posted its outcome already
    m_running = true;
    m_cancel = CancelToken();
    m_thread = std::thread([this, request = std::move(request), cancel = m_cancel] {
        using Clock = std::chrono::steady_clock;
        Clock::time_point last{};
        auto progress = [this, &last](std::size_t done, std::size_t total) {
            const Clock::time_point now = Clock::now();
            if (done != total && now - last < std::chrono::milliseconds(100)) return;
            last = now;
            QMetaObject::invokeMethod(
                this,
                [this, done, total] {
                    Q_EMIT progressed(static_cast<int>(done), static_cast<int>(total));
                },
                Qt::QueuedConnection);
        };
        Result<std::vector<BenchmarkRecord>> outcome = makeError(ErrorCode::Internal, "not run");
        try {
            outcome = runBenchmark(request, progress, cancel);
        } catch (const std::exception& error) {
            outcome = makeError(ErrorCode::Internal,
                                std::string("the benchmark stopped: ") + error.what());
        } catch (...) {
            outcome = makeError(ErrorCode::Internal, "the benchmark stopped on an unknown error");
        }
        QMetaObject::invokeMethod(
            this,
            [this, outcome = std::move(outcome)] {
                m_running = false;
                if (outcome)
                    Q_EMIT finished(*outcome);
                else
                    Q_EMIT failed(QString::fromStdString(outcome.error().message));
            },
            Qt::QueuedConnection);
    });
}

void BenchmarkJob::cancel() { m_cancel.cancel(); }

}  // namespace perfnas::ui
