#include "ui/search/TrialTableModel.h"

#include <QColor>
#include <QFont>
#include <QLocale>
#include <QRegularExpression>

#include "ui/common/TrialText.h"

namespace perfnas::ui {

TrialTableModel::TrialTableModel(QObject* parent) : QAbstractTableModel(parent) {}

void TrialTableModel::setSummary(SummaryPtr summary) {
    const std::size_t oldCount = m_summary ? m_summary->trials.size() : 0;
    const std::size_t newCount = summary ? summary->trials.size() : 0;
    // Same file, more trials: ids are never reused, so the old rows are a prefix of the new ones.
    bool prefix = m_summary && summary && newCount >= oldCount &&
                  m_summary->info.createdAt == summary->info.createdAt;
    for (std::size_t row = 0; prefix && row < oldCount; ++row) {
        prefix = m_summary->trials[row].id == summary->trials[row].id;
    }
    auto rebuild = [&] {
        m_summary = std::move(summary);
        m_frontier.clear();
        m_phaseLabels.clear();
        m_rowOfTrial.clear();
        if (!m_summary) return;
        m_frontier.insert(m_summary->frontier.begin(), m_summary->frontier.end());
        for (const PhaseRecord& phase : m_summary->phases)
            m_phaseLabels[phase.id] = phaseLabel(phase);
        for (std::size_t row = 0; row < m_summary->trials.size(); ++row) {
            m_rowOfTrial[m_summary->trials[row].id] = static_cast<int>(row);
        }
        m_notations.resize(m_summary->trials.size());
        m_notationKnown.resize(m_summary->trials.size(), false);
    };
    if (!prefix) {
        beginResetModel();
        m_notations.clear();
        m_notationKnown.clear();
        rebuild();
        endResetModel();
        return;
    }
    if (newCount > oldCount)
        beginInsertRows({}, static_cast<int>(oldCount), static_cast<int>(newCount) - 1);
    rebuild();
    if (newCount > oldCount) endInsertRows();
    if (oldCount > 0)
        Q_EMIT dataChanged(index(0, 0), index(static_cast<int>(oldCount) - 1, ColumnCount - 1));
}

int TrialTableModel::rowOfTrial(int trialId) const {
    const auto found = m_rowOfTrial.find(trialId);
    return found == m_rowOfTrial.end() ? -1 : found->second;
}

const TrialRecord* TrialTableModel::trialAt(int row) const {
    if (!m_summary || row < 0 || row >= static_cast<int>(m_summary->trials.size())) return nullptr;
    return &m_summary->trials[static_cast<std::size_t>(row)];
}

int TrialTableModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() || !m_summary ? 0 : static_cast<int>(m_summary->trials.size());
}

int TrialTableModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

QString TrialTableModel::notationAt(int row) const {
    const auto index = static_cast<std::size_t>(row);
    if (!m_notationKnown[index]) {
        m_notations[index] = trialNotation(m_summary->trials[index]);
        m_notationKnown[index] = true;
    }
    return m_notations[index];
}

QVariant TrialTableModel::data(const QModelIndex& index, int role) const {
    const TrialRecord* trial = trialAt(index.row());
    if (!trial || !index.isValid()) return {};
    const bool finished = trial->state == TrialState::Finished;
    const bool failed = trial->state == TrialState::Failed || trial->state == TrialState::Diverged;
    switch (role) {
        case TrialIdRole:
            return trial->id;
        case PhaseIdRole:
            return trial->phaseId;
        case StateRole:
            return static_cast<int>(trial->state);
        case ParetoRole:
            return m_frontier.contains(trial->id);
        case Qt::ToolTipRole:
            if (!trial->error.empty()) return QString::fromStdString(trial->error);
            if (index.column() == Rung && m_summary->config.fidelity) {
                return rungLabel(*trial, *m_summary->config.fidelity, /*detailed=*/true);
            }
            return index.column() == Architecture ? notationAt(index.row()) : QVariant{};
        case Qt::ForegroundRole:
            if (failed && (index.column() == State || index.column() == Reason))
                return QColor(200, 40, 40);
            // Stopped early by successive halving: not a frontier candidate, so drawn grey.
            if (finished && !m_summary->isAtTopRung(*trial)) return QColor(130, 130, 130);
            return {};
        case Qt::FontRole:
            if (m_frontier.contains(trial->id)) {
                QFont font;
                font.setBold(true);
                return font;
            }
            return {};
        case Qt::TextAlignmentRole:
            return index.column() == Architecture || index.column() == Reason ||
                           index.column() == Phase || index.column() == State
                       ? QVariant(Qt::AlignLeft | Qt::AlignVCenter)
                       : QVariant(Qt::AlignRight | Qt::AlignVCenter);
        default:
            break;
    }
    if (role != Qt::DisplayRole && role != SortRole) return {};
    const bool sort = role == SortRole;
    switch (static_cast<Column>(index.column())) {
        case Id:
            return trial->id;
        case Phase:
            return sort ? QVariant(trial->phaseId) : QVariant(m_phaseLabels.at(trial->phaseId));
        case State:
            return sort ? QVariant(static_cast<int>(trial->state))
                        : QVariant(stateLabel(trial->state));
        case Rung:
            if (!m_summary->config.fidelity) return sort ? QVariant(0) : QVariant();
            return sort ? QVariant(trial->rung)
                        : QVariant(rungLabel(*trial, *m_summary->config.fidelity));
        case ValidationTop1:
            if (!finished) return sort ? QVariant(-1.0) : QVariant();
            return sort ? QVariant(trial->validationTop1)
                        : QVariant(QString::number(100.0 * trial->validationTop1, 'f', 2));
        case TestTop1:
            if (!finished || trial->testTop1 <= 0) return sort ? QVariant(-1.0) : QVariant();
            return sort ? QVariant(trial->testTop1)
                        : QVariant(QString::number(100.0 * trial->testTop1, 'f', 2));
        case Cost:
            return sort ? QVariant(trial->mfpops)
                        : QVariant(QLocale().toString(trial->mfpops, 'f', 2));
        case Params:  // with the locale's thousands separators
            return sort ? QVariant(static_cast<qlonglong>(trial->params))
                        : QVariant(QLocale().toString(static_cast<qlonglong>(trial->params)));
        case Architecture:
            return notationAt(index.row());
        case Seconds:
            return sort ? QVariant(trial->seconds)
                        : QVariant(trial->seconds > 0 ? formatDuration(trial->seconds) : QString());
        case Pareto:
            return sort ? QVariant(m_frontier.contains(trial->id))
                        : QVariant(m_frontier.contains(trial->id) ? "✓" : "");
        case Reason:
            return QString::fromStdString(trial->error);
        case ColumnCount:
            break;
    }
    return {};
}

QVariant TrialTableModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (static_cast<Column>(section)) {
        case Id:
            return tr("Trial");
        case Phase:
            return tr("Phase");
        case State:
            return tr("State");
        case Rung:
            return tr("Rung");
        case ValidationTop1:
            return tr("Val. TOP-1 %");
        case TestTop1:
            return tr("Test TOP-1 %");
        case Cost:
            return tr("MFPOPS");
        case Params:
            return tr("Params");
        case Architecture:
            return tr("Architecture {kh×kw, M}");
        case Seconds:
            return tr("Training");
        case Pareto:
            return tr("Pareto");
        case Reason:
            return tr("Reason");
        case ColumnCount:
            break;
    }
    return {};
}

QString TrialTableModel::toCsv() const {
    auto quoted = [](QString text) {
        if (!text.contains(QRegularExpression("[\",\n\r]"))) return text;
        return '"' + text.replace('"', "\"\"") + '"';
    };
    QStringList lines;
    QStringList cells;
    for (int column = 0; column < columnCount(); ++column) {
        cells << (column == Seconds
                      ? tr("Training (s)")
                      : quoted(headerData(column, Qt::Horizontal, Qt::DisplayRole).toString()));
    }
    lines << cells.join(',');
    for (int row = 0; row < rowCount(); ++row) {
        cells.clear();
        for (int column = 0; column < columnCount(); ++column) {
            const QModelIndex cell = index(row, column);
            const QVariant raw = data(cell, SortRole);
            switch (static_cast<Column>(column)) {
                case Id:
                case ValidationTop1:
                case TestTop1:
                case Cost:
                case Params:
                case Seconds:  // numbers unformatted; unknown ones (shown empty) stay empty
                    cells << (data(cell, Qt::DisplayRole).toString().isEmpty()
                                  ? QString()
                                  : QString::number(raw.toDouble(), 'g', 10));
                    break;
                case Pareto:
                    cells << (raw.toBool() ? QStringLiteral("true") : QStringLiteral("false"));
                    break;
                default:
                    cells << quoted(data(cell, Qt::DisplayRole).toString());
            }
        }
        lines << cells.join(',');
    }
    return lines.join("\r\n") + "\r\n";
}

}  // namespace perfnas::ui
