#pragma once
// HypervolumeChartView: the experiment's hypervolume against wall-clock minutes
// (core/search/HypervolumeHistory.h), as a step line coloured by the phase whose candidate
// finished, so a user sees whether the search still improves or has levelled off. The latest
// value and how long it has held are written under the chart. GUI thread.
#include <QChartView>
#include <map>

#include "ui/common/CoreMetaTypes.h"

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

private:
    QValueAxis* m_minutes;
    QValueAxis* m_hypervolume;
    std::map<int, QLineSeries*> m_series;  // by phase id
};

}  // namespace perfnas::ui
