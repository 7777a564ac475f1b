#include "ui/benchmark/LatencyChartView.h"

#include <QBarCategoryAxis>
#include <QBarSet>
#include <QGraphicsSimpleTextItem>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPainter>
#include <QStackedBarSeries>
#include <QValueAxis>
#include <map>

#include "core/report/ExperimentReport.h"
#include "ui/common/ChartExport.h"

namespace perfnas::ui {
namespace {

// Okabe-Ito: the seed in orange, the searched models in blue (as the frontier chart).
const QColor kSeedColour(230, 159, 0);
const QColor kModelColour(0, 114, 178);

QString deviceOf(const BenchmarkRecord& record) {
    const QJsonObject details =
        QJsonDocument::fromJson(QByteArray::fromStdString(record.detailsJson)).object();
    return details.value("device").toString();
}

}  // namespace

std::vector<LatencyBar> LatencyChartView::barsFor(const ExperimentSummary& summary,
                                                  const std::vector<BenchmarkRecord>& records,
                                                  const std::string& target) {
    // The latest successful record per model; a fine-tuning trial counts as its search trial.
    std::map<int, const BenchmarkRecord*> latest;
    for (const BenchmarkRecord& record : records) {
        if (record.target != target || !record.error.empty() || record.medianMs <= 0) continue;
        int id = record.trialId == summary.seedTrialId ? 0 : record.trialId;
        if (const TrialRecord* trial = summary.trial(id); trial && trial->parentTrialId != 0) {
            id = trial->parentTrialId == summary.seedTrialId ? 0 : trial->parentTrialId;
        }
        latest[id] = &record;
    }
    const ExperimentReport report = ExperimentReport::build(summary, {});
    std::vector<LatencyBar> bars;
    auto add = [&](int id, const QString& name, double top1, bool finetuned, double mfpops) {
        const auto found = latest.find(id);
        if (found == latest.end()) return;
        bars.push_back({.trialId = id,
                        .name = name,
                        .medianMs = found->second->medianMs,
                        .top1 = top1,
                        .finetuned = finetuned,
                        .mfpops = mfpops,
                        .seed = id == 0});
        latest.erase(found);
    };
    add(0, QObject::tr("seed"), report.seedTrained ? report.seed.top1 : -1.0, report.seed.finetuned,
        report.seed.mfpops);
    for (const ReportModel& model : report.models) {
        add(model.trialId,
            QObject::tr("%1 (trial %2)").arg(QString::fromStdString(model.name)).arg(model.trialId),
            model.top1, model.finetuned, model.mfpops);
    }
    for (const auto& [id, record] :
         std::map<int, const BenchmarkRecord*>(latest)) {  // others, by trial id
        const TrialRecord* trial = summary.trial(id);
        if (!trial) continue;
        add(id, QObject::tr("trial %1").arg(id), trial->validationTop1, false, trial->mfpops);
    }
    if (!bars.empty() && bars.front().seed) {
        for (LatencyBar& bar : bars) bar.speedup = bars.front().medianMs / bar.medianMs;
    }
    return bars;
}

LatencyChartView::LatencyChartView(QWidget* parent)
    : QChartView(parent),
      m_series(new QStackedBarSeries),
      m_seedSet(new QBarSet(tr("seed"))),
      m_modelSet(new QBarSet(tr("searched models"))),
      m_x(new QBarCategoryAxis),
      m_y(new QValueAxis) {
    setObjectName("latencyChart");
    setRenderHint(QPainter::Antialiasing);
    auto* chart = new QChart;
    chart->setTheme(palette().color(QPalette::Window).lightness() < 128 ? QChart::ChartThemeDark
                                                                        : QChart::ChartThemeLight);
    chart->legend()->setAlignment(Qt::AlignBottom);
    setChart(chart);
    // Two stacked sets, one of them 0 per category: one bar per model, coloured by role.
    m_seedSet->setColor(kSeedColour);
    m_modelSet->setColor(kModelColour);
    m_series->append(m_seedSet);
    m_series->append(m_modelSet);
    chart->addSeries(m_series);
    m_y->setTitleText(tr("median, ms"));  // short: a vertical title is cut to the plot's height
    m_y->setLabelFormat("%.3g");
    chart->addAxis(m_x, Qt::AlignBottom);
    chart->addAxis(m_y, Qt::AlignLeft);
    m_series->attachAxis(m_x);
    m_series->attachAxis(m_y);
    connect(chart, &QChart::plotAreaChanged, this, &LatencyChartView::placeLabels);
    setMinimumSize(320, 240);
}

void LatencyChartView::setData(const SummaryPtr& summary,
                               const std::vector<BenchmarkRecord>& records,
                               const std::string& target) {
    m_target = target;
    m_bars = summary ? barsFor(*summary, records, target) : std::vector<LatencyBar>{};
    QString device;
    for (const BenchmarkRecord& record : records) {
        if (record.target != target || !record.error.empty()) continue;
        if (const QString named = deviceOf(record); !named.isEmpty())
            device = named;  // the latest run's
    }
    chart()->setTitle(device.isEmpty()
                          ? tr("Latency on %1").arg(QString::fromStdString(target))
                          : tr("Latency on %1 (%2)").arg(QString::fromStdString(target), device));
    m_seedSet->remove(0, m_seedSet->count());
    m_modelSet->remove(0, m_modelSet->count());
    QStringList categories;
    double highest = 0.0;
    for (const LatencyBar& bar : m_bars) {
        categories << bar.name;
        m_seedSet->append(bar.seed ? bar.medianMs : 0.0);
        m_modelSet->append(bar.seed ? 0.0 : bar.medianMs);
        highest = std::max(highest, bar.medianMs);
    }
    m_x->clear();
    m_x->append(categories);
    m_y->setRange(0.0, highest > 0 ? highest * 1.25 : 1.0);  // room for the labels above the bars

    for (QGraphicsSimpleTextItem* label : m_labels) delete label;
    m_labels.clear();
    for (const LatencyBar& bar : m_bars) {
        // Which TOP-1: test after fine-tuning, else validation (as the frontier chart).
        QString text = bar.top1 >= 0 ? QString::number(100.0 * bar.top1, 'f', 1) + "% " +
                                           (bar.finetuned ? tr("test") : tr("val."))
                                     : QStringLiteral("–");
        if (bar.speedup > 0 && !bar.seed) text += "\n" + QString::number(bar.speedup, 'f', 2) + "×";
        auto* label = new QGraphicsSimpleTextItem(text, chart());
        label->setBrush(chart()->titleBrush());
        label->setToolTip(tr("%1: median %2 ms, TOP-1 %3%4, %5 MFPOPS")
                              .arg(bar.name)
                              .arg(bar.medianMs, 0, 'f', 3)
                              .arg(bar.top1 >= 0 ? QString::number(100.0 * bar.top1, 'f', 1) + "%"
                                                 : QStringLiteral("unknown"))
                              .arg(bar.finetuned ? tr(" (fine-tuned, test)") : QString())
                              .arg(bar.mfpops, 0, 'f', 1));
        m_labels.push_back(label);
    }
    placeLabels();
}

QStringList LatencyChartView::barLabels() const {
    QStringList texts;
    for (const QGraphicsSimpleTextItem* label : m_labels) texts << label->text();
    return texts;
}

QStringList LatencyChartView::categoryLabels() const { return m_x->categories(); }

void LatencyChartView::resizeEvent(QResizeEvent* event) {
    QChartView::resizeEvent(event);
    placeLabels();
}

void LatencyChartView::placeLabels() {
    for (std::size_t i = 0; i < m_labels.size() && i < m_bars.size(); ++i) {
        const QPointF top =
            chart()->mapToPosition(QPointF(static_cast<double>(i), m_bars[i].medianMs), m_series);
        const QRectF box = m_labels[i]->boundingRect();
        m_labels[i]->setPos(top.x() - box.width() / 2, top.y() - box.height() - 2);
    }
}

bool LatencyChartView::exportTo(const QString& file, QString* error) {
    return exportChart(*this, file, error);
}

}  // namespace perfnas::ui
