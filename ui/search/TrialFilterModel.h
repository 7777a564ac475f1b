#pragma once
// TrialFilterModel: sorts a TrialTableModel by its SortRole (numbers sort as numbers) and filters
// rows by phase, state and Pareto membership. GUI thread.
#include <QSortFilterProxyModel>
#include <optional>

#include "core/storage/ExperimentStore.h"

namespace perfnas::ui {

class TrialFilterModel : public QSortFilterProxyModel {
    Q_OBJECT
public:
    explicit TrialFilterModel(QObject* parent = nullptr);

    void setPhaseFilter(int phaseId);  // 0: every phase
    void setStateFilter(std::optional<TrialState> state);
    void setParetoOnly(bool paretoOnly);
    int phaseFilter() const { return m_phaseId; }
    std::optional<TrialState> stateFilter() const { return m_state; }
    bool paretoOnly() const { return m_paretoOnly; }

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const override;

private:
    int m_phaseId = 0;
    std::optional<TrialState> m_state;
    bool m_paretoOnly = false;
};

}  // namespace perfnas::ui
