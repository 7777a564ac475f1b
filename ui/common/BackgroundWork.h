#pragma once
// The studio's idiom for one-shot background work (docs/architecture.md, "Threads and
// processes"): the work runs on Qt's global thread pool through QtConcurrent::run, its Result
// comes back on the GUI thread through a QFutureWatcher the caller owns, and its progress through
// queuedProgress. Anything thrown becomes an Error, so nothing escapes a pool thread. Long-lived
// workers are QThreads (ExperimentSession's runner, ExperimentWatcher's poller).
#include <QMetaObject>
#include <QObject>
#include <QtConcurrent/QtConcurrentRun>
#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "core/common/Progress.h"
#include "core/common/Result.h"

namespace perfnas::ui {

// A ProgressCallback for any thread that calls `onGuiThread(done, total)` on `receiver`'s thread,
// at most about 10 times a second (the last report, done == total, always).
inline ProgressCallback queuedProgress(QObject* receiver,
                                       std::function<void(std::size_t, std::size_t)> onGuiThread) {
    auto last = std::make_shared<std::atomic<std::int64_t>>(0);
    return [receiver, onGuiThread = std::move(onGuiThread), last](std::size_t done,
                                                                  std::size_t total) {
        const std::int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                                     std::chrono::steady_clock::now().time_since_epoch())
                                     .count();
        std::int64_t previous = last->load();
        if (done < total && (now - previous < 100 || !last->compare_exchange_strong(previous, now)))
            return;
        QMetaObject::invokeMethod(
            receiver, [onGuiThread, done, total] { onGuiThread(done, total); },
            Qt::QueuedConnection);
    };
}

// Runs `work` (returning Result<T>) on the pool; `what` names it in the error of an exception.
template <typename T, typename Work>
QFuture<Result<T>> runInBackground(std::string what, Work work) {
    return QtConcurrent::run([what = std::move(what), work = std::move(work)]() -> Result<T> {
        try {
            return work();
        } catch (const std::exception& error) {
            return makeError(ErrorCode::Internal, what + " stopped: " + error.what());
        } catch (...) {
            return makeError(ErrorCode::Internal, what + " stopped on an unknown error");
        }
    });
}

}  // namespace perfnas::ui
