#include "ui/search/TrialDetailPanel.h"

#include <QChart>
#include <QChartView>
#include <QDateTime>
#include <QDesktopServices>
#include <QDir>
#include <QHBoxLayout>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineSeries>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QTabWidget>
#include <QUrl>
#include <QVBoxLayout>
#include <QValueAxis>
#include <cmath>

#include "ui/common/TrialText.h"

namespace perfnas::ui {

namespace {
QString timeText(std::int64_t unixSeconds) {
    return unixSeconds > 0 ? QDateTime::fromSecsSinceEpoch(unixSeconds).toString(Qt::ISODate)
                           : QStringLiteral("–");
}
}  // namespace

TrialDetailPanel::TrialDetailPanel(QWidget* parent)
    : QWidget(parent),
      m_title(new QLabel(this)),
      m_fields(new QLabel(this)),
      m_progress(new QLabel(this)),
      m_checkpoint(new QLabel(this)),
      m_openCheckpoint(new QPushButton(tr("Open folder"), this)),
      m_curve(new QChartView(this)),
      m_spec(new QPlainTextEdit(this)) {
    setObjectName("trialDetail");
    QFont bold = m_title->font();
    bold.setBold(true);
    m_title->setFont(bold);
    m_title->setWordWrap(true);
    m_fields->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_fields->setWordWrap(true);
    m_checkpoint->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_checkpoint->setWordWrap(true);
    m_spec->setReadOnly(true);
    m_spec->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_curve->setRenderHint(QPainter::Antialiasing);
    m_curve->setMinimumHeight(160);
    m_openCheckpoint->setEnabled(false);
    connect(m_openCheckpoint, &QPushButton::clicked, this,
            [this] { QDesktopServices::openUrl(QUrl::fromLocalFile(m_checkpointFolder)); });

    auto* tabs = new QTabWidget(this);
    tabs->addTab(m_curve, tr("Learning curve"));
    tabs->addTab(m_spec, tr("Spec"));
    auto* checkpointRow = new QHBoxLayout;
    checkpointRow->addWidget(m_checkpoint, 1);
    checkpointRow->addWidget(m_openCheckpoint);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_title);
    layout->addWidget(m_fields);
    layout->addWidget(m_progress);
    layout->addLayout(checkpointRow);
    layout->addWidget(tabs, 1);
    showTrial(nullptr, 0);
}

void TrialDetailPanel::setExperimentFile(const std::filesystem::path& file) {
    m_experimentFolder = file.parent_path();
}

QString TrialDetailPanel::headline() const { return m_title->text(); }

void TrialDetailPanel::showTrial(const SummaryPtr& summary, int trialId) {
    const TrialRecord* trial = summary && trialId ? summary->trial(trialId) : nullptr;
    if (!trial) {
        m_trialId = 0;
        m_title->setText(
            tr("No trial selected: click a point in the chart or a row in the table."));
        m_fields->clear();
        m_progress->clear();
        m_checkpoint->clear();
        m_openCheckpoint->setEnabled(false);
        m_spec->clear();
        m_liveLoss = nullptr;
        m_iterationAxis = m_lossAxis = nullptr;
        QChart* old = m_curve->chart();
        m_curve->setChart(new QChart);
        delete old;  // setChart() hands the previous chart back
        return;
    }
    const bool changed = trialId != m_trialId;
    m_trialId = trialId;
    const PhaseRecord* phase = summary->phase(trial->phaseId);
    QString title = tr("Trial %1 · %2 · %3")
                        .arg(trial->id)
                        .arg(phase ? phaseLabel(*phase) : QString())
                        .arg(stateLabel(trial->state));
    if (trial->id == summary->seedTrialId) title += tr(" · seed");
    if (std::find(summary->frontier.begin(), summary->frontier.end(), trial->id) !=
        summary->frontier.end()) {
        title += tr(" · Pareto-optimal");
    }
    m_title->setText(title);

    QStringList lines;
    lines << tr("Architecture: %1").arg(trialNotation(*trial));
    if (trial->state == TrialState::Finished) {
        QString accuracy =
            tr("Validation TOP-1: %1 %").arg(100.0 * trial->validationTop1, 0, 'f', 2);
        if (trial->testTop1 > 0)
            accuracy += tr("   Test TOP-1: %1 %").arg(100.0 * trial->testTop1, 0, 'f', 2);
        lines << accuracy;
    }
    lines << tr("Cost: %1 MFPOPS, %2 parameters").arg(trial->mfpops, 0, 'f', 2).arg(trial->params);
    if (trial->state != TrialState::Running) {
        lines << tr("Iterations: %L1   Training time: %2")
                     .arg(trial->iterationsDone)
                     .arg(formatDuration(trial->seconds));
    } else if (trial->iterationsDone > 0) {  // a promoted trial continues its earlier rungs
        lines << tr("Iterations before this run: %L1 in %2")
                     .arg(trial->iterationsDone)
                     .arg(formatDuration(trial->seconds));
    }
    lines << tr("Started %1, finished %2; attempts %3; host %4")
                 .arg(timeText(trial->startedAt), timeText(trial->finishedAt))
                 .arg(trial->attempts)
                 .arg(trial->host.empty() ? QStringLiteral("–")
                                          : QString::fromStdString(trial->host));
    if (trial->parentTrialId) lines << tr("Fine-tunes trial %1").arg(trial->parentTrialId);
    if (!trial->error.empty()) lines << tr("Reason: %1").arg(QString::fromStdString(trial->error));
    m_fields->setText(lines.join('\n'));
    if (trial->state != TrialState::Running) m_progress->clear();

    if (trial->checkpointPath.empty()) {
        m_checkpointFolder.clear();
        m_checkpoint->setText(tr("Checkpoint: none"));
    } else {
        std::filesystem::path folder = trial->checkpointPath;
        if (folder.is_relative()) folder = m_experimentFolder / folder;
        m_checkpointFolder = QString::fromStdString(folder.string());
        const bool exists = QDir(m_checkpointFolder).exists();
        m_checkpoint->setText(
            tr("Checkpoint: %1%2")
                .arg(m_checkpointFolder, exists ? QString() : tr(" (not written yet)")));
        m_openCheckpoint->setEnabled(exists);
    }
    QString spec = QString::fromStdString(trial->specJson);
    if (const QJsonDocument document = QJsonDocument::fromJson(spec.toUtf8()); !document.isNull()) {
        spec = QString::fromUtf8(document.toJson(QJsonDocument::Indented));
    }
    if (changed || m_spec->toPlainText() != spec) m_spec->setPlainText(spec);
    showCurve(*trial, !changed);
}

void TrialDetailPanel::showCurve(const TrialRecord& trial, bool keepLiveLoss) {
    // Other trials' events rebuild the chart: the running trial's live line carries over.
    const QList<QPointF> live =
        keepLiveLoss && m_liveLoss ? m_liveLoss->points() : QList<QPointF>{};
    auto* chart = new QChart;
    chart->legend()->setAlignment(Qt::AlignBottom);
    auto* accuracy = new QLineSeries;
    accuracy->setName(tr("validation TOP-1 (%)"));
    auto* loss = new QLineSeries;
    loss->setName(tr("training loss"));
    // Marks on the points: a trial validated once (validate_every 0) still shows its one point.
    accuracy->setPointsVisible(true);
    loss->setPointsVisible(true);
    double maxLoss = 0;
    int maxIteration = 1;
    for (const QJsonValue& value :
         QJsonDocument::fromJson(QByteArray::fromStdString(trial.curveJson)).array()) {
        const QJsonObject point = value.toObject();
        const int iteration = point["iteration"].toInt();
        accuracy->append(iteration, 100.0 * point["validation_top1"].toDouble());
        loss->append(iteration, point["training_loss"].toDouble());
        maxLoss = std::max(maxLoss, point["training_loss"].toDouble());
        maxIteration = std::max(maxIteration, iteration);
    }
    const bool running = trial.state == TrialState::Running;
    if (accuracy->count() == 0)
        chart->setTitle(running ? tr("Training: the loss appears as it trains")
                                : tr("No learning curve stored for this trial"));
    chart->addSeries(accuracy);
    chart->addSeries(loss);
    auto* x = new QValueAxis;
    x->setTitleText(tr("iteration"));
    x->setRange(0, maxIteration);
    x->setLabelFormat("%d");
    auto* y = new QValueAxis;
    y->setRange(0, 100);
    y->setLabelFormat("%.0f");
    auto* y2 = new QValueAxis;
    y2->setRange(0, maxLoss > 0 ? maxLoss * 1.1 : 1.0);
    chart->addAxis(x, Qt::AlignBottom);
    chart->addAxis(y, Qt::AlignLeft);
    chart->addAxis(y2, Qt::AlignRight);
    accuracy->attachAxis(x);
    accuracy->attachAxis(y);
    loss->attachAxis(x);
    loss->attachAxis(y2);
    QChart* old = m_curve->chart();
    m_curve->setChart(chart);
    delete old;
    m_liveLoss = running ? new QLineSeries : nullptr;
    if (m_liveLoss) {
        m_liveLoss->setName(tr("training loss (live)"));
        m_liveLoss->replace(live);
        for (const QPointF& point : live) {
            x->setMax(std::max(x->max(), point.x()));
            y2->setMax(std::max(y2->max(), point.y() * 1.1));
        }
        chart->addSeries(m_liveLoss);
        m_liveLoss->attachAxis(x);
        m_liveLoss->attachAxis(y2);
    }
    m_iterationAxis = x;
    m_lossAxis = y2;
}

void TrialDetailPanel::showProgress(int trialId, const TrainingProgress& progress) {
    if (trialId != m_trialId) return;
    if (m_liveLoss && std::isfinite(progress.loss) && progress.iteration > 0) {
        m_liveLoss->append(progress.iteration, progress.loss);
        m_iterationAxis->setMax(std::max<double>(m_iterationAxis->max(), progress.iterations));
        if (progress.loss * 1.1 > m_lossAxis->max()) m_lossAxis->setMax(progress.loss * 1.1);
    }
    m_progress->setText(tr("Training: iteration %1 of %2, loss %3, %4 samples/s")
                            .arg(progress.iteration)
                            .arg(progress.iterations)
                            .arg(progress.loss, 0, 'f', 3)
                            .arg(progress.samplesPerSecond, 0, 'f', 0));
}

}  // namespace perfnas::ui
