// RangeSlider: snapping to the step grid, handles that never cross under mouse drags and keys,
// and Tab moving from the lower to the upper handle.
#include <QSignalSpy>
#include <QtTest>

#include "ui/common/RangeSlider.h"

using perfnas::ui::RangeSlider;

class RangeSliderTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void init() {
        m_slider = std::make_unique<RangeSlider>();
        m_slider->resize(300, 30);
        m_slider->setRange(1, 100, 1);
        m_slider->setValues(20, 60);
        m_slider->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_slider.get()));
    }
    void cleanup() { m_slider.reset(); }

    void snapsToTheStepGrid() {
        m_slider->setRange(4, 64, 4);
        m_slider->setValues(5, 63);
        QCOMPARE(m_slider->lowerValue(), 4);
        QCOMPARE(m_slider->upperValue(), 64);
        m_slider->setValues(100, -3);  // clamped and ordered
        QCOMPARE(m_slider->lowerValue(), 4);
        QCOMPARE(m_slider->upperValue(), 64);
        m_slider->setRange(1, 10, 4);  // 10 is off the grid 1, 5, 9
        QCOMPARE(m_slider->maximum(), 9);
    }

    void draggingTheLowerHandlePastTheUpperStopsAtIt() {
        QSignalSpy changed(m_slider.get(), &RangeSlider::valuesChanged);
        const QPoint lower = m_slider->handleCenter(RangeSlider::Handle::Lower);
        QTest::mousePress(m_slider.get(), Qt::LeftButton, {}, lower);
        QMouseEvent move(QEvent::MouseMove, QPointF(m_slider->width() - 2, lower.y()),
                         m_slider->mapToGlobal(QPointF(m_slider->width() - 2, lower.y())),
                         Qt::LeftButton, Qt::LeftButton, {});
        QApplication::sendEvent(m_slider.get(), &move);
        QTest::mouseRelease(m_slider.get(), Qt::LeftButton, {},
                            QPoint(m_slider->width() - 2, lower.y()));
        QCOMPARE(m_slider->lowerValue(), 60);
        QCOMPARE(m_slider->upperValue(), 60);
        QVERIFY(changed.count() >= 1);
    }

    void draggingTheUpperHandleMovesOnlyIt() {
        const QPoint upper = m_slider->handleCenter(RangeSlider::Handle::Upper);
        QTest::mousePress(m_slider.get(), Qt::LeftButton, {}, upper);
        const QPoint target(m_slider->handleCenter(RangeSlider::Handle::Upper).x() + 60, upper.y());
        QMouseEvent move(QEvent::MouseMove, QPointF(target), m_slider->mapToGlobal(QPointF(target)),
                         Qt::LeftButton, Qt::LeftButton, {});
        QApplication::sendEvent(m_slider.get(), &move);
        QTest::mouseRelease(m_slider.get(), Qt::LeftButton, {}, target);
        QCOMPARE(m_slider->lowerValue(), 20);
        QVERIFY(m_slider->upperValue() > 60);
        // And back below the lower handle: it stops there.
        QTest::mousePress(m_slider.get(), Qt::LeftButton, {},
                          m_slider->handleCenter(RangeSlider::Handle::Upper));
        QMouseEvent back(QEvent::MouseMove, QPointF(1, upper.y()),
                         m_slider->mapToGlobal(QPointF(1, upper.y())), Qt::LeftButton,
                         Qt::LeftButton, {});
        QApplication::sendEvent(m_slider.get(), &back);
        QTest::mouseRelease(m_slider.get(), Qt::LeftButton, {}, QPoint(1, upper.y()));
        QCOMPARE(m_slider->lowerValue(), 20);
        QCOMPARE(m_slider->upperValue(), 20);
    }

    void keysMoveTheActiveHandleAndNeverCross() {
        m_slider->setFocus();
        m_slider->setActiveHandle(RangeSlider::Handle::Lower);
        QTest::keyClick(m_slider.get(), Qt::Key_Right);
        QCOMPARE(m_slider->lowerValue(), 21);
        QTest::keyClick(m_slider.get(), Qt::Key_End);  // stops at the upper handle
        QCOMPARE(m_slider->lowerValue(), 60);
        QCOMPARE(m_slider->upperValue(), 60);
        QTest::keyClick(m_slider.get(), Qt::Key_Home);
        QCOMPARE(m_slider->lowerValue(), 1);
        QTest::keyClick(m_slider.get(), Qt::Key_Tab);  // to the upper handle, focus stays
        QCOMPARE(m_slider->activeHandle(), RangeSlider::Handle::Upper);
        QVERIFY(m_slider->hasFocus());
        QTest::keyClick(m_slider.get(), Qt::Key_PageUp);
        QCOMPARE(m_slider->upperValue(), 70);
        QTest::keyClick(m_slider.get(), Qt::Key_Home);  // the upper handle stops at the lower one
        QCOMPARE(m_slider->upperValue(), 1);
        QCOMPARE(m_slider->lowerValue(), 1);
        QTest::keyClick(m_slider.get(), Qt::Key_Backtab);
        QCOMPARE(m_slider->activeHandle(), RangeSlider::Handle::Lower);
    }

private:
    std::unique_ptr<RangeSlider> m_slider;
};

QTEST_MAIN(RangeSliderTest)
#include "RangeSliderTest.moc"
