#pragma once
// ExportDialog: what a user takes away from an experiment — the report (Table I / II with
// measured latencies; Markdown, CSV, LaTeX or HTML, as `perfnas report`) and a trial's model
// (ONNX or torch, as `perfnas export`). Exports run off the GUI thread; the outcome shows in the
// dialog and arrives as exportFinished. GUI thread.
#include <QDialog>
#include <QFutureWatcher>
#include <filesystem>
#include <functional>

#include "ui/common/CoreMetaTypes.h"

class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;

namespace perfnas::ui {

class ExportDialog : public QDialog {
    Q_OBJECT
public:
    ExportDialog(std::filesystem::path experimentFile, SummaryPtr summary,
                 QWidget* parent = nullptr);
    ~ExportDialog() override;

    // What the buttons do, with the dialog's choices given directly (tests, scripts).
    void exportReport(const QString& format, const QString& file);  // "md", "csv", "latex", "html"
    void exportModel(int trialId, const QString& format, const QString& folder);  // "onnx", "torch"
    bool isBusy() const { return m_work.isRunning(); }

Q_SIGNALS:
    void exportFinished(bool ok, const QString& message);

private:
    struct Outcome {
        bool ok = false;
        QString message;
    };
    void startWork(std::function<Outcome()> work);

    std::filesystem::path m_file;
    SummaryPtr m_summary;
    QFutureWatcher<Outcome> m_work;
    QComboBox* m_reportFormat;
    QLineEdit* m_reportFile;
    QComboBox* m_model;
    QComboBox* m_modelFormat;
    QLineEdit* m_modelFolder;
    QPushButton* m_reportButton;
    QPushButton* m_modelButton;
    QLabel* m_status;
};

}  // namespace perfnas::ui
