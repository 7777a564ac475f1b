#include "ui/search/ExperimentProgress.h"

#include <QObject>

#include "ui/common/TrialText.h"

namespace perfnas::ui {

QString progressText(const PhaseProgress& progress) {
    if (!progress.phase) return QObject::tr("No phases yet");
    const QString planned =
        progress.planned > 0 ? QString::number(progress.planned) : QStringLiteral("∞");
    QString line = QObject::tr("%1: %2/%3 trials")
                       .arg(phaseLabel(*progress.phase))
                       .arg(progress.done)
                       .arg(planned);
    if (progress.running > 0) {
        line += progress.live
                    ? QObject::tr(" (%1 running)").arg(progress.running)
                    : QObject::tr(" (%1 interrupted: no process runs it)").arg(progress.running);
    }
    if (progress.failed > 0) line += QObject::tr(" · %1 failed").arg(progress.failed);
    const double rate = progress.trialsPerHour;
    line += QObject::tr(" · %1 trials/h").arg(rate, 0, 'f', rate < 10 ? 1 : 0);
    line +=
        QObject::tr(" · ETA %1")
            .arg(progress.etaSeconds ? formatDuration(*progress.etaSeconds) : QStringLiteral("–"));
    line += QObject::tr(" · frontier %1 · hypervolume %2")
                .arg(progress.frontierSize)
                .arg(progress.hypervolume, 0, 'f', 4);
    return line;
}

}  // namespace perfnas::ui
