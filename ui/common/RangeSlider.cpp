#include "ui/common/RangeSlider.h"

#include <QKeyEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QStyle>
#include <algorithm>
#include <cmath>

namespace perfnas::ui {
namespace {
// Handle size follows the font so the slider scales with high-DPI and large-text settings.
int handleRadius(const QWidget& widget) { return std::max(6, widget.fontMetrics().height() / 2); }
}  // namespace

RangeSlider::RangeSlider(QWidget* parent) : QWidget(parent) {
    setFocusPolicy(Qt::StrongFocus);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    setAttribute(Qt::WA_Hover);
}

void RangeSlider::setRange(int minimum, int maximum, int step) {
    m_minimum = minimum;
    m_step = std::max(1, step);
    m_maximum = std::max(minimum, minimum + (maximum - minimum) / m_step * m_step);
    setValues(m_lower, m_upper);
    update();
}

int RangeSlider::snap(int value) const {
    value = std::clamp(value, m_minimum, m_maximum);
    const int steps =
        static_cast<int>(std::lround(static_cast<double>(value - m_minimum) / m_step));
    return std::min(m_maximum, m_minimum + steps * m_step);
}

void RangeSlider::setValues(int lower, int upper) {
    lower = snap(lower);
    upper = snap(upper);
    if (lower > upper) std::swap(lower, upper);
    if (lower == m_lower && upper == m_upper) return;
    m_lower = lower;
    m_upper = upper;
    update();
    Q_EMIT valuesChanged(m_lower, m_upper);
}

void RangeSlider::setActiveHandle(Handle handle) {
    m_active = handle;
    update();
}

QRect RangeSlider::grooveRect() const {
    const int radius = handleRadius(*this);
    return QRect(radius + 1, height() / 2 - 2, std::max(1, width() - 2 * radius - 2), 4);
}

int RangeSlider::positionOf(int value) const {
    const QRect groove = grooveRect();
    if (m_maximum == m_minimum) return groove.left();
    const double fraction = static_cast<double>(value - m_minimum) / (m_maximum - m_minimum);
    return groove.left() + static_cast<int>(std::lround(fraction * groove.width()));
}

int RangeSlider::valueAt(int x) const {
    const QRect groove = grooveRect();
    const double fraction =
        std::clamp(static_cast<double>(x - groove.left()) / groove.width(), 0.0, 1.0);
    return snap(m_minimum + static_cast<int>(std::lround(fraction * (m_maximum - m_minimum))));
}

QPoint RangeSlider::handleCenter(Handle handle) const {
    return {positionOf(handle == Handle::Lower ? m_lower : m_upper), height() / 2};
}

QSize RangeSlider::sizeHint() const { return {160, 2 * handleRadius(*this) + 6}; }
QSize RangeSlider::minimumSizeHint() const { return {60, 2 * handleRadius(*this) + 6}; }

void RangeSlider::moveActiveTo(int value) {
    // The active handle stops at the other one: the handles never cross.
    if (m_active == Handle::Lower)
        setValues(std::min(value, m_upper), m_upper);
    else
        setValues(m_lower, std::max(value, m_lower));
}

void RangeSlider::paintEvent(QPaintEvent*) {
    QPainter painter(this);
    painter.setRenderHint(QPainter::Antialiasing);
    const QPalette& colors = palette();
    const bool enabled = isEnabled();
    const QRect groove = grooveRect();
    painter.setPen(Qt::NoPen);
    painter.setBrush(colors.color(QPalette::Mid));
    painter.drawRoundedRect(groove, 2, 2);
    const int left = positionOf(m_lower);
    const int right = positionOf(m_upper);
    painter.setBrush(enabled ? colors.color(QPalette::Highlight)
                             : colors.color(QPalette::Disabled, QPalette::Highlight));
    painter.drawRoundedRect(QRect(left, groove.top(), std::max(2, right - left), groove.height()),
                            2, 2);

    const int radius = handleRadius(*this);
    for (Handle handle : {Handle::Lower, Handle::Upper}) {
        const QPoint centre = handleCenter(handle);
        const bool active = hasFocus() && handle == m_active;
        painter.setPen(
            QPen(active ? colors.color(QPalette::Highlight) : colors.color(QPalette::Dark),
                 active ? 2 : 1));
        painter.setBrush(
            colors.color(enabled ? QPalette::Active : QPalette::Disabled, QPalette::Button));
        painter.drawEllipse(centre, radius - 1, radius - 1);
    }
}

void RangeSlider::mousePressEvent(QMouseEvent* event) {
    if (event->button() != Qt::LeftButton) return QWidget::mousePressEvent(event);
    const int x = event->position().toPoint().x();
    const int toLower = std::abs(x - positionOf(m_lower));
    const int toUpper = std::abs(x - positionOf(m_upper));
    // Equal handles: the one that can move towards the click takes it.
    if (toLower == toUpper)
        m_active = x < positionOf(m_lower) ? Handle::Lower : Handle::Upper;
    else
        m_active = toLower < toUpper ? Handle::Lower : Handle::Upper;
    m_dragging = true;
    moveActiveTo(valueAt(x));
    event->accept();
}

void RangeSlider::mouseMoveEvent(QMouseEvent* event) {
    if (!m_dragging) return QWidget::mouseMoveEvent(event);
    moveActiveTo(valueAt(event->position().toPoint().x()));
    event->accept();
}

void RangeSlider::mouseReleaseEvent(QMouseEvent* event) {
    if (!m_dragging) return QWidget::mouseReleaseEvent(event);
    m_dragging = false;
    Q_EMIT editingFinished();
    event->accept();
}

void RangeSlider::keyPressEvent(QKeyEvent* event) {
    const int current = m_active == Handle::Lower ? m_lower : m_upper;
    const int page =
        m_step * std::max(1, ((m_maximum - m_minimum) / m_step + 9) / 10);  // a tenth of the range
    int target = current;
    switch (event->key()) {
        case Qt::Key_Left:
        case Qt::Key_Down:
            target = current - m_step;
            break;
        case Qt::Key_Right:
        case Qt::Key_Up:
            target = current + m_step;
            break;
        case Qt::Key_PageDown:
            target = current - page;
            break;
        case Qt::Key_PageUp:
            target = current + page;
            break;
        case Qt::Key_Home:
            target = m_minimum;
            break;
        case Qt::Key_End:
            target = m_maximum;
            break;
        default:
            return QWidget::keyPressEvent(event);
    }
    moveActiveTo(target);
    Q_EMIT editingFinished();
    event->accept();
}

bool RangeSlider::focusNextPrevChild(bool next) {
    // Tab visits the upper handle before leaving the widget; Shift+Tab the lower one.
    if (hasFocus() && next && m_active == Handle::Lower) {
        setActiveHandle(Handle::Upper);
        return true;
    }
    if (hasFocus() && !next && m_active == Handle::Upper) {
        setActiveHandle(Handle::Lower);
        return true;
    }
    return QWidget::focusNextPrevChild(next);
}

}  // namespace perfnas::ui
