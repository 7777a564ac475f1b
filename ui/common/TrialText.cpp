#include "ui/common/TrialText.h"

#include <QObject>
#include <algorithm>
#include <cmath>

#include "core/model/ArchitectureSpec.h"

namespace perfnas::ui {

QString freezeText(int unit, UnitParameter parameter, int value) {
    return QObject::tr("unit %1 %2 = %3")
        .arg(unit + 1)
        .arg(QString::fromStdString(parameterName(parameter)))
        .arg(value);
}

QString costAxisLabel(const CostAxis& axis) {
    switch (axis.metric) {
        case CostMetric::Params:
            return QObject::tr("parameters");
        case CostMetric::Latency:
            return QObject::tr("latency on %1, ms").arg(QString::fromStdString(axis.target));
        case CostMetric::Mfpops:
            break;
    }
    return QObject::tr("MFPOPS");
}

QString phaseLabel(const PhaseRecord& phase) {
    switch (phase.kind) {
        case PhaseKind::Optimizer:
            return QStringLiteral("optimizer");
        case PhaseKind::Search:
            return QStringLiteral("search");
        case PhaseKind::Refinement:
            return QStringLiteral("refinement %1").arg(phase.round);
        case PhaseKind::Finetune:
            return QStringLiteral("fine-tune");
    }
    return {};
}

QString stateLabel(TrialState state) { return QString::fromStdString(trialStateName(state)); }

QString trialNotation(const TrialRecord& trial) {
    auto spec = ArchitectureSpec::fromJson(trial.specJson);
    if (!spec) return {};
    QString text = QString::fromStdString(spec->notation());
    // Table II writes kh×kw; core's ASCII "x" only between digits.
    for (qsizetype i = 1; i + 1 < text.size(); ++i) {
        if (text[i] == 'x' && text[i - 1].isDigit() && text[i + 1].isDigit())
            text[i] = QChar(0x00D7);
    }
    return text;
}

QString formatDuration(double seconds) {
    if (!std::isfinite(seconds) || seconds < 0) return QStringLiteral("–");
    const auto total = static_cast<long long>(std::llround(seconds));
    if (total < 60) return QStringLiteral("%1 s").arg(total);
    if (total < 3600) return QStringLiteral("%1 min %2 s").arg(total / 60).arg(total % 60);
    return QStringLiteral("%1 h %2 min").arg(total / 3600).arg(total % 3600 / 60);
}

QString rungLabel(const TrialRecord& trial, const FidelitySettings& fidelity, bool detailed) {
    const std::vector<int> rungs = fidelity.rungIterations();
    const int top = static_cast<int>(rungs.size()) - 1;
    const int rung = std::clamp(trial.rung, 0, top);
    const bool stopped = trial.state == TrialState::Finished && rung < top;
    if (!detailed)
        return QStringLiteral("%1/%2").arg(rung).arg(top) +
               (stopped ? QObject::tr(" stopped") : QString());
    QString text = QObject::tr("rung %1 of %2 (%3 iterations)")
                       .arg(rung)
                       .arg(top)
                       .arg(rungs[static_cast<std::size_t>(rung)]);
    if (stopped) text += QObject::tr(", stopped early");
    return text;
}

}  // namespace perfnas::ui
