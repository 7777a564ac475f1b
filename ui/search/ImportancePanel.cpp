#include "ui/search/ImportancePanel.h"

#include <QHeaderView>
#include <QLabel>
#include <QPainter>
#include <QRegularExpression>
#include <QStyledItemDelegate>
#include <QTableWidget>
#include <QVBoxLayout>

#include "core/search/ParameterImportance.h"

namespace perfnas::ui {
namespace {

// "unit3.kh" -> "unit 3 kh", as the suggestions name parameters.
QString parameterLabel(const std::string& name) {
    QString label = QString::fromStdString(name);
    label.replace('.', ' ');
    label.replace(QRegularExpression("^unit(\\d+)"), "unit \\1");
    return label;
}

constexpr int kShareRole = Qt::UserRole;
constexpr int kBarColourRole = Qt::UserRole + 1;

// Draws a share as a bar as wide as the share behind its figure.
class ShareBarDelegate : public QStyledItemDelegate {
public:
    using QStyledItemDelegate::QStyledItemDelegate;
    void paint(QPainter* painter, const QStyleOptionViewItem& option,
               const QModelIndex& index) const override {
        const QVariant share = index.data(kShareRole);
        if (share.isValid()) {
            QRect bar = option.rect.adjusted(1, 3, -1, -3);
            bar.setWidth(static_cast<int>(bar.width() * std::clamp(share.toDouble(), 0.0, 1.0)));
            painter->fillRect(bar, index.data(kBarColourRole).value<QColor>());
        }
        QStyledItemDelegate::paint(painter, option, index);
    }
};

QTableWidgetItem* shareItem(double share, const QColor& colour) {
    auto* item = new QTableWidgetItem(QString("%1 %").arg(100.0 * share, 0, 'f', 0));
    item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    item->setData(kShareRole, share);
    item->setData(kBarColourRole, colour);
    item->setToolTip(QString::number(share, 'f', 4));
    return item;
}

}  // namespace

ImportancePanel::ImportancePanel(QWidget* parent)
    : QWidget(parent), m_heading(new QLabel(this)), m_table(new QTableWidget(this)) {
    setObjectName("importancePanel");
    m_heading->setWordWrap(true);
    m_table->setColumnCount(3);
    m_table->setHorizontalHeaderLabels({tr("Parameter"), tr("Pareto set"), tr("TOP-1")});
    m_table->horizontalHeaderItem(1)->setToolTip(
        tr("How differently the parameter is set in the best 10 % of candidates by Pareto rank "
           "(TOP-1 and cost together) than in all of them; shares sum to 100 %"));
    m_table->horizontalHeaderItem(2)->setToolTip(
        tr("The same for the best 10 % by validation TOP-1 alone"));
    m_table->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_table->verticalHeader()->hide();
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSelectionMode(QAbstractItemView::NoSelection);
    m_table->setItemDelegate(new ShareBarDelegate(m_table));
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_heading);
    layout->addWidget(m_table, 1);
    setSummary(nullptr);
}

void ImportancePanel::setSummary(const SummaryPtr& summary) { m_pending.set(summary); }

void ImportancePanel::showEvent(QShowEvent* event) {
    QWidget::showEvent(event);
    m_pending.shown();
}

void ImportancePanel::refresh(const SummaryPtr& summary) {
    const ParameterImportances::Report report =
        summary ? ParameterImportances::of(*summary) : ParameterImportances::Report{};
    const std::vector<ParameterImportance>& importances = report.parameters;
    m_table->setRowCount(static_cast<int>(importances.size()));
    for (int row = 0; row < static_cast<int>(importances.size()); ++row) {
        const ParameterImportance& importance = importances[static_cast<std::size_t>(row)];
        m_table->setItem(row, 0, new QTableWidgetItem(parameterLabel(importance.name)));
        m_table->setItem(row, 1, shareItem(importance.pareto, QColor(200, 30, 30, 70)));
        m_table->setItem(row, 2, shareItem(importance.accuracy, QColor(0, 114, 178, 70)));
    }
    if (!summary) {
        m_heading->setText(tr("No experiment open."));
    } else if (importances.empty()) {
        m_heading->setText(
            tr("Which parameters matter shows once %1 candidates of the current space have "
               "finished.")
                .arg(ParameterImportances::kMinimumCandidates));
    } else {
        const QString from =
            report.rung < 0
                ? tr("%1 candidates").arg(report.candidates)
                : tr("%1 candidates at rung %2 (%3 iterations)")
                      .arg(report.candidates)
                      .arg(report.rung)
                      .arg(summary->config.fidelity
                               ->rungIterations()[static_cast<std::size_t>(report.rung)]);
        m_heading->setText(
            tr("Which free parameters matter (PED-ANOVA, from %1): how differently the best 10 % "
               "set each one than all of them do. A parameter that matters little can be frozen "
               "at its cheapest value.")
                .arg(from));
    }
}

QString ImportancePanel::headingText() const { return m_heading->text(); }

}  // namespace perfnas::ui
