#include "ui/dataset/DatasetCheckView.h"

#include <QHeaderView>
#include <QLabel>
#include <QPlainTextEdit>
#include <QTableWidget>
#include <QTimer>
#include <QVBoxLayout>
#include <QtConcurrent>

namespace perfnas::ui {

DatasetCheckView::DatasetCheckView(QWidget* parent)
    : QWidget(parent),
      m_debounce(new QTimer(this)),
      m_status(new QLabel(this)),
      m_counts(new QTableWidget(this)),
      m_skipped(new QPlainTextEdit(this)) {
    setObjectName("datasetCheck");
    m_debounce->setSingleShot(true);
    m_debounce->setInterval(300);
    connect(m_debounce, &QTimer::timeout, this, &DatasetCheckView::scanNow);
    connect(&m_watcher, &QFutureWatcher<Result<DatasetIndex>>::finished, this, [this] {
        if (m_rescan) {  // the folder changed while scanning: the result is stale
            m_rescan = false;
            scanNow();
            return;
        }
        show(m_watcher.result());
    });
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_counts->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_counts->verticalHeader()->setDefaultSectionSize(m_counts->fontMetrics().height() + 4);
    m_skipped->setReadOnly(true);
    m_skipped->setMaximumHeight(80);
    m_skipped->setPlaceholderText(tr("Files that will be skipped are listed here."));
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_status);
    layout->addWidget(m_counts, 1);
    layout->addWidget(m_skipped);
    m_status->setText(
        tr("Choose a dataset folder in the Speech Commands layout (one folder per word)."));
}

DatasetCheckView::~DatasetCheckView() { m_watcher.waitForFinished(); }

QString DatasetCheckView::statusText() const { return m_status->text(); }

void DatasetCheckView::check(const DatasetOptions& options) {
    m_options = options;
    m_valid = false;
    m_status->setText(tr("Checking %1 …").arg(QString::fromStdString(options.root.string())));
    m_debounce->start();
}

void DatasetCheckView::scanNow() {
    if (m_watcher.isRunning()) {
        m_rescan = true;
        return;
    }
    const DatasetOptions options = m_options;
    m_watcher.setFuture(QtConcurrent::run([options] { return DatasetScanner::scan(options); }));
}

void DatasetCheckView::show(const Result<DatasetIndex>& index) {
    m_counts->clear();
    m_skipped->clear();
    if (!index) {
        m_valid = false;
        m_counts->setRowCount(0);
        m_counts->setColumnCount(0);
        m_status->setText(tr("<b>This folder cannot be used:</b> %1<br>Choose a folder with one "
                             "subfolder per keyword "
                             "(Speech Commands layout), or fix the keywords.")
                              .arg(QString::fromStdString(index.error().message).toHtmlEscaped()));
        Q_EMIT checked(false);
        return;
    }
    const std::vector<std::string>& classes = index->classNames;
    std::vector<std::array<int, 3>> counts(classes.size(), {0, 0, 0});
    std::array<int, 3> totals = {0, 0, 0};
    for (const ClipRef& clip : index->clips) {
        const auto split = static_cast<std::size_t>(clip.split);
        if (clip.label >= 0 && clip.label < static_cast<int>(classes.size()))
            ++counts[static_cast<std::size_t>(clip.label)][split];
        ++totals[split];
    }
    m_counts->setColumnCount(3);
    m_counts->setHorizontalHeaderLabels({tr("training"), tr("validation"), tr("testing")});
    m_counts->setRowCount(static_cast<int>(classes.size()) + 1);
    QStringList rows;
    for (const std::string& name : classes) rows << QString::fromStdString(name);
    rows << tr("total");
    m_counts->setVerticalHeaderLabels(rows);
    for (std::size_t row = 0; row <= classes.size(); ++row) {
        for (int split = 0; split < 3; ++split) {
            const int value = row < classes.size() ? counts[row][static_cast<std::size_t>(split)]
                                                   : totals[static_cast<std::size_t>(split)];
            auto* item = new QTableWidgetItem(QString::number(value));
            item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
            m_counts->setItem(static_cast<int>(row), split, item);
        }
    }
    m_counts->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    QStringList skipped;
    for (const SkippedFile& file : index->skipped) {
        skipped << QStringLiteral("%1: %2").arg(QString::fromStdString(file.file),
                                                QString::fromStdString(file.reason));
    }
    m_skipped->setPlainText(skipped.join('\n'));
    // Training needs every split; an empty one would fail only when the run starts.
    m_valid = totals[0] > 0 && totals[1] > 0 && totals[2] > 0;
    QString status = tr("%1 clips in %2 classes (%3 training, %4 validation, %5 testing); %6 "
                        "background-noise files; "
                        "splits from %7.")
                         .arg(index->clips.size())
                         .arg(classes.size())
                         .arg(totals[0])
                         .arg(totals[1])
                         .arg(totals[2])
                         .arg(index->backgroundNoise.size())
                         .arg(index->usesLists ? tr("validation_list.txt / testing_list.txt")
                                               : tr("the file-name hash rule"));
    if (!index->skipped.empty())
        status += tr(" %1 files will be skipped (listed below).").arg(index->skipped.size());
    if (!m_valid)
        status = tr("<b>A split has no clips:</b> ") + status +
                 tr(" Add clips or lists so every split has some.");
    m_status->setText(status);
    Q_EMIT checked(m_valid);
}

}  // namespace perfnas::ui
