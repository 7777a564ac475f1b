// SearchSpaceView: sliders bounded by the unit's input size and the seed, dragging a handle
// changes the space and its size, frozen parameters are locked, and the new-experiment dialog's
// config follows a drag.
#include <QDoubleSpinBox>
#include <QLabel>
#include <QSignalSpy>
#include <QtTest>

#include "ui/common/Icons.h"
#include "ui/common/RangeSlider.h"
#include "ui/search/NewExperimentDialog.h"
#include "ui/search/SearchSpaceView.h"

using namespace perfnas;
using namespace perfnas::ui;

namespace {
// Presses on a handle and drags it by `dx` pixels.
void drag(RangeSlider* slider, RangeSlider::Handle handle, int dx) {
    const QPoint from = slider->handleCenter(handle);
    const QPoint to(from.x() + dx, from.y());
    QTest::mousePress(slider, Qt::LeftButton, {}, from);
    QMouseEvent move(QEvent::MouseMove, QPointF(to), slider->mapToGlobal(QPointF(to)),
                     Qt::LeftButton, Qt::LeftButton, {});
    QApplication::sendEvent(slider, &move);
    QTest::mouseRelease(slider, Qt::LeftButton, {}, to);
}
}  // namespace

class SearchSpaceViewTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void slidersAreBoundedByInputAndSeed() {
        SearchSpaceView view;
        view.setSpace(SearchSpace::paperDefault(ArchitectureSpec::paperSeed()));
        // Kernel tracks start at twice the seed's kernel (at least 8), within the input (unit 1
        // sees 40x32; unit 2 sees 40x16 after unit 1's stride (1, 2)).
        QCOMPARE(view.slider(0, UnitParameter::Kh)->maximum(), 8);
        QCOMPARE(view.slider(0, UnitParameter::Kw)->maximum(), 20);
        QCOMPARE(view.slider(1, UnitParameter::Kw)->maximum(), 8);
        QCOMPARE(view.slider(1, UnitParameter::Filters)->maximum(), 100);
        QCOMPARE(view.slider(0, UnitParameter::Kw)->upperValue(),
                 10);  // the paper's bound: the seed's 4x10
        QVERIFY(view.summaryText().contains("613.2 MFPOPS"));
        QVERIFY(view.summaryText().contains("581.12"));  // the paper's figure, with why it differs
    }

    void draggingAHandleChangesTheSpaceAndItsSize() {
        SearchSpaceView view;
        view.resize(900, 400);
        view.setSpace(SearchSpace::paperDefault(ArchitectureSpec::paperSeed()));
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        const double before = view.space().parameterSpace().log10Count();
        const QString summaryBefore = view.summaryText();
        QSignalSpy changed(&view, &SearchSpaceView::spaceChanged);
        RangeSlider* filters = view.slider(2, UnitParameter::Filters);
        drag(filters, RangeSlider::Handle::Upper, -filters->width() / 2);
        QVERIFY(changed.count() >= 1);
        const Domain& domain = view.space().units[2][UnitParameter::Filters];
        QCOMPARE(domain.max, static_cast<double>(filters->upperValue()));
        QVERIFY(domain.max < 100);
        QVERIFY(view.space().parameterSpace().log10Count() < before);
        QVERIFY(view.summaryText() != summaryBefore);
        QVERIFY(view.space().validate());
    }

    void aKernelTrackGrowsUpToTheInputSize() {
        SearchSpaceView view;
        view.setSpace(SearchSpace::paperDefault(ArchitectureSpec::paperSeed()));
        RangeSlider* kh = view.slider(0, UnitParameter::Kh);
        for (int expected : {16, 32, 40, 40}) {  // each time the upper handle reaches the end
            kh->setValues(kh->lowerValue(), kh->maximum());
            QCOMPARE(kh->maximum(), expected);
        }
        QCOMPARE(static_cast<int>(view.space().units[0][UnitParameter::Kh].max), 40);
        QVERIFY(view.space().validate());
    }

    void frozenParametersAreLocked() {
        SearchSpace space = SearchSpace::paperDefault(ArchitectureSpec::paperSeed());
        space = *space.frozen(3, UnitParameter::Kh, 3);
        SearchSpaceView view;
        view.setSpace(space);
        RangeSlider* kh = view.slider(3, UnitParameter::Kh);
        QVERIFY(!kh->isEnabled());
        QCOMPARE(kh->lowerValue(), 3);
        QCOMPARE(kh->upperValue(), 3);
        QVERIFY(view.slider(3, UnitParameter::Kw)->isEnabled());
        view.setEditable(false);
        QVERIFY(!view.slider(3, UnitParameter::Kw)->isEnabled());
    }

    void aFrozenValueShowsTheLockIconFromTheResources() {
        SearchSpace space = SearchSpace::paperDefault(ArchitectureSpec::paperSeed());
        space = *space.frozen(1, UnitParameter::Kh, 3);
        SearchSpaceView view;
        view.setSpace(space);
        view.setEditable(false);
        QVERIFY(view.valueText(1, UnitParameter::Kh).contains(kLockIcon));
        QVERIFY(view.valueText(1, UnitParameter::Kh).endsWith("3"));
        QVERIFY(!view.valueText(1, UnitParameter::Kw).contains(kLockIcon));
        // The icon is in the binary and decodes (no emoji font needed).
        const QImage lock(kLockIcon);
        QVERIFY(!lock.isNull());
        QVERIFY(!view.slider(1, UnitParameter::Kw)->toolTip().isEmpty());  // why it is disabled
    }

    // The dialog times the seed in the background and turns it into a time per search phase.
    void newExperimentDialogEstimatesTheTime() {
        NewExperimentDialog dialog;
        QTRY_VERIFY_WITH_TIMEOUT(dialog.estimateText().startsWith("Estimate:"), 60000);
        QVERIFY2(dialog.estimateText().contains("100 trials") &&
                     dialog.estimateText().contains("8,000 iterations"),
                 qPrintable(dialog.estimateText()));
        auto* budget = dialog.findChild<QDoubleSpinBox*>("maxMinutes");
        QVERIFY(budget);
        budget->setValue(30.0);  // the paper's budget takes far longer than 30 minutes
        QVERIFY2(dialog.estimateText().contains("The budget stops it at 30 min"),
                 qPrintable(dialog.estimateText()));
    }

    void newExperimentDialogFollowsTheSliders() {
        NewExperimentDialog dialog;
        dialog.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        RangeSlider* kh = dialog.spaceView()->slider(0, UnitParameter::Kh);
        QVERIFY(kh);
        const int lowerBefore = dialog.config().space.units[0][UnitParameter::Kh].min;
        kh->setFocus();
        kh->setActiveHandle(RangeSlider::Handle::Lower);
        QTest::keyClick(kh, Qt::Key_Right);
        QCOMPARE(static_cast<int>(dialog.config().space.units[0][UnitParameter::Kh].min),
                 lowerBefore + 1);
        QVERIFY(!dialog.problem().isEmpty());  // no dataset folder yet: Accept stays disabled
        // The wall-clock budget is part of the config it produces.
        auto* minutes = dialog.findChild<QDoubleSpinBox*>("maxMinutes");
        QVERIFY(minutes);
        QCOMPARE(dialog.config().searchMaxMinutes, 0.0);  // no limit by default
        minutes->setValue(30.0);
        QCOMPARE(dialog.config().searchMaxMinutes, 30.0);
    }
};

QTEST_MAIN(SearchSpaceViewTest)
#include "SearchSpaceViewTest.moc"
