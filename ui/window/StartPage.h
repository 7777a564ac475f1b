#pragma once
// StartPage: what the studio shows without an experiment — new experiment, open a file, recent
// files, and the demo experiment (with the demo-data progress on first use). It only requests;
// MainWindow acts. GUI thread.
#include <QWidget>

class QLabel;
class QListWidget;
class QProgressBar;
class QPushButton;

namespace perfnas::ui {

class StartPage : public QWidget {
    Q_OBJECT
public:
    explicit StartPage(QWidget* parent = nullptr);

    void setRecentFiles(const QStringList& files);
    void setDemoBusy(bool busy, const QString& status = {});
    void setDemoProgress(qint64 done, qint64 total);
    QListWidget* recentList() const { return m_recent; }
    QPushButton* demoButton() const { return m_demo; }

Q_SIGNALS:
    void newRequested();
    void openRequested();
    void openFileRequested(const QString& file);
    void demoRequested();

private:
    QPushButton* m_demo;
    QListWidget* m_recent;
    QProgressBar* m_demoProgress;
    QLabel* m_demoStatus;
};

}  // namespace perfnas::ui
