// FrontierChartView on a real experiment file: the frontier series holds exactly the summary's
// frontier (cost, TOP-1 %), cheapest first; the step line passes through every frontier point;
// the seed, its ±1 point band, the per-phase series and the fine-tuned stars hold what they should.
#include <QAreaSeries>
#include <QLineSeries>
#include <QScatterSeries>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include "tests/ui/SyntheticExperiment.h"
#include "ui/search/FrontierChartView.h"

using namespace perfnas;
using namespace perfnas::ui;

class FrontierChartViewTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() {
        QVERIFY(m_folder.isValid());
        const auto file = std::filesystem::path(m_folder.path().toStdString()) / "chart.sqlite";
        auto store = test::makeSyntheticExperiment(
            file, test::smallSearchConfig("/data/unused", 60), {.finetune = true});
        auto summary = ExperimentSummary::load(*store);
        QVERIFY(summary);
        m_summary = std::make_shared<const ExperimentSummary>(*summary);
    }

    void frontierSeriesIsTheSummarysFrontier() {
        FrontierChartView view;
        view.setSummary(m_summary);
        const QList<QPointF> points = view.frontierSeries()->points();
        QCOMPARE(points.size(), static_cast<qsizetype>(m_summary->frontier.size()));
        QCOMPARE(view.trialIdsOf(view.frontierSeries()), m_summary->frontier);
        for (qsizetype i = 0; i < points.size(); ++i) {
            const TrialRecord* trial =
                m_summary->trial(m_summary->frontier[static_cast<std::size_t>(i)]);
            QCOMPARE(points[i].x(), trial->mfpops);
            QCOMPARE(points[i].y(), 100.0 * trial->validationTop1);
            if (i > 0) QVERIFY(points[i].x() >= points[i - 1].x());  // cheapest first
        }
        // The step line visits every frontier point and only moves right or up.
        const QList<QPointF> steps = view.frontierStepLine()->points();
        QCOMPARE(steps.size(), 2 * points.size() - 1);
        for (qsizetype i = 0; i < points.size(); ++i) QCOMPARE(steps[2 * i], points[i]);
        for (qsizetype i = 1; i < steps.size(); ++i) {
            QVERIFY(steps[i].x() >= steps[i - 1].x());
            QVERIFY(steps[i].y() >= steps[i - 1].y());
        }
    }

    void seedBandPhasesAndFinetune() {
        FrontierChartView view;
        view.setSummary(m_summary);
        QCOMPARE(m_summary->seedTrialId, 1);
        QCOMPARE(view.seedSeries()->count(), 1);
        QCOMPARE(view.seedSeries()->at(0).y(), 90.0);
        QCOMPARE(view.seedBand()->upperSeries()->at(0).y(), 91.0);
        QCOMPARE(view.seedBand()->lowerSeries()->at(0).y(), 89.0);
        const int searchPhase = m_summary->phases.front().id;
        int finished = 0;
        for (const TrialRecord& trial : m_summary->trials)
            finished += trial.phaseId == searchPhase && trial.state == TrialState::Finished;
        QCOMPARE(view.phaseSeries(searchPhase)->count(), finished);  // failed trials have no point
        QCOMPARE(view.finetuneSeries()->count(), static_cast<int>(m_summary->frontier.size()));
        QCOMPARE(view.finetuneSeries()->markerShape(), QScatterSeries::MarkerShapeStar);
    }

    void tooltipUsesTableTwoNotation() {
        FrontierChartView view;
        view.setSummary(m_summary);
        const QString text = view.tooltipFor(1);
        QVERIFY2(text.contains("{4×10, 100} {3×3, 100}"), qPrintable(text));
        QVERIFY(text.contains("90.00 %"));
        QVERIFY(text.contains("613.18 MFPOPS"));
    }

    void clickingAPointSelectsItsTrial() {
        FrontierChartView view;
        view.resize(800, 600);
        view.setSummary(m_summary);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        QSignalSpy clicked(&view, &FrontierChartView::trialClicked);
        const QPointF seed = view.seedSeries()->at(0);
        const QPoint position =
            view.mapFromScene(view.chart()->mapToPosition(seed, view.seedSeries()));
        QTest::mouseClick(view.viewport(), Qt::LeftButton, {}, position);
        QCOMPARE(clicked.count(), 1);
        QCOMPARE(clicked.front().at(0).toInt(), 1);
    }

private:
    QTemporaryDir m_folder;
    SummaryPtr m_summary;
};

QTEST_MAIN(FrontierChartViewTest)
#include "FrontierChartViewTest.moc"
