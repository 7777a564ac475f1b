#include "ui/search/HypervolumeChartView.h"

#include <QLineSeries>
#include <QValueAxis>
#include <algorithm>

#include "core/search/HypervolumeHistory.h"
#include "ui/common/PhaseColours.h"
#include "ui/common/TrialText.h"

namespace perfnas::ui {

HypervolumeChartView::HypervolumeChartView(QWidget* parent)
    : QChartView(parent), m_minutes(new QValueAxis(this)), m_hypervolume(new QValueAxis(this)) {
    setObjectName("hypervolumeChart");
    setRenderHint(QPainter::Antialiasing);
    chart()->legend()->setAlignment(Qt::AlignBottom);
    m_minutes->setTitleText(tr("minutes since the first trial started"));
    m_minutes->setLabelFormat("%.0f");
    m_hypervolume->setTitleText(tr("hypervolume"));
    m_hypervolume->setLabelFormat("%.2f");
    chart()->addAxis(m_minutes, Qt::AlignBottom);
    chart()->addAxis(m_hypervolume, Qt::AlignLeft);
    chart()->setTitle(tr("No finished candidates yet"));
}

void HypervolumeChartView::setSummary(const SummaryPtr& summary) { m_pending.set(summary); }

void HypervolumeChartView::showEvent(QShowEvent* event) {
    QChartView::showEvent(event);
    m_pending.shown();
}

void HypervolumeChartView::redraw(const SummaryPtr& summary) {
    for (auto& [phaseId, series] : m_series) {
        chart()->removeSeries(series);
        delete series;
    }
    m_series.clear();
    const std::vector<HypervolumeStep> steps =
        summary ? hypervolumeHistory(*summary) : std::vector<HypervolumeStep>{};
    if (steps.empty()) {
        chart()->setTitle(tr("No finished candidates yet"));
        return;
    }
    // Each step is drawn where it happened: flat from the previous candidate, then up.
    std::size_t phaseIndex = 0;
    for (const PhaseRecord& phase : summary->phases) {
        if (phase.kind == PhaseKind::Finetune) continue;
        auto* series = new QLineSeries(this);
        series->setName(phaseLabel(phase));
        series->setPen(QPen(phaseColour(phaseIndex++), 2.0));
        m_series[phase.id] = series;
    }
    double previous = 0.0;
    double previousMinutes = 0.0;
    for (const HypervolumeStep& step : steps) {
        const auto found = m_series.find(step.phaseId);
        if (found == m_series.end()) continue;
        QLineSeries* series = found->second;
        if (series->count() == 0) series->append(previousMinutes, previous);  // joins the last
        series->append(step.minutes, previous);
        series->append(step.minutes, step.hypervolume);
        previous = step.hypervolume;
        previousMinutes = step.minutes;
    }
    for (auto it = m_series.begin(); it != m_series.end();) {
        if (it->second->count() == 0) {  // a phase without candidates yet: no legend entry
            delete it->second;
            it = m_series.erase(it);
            continue;
        }
        chart()->addSeries(it->second);
        it->second->attachAxis(m_minutes);
        it->second->attachAxis(m_hypervolume);
        ++it;
    }
    m_minutes->setRange(0.0, std::max(1.0, steps.back().minutes));
    m_minutes->applyNiceNumbers();
    m_hypervolume->setRange(0.0, std::max(0.01, 1.1 * steps.back().hypervolume));
    m_hypervolume->applyNiceNumbers();

    // When it last improved: the first step that reached the latest value.
    const double latest = steps.back().hypervolume;
    const auto reached =
        std::find_if(steps.begin(), steps.end(),
                     [latest](const HypervolumeStep& step) { return step.hypervolume >= latest; });
    const long sinceCount = static_cast<long>(std::distance(reached, steps.end())) - 1;
    const QString value = QString::number(latest, 'f', 3);
    const QString head =
        steps.size() == 1 ? tr("Hypervolume %1 after 1 candidate").arg(value)
                          : tr("Hypervolume %1 after %2 candidates").arg(value).arg(steps.size());
    const QString minutes = QString::number(reached->minutes, 'f', 1);
    QString title = tr("%1; the latest one improved it").arg(head);
    if (sinceCount == 1)
        title = tr("%1; last improved at %2 min, 1 candidate ago").arg(head, minutes);
    else if (sinceCount > 1)
        title = tr("%1; last improved at %2 min, %3 candidates ago")
                    .arg(head, minutes, QString::number(sinceCount));
    chart()->setTitle(title);
}

const QLineSeries* HypervolumeChartView::seriesOf(int phaseId) const {
    const auto found = m_series.find(phaseId);
    return found == m_series.end() ? nullptr : found->second;
}

QString HypervolumeChartView::caption() const { return chart()->title(); }

}  // namespace perfnas::ui
