#pragma once
// DemoDataJob: synthesizes the demo dataset (DemoDataSynthesizer, espeak-ng) on a pool thread.
// Progress is throttled to ~10 Hz and, like the result, arrives as signals on the job's thread.
// Nothing thrown escapes; the destructor cancels and waits.
#include <QFutureWatcher>
#include <QObject>

#include "core/dataset/DemoDataSynthesizer.h"

namespace perfnas::ui {

class DemoDataJob : public QObject {
    Q_OBJECT
public:
    explicit DemoDataJob(QObject* parent = nullptr);
    ~DemoDataJob() override;

    void start(const DemoDataOptions& options);
    void cancel() { m_cancel.cancel(); }
    bool isRunning() const { return m_watcher.isRunning(); }

Q_SIGNALS:
    void progressed(qint64 done, qint64 total);
    void finished(bool ok, const QString& message);  // message: the error, or a one-line report

private:
    CancelToken m_cancel;
    QFutureWatcher<Result<DemoDataReport>> m_watcher;
};

}  // namespace perfnas::ui
