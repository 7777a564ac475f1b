#include "ui/report/ExportDialog.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>
#include <map>

#include "core/execution/TrialRequest.h"
#include "core/report/ExperimentReport.h"
#include "core/report/ModelExport.h"

namespace perfnas::ui {
namespace {

namespace fs = std::filesystem;

QWidget* withBrowse(QWidget* parent, QLineEdit* edit, std::function<void()> browse) {
    auto* row = new QWidget(parent);
    auto* layout = new QHBoxLayout(row);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(edit, 1);
    auto* button = new QPushButton(QObject::tr("Browse…"), row);
    QObject::connect(button, &QPushButton::clicked, row, std::move(browse));
    layout->addWidget(button);
    return row;
}

}  // namespace

ExportDialog::ExportDialog(fs::path experimentFile, SummaryPtr summary, QWidget* parent)
    : QDialog(parent),
      m_file(std::move(experimentFile)),
      m_summary(std::move(summary)),
      m_reportFormat(new QComboBox(this)),
      m_reportFile(new QLineEdit(this)),
      m_model(new QComboBox(this)),
      m_modelFormat(new QComboBox(this)),
      m_modelFolder(new QLineEdit(this)),
      m_reportButton(new QPushButton(tr("Export report"), this)),
      m_modelButton(new QPushButton(tr("Export model"), this)),
      m_status(new QLabel(this)) {
    setObjectName("exportDialog");
    setWindowTitle(tr("Export report or model"));
    const QString base = QString::fromStdString((m_file.parent_path() / m_file.stem()).string());
    m_reportFormat->addItem(tr("Markdown"), "md");
    m_reportFormat->addItem(tr("CSV"), "csv");
    m_reportFormat->addItem(tr("LaTeX"), "latex");
    m_reportFormat->addItem(tr("HTML"), "html");
    m_reportFile->setText(base + "-report.md");
    connect(m_reportFormat, &QComboBox::currentIndexChanged, this, [this] {
        static const std::map<QString, QString> suffixes = {
            {"md", "md"}, {"csv", "csv"}, {"latex", "tex"}, {"html", "html"}};
        QString file = m_reportFile->text();
        const int dot = file.lastIndexOf('.');
        if (dot > file.lastIndexOf('/')) file.truncate(dot);
        m_reportFile->setText(file + "." + suffixes.at(m_reportFormat->currentData().toString()));
    });

    // Models: the report's names for the Pareto set (kws1 = most expensive), the trained seed.
    if (m_summary) {
        const ExperimentReport report = ExperimentReport::build(*m_summary, {});
        if (report.seedTrained)
            m_model->addItem(tr("seed (trial %1)").arg(m_summary->seedTrialId), 0);
        for (const ReportModel& model : report.models) {
            m_model->addItem(tr("%1 (trial %2, %3%4)")
                                 .arg(QString::fromStdString(model.name))
                                 .arg(model.trialId)
                                 .arg(100.0 * model.top1, 0, 'f', 1)
                                 .arg(model.finetuned ? tr("%, fine-tuned") : QStringLiteral("%")),
                             model.trialId);
        }
    }
    m_modelFormat->addItem(tr("ONNX (model.onnx + checkpoint)"), "onnx");
    m_modelFormat->addItem(tr("Torch checkpoint"), "torch");
    m_modelFolder->setText(base + "-model");

    auto* reportBox = new QGroupBox(tr("Report: Table I and Table II with latencies"), this);
    auto* reportForm = new QFormLayout(reportBox);
    reportForm->addRow(tr("Format"), m_reportFormat);
    reportForm->addRow(tr("File"), withBrowse(this, m_reportFile, [this] {
                           const QString file = QFileDialog::getSaveFileName(
                               this, tr("Report file"), m_reportFile->text());
                           if (!file.isEmpty()) m_reportFile->setText(file);
                       }));
    reportForm->addRow(QString(), m_reportButton);
    auto* modelBox = new QGroupBox(
        tr("Model: architecture, weights, ONNX (batch-norm folded; takes raw MFCCs)"), this);
    auto* modelForm = new QFormLayout(modelBox);
    modelForm->addRow(tr("Model"), m_model);
    modelForm->addRow(tr("Format"), m_modelFormat);
    modelForm->addRow(tr("Folder"), withBrowse(this, m_modelFolder, [this] {
                          const QString folder = QFileDialog::getExistingDirectory(
                              this, tr("Model folder"), m_modelFolder->text());
                          if (!folder.isEmpty()) m_modelFolder->setText(folder);
                      }));
    modelForm->addRow(QString(), m_modelButton);
    m_modelButton->setEnabled(m_model->count() > 0);
    m_status->setWordWrap(true);
    auto* close = new QDialogButtonBox(QDialogButtonBox::Close, this);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(reportBox);
    layout->addWidget(modelBox);
    layout->addWidget(m_status);
    layout->addWidget(close);

    connect(close, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_reportButton, &QPushButton::clicked, this, [this] {
        exportReport(m_reportFormat->currentData().toString(), m_reportFile->text());
    });
    connect(m_modelButton, &QPushButton::clicked, this, [this] {
        exportModel(m_model->currentData().toInt(), m_modelFormat->currentData().toString(),
                    m_modelFolder->text());
    });
    connect(&m_work, &QFutureWatcher<Outcome>::finished, this, [this] {
        const Outcome outcome = m_work.result();
        m_status->setText(outcome.message);
        m_reportButton->setEnabled(true);
        m_modelButton->setEnabled(m_model->count() > 0);
        Q_EMIT exportFinished(outcome.ok, outcome.message);
    });
}

ExportDialog::~ExportDialog() { m_work.waitForFinished(); }

void ExportDialog::startWork(std::function<Outcome()> work) {
    if (m_work.isRunning()) return;
    m_reportButton->setEnabled(false);
    m_modelButton->setEnabled(false);
    m_status->setText(tr("Exporting …"));
    m_work.setFuture(QtConcurrent::run([work = std::move(work)]() -> Outcome {
        try {
            return work();
        } catch (const std::exception& error) {
            return {.message = QObject::tr("The export stopped: %1").arg(error.what())};
        }
    }));
}

void ExportDialog::exportReport(const QString& format, const QString& file) {
    const auto parsed = parseReportFormat(format.toStdString());
    if (!parsed || file.isEmpty() || !m_summary) return;
    // The summary is shared read-only; the benchmarks are read fresh on the worker thread.
    startWork(
        [experiment = m_file, summary = m_summary, reportFormat = *parsed, file]() -> Outcome {
            auto store = ExperimentStore::open(experiment, ExperimentStore::Access::ReadOnly);
            if (!store) return {.message = QString::fromStdString(store.error().message)};
            auto benchmarks = (*store)->benchmarks();
            if (!benchmarks) return {.message = QString::fromStdString(benchmarks.error().message)};
            const std::string text =
                ExperimentReport::build(*summary, *benchmarks).render(reportFormat);
            if (auto written = writeFileAtomically(file.toStdString(), text); !written) {
                return {.message = QString::fromStdString(written.error().message)};
            }
            return {.ok = true, .message = QObject::tr("Report written to %1").arg(file)};
        });
}

void ExportDialog::exportModel(int trialId, const QString& format, const QString& folder) {
    const auto parsed = parseModelFormat(format.toStdString());
    if (!parsed || folder.isEmpty() || !m_summary) return;
    startWork([experiment = m_file, summary = m_summary, trialId, modelFormat = *parsed,
               folder]() -> Outcome {
        auto exported = ModelExport::run(
            *summary, experiment,
            {.trialId = trialId, .format = modelFormat, .outputFolder = folder.toStdString()});
        if (!exported) return {.message = QString::fromStdString(exported.error().message)};
        QStringList files;
        for (const fs::path& file : exported->files)
            files << QString::fromStdString(file.filename().string());
        return {.ok = true,
                .message =
                    QObject::tr("Trial %1%2 exported to %3: %4")
                        .arg(exported->trialId)
                        .arg(exported->finetuned ? QObject::tr(" (fine-tuned weights)") : QString())
                        .arg(folder, files.join(", "))};
    });
}

}  // namespace perfnas::ui
