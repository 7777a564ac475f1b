#include "ui/window/StartPage.h"

#include <QLabel>
#include <QListWidget>
#include <QProgressBar>
#include <QPushButton>
#include <QVBoxLayout>

namespace perfnas::ui {

StartPage::StartPage(QWidget* parent)
    : QWidget(parent),
      m_demo(new QPushButton(tr("Demo experiment"), this)),
      m_recent(new QListWidget(this)),
      m_demoProgress(new QProgressBar(this)),
      m_demoStatus(new QLabel(this)) {
    setObjectName("startPage");
    auto* title =
        new QLabel(tr("<h2>PerfNAS Studio</h2><p>Search keyword-spotting CNNs that are accurate "
                      "<i>and</i> cheap: search, refine, fine-tune.</p>"),
                   this);
    title->setWordWrap(true);
    auto* create = new QPushButton(tr("New experiment…"), this);
    auto* open = new QPushButton(tr("Open experiment file…"), this);
    m_demo->setObjectName("demoButton");
    m_demo->setToolTip(
        tr("Synthesizes a small spoken-keyword dataset on first use, then searches it (a few "
           "minutes)"));
    // What the demo costs before it is clicked (resources/examples/demo-experiment.json).
    auto* demoNote = new QLabel(
        tr("The demo synthesizes 2,400 spoken keywords on first use (a few seconds), then runs a "
           "3.5-minute multi-fidelity search on two workers. Refine it from the Refinement panel "
           "and fine-tune it from the Experiment menu (a few minutes each); "
           "<tt>packaging/run-demo.sh</tt> "
           "does all three in about 10 minutes on two cores."),
        this);
    demoNote->setObjectName("demoNote");
    demoNote->setWordWrap(true);
    m_demoProgress->setVisible(false);
    m_demoStatus->setWordWrap(true);
    m_recent->setObjectName("recentFiles");
    connect(create, &QPushButton::clicked, this, &StartPage::newRequested);
    connect(open, &QPushButton::clicked, this, &StartPage::openRequested);
    connect(m_demo, &QPushButton::clicked, this, &StartPage::demoRequested);
    connect(m_recent, &QListWidget::itemActivated, this, [this](QListWidgetItem* item) {
        Q_EMIT openFileRequested(item->data(Qt::UserRole).toString());
    });

    auto* column = new QVBoxLayout;
    column->addWidget(title);
    column->addWidget(create);
    column->addWidget(open);
    column->addWidget(m_demo);
    column->addWidget(demoNote);
    column->addWidget(m_demoProgress);
    column->addWidget(m_demoStatus);
    column->addSpacing(12);
    column->addWidget(new QLabel(tr("Recent experiments"), this));
    column->addWidget(m_recent, 1);
    auto* outer = new QHBoxLayout(this);
    outer->addStretch(1);
    outer->addLayout(column, 2);
    outer->addStretch(1);
}

void StartPage::setRecentFiles(const QStringList& files) {
    m_recent->clear();
    for (const QString& file : files) {
        auto* item = new QListWidgetItem(file, m_recent);
        item->setData(Qt::UserRole, file);
    }
    if (files.isEmpty()) {
        auto* item = new QListWidgetItem(tr("No recent experiments"), m_recent);
        item->setFlags(Qt::NoItemFlags);
    }
}

void StartPage::setDemoBusy(bool busy, const QString& status) {
    m_demo->setEnabled(!busy);
    m_demoProgress->setVisible(busy);
    if (busy) m_demoProgress->setRange(0, 0);
    m_demoStatus->setText(status);
}

void StartPage::setDemoProgress(qint64 done, qint64 total) {
    m_demoProgress->setRange(0, static_cast<int>(total));
    m_demoProgress->setValue(static_cast<int>(done));
    m_demoProgress->setFormat(tr("Synthesizing demo clips: %v of %m"));
}

}  // namespace perfnas::ui
