#include "ui/search/TrialFilterModel.h"

#include "ui/search/TrialTableModel.h"

namespace perfnas::ui {

TrialFilterModel::TrialFilterModel(QObject* parent) : QSortFilterProxyModel(parent) {
    setSortRole(TrialTableModel::SortRole);
    setDynamicSortFilter(true);
}

void TrialFilterModel::setPhaseFilter(int phaseId) {
    m_phaseId = phaseId;
    invalidateFilter();
}

void TrialFilterModel::setStateFilter(std::optional<TrialState> state) {
    m_state = state;
    invalidateFilter();
}

void TrialFilterModel::setParetoOnly(bool paretoOnly) {
    m_paretoOnly = paretoOnly;
    invalidateFilter();
}

bool TrialFilterModel::filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const {
    const QModelIndex index = sourceModel()->index(sourceRow, 0, sourceParent);
    if (m_phaseId != 0 && index.data(TrialTableModel::PhaseIdRole).toInt() != m_phaseId)
        return false;
    if (m_state && index.data(TrialTableModel::StateRole).toInt() != static_cast<int>(*m_state))
        return false;
    if (m_paretoOnly && !index.data(TrialTableModel::ParetoRole).toBool()) return false;
    return true;
}

}  // namespace perfnas::ui
