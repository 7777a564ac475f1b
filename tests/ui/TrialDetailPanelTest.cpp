// TrialDetailPanel: a trial validated once still draws its point; a running trial's loss is drawn
// live from progress reports and survives the refreshes other trials' events cause; the running
// trial does not claim "0 iterations".
#include <QChart>
#include <QChartView>
#include <QLabel>
#include <QLineSeries>
#include <QTemporaryDir>
#include <QtTest>

#include "tests/ui/SyntheticExperiment.h"
#include "ui/search/TrialDetailPanel.h"

using namespace perfnas;
using namespace perfnas::ui;

namespace {
QLineSeries* seriesNamed(QChartView* view, const QString& name) {
    for (QAbstractSeries* series : view->chart()->series()) {
        if (series->name() == name) return qobject_cast<QLineSeries*>(series);
    }
    return nullptr;
}
}  // namespace

class TrialDetailPanelTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() {
        QVERIFY(m_folder.isValid());
        const auto file = std::filesystem::path(m_folder.path().toStdString()) / "detail.sqlite";
        auto store = test::makeSyntheticExperiment(file, test::smallSearchConfig("/data/unused", 8),
                                                   {.trials = 8, .failures = false});
        auto summary = ExperimentSummary::load(*store);
        QVERIFY(summary);
        m_base = *summary;
    }

    void aSingleValidationPointIsDrawn() {
        ExperimentSummary summary = m_base;
        TrialRecord& trial = summary.trials.at(1);
        trial.curveJson = R"([{"iteration": 60, "validation_top1": 0.5, "training_loss": 1.2}])";
        TrialDetailPanel panel;
        panel.showTrial(std::make_shared<const ExperimentSummary>(summary), trial.id);
        QLineSeries* accuracy = seriesNamed(panel.curveView(), "validation TOP-1 (%)");
        QVERIFY(accuracy);
        QCOMPARE(accuracy->count(), 1);
        QVERIFY(accuracy->pointsVisible());  // one point and no line: it must show as a mark
        QCOMPARE(panel.liveLossSeries(), nullptr);
    }

    void aRunningTrialDrawsItsLossLive() {
        ExperimentSummary summary = m_base;
        TrialRecord& trial = summary.trials.at(2);
        trial.state = TrialState::Running;
        trial.iterationsDone = 0;
        trial.seconds = 0;
        trial.curveJson = "[]";
        const int id = trial.id;
        auto shown = std::make_shared<const ExperimentSummary>(summary);
        TrialDetailPanel panel;
        panel.showTrial(shown, id);
        QVERIFY(panel.liveLossSeries());
        const auto fields = panel.findChildren<QLabel*>();
        for (QLabel* label : fields)
            QVERIFY2(!label->text().contains("Iterations: 0"), qPrintable(label->text()));

        for (int iteration : {10, 20, 30})
            panel.showProgress(
                id, {.iteration = iteration, .iterations = 60, .loss = 3.0 - iteration / 20.0});
        panel.showProgress(id + 1,
                           {.iteration = 40, .iterations = 60, .loss = 9.0});  // another trial
        QCOMPARE(panel.liveLossSeries()->count(), 3);
        QCOMPARE(panel.liveLossSeries()->at(2), QPointF(30, 1.5));

        // Another trial's event refreshes the panel: the live line stays.
        panel.showTrial(shown, id);
        QCOMPARE(panel.liveLossSeries()->count(), 3);
        // Another trial selected: no live line.
        panel.showTrial(shown, summary.trials.at(1).id);
        QCOMPARE(panel.liveLossSeries(), nullptr);
    }

private:
    QTemporaryDir m_folder;
    ExperimentSummary m_base;
};

QTEST_MAIN(TrialDetailPanelTest)
#include "TrialDetailPanelTest.moc"
