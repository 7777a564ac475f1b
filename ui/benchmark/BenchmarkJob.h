#pragma once
// BenchmarkJob: one latency benchmark of an experiment's models (the seed always first) on a
// target (core/search/ExperimentBenchmark.h, as `perfnas bench`), run in the background
// (ui/common/BackgroundWork.h) with its own ExperimentStore connection: measures, stores one
// BenchmarkRecord per model, reads the file's records back and reports them with finished.
// Signals arrive on the job's (GUI) thread; progress is throttled to ~10 Hz. Destroying the job
// cancels and waits for it.
#include <QFutureWatcher>
#include <QObject>
#include <filesystem>
#include <string>
#include <vector>

#include "core/common/CancelToken.h"
#include "core/search/ExperimentBenchmark.h"

namespace perfnas::ui {

struct BenchmarkRequest {
    std::filesystem::path file;  // the experiment
    BenchmarkTarget target;      // local, cuda or a board
    std::vector<int> trialIds;   // the models; the seed is measured first in any case
};

class BenchmarkJob : public QObject {
    Q_OBJECT
public:
    explicit BenchmarkJob(QObject* parent = nullptr);
    ~BenchmarkJob() override;

    bool isRunning() const { return m_watcher.isRunning(); }
    // Ignored while running.
    void start(BenchmarkRequest request);
    void cancel();  // finished or failed follows within one round of runs

Q_SIGNALS:
    void progressed(int done, int total);
    // Every benchmark record of the file after this run stored its own.
    void finished(const std::vector<perfnas::BenchmarkRecord>& records);
    void failed(const QString& message);

private:
    CancelToken m_cancel;
    QFutureWatcher<Result<std::vector<BenchmarkRecord>>> m_watcher;
};

}  // namespace perfnas::ui
