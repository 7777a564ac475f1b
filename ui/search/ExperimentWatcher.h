#pragma once
// ExperimentWatcher: follows an experiment file read-only, for files this process writes and for
// files a CLI search writes. Its own thread polls the store's dataVersion() and reloads the
// ExperimentSummary there when the file changed; the GUI thread only receives summaryLoaded.
#include <QObject>
#include <QThread>
#include <filesystem>
#include <functional>

#include "ui/common/CoreMetaTypes.h"

namespace perfnas::ui {

class ExperimentWatcher : public QObject {
    Q_OBJECT
public:
    explicit ExperimentWatcher(std::filesystem::path file, int intervalMs = 250,
                               QObject* parent = nullptr);
    ~ExperimentWatcher() override;  // stops polling and joins the thread

    const std::filesystem::path& file() const { return m_file; }
    // Polls at once (after a change this process made), without waiting for the interval.
    void refresh();

Q_SIGNALS:
    void summaryLoaded(const perfnas::ui::SummaryPtr& summary);
    // The file could not be opened or read; sent once per distinct message, polling goes on.
    void loadFailed(const QString& message);

private:
    std::filesystem::path m_file;
    QThread m_thread;
    QObject* m_worker = nullptr;   // lives in m_thread
    std::function<void()> m_poll;  // runs on m_thread only
};

}  // namespace perfnas::ui
