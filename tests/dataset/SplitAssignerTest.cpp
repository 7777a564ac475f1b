#include <QTemporaryDir>
#include <QtTest>
#include <fstream>

#include "core/dataset/SplitAssigner.h"

using perfnas::Split;
using perfnas::SplitAssigner;

Q_DECLARE_METATYPE(Split)

namespace {
void writeText(const QString& path, const std::string& text) {
    std::ofstream(path.toStdString()) << text;
}
}  // namespace

class SplitAssignerTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    // Expected splits printed by tests/dataset/which_set_reference.py (TensorFlow's which_set).
    void hashRuleMatchesSpeechCommands_data() {
        QTest::addColumn<QString>("fileName");
        QTest::addColumn<Split>("expected");
        QTest::newRow("speaker in testing") << "03401e93_nohash_0.wav" << Split::Testing;
        QTest::newRow("speaker in training") << "0132a06d_nohash_3.wav" << Split::Training;
        QTest::newRow("same speaker, other take") << "4c6167ca_nohash_4.wav" << Split::Testing;
        QTest::newRow("no _nohash_ part") << "bed.wav" << Split::Testing;
        QTest::newRow("name x") << "x" << Split::Validation;
        QTest::newRow("name t") << "t" << Split::Validation;
        QTest::newRow("name y") << "y" << Split::Training;
        QTest::newRow("silence clip") << "1024.wav" << Split::Training;
    }
    void hashRuleMatchesSpeechCommands() {
        QFETCH(QString, fileName);
        QFETCH(Split, expected);
        QCOMPARE(SplitAssigner::hashRule(fileName.toStdString()), expected);
    }

    void listsDecideTheFoldersTheyMention() {
        QTemporaryDir root;
        writeText(root.filePath("validation_list.txt"),
                  "yes/a_nohash_0.wav\nno/b_nohash_0.wav\r\n");
        writeText(root.filePath("testing_list.txt"), "yes/c_nohash_0.wav\n\n");
        auto assigner = SplitAssigner::forDataset(root.path().toStdString());
        QVERIFY(assigner.ok());
        QVERIFY(assigner->usesLists());
        QCOMPARE(assigner->assign("yes/a_nohash_0.wav"), Split::Validation);
        QCOMPARE(assigner->assign("no/b_nohash_0.wav"), Split::Validation);
        QCOMPARE(assigner->assign("yes/c_nohash_0.wav"), Split::Testing);
        // Listed folder, unlisted clip: training, even where the hash rule would say testing.
        QCOMPARE(assigner->assign("yes/03401e93_nohash_0.wav"), Split::Training);
        // A folder no list mentions falls back to the hash rule.
        QCOMPARE(assigner->assign("_unknown_/03401e93_nohash_0.wav"), Split::Testing);
        QCOMPARE(assigner->assign("_unknown_/x"), Split::Validation);
    }

    void withoutListsEverythingUsesTheHashRule() {
        QTemporaryDir root;
        auto assigner = SplitAssigner::forDataset(root.path().toStdString());
        QVERIFY(assigner.ok());
        QVERIFY(!assigner->usesLists());
        QCOMPARE(assigner->assign("yes/0132a06d_nohash_3.wav"), Split::Training);
        QCOMPARE(assigner->assign("yes/03401e93_nohash_0.wav"), Split::Testing);
    }

    void listEntryOutsideTheDatasetIsAnError() {
        QTemporaryDir root;
        writeText(root.filePath("testing_list.txt"), "yes/ok.wav\n../../etc/passwd\n");
        auto assigner = SplitAssigner::forDataset(root.path().toStdString());
        QVERIFY(!assigner.ok());
        const QString message = QString::fromStdString(assigner.error().message);
        QVERIFY2(message.contains("testing_list.txt:2"), qPrintable(message));
    }

    void splitNamesRoundTrip() {
        for (Split split : {Split::Training, Split::Validation, Split::Testing}) {
            QCOMPARE(perfnas::splitFromName(perfnas::splitName(split)),
                     std::optional<Split>(split));
        }
        QVERIFY(!perfnas::splitFromName("train").has_value());
    }
};

QTEST_GUILESS_MAIN(SplitAssignerTest)
#include "SplitAssignerTest.moc"
