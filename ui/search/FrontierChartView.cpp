#include "ui/search/FrontierChartView.h"

#include <QAreaSeries>
#include <QLegend>
#include <QLegendMarker>
#include <QLineSeries>
#include <QLogValueAxis>
#include <QMouseEvent>
#include <QPainter>
#include <QScatterSeries>
#include <QToolTip>
#include <QValueAxis>
#include <algorithm>
#include <cmath>

#include "ui/common/PhaseColours.h"
#include "ui/common/TrialText.h"

namespace perfnas::ui {
namespace {

// The smallest 1, 2 or 5 x 10^k step that divides `span` into at most `targetTicks` intervals.
double niceTickStep(double span, int targetTicks) {
    const double raw = span / std::max(1, targetTicks);
    const double decade = std::pow(10.0, std::floor(std::log10(std::max(raw, 1e-9))));
    for (double factor : {1.0, 2.0, 5.0}) {
        if (factor * decade >= raw) return factor * decade;
    }
    return 10.0 * decade;
}

// Ticks every 1, 2 or 5 x 10^k from a multiple of the step, so that every line carries an exact
// label (a seed at 13.5 % no longer sits on a line labelled 14).
void setNiceRange(QValueAxis& axis, double low, double high) {
    const double step = niceTickStep(std::max(high - low, 1.0), 6);
    low = std::max(0.0, std::floor(low / step) * step);
    high = std::min(100.0, std::ceil(high / step) * step);
    axis.setTickType(QValueAxis::TicksDynamic);
    axis.setTickAnchor(0.0);
    axis.setTickInterval(step);
    axis.setLabelFormat(step < 1.0 ? "%.1f" : "%.0f");
    axis.setRange(low, high);
}

// A transparent square marker of `side` pixels painted by `draw` with antialiasing.
template <typename Draw>
QImage markerImage(int side, Draw draw) {
    QImage image(side, side, QImage::Format_ARGB32_Premultiplied);
    image.fill(Qt::transparent);
    QPainter painter(&image);
    painter.setRenderHint(QPainter::Antialiasing);
    draw(painter);
    return image;
}

QImage crossImage(const QColor& colour) {
    return markerImage(16, [&](QPainter& painter) {
        painter.setPen(QPen(colour, 2.5));
        painter.drawLine(QPointF(3, 3), QPointF(13, 13));
        painter.drawLine(QPointF(3, 13), QPointF(13, 3));
    });
}

// Scatter markers are QGraphicsItems, one per point; a light marker is painted directly, which
// keeps a 10,000-trial chart fast (Qt Charts 6.2+).
QImage dotImage(const QColor& colour) {
    return markerImage(12, [&](QPainter& painter) {
        painter.setPen(QPen(colour.darker(130), 1));
        painter.setBrush(colour);
        painter.drawEllipse(QRectF(1.5, 1.5, 9, 9));
    });
}

// A trial successive halving stopped early: its accuracy is a short-budget figure, not comparable.
QImage ringImage(const QColor& colour) {
    return markerImage(12, [&](QPainter& painter) {
        painter.setPen(QPen(colour, 1.2));
        painter.setBrush(Qt::NoBrush);
        painter.drawEllipse(QRectF(2, 2, 8, 8));
    });
}

void hideFromLegend(QChart* chart, QAbstractSeries* series) {
    for (QLegendMarker* marker : chart->legend()->markers(series)) marker->setVisible(false);
}

}  // namespace

FrontierChartView::FrontierChartView(QWidget* parent) : QChartView(parent) {
    setObjectName("frontierChart");
    setRenderHint(QPainter::Antialiasing);
    viewport()->setMouseTracking(true);  // hover without a pressed button
    auto* chart = new QChart;
    // Qt Charts draws with its own theme, not the palette: pick the dark one under a dark system
    // palette.
    chart->setTheme(palette().color(QPalette::Window).lightness() < 128 ? QChart::ChartThemeDark
                                                                        : QChart::ChartThemeLight);
    chart->legend()->setAlignment(Qt::AlignBottom);
    // Legend entries draw each series' own mark (its light-marker image where it has one), not a
    // square of the theme's colour.
    chart->legend()->setMarkerShape(QLegend::MarkerShapeFromSeries);
    chart->setTitle(tr("Validation TOP-1 against cost"));
    setChart(chart);

    m_x = new QLogValueAxis;
    m_x->setBase(10);
    m_x->setLabelFormat("%g");
    m_x->setMinorTickCount(8);
    m_x->setTitleText(tr("MFPOPS (log scale)"));
    m_y = new QValueAxis;
    m_y->setTitleText(tr("Validation TOP-1 (%)"));
    m_y->setLabelFormat("%.0f");
    chart->addAxis(m_x, Qt::AlignBottom);
    chart->addAxis(m_y, Qt::AlignLeft);

    m_bandUpper = new QLineSeries(this);
    m_bandLower = new QLineSeries(this);
    m_band = new QAreaSeries(m_bandUpper, m_bandLower);
    m_band->setName(tr("within 1 point of the seed"));
    m_band->setPen(Qt::NoPen);
    m_band->setBrush(QColor(128, 128, 128, 50));
    chart->addSeries(m_band);
    m_band->attachAxis(m_x);
    m_band->attachAxis(m_y);

    m_frontierLine = new QLineSeries;
    m_frontierLine->setName(tr("Pareto frontier"));
    m_frontierLine->setPen(QPen(QColor(200, 30, 30), 1.5));
    chart->addSeries(m_frontierLine);
    m_frontierLine->attachAxis(m_x);
    m_frontierLine->attachAxis(m_y);

    m_stopped = addScatter(tr("stopped early (lower rung)"));
    m_stopped->setColor(QColor(140, 140, 140));
    m_stopped->setLightMarker(ringImage(QColor(140, 140, 140)));
    m_finetune = addScatter(tr("fine-tuned"));
    m_finetune->setMarkerShape(QScatterSeries::MarkerShapeStar);
    m_finetune->setMarkerSize(14);
    m_finetune->setColor(QColor(120, 60, 170));
    m_frontier = addScatter(tr("frontier"));
    m_frontier->setColor(QColor(200, 30, 30));
    m_frontier->setLightMarker(crossImage(QColor(200, 30, 30)));
    m_frontier->setMarkerSize(12);
    m_seed = addScatter(tr("seed"));
    m_seed->setMarkerShape(QScatterSeries::MarkerShapeRotatedRectangle);
    m_seed->setMarkerSize(16);
    m_seed->setColor(QColor(40, 40, 40));
    m_selection = new QScatterSeries;
    m_selection->setMarkerSize(22);
    m_selection->setBrush(Qt::NoBrush);
    m_selection->setPen(QPen(palette().color(QPalette::Highlight), 2.5));
    chart->addSeries(m_selection);
    m_selection->attachAxis(m_x);
    m_selection->attachAxis(m_y);
    hideFromLegend(chart, m_selection);
    hideFromLegend(chart, m_frontierLine);
    m_x->setRange(1, 1000);
    m_y->setRange(0, 100);
}

QScatterSeries* FrontierChartView::addScatter(const QString& name) {
    auto* series = new QScatterSeries;
    series->setName(name);
    series->setMarkerSize(8);
    series->setBorderColor(Qt::transparent);
    chart()->addSeries(series);
    series->attachAxis(m_x);
    series->attachAxis(m_y);
    m_plotted[series].series = series;
    return series;
}

QScatterSeries* FrontierChartView::phaseSeries(int phaseId) const {
    const auto found = m_phaseSeries.find(phaseId);
    return found == m_phaseSeries.end() ? nullptr : found->second;
}

std::vector<int> FrontierChartView::trialIdsOf(const QXYSeries* series) const {
    const auto found = m_plotted.find(series);
    return found == m_plotted.end() ? std::vector<int>{} : found->second.ids;
}

// Our own hit test: QScatterSeries::hovered missed light-marker points, and one pass over the
// plotted values in pixel space stays cheap for 10,000 trials.
int FrontierChartView::trialNear(const QPointF& position, double radius) const {
    const QRectF area = chart()->plotArea();
    const QPointF at = chart()->mapFromScene(mapToScene(position.toPoint()));
    if (!area.adjusted(-radius, -radius, radius, radius).contains(at)) return 0;
    const double left = std::log10(m_x->min());
    const double decades = std::log10(m_x->max()) - left;
    const double span = m_y->max() - m_y->min();
    if (!(decades > 0) || !(span > 0)) return 0;
    int nearest = 0;
    double best = radius * radius;
    for (const auto& [series, plotted] : m_plotted) {
        if (!series->isVisible()) continue;
        const QList<QPointF> points = series->points();
        for (qsizetype i = 0; i < points.size() && i < static_cast<qsizetype>(plotted.ids.size());
             ++i) {
            const double x =
                area.left() + (std::log10(points[i].x()) - left) / decades * area.width();
            const double y = area.bottom() - (points[i].y() - m_y->min()) / span * area.height();
            const double distance = (x - at.x()) * (x - at.x()) + (y - at.y()) * (y - at.y());
            if (distance <= best) {
                best = distance;
                nearest = plotted.ids[static_cast<std::size_t>(i)];
            }
        }
    }
    return nearest;
}

void FrontierChartView::mouseMoveEvent(QMouseEvent* event) {
    QChartView::mouseMoveEvent(event);
    const int id = trialNear(event->position());
    if (id == m_hoveredTrial) return;
    m_hoveredTrial = id;
    if (id)
        QToolTip::showText(event->globalPosition().toPoint(), tooltipFor(id), this);
    else
        QToolTip::hideText();
}

void FrontierChartView::mouseReleaseEvent(QMouseEvent* event) {
    QChartView::mouseReleaseEvent(event);
    if (event->button() != Qt::LeftButton) return;
    if (const int id = trialNear(event->position())) {
        setSelectedTrial(id);
        Q_EMIT trialClicked(id);
    }
}

void FrontierChartView::leaveEvent(QEvent* event) {
    QChartView::leaveEvent(event);
    m_hoveredTrial = 0;
    QToolTip::hideText();
}

QString FrontierChartView::tooltipFor(int trialId) const {
    const TrialRecord* trial = m_summary ? m_summary->trial(trialId) : nullptr;
    if (!trial) return {};
    const PhaseRecord* phase = m_summary->phase(trial->phaseId);
    QString text = tr("Trial %1 (%2)").arg(trial->id).arg(phase ? phaseLabel(*phase) : QString());
    if (trial->id == m_summary->seedTrialId) text += tr(" — seed");
    text += "\n" + trialNotation(*trial);
    text += tr("\nvalidation TOP-1 %1 %").arg(100.0 * trial->validationTop1, 0, 'f', 2);
    if (trial->testTop1 > 0)
        text += tr(", test TOP-1 %1 %").arg(100.0 * trial->testTop1, 0, 'f', 2);
    text += tr("\n%1 MFPOPS, %2 parameters").arg(trial->mfpops, 0, 'f', 2).arg(trial->params);
    for (const CostAxis& axis : m_summary->costAxes()) {  // every latency measured
        const double latency = m_summary->costOf(*trial, axis);
        if (axis.metric == CostMetric::Latency && std::isfinite(latency))
            text += tr("\n%1 ms on %2")
                        .arg(latency, 0, 'f', 3)
                        .arg(QString::fromStdString(axis.target));
    }
    if (m_summary->config.fidelity && phase && phase->kind != PhaseKind::Finetune) {
        text += "\n" + rungLabel(*trial, *m_summary->config.fidelity, /*detailed=*/true);
    }
    return text;
}

void FrontierChartView::fill(Plotted& plotted, const std::vector<const TrialRecord*>& trials) {
    QList<QPointF> points;
    points.reserve(static_cast<qsizetype>(trials.size()));
    plotted.ids.clear();
    for (const TrialRecord* trial : trials) {
        points.append(QPointF(costOf(*trial), yOf(*trial)));
        plotted.ids.push_back(trial->id);
    }
    plotted.series->replace(points);
}

void FrontierChartView::setSummary(const SummaryPtr& summary) {
    m_summary = summary;
    if (!m_summary) {  // closed: nothing of the last experiment stays drawn, listed or selected
        for (auto& [phaseId, series] : m_phaseSeries) {
            m_plotted.erase(series);
            chart()->removeSeries(series);
            delete series;
        }
        m_phaseSeries.clear();
        for (auto& [series, plotted] : m_plotted) {
            plotted.ids.clear();
            plotted.series->clear();
        }
        m_frontierLine->clear();
        m_bandUpper->clear();
        m_bandLower->clear();
        m_selectedTrial = m_hoveredTrial = 0;
        m_selection->clear();
        m_shownAxis = resolvedAxis();
        return;
    }
    const ExperimentSummary& data = *m_summary;
    // Resolved once per update: costOf() runs for every plotted point.
    m_shownAxis = resolvedAxis();
    const CostAxis& axis = m_shownAxis;
    m_x->setTitleText(tr("%1 (log scale)").arg(costAxisLabel(axis)));

    std::map<int, std::vector<const TrialRecord*>> byPhase;
    std::vector<const TrialRecord*> finetuned;
    std::vector<const TrialRecord*> stopped;
    double minX = 0, maxX = 0, minY = 100, maxY = 0;
    bool any = false;
    for (const TrialRecord& trial : data.trials) {
        if (trial.state != TrialState::Finished) continue;
        const double cost = costOf(trial);
        if (!(cost > 0)) continue;  // a log axis cannot show it
        const PhaseRecord* phase = data.phase(trial.phaseId);
        if (phase && phase->kind == PhaseKind::Finetune)
            finetuned.push_back(&trial);
        else if (!data.isAtTopRung(trial))
            stopped.push_back(&trial);
        else
            byPhase[trial.phaseId].push_back(&trial);
        minX = any ? std::min(minX, cost) : cost;
        maxX = any ? std::max(maxX, cost) : cost;
        minY = std::min(minY, yOf(trial));
        maxY = std::max(maxY, yOf(trial));
        any = true;
    }
    // One series per phase, created once and kept so live updates only replace points.
    for (const PhaseRecord& phase : data.phases) {
        if (phase.kind == PhaseKind::Finetune || m_phaseSeries.contains(phase.id)) continue;
        QScatterSeries* series = addScatter(phaseLabel(phase));
        const QColor colour = phaseColour(m_phaseSeries.size());
        series->setColor(colour);
        series->setLightMarker(dotImage(colour));
        m_phaseSeries[phase.id] = series;
        // Series draw in the order they were added: re-add the frontier, seed and selection on top.
        for (QXYSeries* top : std::initializer_list<QXYSeries*>{
                 m_stopped, m_finetune, m_frontierLine, m_frontier, m_seed, m_selection}) {
            chart()->removeSeries(top);
            chart()->addSeries(top);
            top->attachAxis(m_x);
            top->attachAxis(m_y);
        }
        hideFromLegend(chart(), m_selection);
        hideFromLegend(chart(), m_frontierLine);
    }
    for (auto& [phaseId, series] : m_phaseSeries) fill(m_plotted[series], byPhase[phaseId]);
    fill(m_plotted[m_finetune], finetuned);
    fill(m_plotted[m_stopped], stopped);
    // The legend lists only the kinds of marks the chart shows.
    for (QLegendMarker* marker : chart()->legend()->markers(m_stopped))
        marker->setVisible(!stopped.empty());
    for (QLegendMarker* marker : chart()->legend()->markers(m_finetune))
        marker->setVisible(!finetuned.empty());

    std::vector<const TrialRecord*> frontier;
    for (int id : data.frontierOn(axis)) {
        if (const TrialRecord* trial = data.trial(id); trial && costOf(*trial) > 0)
            frontier.push_back(trial);
    }
    fill(m_plotted[m_frontier], frontier);
    QList<QPointF> steps;
    for (std::size_t i = 0; i < frontier.size(); ++i) {
        const QPointF point(costOf(*frontier[i]), yOf(*frontier[i]));
        if (i > 0) steps.append(QPointF(point.x(), steps.back().y()));  // flat until the next cost
        steps.append(point);
    }
    m_frontierLine->replace(steps);

    const TrialRecord* seed = data.seedTrialId ? data.trial(data.seedTrialId) : nullptr;
    const bool seedPlotted = seed && costOf(*seed) > 0;  // a latency axis may lack the seed
    fill(m_plotted[m_seed],
         seedPlotted ? std::vector<const TrialRecord*>{seed} : std::vector<const TrialRecord*>{});
    if (!any) {
        m_bandUpper->clear();
        m_bandLower->clear();
        return;
    }
    // Whole decades: QLogValueAxis labels only powers of ten, so a range inside one decade showed
    // one label or none.
    const double left = std::pow(10.0, std::floor(std::log10(minX / 1.2)));
    const double right = std::pow(10.0, std::ceil(std::log10(maxX * 1.2)));
    m_x->setRange(left, right);
    if (seed) {
        const double accuracy = yOf(*seed);
        m_bandUpper->replace({QPointF(left, accuracy + 1), QPointF(right, accuracy + 1)});
        m_bandLower->replace({QPointF(left, accuracy - 1), QPointF(right, accuracy - 1)});
        minY = std::min(minY, accuracy - 1);
        maxY = std::max(maxY, accuracy + 1);
    } else {
        m_bandUpper->clear();
        m_bandLower->clear();
    }
    setNiceRange(*m_y, std::max(0.0, minY - 2), std::min(100.0, maxY + 2));
    setSelectedTrial(m_selectedTrial);
}

void FrontierChartView::setSelectedTrial(int trialId) {
    m_selectedTrial = trialId;
    const TrialRecord* trial = m_summary && trialId ? m_summary->trial(trialId) : nullptr;
    if (!trial || trial->state != TrialState::Finished || !(costOf(*trial) > 0)) {
        m_selection->clear();
        return;
    }
    m_selection->replace({QPointF(costOf(*trial), yOf(*trial))});
}

CostAxis FrontierChartView::resolvedAxis() const {
    if (!m_summary) return m_axis.value_or(CostAxis{});
    const std::vector<CostAxis> axes = m_summary->costAxes();
    return m_axis && std::find(axes.begin(), axes.end(), *m_axis) != axes.end()
               ? *m_axis
               : m_summary->objectiveAxis();
}

void FrontierChartView::setShownCost(std::optional<CostAxis> axis) {
    m_axis = std::move(axis);
    setSummary(m_summary);
}

double FrontierChartView::costOf(const TrialRecord& trial) const {
    return m_summary->costOf(trial, m_shownAxis);
}

}  // namespace perfnas::ui
