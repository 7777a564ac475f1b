#include "ui/benchmark/BenchmarkJob.h"

#include <QString>
#include <chrono>
#include <nlohmann/json.hpp>

#include "core/search/ExperimentSummary.h"

namespace perfnas::ui {
namespace {

// The worker's whole job; an Error return becomes `failed`.
Result<std::vector<BenchmarkRecord>> runBenchmark(const BenchmarkRequest& request,
                                                  const ProgressCallback& progress,
                                                  const CancelToken& cancel) {
    auto store = ExperimentStore::open(request.file, ExperimentStore::Access::ReadWrite);
    if (!store) return store.error();
    auto summary = ExperimentSummary::load(**store);
    if (!summary) return summary.error();
    // As `perfnas bench`: the seed first, stored as trial 0; speed-ups are relative to it.
    std::vector<int> ids = {0};
    std::vector<ArchitectureSpec> specs = {summary->config.seed};
    for (int id : request.trialIds) {
        if (id == 0 || id == summary->seedTrialId) continue;
        const TrialRecord* trial = summary->trial(id);
        if (!trial)
            return makeError(ErrorCode::InvalidInput,
                             "trial " + std::to_string(id) + " is not in the experiment");
        auto spec = ArchitectureSpec::fromJson(trial->specJson);
        if (!spec)
            return makeError(ErrorCode::InvalidInput,
                             "trial " + std::to_string(id) + ": " + spec.error().message);
        ids.push_back(id);
        specs.push_back(*spec);
    }
    LatencySettings settings = request.settings;
    settings.device = request.target == "cuda" ? ComputeDevice::Cuda : ComputeDevice::Cpu;
    auto measured = LatencyBenchmark::measure(specs, settings, progress, cancel);
    if (!measured) return measured.error();
    const std::string device = LatencyBenchmark::describe(settings);
    for (std::size_t i = 0; i < ids.size(); ++i) {
        const LatencyStatistics& s = (*measured)[i];
        const nlohmann::json details = {
            {"device", device}, {"threads", settings.threads}, {"samples_ms", s.samplesMs}};
        BenchmarkRecord record{.trialId = ids[i],
                               .target = request.target,
                               .runs = s.runs,
                               .medianMs = s.medianMs,
                               .p90Ms = s.p90Ms,
                               .meanMs = s.meanMs,
                               .coefficientOfVariation = s.coefficientOfVariation,
                               .detailsJson = details.dump()};
        if (auto added = (*store)->addBenchmark(record); !added) return added.error();
    }
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
