#include "ui/search/ExperimentWatcher.h"

#include <QTimer>

namespace perfnas::ui {

namespace {
// Everything the polling thread touches; only that thread uses it while it runs.
struct PollState {
    std::filesystem::path file;
    std::unique_ptr<ExperimentStore> store;
    std::int64_t lastVersion = -1;
    std::string lastError;
};
}  // namespace

ExperimentWatcher::ExperimentWatcher(std::filesystem::path file, int intervalMs, QObject* parent)
    : QObject(parent), m_file(std::move(file)) {
    qRegisterMetaType<perfnas::ui::SummaryPtr>();
    m_thread.setObjectName("ExperimentWatcher");
    m_worker = new QObject;
    auto* timer = new QTimer(m_worker);  // before moveToThread: children move with their parent
    timer->setInterval(intervalMs);
    m_worker->moveToThread(&m_thread);
    auto state = std::make_shared<PollState>();
    state->file = m_file;

    // Runs on the polling thread: reopen after failures, reload only when the file changed.
    auto poll = [this, state] {
        auto fail = [&](const Error& error) {
            state->store.reset();
            if (error.message == state->lastError) return;
            state->lastError = error.message;
            QMetaObject::invokeMethod(
                this,
                [this, message = QString::fromStdString(error.message)] {
                    Q_EMIT loadFailed(message);
                },
                Qt::QueuedConnection);
        };
        if (!state->store) {
            auto opened = ExperimentStore::open(state->file, ExperimentStore::Access::ReadOnly);
            if (!opened) return fail(opened.error());
            state->store = std::move(*opened);
            state->lastVersion = -1;
        }
        auto version = state->store->dataVersion();
        if (!version) return fail(version.error());
        if (*version == state->lastVersion) return;
        auto summary = ExperimentSummary::load(*state->store);
        if (!summary) return fail(summary.error());
        state->lastVersion = *version;
        state->lastError.clear();
        auto shared = std::make_shared<const ExperimentSummary>(std::move(*summary));
        QMetaObject::invokeMethod(
            this, [this, shared] { Q_EMIT summaryLoaded(shared); }, Qt::QueuedConnection);
    };
    m_poll = poll;
    connect(timer, &QTimer::timeout, m_worker, poll);
    connect(&m_thread, &QThread::started, m_worker, [timer, poll] {
        poll();
        timer->start();
    });
    connect(&m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    m_thread.start();
}

ExperimentWatcher::~ExperimentWatcher() {
    m_thread.quit();
    m_thread.wait();
}

void ExperimentWatcher::refresh() {
    QMetaObject::invokeMethod(m_worker, m_poll, Qt::QueuedConnection);
}

}  // namespace perfnas::ui
