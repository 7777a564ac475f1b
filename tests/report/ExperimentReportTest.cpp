// ExperimentReport: Table I picks the paper's interesting configurations by their definitions, and
// the four renderings match golden files (tests/data/report/*; regenerate with
// PERFNAS_UPDATE_GOLDEN=1 after checking the difference by eye).
#include <QTemporaryDir>
#include <QtTest>
#include <fstream>
#include <sstream>

#include "core/model/CostModel.h"
#include "core/report/ExperimentReport.h"
#include "core/search/ExperimentPlanner.h"

using namespace perfnas;
namespace fs = std::filesystem;

namespace {

const fs::path kGoldenFolder = PERFNAS_TEST_DATA_DIR "/report";

// A search phase with the seed (validation 0.90) and five candidates, two of them fine-tuned, and
// latencies on two targets: every Table I row has exactly one right answer.
struct ReportFixture {
    ReportFixture() : file(fs::path(folder.path().toStdString()) / "report.sqlite") {
        ExperimentConfig config;
        config.name = "golden";
        config.dataset.root = "/data/speech";
        auto created = ExperimentPlanner::create(file, config, "digest");
        if (!created) qFatal("%s", created.error().message.c_str());
        store = std::move(*created);
        const int phase = store->phases()->front().id;
        auto add = [&](const ArchitectureSpec& spec, double top1, int parent = 0,
                       double test = 0.0) {
            const ModelCost cost = CostModel::evaluate(spec);
            TrialRecord trial{.phaseId = phase,
                              .state = TrialState::Finished,
                              .configuration = config.space.configurationOf(spec),
                              .specJson = spec.toJson(),
                              .trainingJson = config.training.toJson(),
                              .validationTop1 = top1,
                              .testTop1 = test,
                              .mfpops = cost.mfpops(),
                              .params = cost.params,
                              .iterationsDone = parent ? 40000 : 8000,
                              .parentTrialId = parent,
                              .attempts = 1};
            return *store->addTrial(trial);
        };
        auto variant = [&](int kernel, int filters) {
            ArchitectureSpec spec = config.seed;
            for (std::size_t u = 1; u < spec.units.size(); ++u)
                spec.units[u] = {.kh = kernel, .kw = kernel, .filters = filters};
            spec.units[0].filters = filters;
            return spec;
        };
        seedId = add(config.seed, 0.90);
        cheapest = add(variant(1, 10), 0.80);        // best δ FPOPS
        sameAccuracy = add(variant(3, 30), 0.8995);  // -0.05 points: ≈ 0
        moreAccurate = add(variant(3, 50), 0.905);   // fastest > 0
        best = add(variant(3, 80), 0.92);            // best δ TOP-1
        add(variant(5, 90), 0.85);                   // dominated: not in the tables
        // A fine-tuning phase: `best` continued (its test TOP-1 is what the tables show).
        PhaseRecord finetune{
            .kind = PhaseKind::Finetune, .spaceJson = "{}", .state = PhaseState::Finished};
        const int finetunePhase = *store->addPhase(finetune);
        auto addTuned = [&](int parent, double test) {
            TrialRecord parentTrial = *store->trial(parent);
            parentTrial.id = 0;
            parentTrial.phaseId = finetunePhase;
            parentTrial.parentTrialId = parent;
            parentTrial.testTop1 = test;
            parentTrial.iterationsDone = 40000;
            return *store->addTrial(parentTrial);
        };
        const int tunedBest = addTuned(best, 0.9511);
        for (const auto& [trial, target, ms] : std::vector<std::tuple<int, std::string, double>>{
                 {0, "local", 12.5},
                 {cheapest, "local", 0.5},
                 {tunedBest, "local", 5.0},
                 {0, "ssh://pi@board:22", 80.0},
                 {cheapest, "ssh://pi@board:22", 2.5}}) {
            if (!store->addBenchmark(
                    {.trialId = trial, .target = target, .runs = 100, .medianMs = ms}))
                qFatal("benchmark");
        }
        if (!store->addBenchmark(
                {.trialId = best, .target = "local", .error = "connection refused"}))
            qFatal("benchmark");
    }
    QTemporaryDir folder;
    fs::path file;
    std::unique_ptr<ExperimentStore> store;
    int seedId = 0, cheapest = 0, sameAccuracy = 0, moreAccurate = 0, best = 0;
};

std::string readFile(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

}  // namespace

class ExperimentReportTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void tableOnePicksThePapersRows() {
        ReportFixture fixture;
        auto summary = ExperimentSummary::load(*fixture.store);
        QVERIFY(summary);
        const ExperimentReport report =
            ExperimentReport::build(*summary, *fixture.store->benchmarks());
        QVERIFY(report.seedTrained);
        QCOMPARE(report.seed.top1, 0.90);  // not fine-tuned: its search TOP-1
        QVERIFY(!report.seed.finetuned);
        QVERIFY(report.models.front().finetuned);
        QCOMPARE(report.models.front().top1, 0.9511);
        QCOMPARE(report.models.size(), std::size_t{4});
        QCOMPARE(report.models.front().name, std::string("kws1"));
        QVERIFY(report.models.front().mfpops > report.models.back().mfpops);  // largest first

        std::map<std::string, int> rows;
        for (const ReportHighlight& highlight : report.highlights) {
            rows[highlight.note] = highlight.model < 0 ? 0 : report.model(highlight.model).trialId;
        }
        QCOMPARE(rows.at("seed model"), 0);
        QCOMPARE(rows.at("best δ FPOPS"), fixture.cheapest);
        QCOMPARE(rows.at("best δ TOP-1"), fixture.best);
        QCOMPARE(rows.at("fastest δ TOP-1 ≈ 0"), fixture.sameAccuracy);  // -0.05 points
        QCOMPARE(rows.at("fastest δ TOP-1 > 0"), fixture.moreAccurate);  // cheaper than `best`
        QCOMPARE(report.targets, (std::vector<std::string>{"local", "ssh://pi@board:22"}));
        QCOMPARE(report.seed.latencyMs.at("local"), 12.5);
    }

    void theLatencyObjectivesFiguresAreAColumn() {
        QTemporaryDir folder;
        ExperimentConfig config;
        config.name = "latency";
        config.dataset.root = "/data/speech";
        config.cost = CostMetric::Latency;
        auto store = ExperimentPlanner::create(fs::path(folder.path().toStdString()) / "l.sqlite",
                                               config, "digest");
        QVERIFY(store);
        const int phase = (*store)->phases()->front().id;
        ArchitectureSpec small = config.seed;
        for (ConvUnit& unit : small.units) unit.filters = 10;
        for (const auto& [spec, top1, ms] :
             std::vector<std::tuple<ArchitectureSpec, double, double>>{{config.seed, 0.9, 4.0},
                                                                       {small, 0.85, 0.5}}) {
            QVERIFY((*store)->addTrial({.phaseId = phase,
                                        .state = TrialState::Finished,
                                        .configuration = config.space.configurationOf(spec),
                                        .specJson = spec.toJson(),
                                        .trainingJson = config.training.toJson(),
                                        .validationTop1 = top1,
                                        .mfpops = CostModel::evaluate(spec).mfpops(),
                                        .attempts = 1}));
            QVERIFY((*store)->putLatency(
                {.architecture = spec.toJson(), .target = "local:1", .medianMs = ms, .runs = 30}));
        }
        const auto summary = ExperimentSummary::load(**store);
        QVERIFY(summary);
        const ExperimentReport report = ExperimentReport::build(*summary, {});
        QCOMPARE(report.targets, std::vector<std::string>{"local:1"});
        QCOMPARE(report.seed.latencyMs.at("local:1"), 4.0);
        QCOMPARE(report.models.size(), std::size_t{1});
        QCOMPARE(report.models.front().latencyMs.at("local:1"), 0.5);
    }

    void rendersMatchTheGoldenFiles_data() {
        QTest::addColumn<QString>("format");
        QTest::addColumn<QString>("golden");
        QTest::newRow("markdown") << "md"
                                  << "golden.md";
        QTest::newRow("csv") << "csv"
                             << "golden.csv";
        QTest::newRow("latex") << "latex"
                               << "golden.tex";
        QTest::newRow("html") << "html"
                              << "golden.html";
    }
    void rendersMatchTheGoldenFiles() {
        QFETCH(QString, format);
        QFETCH(QString, golden);
        ReportFixture fixture;
        auto summary = ExperimentSummary::load(*fixture.store);
        QVERIFY(summary);
        const std::string text = ExperimentReport::build(*summary, *fixture.store->benchmarks())
                                     .render(*parseReportFormat(format.toStdString()));
        const fs::path goldenFile = kGoldenFolder / golden.toStdString();
        if (qEnvironmentVariableIsSet("PERFNAS_UPDATE_GOLDEN"))
            std::ofstream(goldenFile, std::ios::binary) << text;
        QCOMPARE(QString::fromStdString(text), QString::fromStdString(readFile(goldenFile)));
    }
};

QTEST_GUILESS_MAIN(ExperimentReportTest)
#include "ExperimentReportTest.moc"
