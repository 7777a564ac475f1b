// HypervolumeChartView on a synthetic experiment: one step line per phase with candidates, in the
// phase's colour order, ending at the summary's hypervolume; the caption says when it last
// improved. Hidden, it waits until shown.
#include <QLineSeries>
#include <QTemporaryDir>
#include <QtTest>

#include "core/search/ExperimentPlanner.h"
#include "tests/ui/SyntheticExperiment.h"
#include "ui/search/HypervolumeChartView.h"

using namespace perfnas;
using namespace perfnas::ui;

class HypervolumeChartViewTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void drawsTheHistoryPerPhase() {
        QTemporaryDir folder;
        const auto file = std::filesystem::path(folder.path().toStdString()) / "chart.sqlite";
        auto store = test::makeSyntheticExperiment(
            file, test::smallSearchConfig("/data/unused", 40), {.trials = 40, .finetune = true});
        const auto summary = ExperimentSummary::load(*store);
        QVERIFY(summary);
        HypervolumeChartView view;
        view.resize(800, 400);
        view.setSummary(std::make_shared<const ExperimentSummary>(*summary));
        const PhaseRecord& search = summary->phases.front();
        QVERIFY(!view.seriesOf(search.id));  // a hidden tab draws nothing yet
        view.show();                         // and catches up when it appears
        const QLineSeries* line = view.seriesOf(search.id);
        QVERIFY(line);
        QVERIFY(line->count() >= 2);
        QVERIFY(qFuzzyCompare(line->points().back().y(), summary->hypervolume));
        for (qsizetype i = 1; i < line->count(); ++i) {  // steps: never down, never back in time
            QVERIFY(line->at(i).y() >= line->at(i - 1).y());
            QVERIFY(line->at(i).x() >= line->at(i - 1).x());
        }
        for (const PhaseRecord& phase : summary->phases) {
            if (phase.kind == PhaseKind::Finetune) QVERIFY(!view.seriesOf(phase.id));
        }
        QVERIFY2(view.caption().contains(QString::number(summary->hypervolume, 'f', 3)),
                 qPrintable(view.caption()));

        view.setSummary(nullptr);
        QVERIFY(!view.seriesOf(search.id));
        QVERIFY(view.caption().contains("No finished candidates"));
    }
};

QTEST_MAIN(HypervolumeChartViewTest)
#include "HypervolumeChartViewTest.moc"
