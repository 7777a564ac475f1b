// FrontierChartView on a real experiment file: the frontier series holds exactly the summary's
// frontier (cost, TOP-1 %), cheapest first; the step line passes through every frontier point;
// the seed, its ±1 point band, the per-phase series and the fine-tuned stars hold what they should.
#include <QAreaSeries>
#include <QLineSeries>
#include <QLogValueAxis>
#include <QScatterSeries>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QToolTip>
#include <QValueAxis>
#include <QtTest>
#include <cmath>

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

    // Axes a reader can use: the log cost axis spans whole decades (it labels only powers of ten),
    // and the accuracy axis ticks every 1, 2 or 5 x 10^k from a multiple of the step.
    void axesSpanDecadesAndNiceSteps() {
        FrontierChartView view;
        view.setSummary(m_summary);
        const double left = std::log10(view.costAxis()->min());
        const double right = std::log10(view.costAxis()->max());
        QCOMPARE(left, std::round(left));
        QCOMPARE(right, std::round(right));
        QVERIFY(right - left >= 1.0);
        for (const TrialRecord& trial : m_summary->trials) {
            if (trial.state != TrialState::Finished) continue;
            QVERIFY(trial.mfpops > view.costAxis()->min() && trial.mfpops < view.costAxis()->max());
        }
        const QValueAxis* accuracy = view.accuracyAxis();
        QCOMPARE(accuracy->tickType(), QValueAxis::TicksDynamic);
        const double step = accuracy->tickInterval();
        const double mantissa = step / std::pow(10.0, std::floor(std::log10(step)));
        QVERIFY2(std::abs(mantissa - 1) < 1e-9 || std::abs(mantissa - 2) < 1e-9 ||
                     std::abs(mantissa - 5) < 1e-9,
                 qPrintable(QString::number(step)));
        QCOMPARE(std::fmod(accuracy->min(), step), 0.0);
        const int intervals =
            static_cast<int>(std::lround((accuracy->max() - accuracy->min()) / step));
        QVERIFY2(intervals >= 3 && intervals <= 12, qPrintable(QString::number(intervals)));
        QVERIFY(accuracy->min() <= 89.0 && accuracy->max() >= 91.0);  // the seed's band is inside
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

    void hoveringAMarkShowsItsTrial() {
        FrontierChartView view;
        view.resize(800, 600);
        view.setSummary(m_summary);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        // A frontier cross (a light-marker series, which QScatterSeries::hovered missed).
        const int id = view.trialIdsOf(view.frontierSeries()).front();
        const QPoint position = view.mapFromScene(
            view.chart()->mapToPosition(view.frontierSeries()->at(0), view.frontierSeries()));
        QCOMPARE(view.trialNear(position), id);
        QCOMPARE(view.trialNear(position + QPoint(3, -3)), id);  // a few pixels off still counts
        QCOMPARE(view.trialNear(QPointF(2, 2)), 0);              // the corner is no mark
        QTest::mouseMove(view.viewport(), position);
        QTRY_VERIFY(QToolTip::isVisible());
        QVERIFY2(QToolTip::text().contains(QString("Trial %1").arg(id)),
                 qPrintable(QToolTip::text()));
        QVERIFY(QToolTip::text().contains("MFPOPS"));
    }

    void drawsTheFrontierOfAnotherCost() {
        // Latencies for half the trials: from the objective's table and from `perfnas bench`.
        const auto file = std::filesystem::path(m_folder.path().toStdString()) / "costs.sqlite";
        auto store = test::makeSyntheticExperiment(
            file, test::smallSearchConfig("/data/unused", 30), {.failures = false});
        const auto trials = *store->trials();
        std::map<int, double> measured;  // trial id -> ms: the cheaper in MFPOPS, the slower
        for (const TrialRecord& trial : trials) {
            if (trial.id % 2 == 0) continue;
            measured[trial.id] = 10.0 / trial.mfpops;
            if (trial.id % 4 == 1) {
                QVERIFY(store->putLatency({.architecture = trial.specJson,
                                           .target = "local:2",
                                           .medianMs = measured[trial.id],
                                           .runs = 5}));
            } else {
                QVERIFY(store->addBenchmark({.trialId = trial.id,
                                             .target = "local",
                                             .runs = 5,
                                             .medianMs = measured[trial.id],
                                             .detailsJson = R"({"threads": 2})"}));
            }
        }
        auto summary = ExperimentSummary::load(*store);
        QVERIFY(summary);
        const CostAxis latency{.metric = CostMetric::Latency, .target = "local:2"};
        const auto axes = summary->costAxes();
        QCOMPARE(axes.front(), summary->objectiveAxis());  // MFPOPS first
        QVERIFY(std::find(axes.begin(), axes.end(), latency) != axes.end());

        FrontierChartView view;
        view.setSummary(std::make_shared<const ExperimentSummary>(*summary));
        view.setShownCost(latency);
        QVERIFY(view.costAxis()->titleText().contains("latency on local:2"));
        const std::vector<int> front = summary->frontierOn(latency);
        QVERIFY(!front.empty());
        QCOMPARE(view.trialIdsOf(view.frontierSeries()), front);
        for (int id : front) QVERIFY(measured.contains(id));  // only measured trials compete
        const QList<QPointF> points = view.frontierSeries()->points();
        for (qsizetype i = 0; i < points.size(); ++i)
            QCOMPARE(points[i].x(), measured[front[static_cast<std::size_t>(i)]]);
        // Back to the objective.
        view.setShownCost(std::nullopt);
        QCOMPARE(view.trialIdsOf(view.frontierSeries()), summary->frontier);
    }

private:
    QTemporaryDir m_folder;
    SummaryPtr m_summary;
};

QTEST_MAIN(FrontierChartViewTest)
#include "FrontierChartViewTest.moc"
