#pragma once
// ImportancePanel: which free parameters matter (core/search/ParameterImportance.h): one row per
// parameter, its share of the importance for the Pareto set and for TOP-1 alone, drawn as a bar
// behind the figure, most important first. Beside the refinement suggestions: a parameter that
// matters little can be frozen at its cheapest value. Recomputed only while shown. GUI thread.
#include <QWidget>

#include "ui/common/CoreMetaTypes.h"
#include "ui/common/SummaryWhenShown.h"

class QLabel;
class QTableWidget;

namespace perfnas::ui {

class ImportancePanel : public QWidget {
    Q_OBJECT
public:
    explicit ImportancePanel(QWidget* parent = nullptr);

    void setSummary(const SummaryPtr& summary);
    QTableWidget* table() const { return m_table; }
    QString headingText() const;

protected:
    void showEvent(QShowEvent* event) override;

private:
    void refresh(const SummaryPtr& summary);

    SummaryWhenShown m_pending{this, [this](const SummaryPtr& summary) { refresh(summary); }};
    QLabel* m_heading;
    QTableWidget* m_table;
};

}  // namespace perfnas::ui
