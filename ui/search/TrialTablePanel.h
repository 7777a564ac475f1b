#pragma once
// TrialTablePanel: the trial table with its filter bar (phase, state, Pareto only). Selecting a
// row emits trialSelected; selectTrial() selects a trial chosen elsewhere (the chart). GUI thread.
#include <QWidget>

#include "ui/common/CoreMetaTypes.h"

class QCheckBox;
class QComboBox;
class QLabel;
class QTableView;

namespace perfnas::ui {

class TrialFilterModel;
class TrialTableModel;

class TrialTablePanel : public QWidget {
    Q_OBJECT
public:
    explicit TrialTablePanel(QWidget* parent = nullptr);

    void setSummary(const SummaryPtr& summary);
    void selectTrial(int trialId);
    int selectedTrial() const;  // 0: none

    TrialTableModel* model() const { return m_model; }
    TrialFilterModel* filterModel() const { return m_filter; }
    QTableView* view() const { return m_view; }

Q_SIGNALS:
    void trialSelected(int trialId);

private:
    void updatePhaseChoices(const ExperimentSummary& summary);

    TrialTableModel* m_model;
    TrialFilterModel* m_filter;
    QTableView* m_view;
    QComboBox* m_phase;
    QComboBox* m_state;
    QCheckBox* m_paretoOnly;
    QLabel* m_key;  // what bold and grey rows mean
    bool m_selecting = false;
    int m_sortColumn = 0;  // the column sorted by, to spot a click on a new one
};

}  // namespace perfnas::ui
