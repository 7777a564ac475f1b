#include "ui/search/TrialTablePanel.h"

#include <QCheckBox>
#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QTableView>
#include <QVBoxLayout>

#include "ui/common/TrialText.h"
#include "ui/search/TrialFilterModel.h"
#include "ui/search/TrialTableModel.h"

namespace perfnas::ui {

TrialTablePanel::TrialTablePanel(QWidget* parent)
    : QWidget(parent),
      m_model(new TrialTableModel(this)),
      m_filter(new TrialFilterModel(this)),
      m_view(new QTableView(this)),
      m_phase(new QComboBox(this)),
      m_state(new QComboBox(this)),
      m_paretoOnly(new QCheckBox(tr("Pareto only"), this)) {
    m_filter->setSourceModel(m_model);
    m_view->setModel(m_filter);
    m_view->setObjectName("trialTable");
    m_view->setSortingEnabled(true);
    m_view->sortByColumn(TrialTableModel::Id, Qt::AscendingOrder);
    // The first click on an accuracy column shows the best trials first.
    connect(m_view->horizontalHeader(), &QHeaderView::sortIndicatorChanged, this,
            [this](int section, Qt::SortOrder order) {
                const bool newColumn = section != m_sortColumn;
                m_sortColumn = section;
                const bool higherIsBetter = section == TrialTableModel::ValidationTop1 ||
                                            section == TrialTableModel::TestTop1 ||
                                            section == TrialTableModel::Pareto;
                if (newColumn && higherIsBetter && order == Qt::AscendingOrder)
                    m_view->horizontalHeader()->setSortIndicator(section, Qt::DescendingOrder);
            });
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->verticalHeader()->hide();
    m_view->horizontalHeader()->setStretchLastSection(true);
    m_view->setAlternatingRowColors(true);
    m_view->setWordWrap(false);  // one line per trial; the full architecture is in the tooltip
    m_view->verticalHeader()->setDefaultSectionSize(m_view->fontMetrics().height() + 6);
    m_view->horizontalHeader()->resizeSection(
        TrialTableModel::Id, m_view->fontMetrics().horizontalAdvance("Trial 00000"));
    m_view->horizontalHeader()->resizeSection(
        TrialTableModel::Architecture,
        m_view->fontMetrics().horizontalAdvance("{4×10, 100} {3×3, 100} {3×3, 100} {3×3, 100}"));

    m_phase->setObjectName("phaseFilter");
    m_phase->addItem(tr("All phases"), 0);
    m_state->setObjectName("stateFilter");
    m_state->addItem(tr("All states"), -1);
    for (TrialState state : {TrialState::Queued, TrialState::Running, TrialState::Finished,
                             TrialState::Failed, TrialState::Diverged, TrialState::Cancelled}) {
        m_state->addItem(stateLabel(state), static_cast<int>(state));
    }
    m_paretoOnly->setObjectName("paretoOnly");

    auto* filters = new QHBoxLayout;
    filters->addWidget(new QLabel(tr("Show:"), this));
    filters->addWidget(m_phase);
    filters->addWidget(m_state);
    filters->addWidget(m_paretoOnly);
    filters->addStretch();
    m_key = new QLabel(this);
    m_key->setObjectName("tableKey");
    m_key->setTextFormat(Qt::RichText);
    filters->addWidget(m_key);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(filters);
    layout->addWidget(m_view);

    connect(m_phase, &QComboBox::currentIndexChanged, this,
            [this] { m_filter->setPhaseFilter(m_phase->currentData().toInt()); });
    connect(m_state, &QComboBox::currentIndexChanged, this, [this] {
        const int state = m_state->currentData().toInt();
        m_filter->setStateFilter(state < 0 ? std::nullopt
                                           : std::optional(static_cast<TrialState>(state)));
    });
    connect(m_paretoOnly, &QCheckBox::toggled, m_filter, &TrialFilterModel::setParetoOnly);
    connect(m_view->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex& current) {
                if (!m_selecting && current.isValid())
                    Q_EMIT trialSelected(current.data(TrialTableModel::TrialIdRole).toInt());
            });
}

void TrialTablePanel::setSummary(const SummaryPtr& summary) {
    m_model->setSummary(summary);
    if (summary) updatePhaseChoices(*summary);
    // The same greys as the chart's "stopped early" marks.
    const bool rungs = summary && summary->config.fidelity;
    m_key->setText(
        rungs ? tr("<b>Bold</b>: Pareto-optimal · <span style='color:#828282'>grey</span>: "
                   "stopped early at a lower rung")
              : tr("<b>Bold</b>: Pareto-optimal"));
}

void TrialTablePanel::updatePhaseChoices(const ExperimentSummary& summary) {
    if (m_phase->count() == static_cast<int>(summary.phases.size()) + 1) return;
    const int chosen = m_phase->currentData().toInt();
    const QSignalBlocker blocker(m_phase);
    m_phase->clear();
    m_phase->addItem(tr("All phases"), 0);
    for (const PhaseRecord& phase : summary.phases) m_phase->addItem(phaseLabel(phase), phase.id);
    m_phase->setCurrentIndex(std::max(0, m_phase->findData(chosen)));
}

void TrialTablePanel::selectTrial(int trialId) {
    const int row = m_model->rowOfTrial(trialId);
    if (row < 0) return;
    const QModelIndex index = m_filter->mapFromSource(m_model->index(row, 0));
    if (!index.isValid()) return;  // filtered out
    m_selecting = true;
    m_view->selectionModel()->setCurrentIndex(
        index, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    m_view->scrollTo(index);
    m_selecting = false;
}

int TrialTablePanel::selectedTrial() const {
    const QModelIndex current = m_view->selectionModel()->currentIndex();
    return current.isValid() ? current.data(TrialTableModel::TrialIdRole).toInt() : 0;
}

}  // namespace perfnas::ui
