// TrialTableModel + TrialFilterModel on a real experiment file (ExperimentPlanner + ExperimentStore
// records): one row per trial, numeric sorting, filters by phase, state and Pareto membership,
// failed trials with their reason, and live updates that append rows without a reset; the panel's
// first click on an accuracy column shows the best first.
#include <QAbstractItemModelTester>
#include <QHeaderView>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QtTest>
#include <set>

#include "tests/ui/SyntheticExperiment.h"
#include "ui/search/TrialFilterModel.h"
#include "ui/search/TrialTableModel.h"
#include "ui/search/TrialTablePanel.h"

using namespace perfnas;
using namespace perfnas::ui;

// Every model and proxy runs under Qt's model checker: each change it signals is checked against
// QAbstractItemModel's contract, and a breach fails the test.
constexpr auto kReportToQtTest = QAbstractItemModelTester::FailureReportingMode::QtTest;

class TrialTableModelTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() {
        QVERIFY(m_folder.isValid());
        const auto file = std::filesystem::path(m_folder.path().toStdString()) / "table.sqlite";
        auto store = test::makeSyntheticExperiment(
            file, test::smallSearchConfig("/data/unused", 60), {.finetune = true});
        auto summary = ExperimentSummary::load(*store);
        QVERIFY2(summary, summary ? "" : summary.error().message.c_str());
        m_summary = std::make_shared<const ExperimentSummary>(*summary);
        QVERIFY(m_summary->frontier.size() >= 2);
    }

    void oneRowPerTrialWithReasons() {
        TrialTableModel model;
        QAbstractItemModelTester modelTester(&model, kReportToQtTest);
        model.setSummary(m_summary);
        QCOMPARE(model.rowCount(), static_cast<int>(m_summary->trials.size()));
        const int failedRow = model.rowOfTrial(18);  // index 17: failed
        QCOMPARE(model.index(failedRow, TrialTableModel::State).data().toString(),
                 QString("failed"));
        QCOMPARE(model.index(failedRow, TrialTableModel::Reason).data().toString(),
                 QString("worker crashed: out of memory"));
        QCOMPARE(model.index(model.rowOfTrial(24), TrialTableModel::State).data().toString(),
                 QString("diverged"));
        // Table II notation of the seed.
        QCOMPARE(model.index(model.rowOfTrial(1), TrialTableModel::Architecture)
                     .data()
                     .toString()
                     .left(12),
                 QString("{4×10, 100} "));
    }

    void sortsNumbersAsNumbers() {
        TrialTableModel model;
        QAbstractItemModelTester modelTester(&model, kReportToQtTest);
        model.setSummary(m_summary);
        TrialFilterModel filter;
        filter.setSourceModel(&model);
        QAbstractItemModelTester filterTester(&filter, kReportToQtTest);
        filter.sort(TrialTableModel::Cost, Qt::DescendingOrder);
        double previous = std::numeric_limits<double>::infinity();
        for (int row = 0; row < filter.rowCount(); ++row) {
            const double cost =
                filter.index(row, TrialTableModel::Cost).data(TrialTableModel::SortRole).toDouble();
            QVERIFY(cost <= previous);
            previous = cost;
        }
        QCOMPARE(filter.index(0, TrialTableModel::Id).data().toInt(),
                 1);  // the 613 MFPOPS seed is the most expensive
        filter.sort(TrialTableModel::ValidationTop1, Qt::DescendingOrder);
        const double best = filter.index(0, TrialTableModel::ValidationTop1)
                                .data(TrialTableModel::SortRole)
                                .toDouble();
        for (const TrialRecord& trial : m_summary->trials)
            QVERIFY(trial.validationTop1 <= best || trial.state != TrialState::Finished);
    }

    void theFirstClickOnAccuracyShowsTheBestFirst() {
        QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates));
        TrialTablePanel panel;
        panel.setSummary(m_summary);
        auto* view = panel.findChild<QTableView*>("trialTable");
        QVERIFY(view);
        QHeaderView* header = view->horizontalHeader();
        header->setSortIndicator(TrialTableModel::ValidationTop1, Qt::AscendingOrder);  // a click
        QCOMPARE(header->sortIndicatorOrder(), Qt::DescendingOrder);
        const double top = view->model()
                               ->index(0, TrialTableModel::ValidationTop1)
                               .data(TrialTableModel::SortRole)
                               .toDouble();
        for (const TrialRecord& trial : m_summary->trials)
            QVERIFY(trial.validationTop1 <= top || trial.state != TrialState::Finished);
        // A second click on the same column turns the order as usual.
        header->setSortIndicator(TrialTableModel::ValidationTop1, Qt::AscendingOrder);
        QCOMPARE(header->sortIndicatorOrder(), Qt::AscendingOrder);
        // Cost columns keep the usual first order, and large counts are grouped.
        header->setSortIndicator(TrialTableModel::Params, Qt::AscendingOrder);
        QCOMPARE(header->sortIndicatorOrder(), Qt::AscendingOrder);
        const QModelIndex seedParams =
            view->model()->index(view->model()->rowCount() - 1, TrialTableModel::Params);
        QCOMPARE(seedParams.data().toString(), QString("454,000"));  // the paper seed's weights
        QLocale::setDefault(QLocale::system());
    }

    void exportsEveryTrialAsCsv() {
        TrialTableModel model;
        model.setSummary(m_summary);
        const QStringList lines = model.toCsv().split("\r\n", Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), static_cast<qsizetype>(m_summary->trials.size()) + 1);
        QVERIFY2(lines.front().startsWith("Trial,Phase,State"), qPrintable(lines.front()));
        QVERIFY(lines.front().contains("Training (s)"));
        // The seed's row: raw numbers (TOP-1 as a fraction, no grouping), quoted architecture.
        const QString seed = lines.at(1);
        QVERIFY2(seed.startsWith("1,search,finished"), qPrintable(seed));
        QVERIFY2(seed.contains(",0.9,"), qPrintable(seed));
        QVERIFY2(seed.contains(",613.184,454000,"), qPrintable(seed));
        QVERIFY2(seed.contains(",\"{4×10, 100} {3×3, 100}"), qPrintable(seed));
        const bool seedOnFrontier =
            std::count(m_summary->frontier.begin(), m_summary->frontier.end(), 1) > 0;
        QVERIFY(seed.contains(seedOnFrontier ? ",true," : ",false,") ||
                seed.endsWith(seedOnFrontier ? ",true" : ",false"));
    }

    void filtersByStatePhaseAndPareto() {
        TrialTableModel model;
        QAbstractItemModelTester modelTester(&model, kReportToQtTest);
        model.setSummary(m_summary);
        TrialFilterModel filter;
        filter.setSourceModel(&model);
        QAbstractItemModelTester filterTester(&filter, kReportToQtTest);
        filter.setStateFilter(TrialState::Failed);
        QCOMPARE(filter.rowCount(), 3);  // trials at index 17, 34, 51
        for (int row = 0; row < filter.rowCount(); ++row) {
            QVERIFY(!filter.index(row, TrialTableModel::Reason).data().toString().isEmpty());
        }
        filter.setStateFilter(std::nullopt);
        filter.setParetoOnly(true);
        QCOMPARE(filter.rowCount(), static_cast<int>(m_summary->frontier.size()));
        std::set<int> shown;
        for (int row = 0; row < filter.rowCount(); ++row)
            shown.insert(filter.index(row, 0).data(TrialTableModel::TrialIdRole).toInt());
        QCOMPARE(shown, std::set<int>(m_summary->frontier.begin(), m_summary->frontier.end()));
        filter.setParetoOnly(false);
        const PhaseRecord& finetune = m_summary->phases.back();
        QCOMPARE(finetune.kind, PhaseKind::Finetune);
        filter.setPhaseFilter(finetune.id);
        QCOMPARE(filter.rowCount(), static_cast<int>(m_summary->frontier.size()));
        QCOMPARE(filter.index(0, TrialTableModel::Phase).data().toString(), QString("fine-tune"));
    }

    void liveUpdatesAppendRows() {
        TrialTableModel model;
        QAbstractItemModelTester modelTester(&model, kReportToQtTest);
        auto partial = std::make_shared<ExperimentSummary>(*m_summary);
        partial->trials.resize(10);
        model.setSummary(partial);
        QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
        model.setSummary(m_summary);
        QCOMPARE(reset.count(), 0);
        QCOMPARE(inserted.count(), 1);
        QCOMPARE(inserted.front().at(1).toInt(), 10);
        QCOMPARE(model.rowCount(), static_cast<int>(m_summary->trials.size()));
    }

private:
    QTemporaryDir m_folder;
    SummaryPtr m_summary;
};

QTEST_MAIN(TrialTableModelTest)
#include "TrialTableModelTest.moc"
