// ImportancePanel on a synthetic experiment: one row per free parameter, shares that sum to
// 100 %, most important first; a file with too few candidates says how many it needs.
#include <QTableWidget>
#include <QTemporaryDir>
#include <QtTest>

#include "tests/ui/SyntheticExperiment.h"
#include "ui/search/ImportancePanel.h"

using namespace perfnas;
using namespace perfnas::ui;

namespace {

SummaryPtr syntheticSummary(const std::filesystem::path& file, int trials) {
    auto store = test::makeSyntheticExperiment(
        file, test::smallSearchConfig("/data/unused", trials), {.trials = trials});
    auto summary = ExperimentSummary::load(*store);
    if (!summary) qFatal("%s", summary.error().message.c_str());
    return std::make_shared<const ExperimentSummary>(*summary);
}

double percent(const QTableWidgetItem* item) { return item->text().remove(" %").toDouble(); }

}  // namespace

class ImportancePanelTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void listsEveryFreeParameterByImportance() {
        QTemporaryDir folder;
        const SummaryPtr summary =
            syntheticSummary(std::filesystem::path(folder.path().toStdString()) / "a.sqlite", 60);
        ImportancePanel panel;
        panel.show();
        panel.setSummary(summary);
        const QTableWidget* table = panel.table();
        QCOMPARE(table->rowCount(),
                 static_cast<int>(summary->currentSpace.parameterSpace().size()));
        double pareto = 0.0;
        double accuracy = 0.0;
        for (int row = 0; row < table->rowCount(); ++row) {
            QVERIFY(table->item(row, 0)->text().startsWith("unit "));
            pareto += percent(table->item(row, 1));
            accuracy += percent(table->item(row, 2));
            if (row > 0) {  // sorted by the Pareto share (the tooltip holds the exact figure)
                QVERIFY(table->item(row, 1)->toolTip().toDouble() <=
                        table->item(row - 1, 1)->toolTip().toDouble());
            }
        }
        // Rounded shares of 100 %.
        QVERIFY2(std::abs(pareto - 100.0) <= table->rowCount(),
                 qPrintable(QString::number(pareto)));
        QVERIFY(std::abs(accuracy - 100.0) <= table->rowCount());
        QVERIFY(panel.headingText().contains("PED-ANOVA"));
    }

    void saysWhatItNeeds() {
        QTemporaryDir folder;
        ImportancePanel panel;
        panel.show();
        panel.setSummary(
            syntheticSummary(std::filesystem::path(folder.path().toStdString()) / "b.sqlite", 4));
        QCOMPARE(panel.table()->rowCount(), 0);
        QVERIFY(panel.headingText().contains("10 candidates"));
        panel.setSummary(nullptr);
        QVERIFY(panel.headingText().contains("No experiment"));
    }
};

QTEST_MAIN(ImportancePanelTest)
#include "ImportancePanelTest.moc"
