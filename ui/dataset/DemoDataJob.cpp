#include "ui/dataset/DemoDataJob.h"

#include "ui/common/BackgroundWork.h"

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
    auto progress = queuedProgress(this, [this](std::size_t done, std::size_t total) {
        Q_EMIT progressed(static_cast<qint64>(done), static_cast<qint64>(total));
    });
    m_watcher.setFuture(
        runInBackground<DemoDataReport>("demo data", [options, progress, cancel = m_cancel] {
            return DemoDataSynthesizer::synthesize(options, progress, cancel);
        }));
}

}  // namespace perfnas::ui
