#include "ui/benchmark/BenchmarkPanel.h"

#include <QComboBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QSettings>
#include <QSignalBlocker>
#include <QSpinBox>
#include <QSplitter>
#include <QTabWidget>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>
#include <cmath>
#include <nlohmann/json.hpp>
#include <set>

#include "core/benchmark/LatencyBenchmark.h"
#include "ui/benchmark/BenchmarkJob.h"
#include "ui/benchmark/BoardDialog.h"
#include "ui/benchmark/LatencyChartView.h"
#include "ui/common/ChartExport.h"
#include "ui/common/ErrorDialog.h"
#include "ui/common/TrialText.h"
#include "ui/report/ExportDialog.h"

namespace perfnas::ui {
namespace {
constexpr int kTrialRole = Qt::UserRole;
constexpr const char* kAddBoard = "add-board";  // the target combo's last item
constexpr const char* kBoardsKey = "latency/boards";
}  // namespace

BenchmarkPanel::BenchmarkPanel(QWidget* parent)
    : QWidget(parent),
      m_job(new BenchmarkJob(this)),
      m_target(new QComboBox(this)),
      m_runs(new QSpinBox(this)),
      m_threads(new QSpinBox(this)),
      m_run(new QPushButton(tr("Run"), this)),
      m_cancel(new QPushButton(tr("Cancel"), this)),
      m_progress(new QProgressBar(this)),
      m_models(new QListWidget(this)),
      m_charts(new QTabWidget(this)),
      m_correlation(new QLabel(this)),
      m_message(new QLabel(this)),
      m_trainingWarning(new QLabel(this)),
      m_exportChart(new QPushButton(tr("Export chart…"), this)),
      m_exportDialog(new QPushButton(tr("Export report or model…"), this)) {
    setObjectName("benchmarkPanel");
    m_target->addItem(tr("Local CPU"), QStringLiteral("local"));
    if (LatencyBenchmark::cudaAvailable())
        m_target->addItem(tr("CUDA GPU"), QStringLiteral("cuda"));
    loadBoards();
    m_target->addItem(tr("Add board…"), QString(kAddBoard));
    m_target->setToolTip(tr("Where to measure: this CPU, a CUDA GPU, or a board over SSH"));
    m_runs->setRange(1, 10000);
    m_runs->setValue(LatencySettings{}.runs);
    m_runs->setToolTip(tr("Timed batch-1 runs per model (the paper: 100), after 10 warm-up runs"));
    m_threads->setRange(1, 256);
    m_threads->setValue(LatencySettings{}.threads);
    m_threads->setToolTip(
        tr("CPU threads per inference (edge boards run one inference at a time)"));
    m_progress->setRange(0, 1);
    m_progress->setValue(0);
    m_progress->setTextVisible(false);
    m_models->setObjectName("benchmarkModels");
    m_models->setToolTip(
        tr("Models to measure; the seed is always measured alongside as the baseline"));
    m_correlation->setWordWrap(true);
    m_message->setWordWrap(true);
    m_trainingWarning->setObjectName("trainingWarning");
    m_trainingWarning->setWordWrap(true);
    m_trainingWarning->setStyleSheet("color: #b35900");
    m_trainingWarning->hide();

    auto* settings = new QFormLayout;
    settings->addRow(tr("Target"), m_target);
    settings->addRow(tr("Runs"), m_runs);
    settings->addRow(tr("Threads"), m_threads);
    auto* pareto = new QPushButton(tr("Pareto set"), this);
    pareto->setToolTip(tr("Check exactly the Pareto-optimal models"));
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(m_run);
    buttons->addWidget(m_cancel);
    auto* left = new QWidget(this);
    auto* leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(0, 0, 0, 0);
    leftLayout->addLayout(settings);
    leftLayout->addWidget(new QLabel(tr("Models (the seed runs too)"), this));
    leftLayout->addWidget(m_models, 1);
    leftLayout->addWidget(pareto);
    leftLayout->addWidget(m_trainingWarning);
    leftLayout->addLayout(buttons);
    leftLayout->addWidget(m_progress);
    leftLayout->addWidget(m_message);

    auto* right = new QWidget(this);
    auto* rightLayout = new QVBoxLayout(right);
    rightLayout->setContentsMargins(0, 0, 0, 0);
    rightLayout->addWidget(m_charts, 1);
    rightLayout->addWidget(m_correlation);
    auto* exports = new QHBoxLayout;
    exports->addStretch(1);
    exports->addWidget(m_exportChart);
    exports->addWidget(m_exportDialog);
    rightLayout->addLayout(exports);

    auto* splitter = new QSplitter(Qt::Horizontal, this);
    splitter->addWidget(left);
    splitter->addWidget(right);
    splitter->setStretchFactor(1, 3);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(splitter);

    connect(m_run, &QPushButton::clicked, this, &BenchmarkPanel::runBenchmark);
    connect(m_target, &QComboBox::currentIndexChanged, this, &BenchmarkPanel::targetChosen);
    connect(m_cancel, &QPushButton::clicked, m_job, &BenchmarkJob::cancel);
    connect(pareto, &QPushButton::clicked, this, [this] {
        if (m_summary) setCheckedTrials(m_summary->frontier);
    });
    connect(m_job, &BenchmarkJob::progressed, this, [this](int done, int total) {
        m_progress->setRange(0, total);
        m_progress->setValue(done);
    });
    connect(m_job, &BenchmarkJob::finished, this,
            [this](const std::vector<BenchmarkRecord>& records) {
                m_message->setText(tr("Measured and saved in the experiment file."));
                showRecords(records);
                updateButtons();
                Q_EMIT benchmarksStored();
            });
    connect(m_job, &BenchmarkJob::failed, this, [this](const QString& message) {
        m_progress->setValue(0);
        // A new board: show its fingerprint and run again only if the user trusts it.
        if (!m_askedToTrust && isUnknownHostRefusal(message.toStdString())) {
            m_askedToTrust = true;
            if (m_trustQuestion(message)) return startJob(/*trustNewHost=*/true);
        }
        m_message->setText(tr("The benchmark stopped: %1").arg(message));
        updateButtons();
        reloadRecords();  // a board's failures are stored per model
        Q_EMIT benchmarkFailed(message);
    });
    m_trustQuestion = [this](const QString& message) {
        QMessageBox box(QMessageBox::Question, tr("Trust this board?"),
                        tr("This board's host key is not in known_hosts yet."),
                        QMessageBox::Yes | QMessageBox::No, this);
        box.setInformativeText(message +
                               tr("\n\nTrust it and record its key in known_hosts? Only if the "
                                  "fingerprint matches the board's own."));
        box.setDefaultButton(QMessageBox::No);
        return box.exec() == QMessageBox::Yes;
    };
    connect(&m_loader, &QFutureWatcher<Loaded>::finished, this, [this] {
        Loaded loaded = m_loader.result();
        if (m_reloadAgain) return reloadRecords();  // the file changed while reading
        if (!loaded.error.isEmpty()) {
            m_message->setText(tr("Could not read the benchmarks: %1").arg(loaded.error));
            return;
        }
        showRecords(std::move(loaded.records));
    });
    connect(m_charts, &QTabWidget::currentChanged, this, &BenchmarkPanel::updateCorrelation);
    connect(m_exportChart, &QPushButton::clicked, this, &BenchmarkPanel::exportChart);
    connect(m_exportDialog, &QPushButton::clicked, this, &BenchmarkPanel::openExportDialog);
    updateButtons();
}

BenchmarkPanel::~BenchmarkPanel() { m_loader.waitForFinished(); }

void BenchmarkPanel::setExperimentFile(const std::filesystem::path& file) {
    m_file = file;
    m_records.clear();
    m_summary.reset();
    m_models->clear();
    for (auto& [target, view] : m_chartViews) view->deleteLater();
    m_chartViews.clear();
    m_charts->clear();
    m_message->clear();
    m_correlation->clear();
    updateButtons();
}

void BenchmarkPanel::setSummary(const SummaryPtr& summary) {
    m_summary = summary;
    fillModels();
    reloadRecords();
    updateButtons();
}

void BenchmarkPanel::reloadRecords() {
    m_reloadAgain = false;
    if (m_file.empty() || !m_summary) return;
    if (m_loader.isRunning()) {
        m_reloadAgain = true;
        return;
    }
    m_loader.setFuture(QtConcurrent::run([file = m_file]() -> Loaded {
        auto store = ExperimentStore::open(file, ExperimentStore::Access::ReadOnly);
        if (!store) return {.error = QString::fromStdString(store.error().message)};
        auto records = (*store)->benchmarks();
        if (!records) return {.error = QString::fromStdString(records.error().message)};
        return {.records = std::move(*records)};
    }));
}

void BenchmarkPanel::showRecords(std::vector<BenchmarkRecord> records) {
    m_records = std::move(records);
    std::set<std::string> targets;
    for (const BenchmarkRecord& record : m_records) {
        if (record.error.empty()) targets.insert(record.target);
    }
    for (const std::string& target : targets) {
        if (m_chartViews.contains(target)) continue;
        auto* view = new LatencyChartView(m_charts);
        m_chartViews[target] = view;
        m_charts->addTab(view, QString::fromStdString(target));
    }
    for (auto& [target, view] : m_chartViews) view->setData(m_summary, m_records, target);
    updateCorrelation();
    updateButtons();
    Q_EMIT benchmarksShown();
}

void BenchmarkPanel::fillModels() {
    std::map<int, bool> checked;
    for (int row = 0; row < m_models->count(); ++row) {
        const QListWidgetItem* item = m_models->item(row);
        checked[item->data(kTrialRole).toInt()] = item->checkState() == Qt::Checked;
    }
    m_models->clear();
    if (!m_summary) return;
    const std::set<int> frontier(m_summary->frontier.begin(), m_summary->frontier.end());
    // The Pareto set first (cheapest first, as the frontier), then the other candidates by id.
    std::vector<const TrialRecord*> trials;
    for (int id : m_summary->frontier) {
        if (const TrialRecord* trial = m_summary->trial(id)) trials.push_back(trial);
    }
    for (const TrialRecord& trial : m_summary->trials) {
        if (m_summary->isCandidate(trial) && !frontier.contains(trial.id)) trials.push_back(&trial);
    }
    for (const TrialRecord* trial : trials) {
        if (trial->id == m_summary->seedTrialId) continue;  // measured in any case
        auto* item =
            new QListWidgetItem(tr("trial %1%2: %3%, %4 MFPOPS")
                                    .arg(trial->id)
                                    .arg(frontier.contains(trial->id) ? tr(" (Pareto)") : QString())
                                    .arg(100.0 * trial->validationTop1, 0, 'f', 1)
                                    .arg(trial->mfpops, 0, 'f', 2),
                                m_models);
        item->setToolTip(trialNotation(*trial));
        item->setData(kTrialRole, trial->id);
        item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
        const auto known = checked.find(trial->id);
        const bool on = known != checked.end() ? known->second : frontier.contains(trial->id);
        item->setCheckState(on ? Qt::Checked : Qt::Unchecked);
    }
}

void BenchmarkPanel::setRuns(int runs) { m_runs->setValue(runs); }

void BenchmarkPanel::setCheckedTrials(const std::vector<int>& trialIds) {
    const std::set<int> wanted(trialIds.begin(), trialIds.end());
    for (int row = 0; row < m_models->count(); ++row) {
        QListWidgetItem* item = m_models->item(row);
        item->setCheckState(wanted.contains(item->data(kTrialRole).toInt()) ? Qt::Checked
                                                                            : Qt::Unchecked);
    }
}

std::vector<int> BenchmarkPanel::checkedTrials() const {
    std::vector<int> ids;
    for (int row = 0; row < m_models->count(); ++row) {
        const QListWidgetItem* item = m_models->item(row);
        if (item->checkState() == Qt::Checked) ids.push_back(item->data(kTrialRole).toInt());
    }
    return ids;
}

QStringList BenchmarkPanel::targets() const {
    QStringList keys;
    for (int i = 0; i < m_target->count(); ++i) keys << m_target->itemData(i).toString();
    return keys;
}

void BenchmarkPanel::runBenchmark() {
    if (m_file.empty() || !m_summary || m_job->isRunning()) return;
    m_askedToTrust = false;
    startJob(/*trustNewHost=*/false);
}

void BenchmarkPanel::startJob(bool trustNewHost) {
    const QString key = m_target->currentData().toString();
    const auto board = m_boards.find(key);
    BenchmarkTarget target =
        board != m_boards.end() ? board->second : BenchmarkTarget{.target = key.toStdString()};
    target.board.trustNewHost = trustNewHost;
    target.settings.runs = m_runs->value();
    target.settings.threads = m_threads->value();
    m_message->setText(tr("Measuring on %1 …").arg(m_target->currentText()));
    m_progress->setRange(0, 0);  // busy until the first round reports
    m_job->start({.file = m_file, .target = target, .trialIds = checkedTrials()});
    updateButtons();
}

void BenchmarkPanel::targetChosen() {
    const QString key = m_target->currentData().toString();
    if (key == kAddBoard) {
        auto* dialog = new BoardDialog(this);
        dialog->setAttribute(Qt::WA_DeleteOnClose);
        connect(dialog, &QDialog::finished, this, [this, dialog](int result) {
            const auto board = dialog->board();
            if (result == QDialog::Accepted && board)
                addBoard(*board);
            else
                selectTarget(m_lastTarget);
        });
        dialog->open();
        return;
    }
    m_lastTarget = key;
    const bool remote = m_boards.contains(key);
    m_threads->setEnabled(!remote);
    m_threads->setToolTip(remote ? tr("The board's command decides its threads")
                                 : tr("CPU threads per inference (edge boards run one inference "
                                      "at a time)"));
    updateTrainingWarning();
}

void BenchmarkPanel::addBoard(const BenchmarkTarget& board) {
    const QString key = QString::fromStdString(board.target);
    const bool known = m_boards.contains(key);
    m_boards[key] = board;
    if (!known) {
        const QSignalBlocker quiet(m_target);
        m_target->insertItem(m_target->count() - 1, QString::fromStdString(board.board.address()),
                             key);
    }
    saveBoards();
    if (m_target->currentData().toString() == key)
        targetChosen();  // already selected: no index change to signal it
    else
        selectTarget(key);  // targetChosen follows from the index change
}

void BenchmarkPanel::selectTarget(const QString& key) {
    const int index = m_target->findData(key);
    if (index >= 0) m_target->setCurrentIndex(index);
}

void BenchmarkPanel::setTrustQuestion(std::function<bool(const QString&)> question) {
    m_trustQuestion = std::move(question);
}

void BenchmarkPanel::loadBoards() {
    const auto boards = nlohmann::json::parse(
        QSettings().value(kBoardsKey).toString().toStdString(), nullptr, false);
    if (!boards.is_array()) return;
    for (const auto& entry : boards) {
        if (!entry.is_object()) continue;
        BenchmarkTarget board{.target = entry.value("target", std::string())};
        board.board.identityFile = entry.value("identity", std::string());
        board.board.knownHostsFile = entry.value("known_hosts", std::string());
        board.remote.commandTemplate =
            entry.value("remote_command", std::string(RemoteBenchmarkSettings::kDefaultCommand));
        board.remote.parser = entry.value("remote_parser", std::string("perfnas"));
        if (!board.remoteTarget() || !board.resolve()) continue;  // edited by hand: skip
        const QString key = QString::fromStdString(board.target);
        m_boards[key] = board;
        m_target->addItem(QString::fromStdString(board.board.address()), key);
    }
}

void BenchmarkPanel::saveBoards() const {
    nlohmann::json boards = nlohmann::json::array();
    for (const auto& [key, board] : m_boards) {
        boards.push_back({{"target", board.target},
                          {"identity", board.board.identityFile.string()},
                          {"known_hosts", board.board.knownHostsFile.string()},
                          {"remote_command", board.remote.commandTemplate},
                          {"remote_parser", board.remote.parser}});
    }
    QSettings().setValue(kBoardsKey, QString::fromStdString(boards.dump()));
}

LatencyChartView* BenchmarkPanel::chartFor(const std::string& target) const {
    const auto found = m_chartViews.find(target);
    return found == m_chartViews.end() ? nullptr : found->second;
}

QString BenchmarkPanel::correlationText() const { return m_correlation->text(); }

void BenchmarkPanel::updateCorrelation() {
    const auto* view = qobject_cast<const LatencyChartView*>(m_charts->currentWidget());
    if (!view) {
        m_correlation->setText(
            m_file.empty() ? QString() : tr("No measurements yet: choose models and press Run."));
        return;
    }
    std::vector<double> costs;
    std::vector<double> latencies;
    for (const LatencyBar& bar : view->bars()) {
        costs.push_back(bar.mfpops);
        latencies.push_back(bar.medianMs);
    }
    const double rho = rankCorrelation(costs, latencies);
    m_correlation->setText(
        std::isnan(rho)
            ? tr("How well MFPOPS orders latency needs two or more measured models.")
            : tr("How well MFPOPS orders latency on %1: Spearman ρ = %2 over %3 models.")
                  .arg(QString::fromStdString(view->target()))
                  .arg(rho, 0, 'f', 3)
                  .arg(costs.size()));
}

void BenchmarkPanel::updateButtons() {
    const bool running = m_job->isRunning();
    m_run->setEnabled(!m_file.empty() && m_summary && !running);
    m_cancel->setEnabled(running);
    m_target->setEnabled(!running);
    m_exportChart->setEnabled(m_charts->count() > 0);
    m_exportDialog->setEnabled(!m_file.empty() && m_summary);
    if (!running && m_progress->maximum() == 0) m_progress->setRange(0, 1);
}

void BenchmarkPanel::exportChart() {
    auto* view = qobject_cast<LatencyChartView*>(m_charts->currentWidget());
    if (!view) return;
    exportChartWithDialog(
        view, this, tr("Export the latency chart"),
        QString::fromStdString("latency-" + view->target()),
        [this](const QString& file) { m_message->setText(tr("Chart saved to %1").arg(file)); });
}

void BenchmarkPanel::openExportDialog() {
    if (m_file.empty() || !m_summary) return;
    auto* dialog = new ExportDialog(m_file, m_summary, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->open();
}

void BenchmarkPanel::setTrainingActive(bool active) {
    m_trainingActive = active;
    updateTrainingWarning();
}

void BenchmarkPanel::updateTrainingWarning() {
    const bool local = m_target->currentData().toString() == QStringLiteral("local");
    m_trainingWarning->setText(m_trainingActive && local
                                   ? tr("A run is training on this CPU: local latencies measured "
                                        "now share its cores and come out slow and noisy. Pause "
                                        "or stop the run first.")
                                   : QString());
    m_trainingWarning->setVisible(!m_trainingWarning->text().isEmpty());
}

QString BenchmarkPanel::trainingWarning() const { return m_trainingWarning->text(); }

}  // namespace perfnas::ui
