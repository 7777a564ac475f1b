#pragma once
// FrontierChartView: validation TOP-1 (%) against cost (log scale) for every finished trial, one
// colour per phase; the Pareto frontier as a step line with crosses; the seed as a marked point
// with a band within 1 point of its accuracy (the paper's Fig. 3); fine-tuned results as stars
// (Fig. 4). Hovering a mark (within a few pixels) shows its trial in Table II notation with its
// TOP-1, cost, phase and rung; a click on one emits trialClicked. GUI thread.
#include <QChartView>
#include <map>
#include <optional>
#include <vector>

#include "ui/common/CoreMetaTypes.h"

class QAreaSeries;
class QLineSeries;
class QLogValueAxis;
class QScatterSeries;
class QValueAxis;
class QXYSeries;

namespace perfnas::ui {

class FrontierChartView : public QChartView {
    Q_OBJECT
public:
    explicit FrontierChartView(QWidget* parent = nullptr);

    void setSummary(const SummaryPtr& summary);
    void setSelectedTrial(int trialId);  // 0: none
    // The cost on the x axis: any of the summary's costAxes() (trials not measured on it are
    // left out, the frontier is the one on that cost); by default the objective's.
    void setShownCost(std::optional<CostAxis> axis);  // nullopt: the objective's
    const CostAxis& shownCost() const { return m_shownAxis; }

    // The plotted series, for tests and screenshots.
    QScatterSeries* frontierSeries() const { return m_frontier; }
    QLineSeries* frontierStepLine() const { return m_frontierLine; }
    QScatterSeries* seedSeries() const { return m_seed; }
    QScatterSeries* finetuneSeries() const { return m_finetune; }
    // Multi-fidelity search: finished trials that stopped below the top rung (hollow, grey).
    QScatterSeries* stoppedSeries() const { return m_stopped; }
    QAreaSeries* seedBand() const { return m_band; }
    QLogValueAxis* costAxis() const { return m_x; }
    QValueAxis* accuracyAxis() const { return m_y; }
    QScatterSeries* phaseSeries(int phaseId) const;
    // Trial ids in the order of a series' points (frontier, seed, fine-tune or a phase's series).
    std::vector<int> trialIdsOf(const QXYSeries* series) const;
    QString tooltipFor(int trialId) const;
    // The trial whose mark is nearest `position` (viewport pixels) within `radius`; 0: none.
    int trialNear(const QPointF& position, double radius = 8.0) const;

protected:
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void leaveEvent(QEvent* event) override;

Q_SIGNALS:
    void trialClicked(int trialId);

private:
    struct Plotted {
        QXYSeries* series = nullptr;
        std::vector<int> ids;
    };
    QScatterSeries* addScatter(const QString& name);
    void fill(Plotted& plotted, const std::vector<const TrialRecord*>& trials);
    double yOf(const TrialRecord& trial) const { return 100.0 * trial.validationTop1; }
    double costOf(const TrialRecord& trial) const;  // on the chosen axis; NaN: not measured

    SummaryPtr m_summary;
    QLogValueAxis* m_x;
    QValueAxis* m_y;
    QScatterSeries* m_frontier;
    QLineSeries* m_frontierLine;
    QScatterSeries* m_seed;
    QScatterSeries* m_finetune;
    QScatterSeries* m_stopped;
    QScatterSeries* m_selection;
    QAreaSeries* m_band;
    QLineSeries* m_bandUpper;
    QLineSeries* m_bandLower;
    std::map<int, QScatterSeries*> m_phaseSeries;  // by phase id
    std::map<const QXYSeries*, Plotted> m_plotted;
    CostAxis resolvedAxis() const;   // the chosen one if the summary has it, else the objective's
    std::optional<CostAxis> m_axis;  // chosen; none: the objective's
    CostAxis m_shownAxis;            // resolved by setSummary
    int m_selectedTrial = 0;
    int m_hoveredTrial = 0;
};

}  // namespace perfnas::ui
