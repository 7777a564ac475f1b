#pragma once
// RefinementPanel: the refinement suggestions of the latest phase (docs/method.md step 4) with
// their share as a bar, a Freeze button per suggestion and one for a multi-selection, and the
// parameters already frozen (locked). It only requests: freezeRequested carries the chosen values.
// GUI thread.
#include <QWidget>
#include <vector>

#include "core/search/ExperimentPlanner.h"
#include "ui/common/CoreMetaTypes.h"

class QLabel;
class QPushButton;
class QTableWidget;

namespace perfnas::ui {

class RefinementPanel : public QWidget {
    Q_OBJECT
public:
    explicit RefinementPanel(QWidget* parent = nullptr);

    void setSummary(const SummaryPtr& summary);
    QTableWidget* table() const { return m_table; }
    QPushButton* freezeButton(int row) const;  // the row's own Freeze button
    QPushButton* freezeSelectedButton() const { return m_freezeSelected; }
    QString frozenText() const;

Q_SIGNALS:
    void freezeRequested(const std::vector<perfnas::Freeze>& freezes);

private:
    void freezeSelected();

    std::vector<Suggestion> m_suggestions;
    QLabel* m_heading;
    QTableWidget* m_table;
    QPushButton* m_freezeSelected;
    QLabel* m_frozen;
};

}  // namespace perfnas::ui

Q_DECLARE_METATYPE(std::vector<perfnas::Freeze>)
