#pragma once
// HypervolumeChartView: the experiment's hypervolume against wall-clock minutes
// (core/search/HypervolumeHistory.h), as a step line coloured by the phase whose candidate
// finished, so a user sees whether the search still improves or has levelled off. The latest
// value and when it last improved are the chart's title. Recomputed only while shown (a hidden
// tab keeps the latest summary and draws it when it appears). GUI thread.
#include <QChartView>
#include <map>

#include "ui/common/CoreMetaTypes.h"
#include "ui/common/SummaryWhenShown.h"

class QLineSeries;
class QValueAxis;

namespace perfnas::ui {

class HypervolumeChartView : public QChartView {
    Q_OBJECT
public:
    explicit HypervolumeChartView(QWidget* parent = nullptr);

    void setSummary(const SummaryPtr& summary);
    // For tests: the step line of a phase (nullptr: none), and the caption.
    const QLineSeries* seriesOf(int phaseId) const;
    QString caption() const;

protected:
    void showEvent(QShowEvent* event) override;

private:
    void redraw(const SummaryPtr& summary);

    SummaryWhenShown m_pending{this, [this](const SummaryPtr& summary) { redraw(summary); }};
    QValueAxis* m_minutes;
    QValueAxis* m_hypervolume;
    std::map<int, QLineSeries*> m_series;  // by phase id
};

}  // namespace perfnas::ui
