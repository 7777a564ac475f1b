#include "ui/search/RefinementPanel.h"

#include <QHeaderView>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>
#include <set>

#include "ui/common/Icons.h"
#include "ui/common/TrialText.h"

namespace perfnas::ui {

namespace {
QString parameterText(UnitParameter parameter) {
    return QString::fromStdString(parameterName(parameter));
}
}  // namespace

RefinementPanel::RefinementPanel(QWidget* parent)
    : QWidget(parent),
      m_heading(new QLabel(this)),
      m_table(new QTableWidget(0, 5, this)),
      m_freezeSelected(new QPushButton(tr("Freeze selected"), this)),
      m_frozen(new QLabel(this)) {
    setObjectName("refinementPanel");
    qRegisterMetaType<std::vector<perfnas::Freeze>>();
    m_heading->setWordWrap(true);
    m_frozen->setWordWrap(true);
    m_frozen->setObjectName("frozenParameters");
    m_table->setObjectName("suggestions");
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->verticalHeader()->hide();
    m_table->setHorizontalHeaderLabels(
        {tr("Unit"), tr("Param"), tr("Value"), tr("Share"), QString()});
    for (int column : {0, 1, 2, 4})
        m_table->horizontalHeader()->setSectionResizeMode(column, QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setSectionResizeMode(3, QHeaderView::Stretch);
    m_table->setMinimumWidth(
        m_table->fontMetrics().horizontalAdvance("Unit Param Value 100 % of 10 Freeze") * 3 / 2);
    m_freezeSelected->setObjectName("freezeSelected");
    m_freezeSelected->setToolTip(
        tr("Freeze every selected suggestion into one refinement phase and run it"));
    m_freezeSelected->setEnabled(false);
    connect(m_freezeSelected, &QPushButton::clicked, this, &RefinementPanel::freezeSelected);
    connect(m_table, &QTableWidget::itemSelectionChanged, this, [this] {
        m_freezeSelected->setEnabled(!m_table->selectionModel()->selectedRows().isEmpty());
    });

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_heading);
    layout->addWidget(m_table, 1);
    layout->addWidget(m_freezeSelected);
    layout->addWidget(m_frozen);
    setSummary(nullptr);
}

QPushButton* RefinementPanel::freezeButton(int row) const {
    return qobject_cast<QPushButton*>(m_table->cellWidget(row, 4));
}

QString RefinementPanel::frozenText() const { return m_frozen->text(); }

void RefinementPanel::setSummary(const SummaryPtr& summary) {
    std::vector<Suggestion> suggestions =
        summary ? summary->suggestions : std::vector<Suggestion>{};
    const bool same = suggestions.size() == m_suggestions.size() &&
                      std::equal(suggestions.begin(), suggestions.end(), m_suggestions.begin(),
                                 [](const Suggestion& a, const Suggestion& b) {
                                     return a.unit == b.unit && a.parameter == b.parameter &&
                                            a.value == b.value && a.share == b.share &&
                                            a.support == b.support;
                                 });
    if (!same) {  // rebuilding would drop the user's selection on every live update
        m_suggestions = std::move(suggestions);
        m_table->setRowCount(static_cast<int>(m_suggestions.size()));
        for (int row = 0; row < static_cast<int>(m_suggestions.size()); ++row) {
            const Suggestion& suggestion = m_suggestions[static_cast<std::size_t>(row)];
            m_table->setItem(row, 0, new QTableWidgetItem(QString::number(suggestion.unit + 1)));
            m_table->setItem(row, 1, new QTableWidgetItem(parameterText(suggestion.parameter)));
            m_table->setItem(row, 2, new QTableWidgetItem(QString::number(suggestion.value)));
            auto* bar = new QProgressBar;
            bar->setRange(0, 1000);
            bar->setValue(static_cast<int>(std::lround(suggestion.share * 1000)));
            bar->setFormat(
                tr("%1 % of %2").arg(100.0 * suggestion.share, 0, 'f', 0).arg(suggestion.support));
            bar->setToolTip(
                tr("%1 of the %2 Pareto-optimal candidates that had this parameter free use %3")
                    .arg(static_cast<int>(std::lround(suggestion.share * suggestion.support)))
                    .arg(suggestion.support)
                    .arg(suggestion.value));
            m_table->setCellWidget(row, 3, bar);
            auto* button = new QPushButton(tr("Freeze"));
            button->setToolTip(
                tr("Freeze %1 and run the next refinement phase")
                    .arg(freezeText(suggestion.unit, suggestion.parameter, suggestion.value)));
            connect(button, &QPushButton::clicked, this, [this, suggestion] {
                Q_EMIT freezeRequested({Freeze{.unit = suggestion.unit,
                                               .parameter = suggestion.parameter,
                                               .value = suggestion.value}});
            });
            m_table->setCellWidget(row, 4, button);
        }
    }
    const int candidates = summary ? static_cast<int>(summary->frontier.size()) : 0;
    m_heading->setText(
        m_suggestions.empty()
            ? tr("No suggestions yet: they appear once the search has Pareto-optimal candidates.")
            : tr("Most common value per free parameter among the %1 Pareto-optimal candidates. "
                 "Freezing starts the next refinement phase in the smaller space.")
                  .arg(candidates));
    QStringList frozen;
    if (summary) {
        const SearchSpace& space = summary->currentSpace;
        for (std::size_t unit = 0; unit < space.units.size(); ++unit) {
            for (UnitParameter parameter : kUnitParameters) {
                const Domain& domain = space.units[unit][parameter];
                if (domain.isFrozen()) {
                    frozen << freezeText(static_cast<int>(unit), parameter, *domain.frozen);
                }
            }
        }
    }
    m_frozen->setText(frozen.isEmpty() ? tr("Nothing frozen yet.")
                                       : lockedRichText(tr("Frozen: %1").arg(frozen.join(", ")),
                                                        m_frozen->fontMetrics().height()));
}

void RefinementPanel::freezeSelected() {
    std::vector<Freeze> freezes;
    std::set<std::pair<int, UnitParameter>> seen;
    for (const QModelIndex& index : m_table->selectionModel()->selectedRows()) {
        const Suggestion& suggestion = m_suggestions.at(static_cast<std::size_t>(index.row()));
        if (!seen.insert({suggestion.unit, suggestion.parameter}).second) continue;
        freezes.push_back({.unit = suggestion.unit,
                           .parameter = suggestion.parameter,
                           .value = suggestion.value});
    }
    if (!freezes.empty()) Q_EMIT freezeRequested(freezes);
}

}  // namespace perfnas::ui
