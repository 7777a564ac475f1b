#pragma once
// TrialDetailPanel: one trial in full — architecture (Table II notation and spec JSON), accuracy
// and cost, learning curve from its stored curve, timing, attempts, host, checkpoint folder and
// the reason it failed; live iteration progress and training loss while it trains. GUI thread.
#include <QWidget>
#include <filesystem>

#include "ui/common/CoreMetaTypes.h"

class QChartView;
class QFormLayout;
class QLabel;
class QLineSeries;
class QPlainTextEdit;
class QPushButton;
class QValueAxis;

namespace perfnas::ui {

class TrialDetailPanel : public QWidget {
    Q_OBJECT
public:
    explicit TrialDetailPanel(QWidget* parent = nullptr);

    void setExperimentFile(const std::filesystem::path& file);  // resolves relative checkpoints
    // Shows `trialId` as `summary` has it (0 or unknown: an empty panel). Called again on updates.
    void showTrial(const SummaryPtr& summary, int trialId);
    void showProgress(int trialId, const TrainingProgress& progress);
    int trialId() const { return m_trialId; }
    QString headline() const;  // the title line, for tests
    QChartView* curveView() const { return m_curve; }
    QLineSeries* liveLossSeries() const { return m_liveLoss; }  // null unless a trial runs

private:
    void showCurve(const TrialRecord& trial, bool keepLiveLoss);

    std::filesystem::path m_experimentFolder;
    int m_trialId = 0;
    QLabel* m_title;
    QLabel* m_fields;
    QLabel* m_progress;
    QLabel* m_checkpoint;
    QPushButton* m_openCheckpoint;
    QChartView* m_curve;
    QLineSeries* m_liveLoss = nullptr;  // the running trial's loss, from progress reports
    QValueAxis* m_iterationAxis = nullptr;
    QValueAxis* m_lossAxis = nullptr;
    QPlainTextEdit* m_spec;
    QString m_checkpointFolder;
};

}  // namespace perfnas::ui
