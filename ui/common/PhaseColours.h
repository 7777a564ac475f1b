#pragma once
// The colour of a search or refinement phase, the same in every chart: distinct,
// colour-blind-friendly hues (Okabe-Ito), cycled by the phase's position among the experiment's
// search and refinement phases (0: the first search).
#include <QColor>
#include <iterator>

namespace perfnas::ui {

inline QColor phaseColour(std::size_t architecturePhaseIndex) {
    static const QColor kColours[] = {
        QColor(0, 114, 178),  QColor(230, 159, 0), QColor(0, 158, 115), QColor(204, 121, 167),
        QColor(86, 180, 233), QColor(213, 94, 0),  QColor(240, 228, 66)};
    return kColours[architecturePhaseIndex % std::size(kColours)];
}

}  // namespace perfnas::ui
