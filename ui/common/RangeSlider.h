#pragma once
// RangeSlider: a horizontal slider with two handles selecting [lower, upper] on the grid
// minimum, minimum + step, ..., <= maximum. The handles never cross (lower <= upper). Mouse: the
// nearest handle follows a drag; keyboard: arrows / Page Up/Down / Home / End move the active
// handle, Tab moves from the lower to the upper handle. GUI thread only.
#include <QWidget>

namespace perfnas::ui {

class RangeSlider : public QWidget {
    Q_OBJECT
public:
    enum class Handle { Lower, Upper };

    explicit RangeSlider(QWidget* parent = nullptr);

    // Clamps and snaps the current values into the new range.
    void setRange(int minimum, int maximum, int step = 1);
    // Snapped to the grid and clamped; if lower > upper they are swapped.
    void setValues(int lower, int upper);
    int minimum() const { return m_minimum; }
    int maximum() const { return m_maximum; }
    int step() const { return m_step; }
    int lowerValue() const { return m_lower; }
    int upperValue() const { return m_upper; }
    Handle activeHandle() const { return m_active; }
    void setActiveHandle(Handle handle);

    // Pixel centre of a handle, for tests and accessibility.
    QPoint handleCenter(Handle handle) const;

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

Q_SIGNALS:
    void valuesChanged(int lower, int upper);
    void editingFinished();  // a drag ended or a key moved a handle

protected:
    void paintEvent(QPaintEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;
    bool focusNextPrevChild(bool next) override;

private:
    int snap(int value) const;
    int valueAt(int x) const;
    int positionOf(int value) const;
    QRect grooveRect() const;
    void moveActiveTo(int value);

    int m_minimum = 0;
    int m_maximum = 99;
    int m_step = 1;
    int m_lower = 0;
    int m_upper = 99;
    Handle m_active = Handle::Lower;
    bool m_dragging = false;
};

}  // namespace perfnas::ui
