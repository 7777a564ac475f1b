#pragma once
// TrialTableModel: one row per trial of a summary (by id): phase, state, validation and test
// TOP-1, cost, parameters, architecture (Table II notation), training time, Pareto membership and
// the reason a trial failed. A new summary of the same file updates rows in place and appends new
// ones, so selections survive live updates. Sorting and filtering: TrialFilterModel. GUI thread.
#include <QAbstractTableModel>
#include <unordered_map>
#include <unordered_set>

#include "ui/common/CoreMetaTypes.h"

namespace perfnas::ui {

class TrialTableModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column {
        Id,
        Phase,
        State,
        Rung,
        ValidationTop1,
        TestTop1,
        Cost,
        Params,
        Architecture,
        Seconds,
        Pareto,
        Reason,
        ColumnCount
    };
    enum Role {
        SortRole = Qt::UserRole + 1,  // numbers for numeric columns
        TrialIdRole,
        PhaseIdRole,
        StateRole,   // int(TrialState)
        ParetoRole,  // bool
    };

    explicit TrialTableModel(QObject* parent = nullptr);

    void setSummary(SummaryPtr summary);
    const SummaryPtr& summary() const { return m_summary; }
    int rowOfTrial(int trialId) const;  // -1 when absent
    const TrialRecord* trialAt(int row) const;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;
    // Every row and column as CSV (RFC 4180): numbers unformatted (TOP-1 as a fraction), for
    // analysis elsewhere.
    QString toCsv() const;

private:
    QString notationAt(int row) const;

    SummaryPtr m_summary;
    std::unordered_set<int> m_frontier;
    std::unordered_map<int, QString> m_phaseLabels;
    std::unordered_map<int, int> m_rowOfTrial;
    mutable std::vector<QString>
        m_notations;  // filled lazily: parsing 10,000 specs up front is slow
    mutable std::vector<bool> m_notationKnown;
};

}  // namespace perfnas::ui
