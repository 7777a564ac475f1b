#include "ui/search/NewExperimentDialog.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPushButton>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTabWidget>
#include <QVBoxLayout>

#include "core/model/CostModel.h"
#include "core/training/StepCalibration.h"
#include "ui/common/BackgroundWork.h"
#include "ui/dataset/DatasetCheckView.h"
#include "ui/search/SearchSpaceView.h"

namespace perfnas::ui {

namespace {
// The nearest existing folder above `file` when the file cannot be created there (missing folders
// below it are created with the experiment); "" when it can.
QString unwritableFolder(const std::filesystem::path& file) {
    std::filesystem::path folder = file.parent_path();
    std::error_code error;
    while (!folder.empty() && !std::filesystem::exists(folder, error) &&
           folder != folder.parent_path())
        folder = folder.parent_path();
    const QFileInfo info(QString::fromStdString(folder.string()));
    return info.isDir() && info.isWritable() ? QString() : info.filePath();
}

QWidget* withBrowse(QWidget* parent, QLineEdit* edit, const std::function<void()>& browse) {
    auto* row = new QWidget(parent);
    auto* layout = new QHBoxLayout(row);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(edit, 1);
    auto* button = new QPushButton(QObject::tr("Browse…"), row);
    QObject::connect(button, &QPushButton::clicked, row, browse);
    layout->addWidget(button);
    return row;
}

QSpinBox* spin(QWidget* parent, int minimum, int maximum, int value) {
    auto* box = new QSpinBox(parent);
    box->setRange(minimum, maximum);
    box->setValue(value);
    box->setGroupSeparatorShown(true);
    return box;
}
}  // namespace

NewExperimentDialog::NewExperimentDialog(QWidget* parent, const ExperimentConfig& initial)
    : QDialog(parent), m_base(initial), m_seed(initial.seed) {
    setObjectName("newExperimentDialog");
    setWindowTitle(tr("New experiment"));
    m_problem = new QLabel(this);
    m_problem->setWordWrap(true);
    m_problem->setObjectName("problem");
    m_buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    m_buttons->button(QDialogButtonBox::Ok)->setText(tr("Create and run"));
    connect(m_buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto* tabs = new QTabWidget(this);
    tabs->addTab(buildDatasetPage(), tr("Dataset"));
    tabs->addTab(buildSeedPage(), tr("Seed and budgets"));
    tabs->addTab(buildSpacePage(), tr("Search space"));
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(tabs, 1);
    layout->addWidget(m_problem);
    layout->addWidget(m_buttons);
    resize(900, 640);
    m_space->setSpace(m_base.space);
    loadSeed();
    datasetOptionsChanged();
}

QWidget* NewExperimentDialog::buildDatasetPage() {
    auto* page = new QWidget(this);
    auto* form = new QFormLayout(page);
    m_name = new QLineEdit(QString::fromStdString(m_base.name), page);
    const QString documents = QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation);
    m_file = new QLineEdit(QDir(documents.isEmpty() ? QDir::homePath() : documents)
                               .filePath(m_name->text() + ".sqlite"),
                           page);
    m_dataset = new QLineEdit(QString::fromStdString(m_base.dataset.root.string()), page);
    m_dataset->setObjectName("datasetFolder");
    QStringList keywords;
    for (const std::string& word : m_base.dataset.keywords)
        keywords << QString::fromStdString(word);
    m_keywords = new QLineEdit(keywords.join(","), page);
    m_keywords->setToolTip(tr("Comma-separated keyword folders to classify"));
    m_silence = new QCheckBox(tr("add a _silence_ class"), page);
    m_silence->setChecked(m_base.dataset.includeSilence);
    m_unknown = new QCheckBox(tr("add an _unknown_ class (other words)"), page);
    m_unknown->setChecked(m_base.dataset.includeUnknown);
    m_check = new DatasetCheckView(page);
    form->addRow(tr("Name"), m_name);
    form->addRow(tr("Experiment file"), withBrowse(page, m_file, [this] {
                     const QString file = QFileDialog::getSaveFileName(
                         this, tr("Experiment file"), m_file->text(), tr("Experiments (*.sqlite)"));
                     if (!file.isEmpty()) m_file->setText(file);
                 }));
    form->addRow(tr("Dataset folder"), withBrowse(page, m_dataset, [this] {
                     const QString folder = QFileDialog::getExistingDirectory(
                         this, tr("Dataset folder"), m_dataset->text());
                     if (!folder.isEmpty()) m_dataset->setText(folder);
                 }));
    form->addRow(tr("Keywords"), m_keywords);
    form->addRow(QString(), m_silence);
    form->addRow(QString(), m_unknown);
    form->addRow(m_check);
    connect(m_file, &QLineEdit::textChanged, this, &NewExperimentDialog::revalidate);
    connect(m_name, &QLineEdit::textChanged, this, &NewExperimentDialog::revalidate);
    for (QLineEdit* edit : {m_dataset, m_keywords})
        connect(edit, &QLineEdit::textChanged, this, &NewExperimentDialog::datasetOptionsChanged);
    for (QCheckBox* box : {m_silence, m_unknown})
        connect(box, &QCheckBox::toggled, this, &NewExperimentDialog::datasetOptionsChanged);
    connect(m_check, &DatasetCheckView::checked, this, &NewExperimentDialog::revalidate);
    return page;
}

QWidget* NewExperimentDialog::buildSeedPage() {
    auto* page = new QWidget(this);
    auto* form = new QFormLayout(page);
    m_seedChoice = new QComboBox(page);
    m_seedChoice->addItem(tr("Shipped seed (the paper's: 6 units of 100 filters)"));
    m_seedChoice->addItem(tr("Architecture spec file"));
    const bool paper = m_base.seed == ArchitectureSpec::paperSeed();
    m_seedChoice->setCurrentIndex(paper ? 0 : 1);
    m_seedFile = new QLineEdit(page);
    m_seedFile->setPlaceholderText(
        tr("a JSON spec: {\"name\", \"input\", \"classes\", \"units\": [...]}"));
    m_seedInfo = new QLabel(page);
    m_seedInfo->setWordWrap(true);
    const TrainingParams& training = m_base.training;
    m_searchTrials = spin(page, 1, 100000, m_base.searchTrials);
    m_refinementTrials = spin(page, 0, 100000, m_base.refinementTrials);
    m_refinementTrials->setSpecialValueText(tr("same as search"));
    m_iterations = spin(page, 1, 10000000, training.iterations);
    m_batch = spin(page, 1, 4096, training.batchSize);
    m_learningRate = new QDoubleSpinBox(page);
    m_learningRate->setDecimals(5);
    m_learningRate->setRange(1e-5, 1.0);
    m_learningRate->setSingleStep(1e-4);
    m_learningRate->setValue(training.learningRate);
    m_finetuneIterations = spin(page, 1, 10000000, m_base.finetune.iterations);
    m_workers = spin(page, 1, 64, m_base.workers);
    m_maxMinutes = new QDoubleSpinBox(page);
    m_maxMinutes->setObjectName("maxMinutes");
    m_maxMinutes->setRange(0.0, 100000.0);
    m_maxMinutes->setDecimals(1);
    m_maxMinutes->setSuffix(tr(" min"));
    m_maxMinutes->setSpecialValueText(tr("no limit"));
    m_maxMinutes->setValue(m_base.searchMaxMinutes);
    m_maxMinutes->setToolTip(
        tr("Wall-clock budget of each search and refinement run: trials start only while they "
           "can finish in it, so the phase ends with its trials finished. The paper's budget "
           "(100 trials of 8,000 iterations) takes days on two cores: set this for a first run."));
    form->addRow(tr("Seed architecture"), m_seedChoice);
    form->addRow(tr("Spec file"), withBrowse(page, m_seedFile, [this] {
                     const QString file = QFileDialog::getOpenFileName(
                         this, tr("Architecture spec"), m_seedFile->text(), tr("JSON (*.json)"));
                     if (!file.isEmpty()) {
                         m_seedFile->setText(file);
                         m_seedChoice->setCurrentIndex(1);
                     }
                 }));
    form->addRow(QString(), m_seedInfo);
    form->addRow(tr("Trials per search phase"), m_searchTrials);
    form->addRow(tr("Trials per refinement phase"), m_refinementTrials);
    form->addRow(tr("Iterations per trial"), m_iterations);
    form->addRow(tr("Batch size"), m_batch);
    form->addRow(tr("Learning rate (Adam)"), m_learningRate);
    form->addRow(tr("Fine-tuning iterations (total)"), m_finetuneIterations);
    form->addRow(tr("Trials in parallel"), m_workers);
    form->addRow(tr("Time per search phase"), m_maxMinutes);
    m_estimate = new QLabel(page);
    m_estimate->setObjectName("timeEstimate");
    m_estimate->setWordWrap(true);
    form->addRow(QString(), m_estimate);
    connect(&m_seedTiming, &QFutureWatcher<Result<double>>::finished, this, [this] {
        const Result<double> timed = m_seedTiming.result();
        m_seedStepSeconds = timed ? *timed : 0.0;
        updateEstimate();
        timeSeed();  // the seed or batch changed meanwhile
    });
    connect(m_seedChoice, &QComboBox::currentIndexChanged, this, &NewExperimentDialog::loadSeed);
    connect(m_seedFile, &QLineEdit::editingFinished, this, &NewExperimentDialog::loadSeed);
    for (QSpinBox* box : {m_searchTrials, m_refinementTrials, m_iterations, m_batch,
                          m_finetuneIterations, m_workers}) {
        connect(box, &QSpinBox::valueChanged, this, &NewExperimentDialog::revalidate);
    }
    connect(m_maxMinutes, &QDoubleSpinBox::valueChanged, this, &NewExperimentDialog::revalidate);
    connect(m_batch, &QSpinBox::editingFinished, this, &NewExperimentDialog::timeSeed);
    return page;
}

QWidget* NewExperimentDialog::buildSpacePage() {
    m_space = new SearchSpaceView(this);
    connect(m_space, &SearchSpaceView::spaceChanged, this, &NewExperimentDialog::revalidate);
    return m_space;
}

void NewExperimentDialog::loadSeed() {
    m_seedError.clear();
    ArchitectureSpec seed = ArchitectureSpec::paperSeed();
    if (m_seedChoice->currentIndex() == 1) {
        if (m_seedFile->text().isEmpty()) {
            seed = m_base.seed;
        } else if (auto loaded = ArchitectureSpec::fromFile(m_seedFile->text().toStdString());
                   loaded) {
            seed = *loaded;
        } else {
            m_seedError = QString::fromStdString(loaded.error().message);
        }
    }
    if (m_seedError.isEmpty() && !(seed == m_seed && m_space->space().seed == seed)) {
        m_seed = seed;
        // A new seed brings the paper's default bounds for its shape.
        m_space->setSpace(m_seed == m_base.seed ? m_base.space : SearchSpace::paperDefault(m_seed));
    }
    m_seedInfo->setText(
        m_seedError.isEmpty()
            ? tr("%1: %2 · %3 MFPOPS · %4 classes, input %5×%6")
                  .arg(QString::fromStdString(m_seed.name))
                  .arg(QString::fromStdString(m_seed.notation()))
                  .arg(CostModel::evaluate(m_seed).mfpops(), 0, 'f', 1)
                  .arg(m_seed.classes)
                  .arg(m_seed.inputHeight)
                  .arg(m_seed.inputWidth)
            : tr("<b>The spec file cannot be used:</b> %1").arg(m_seedError.toHtmlEscaped()));
    timeSeed();
    revalidate();
}

// A few Adam steps of the seed on random inputs (core/training/StepCalibration.h), one thread per
// trial as the search runs them; the fastest plan's median.
void NewExperimentDialog::timeSeed() {
    // Once per seed and batch: re-checking the same seed costs nothing; a change made while a
    // timing runs is timed when it ends (the finished handler calls this again).
    const QString key =
        QString::fromStdString(m_seed.notation()) + " / " + QString::number(m_batch->value());
    if (!m_seedError.isEmpty() || m_seedTiming.isRunning() || key == m_timedKey) return;
    m_timedKey = key;
    m_seedStepSeconds = 0.0;
    m_seedTiming.setFuture(runInBackground<double>(
        "timing the seed", [seed = m_seed, batch = m_batch->value()]() -> Result<double> {
            double best = 0.0;
            for (const StepTiming& timing : StepCalibration::measure(seed, batch, 1, 3)) {
                if (best == 0.0 || timing.medianSeconds < best) best = timing.medianSeconds;
            }
            if (!(best > 0.0)) return makeError(ErrorCode::Internal, "no timing");
            return best;
        }));
    updateEstimate();
}

void NewExperimentDialog::updateEstimate() {
    if (!m_estimate) return;  // still building the pages
    if (!m_seedError.isEmpty()) return m_estimate->clear();
    if (m_seedStepSeconds <= 0.0) {
        m_estimate->setText(m_seedTiming.isRunning()
                                ? tr("Timing the seed on this machine for an estimate…")
                                : QString());
        return;
    }
    const double trials = m_searchTrials->value();
    const double iterations = m_iterations->value();
    const double seconds = trials * iterations * m_seedStepSeconds / m_workers->value();
    const auto duration = [](double s) {
        if (s < 120) return tr("%1 s").arg(s, 0, 'f', 0);
        if (s < 7200) return tr("%1 min").arg(s / 60, 0, 'f', 0);
        if (s < 172800) return tr("%1 h").arg(s / 3600, 0, 'f', 1);
        return tr("%1 days").arg(s / 86400, 0, 'f', 1);
    };
    QString text = tr("Estimate: the seed trains %1 iterations per second here (batch %2, one "
                      "thread); %3 trials × %4 iterations at that speed on %5 worker(s) take "
                      "about %6 per search phase. Smaller candidates train faster.")
                       .arg(1.0 / m_seedStepSeconds, 0, 'f', 1)
                       .arg(m_batch->value())
                       .arg(QLocale().toString(static_cast<int>(trials)))
                       .arg(QLocale().toString(static_cast<int>(iterations)))
                       .arg(m_workers->value())
                       .arg(duration(seconds));
    if (m_maxMinutes->value() > 0 && seconds > 60.0 * m_maxMinutes->value())
        text += tr(" The budget stops it at %1.").arg(duration(60.0 * m_maxMinutes->value()));
    m_estimate->setText(text);
}

QString NewExperimentDialog::estimateText() const { return m_estimate->text(); }

void NewExperimentDialog::datasetOptionsChanged() {
    const ExperimentConfig current = config();
    if (current.dataset.root.empty()) {
        revalidate();
        return;
    }
    m_check->check(current.dataset);
    revalidate();
}

ExperimentConfig NewExperimentDialog::config() const {
    ExperimentConfig config = m_base;
    config.name = m_name->text().trimmed().toStdString();
    config.dataset.root =
        m_dataset->text().trimmed().isEmpty()
            ? std::filesystem::path()
            : std::filesystem::absolute(m_dataset->text().trimmed().toStdString());
    config.dataset.keywords.clear();
    for (const QString& word : m_keywords->text().split(',', Qt::SkipEmptyParts))
        config.dataset.keywords.push_back(word.trimmed().toStdString());
    config.dataset.includeSilence = m_silence->isChecked();
    config.dataset.includeUnknown = m_unknown->isChecked();
    config.seed = m_seed;
    config.space = m_space->space();
    if (m_seedChoice->currentIndex() == 0) {
        // The shipped seed's head follows the dataset: 10 keywords, or 12 with silence and unknown.
        config.seed.classes = static_cast<int>(config.dataset.classNames().size());
        config.space.seed.classes = config.seed.classes;
    }
    config.searchTrials = m_searchTrials->value();
    config.refinementTrials = m_refinementTrials->value();
    config.training.iterations = m_iterations->value();
    config.training.batchSize = m_batch->value();
    config.training.learningRate = m_learningRate->value();
    config.finetune.iterations = m_finetuneIterations->value();
    config.workers = m_workers->value();
    config.searchMaxMinutes = m_maxMinutes->value();
    return config;
}

std::filesystem::path NewExperimentDialog::file() const {
    return std::filesystem::absolute(m_file->text().trimmed().toStdString());
}

void NewExperimentDialog::setFile(const QString& file) { m_file->setText(file); }
void NewExperimentDialog::setDatasetFolder(const QString& folder) { m_dataset->setText(folder); }

QString NewExperimentDialog::problem() const { return m_problem->text(); }

void NewExperimentDialog::revalidate() {
    updateEstimate();
    QString problem;
    const ExperimentConfig current = config();
    const int classes = static_cast<int>(current.dataset.classNames().size());
    if (m_name->text().trimmed().isEmpty())
        problem = tr("Give the experiment a name.");
    else if (m_file->text().trimmed().isEmpty())
        problem = tr("Choose where to save the experiment file.");
    else if (QFileInfo::exists(m_file->text().trimmed()))
        problem = tr("%1 already exists: choose another file, or open it from the start page.")
                      .arg(m_file->text());
    else if (const QString folder = unwritableFolder(file()); !folder.isEmpty())
        problem =
            tr("The experiment file cannot be written: %1 is not a writable folder.").arg(folder);
    else if (current.dataset.root.empty())
        problem = tr("Choose the dataset folder.");
    else if (!m_seedError.isEmpty())
        problem = tr("The seed spec file cannot be used (see Seed and budgets).");
    else if (current.seed.classes != classes)
        problem = tr("The seed has %1 classes but the dataset settings give %2: change the "
                     "keywords or the seed.")
                      .arg(current.seed.classes)
                      .arg(classes);
    else if (auto valid = current.validate(); !valid)
        problem = QString::fromStdString(valid.error().message);
    else if (!m_check->isValid())
        problem = tr("The dataset folder is not usable yet (see Dataset).");
    m_problem->setText(problem);
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(problem.isEmpty());
}

}  // namespace perfnas::ui
