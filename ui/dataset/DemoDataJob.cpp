#include "ui/dataset/DemoDataJob.h"

#include <QtConcurrent>
#include <atomic>
#include <chrono>

namespace perfnas::ui {

DemoDataJob::DemoDataJob(QObject* parent) : QObject(parent) {
    connect(&m_watcher, &QFutureWatcher<Result<DemoDataReport>>::finished, this, [this] {
        const Result<DemoDataReport> result = m_watcher.result();
        if (!result) return Q_EMIT finished(false, QString::fromStdString(result.error().message));
        Q_EMIT finished(true, tr("%1 clips from %2 speakers in %3 (%4 s)")
                                  .arg(result->clips)
                                  .arg(result->speakers)
                                  .arg(QString::fromStdString(result->outputDir.string()))
                                  .arg(result->seconds, 0, 'f', 1));
    });
}

DemoDataJob::~DemoDataJob() {
    m_cancel.cancel();
    m_watcher.waitForFinished();
}

void DemoDataJob::start(const DemoDataOptions& options) {
    if (isRunning()) return;
    m_cancel = CancelToken();
    auto last = std::make_shared<std::atomic<std::int64_t>>(0);
    auto progress = [this, last](std::size_t done, std::size_t total) {
        const std::int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                                     std::chrono::steady_clock::now().time_since_epoch())
                                     .count();
        std::int64_t previous = last->load();
        if (done < total && (now - previous < 100 || !last->compare_exchange_strong(previous, now)))
            return;
        QMetaObject::invokeMethod(
            this,
            [this, done, total] {
                Q_EMIT progressed(static_cast<qint64>(done), static_cast<qint64>(total));
            },
            Qt::QueuedConnection);
    };
    const CancelToken cancel = m_cancel;
    m_watcher.setFuture(QtConcurrent::run([options, progress, cancel]() -> Result<DemoDataReport> {
        try {
            return DemoDataSynthesizer::synthesize(options, progress, cancel);
        } catch (const std::exception& error) {
            return makeError(ErrorCode::Internal, std::string("demo data: ") + error.what());
        }
    }));
}

}  // namespace perfnas::ui
