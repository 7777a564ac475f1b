#pragma once
// LatencyChartView: measured median latency on one benchmark target, one bar per model (the
// paper's Fig. 5/6): the seed first and highlighted, then the Pareto models as the report names
// them (kws1 = most expensive) and any other measured trial. Above each bar: TOP-1 (fine-tuned test
// TOP-1 where there is one, else validation) and the speed-up against the seed. Exports PNG, SVG
// and PDF. GUI thread; barsFor() is a pure function.
#include <QChartView>
#include <vector>

#include "ui/common/CoreMetaTypes.h"

class QBarCategoryAxis;
class QBarSet;
class QGraphicsSimpleTextItem;
class QStackedBarSeries;
class QValueAxis;

namespace perfnas::ui {

struct LatencyBar {
    int trialId = 0;  // 0: the seed
    QString name;     // "seed", "kws1", "trial 12"
    double medianMs = 0.0;
    double top1 = -1.0;  // fraction; < 0: unknown (an untrained seed)
    bool finetuned = false;
    double mfpops = 0.0;
    double speedup = 0.0;  // seed median / this median; 0: the seed was not measured here
    bool seed = false;
};

class LatencyChartView : public QChartView {
    Q_OBJECT
public:
    explicit LatencyChartView(QWidget* parent = nullptr);

    // The latest successful measurement per model on `target`, in chart order.
    static std::vector<LatencyBar> barsFor(const ExperimentSummary& summary,
                                           const std::vector<BenchmarkRecord>& records,
                                           const std::string& target);

    void setData(const SummaryPtr& summary, const std::vector<BenchmarkRecord>& records,
                 const std::string& target);
    const std::string& target() const { return m_target; }
    const std::vector<LatencyBar>& bars() const { return m_bars; }
    QStringList barLabels() const;       // the text above each bar, in bar order
    QStringList categoryLabels() const;  // model names under the bars
    QBarSet* seedSet() const { return m_seedSet; }
    QBarSet* modelSet() const { return m_modelSet; }

    // By the file's suffix: .png, .svg or .pdf. false with `error` set on failure.
    bool exportTo(const QString& file, QString* error = nullptr);

protected:
    void resizeEvent(QResizeEvent* event) override;

private:
    void placeLabels();

    std::string m_target;
    std::vector<LatencyBar> m_bars;
    QStackedBarSeries* m_series;
    QBarSet* m_seedSet;
    QBarSet* m_modelSet;
    QBarCategoryAxis* m_x;
    QValueAxis* m_y;
    std::vector<QGraphicsSimpleTextItem*> m_labels;
};

}  // namespace perfnas::ui
