#pragma once
// SearchSpaceView: a row per conv unit with a two-handle RangeSlider for kh, kw and filters.
// Kernel sliders end at the unit's input size (after the strides before it), filter sliders at the
// seed's count (or the domain's maximum if larger), so an invalid kernel cannot be chosen. The
// footer shows the space size (10^N), the seed's MFPOPS and the cheapest and largest MFPOPS in the
// space, updated while a handle moves. Frozen parameters show locked. Read-only mode for a running
// experiment. GUI thread.
#include <QWidget>
#include <array>
#include <vector>

#include "core/search/SearchSpace.h"

class QGridLayout;
class QLabel;

namespace perfnas::ui {

class RangeSlider;

class SearchSpaceView : public QWidget {
    Q_OBJECT
public:
    explicit SearchSpaceView(QWidget* parent = nullptr);

    void setSpace(const SearchSpace& space);
    const SearchSpace& space() const { return m_space; }
    void setEditable(bool editable);
    RangeSlider* slider(int unit, UnitParameter parameter) const;
    QString summaryText() const;                                 // the footer line, for tests
    QString valueText(int unit, UnitParameter parameter) const;  // the label beside a slider

Q_SIGNALS:
    void spaceChanged(const perfnas::SearchSpace& space);

private:
    struct Row {
        std::array<RangeSlider*, 3> sliders{};
        std::array<QLabel*, 3> values{};
    };
    void rebuild();
    void updateRow(int unit);
    void updateSummary();
    void sliderMoved(int unit, UnitParameter parameter, int lower, int upper);

    SearchSpace m_space;
    bool m_editable = true;
    std::vector<Row> m_rows;
    QGridLayout* m_grid;
    QWidget* m_gridHost;
    QLabel* m_summary;
};

}  // namespace perfnas::ui
