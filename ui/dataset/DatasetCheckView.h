#pragma once
// DatasetCheckView: validates a dataset folder on the spot — counts per class and split, and the
// files that will be skipped with the reason — by scanning it (no audio decoding) on a pool
// thread. Requests are debounced; only the latest result is shown. GUI thread.
#include <QFutureWatcher>
#include <QWidget>

#include "core/dataset/DatasetScanner.h"

class QLabel;
class QPlainTextEdit;
class QTableWidget;
class QTimer;

namespace perfnas::ui {

class DatasetCheckView : public QWidget {
    Q_OBJECT
public:
    explicit DatasetCheckView(QWidget* parent = nullptr);
    ~DatasetCheckView() override;

    void check(const DatasetOptions& options);  // debounced
    bool isValid() const { return m_valid; }
    QString statusText() const;
    QTableWidget* countsTable() const { return m_counts; }

Q_SIGNALS:
    void checked(bool valid);

private:
    void scanNow();
    void show(const Result<DatasetIndex>& index);

    DatasetOptions m_options;
    bool m_valid = false;
    QTimer* m_debounce;
    QFutureWatcher<Result<DatasetIndex>> m_watcher;
    bool m_rescan = false;
    QLabel* m_status;
    QTableWidget* m_counts;
    QPlainTextEdit* m_skipped;
};

}  // namespace perfnas::ui
