// perfnas export end to end on a tiny real experiment (trained on a tone dataset): torch and onnx
// formats, the fine-tuned checkpoint preferred, the export folder usable as a checkpoint, and
// errors that name the trial and the file.
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

#include "core/model/OnnxExporter.h"
#include "tests/support/CliRunner.h"
#include "tests/support/DatasetFixture.h"

namespace fs = std::filesystem;
using perfnas::test::Run;
using perfnas::test::runCli;

namespace {

const std::vector<std::string> kWords = {"yes",   "no", "up",  "down", "left",
                                         "right", "on", "off", "stop", "go"};

const char* kConfig = R"({
  "name": "export-test",
  "dataset": {"path": "data"},
  "space": {"units": [
    {"filters": {"min": 2, "max": 6}}, {"filters": {"min": 2, "max": 6}}, {"filters": {"min": 2, "max": 6}},
    {"filters": {"min": 2, "max": 6}}, {"filters": {"min": 2, "max": 6}}, {"filters": {"min": 2, "max": 6}}]},
  "search": {"train_seed": false, "trials": 3},
  "sampler": {"startup_trials": 3},
  "training": {"iterations": 20, "learning_rate": 0.003, "validate_every": 0},
  "execution": {"workers": 1, "threads_per_trial": 1}
})";

QJsonObject readJson(const fs::path& file) {
    QFile in(QString::fromStdString(file.string()));
    if (!in.open(QIODevice::ReadOnly)) return {};
    return QJsonDocument::fromJson(in.readAll()).object();
}

QString str(const fs::path& path) { return QString::fromStdString(path.string()); }

}  // namespace

class ExportCliTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() {
        QVERIFY(m_folder.isValid());
        m_root = fs::path(m_folder.path().toStdString());
        perfnas::test::makeKeywordDataset(m_root / "data", kWords, 6);
        qputenv("PERFNAS_CACHE_DIR", QByteArray::fromStdString((m_root / "cache").string()));
        perfnas::test::writeText(m_root / "export.json", kConfig);
        m_db = str(m_root / "export.sqlite");
        const Run search =
            runCli({"search", "--config", str(m_root / "export.json"), "--db", m_db, "--json"}, {},
                   300000);
        QVERIFY2(search.exitCode == 0, search.err.constData());
        const QJsonObject status = QJsonDocument::fromJson(search.out).object();
        QVERIFY(!status["frontier"].toArray().isEmpty());
        m_trial = status["frontier"].toArray()[0].toInt();
    }

    void torchFormatWritesSpecAndCheckpoint() {
        const fs::path out = m_root / "torch-export";
        const Run run = runCli({"export", "--db", m_db, "--trial", QString::number(m_trial),
                                "--format", "torch", "--out", str(out)});
        QVERIFY2(run.exitCode == 0, run.err.constData());
        for (const char* name : {"spec.json", "checkpoint.json", "model.pt"})
            QVERIFY2(fs::exists(out / name), name);
        QVERIFY(!fs::exists(out / "model.onnx"));
        const QJsonObject spec = readJson(out / "spec.json");
        QCOMPARE(spec["units"].toArray().size(), 6);
        QCOMPARE(readJson(out / "checkpoint.json")["iteration"].toInt(),
                 20);  // the search trial's weights
    }

    void onnxFormatPrefersTheFinetunedCheckpoint() {
        const Run finetune =
            runCli({"finetune", "--db", m_db, "--iterations", "30", "--json"}, {}, 300000);
        QVERIFY2(finetune.exitCode == 0, finetune.err.constData());
        const fs::path out = m_root / "onnx-export";
        const Run run = runCli({"export", "--db", m_db, "--trial", QString::number(m_trial),
                                "--format", "onnx", "--out", str(out)});
        QVERIFY2(run.exitCode == 0, run.err.constData());
        QVERIFY2(run.out.contains("fine-tuned"), run.out.constData());
        QCOMPARE(readJson(out / "checkpoint.json")["iteration"].toInt(), 30);
        QVERIFY(fs::exists(out / "model.onnx") && fs::file_size(out / "model.onnx") > 0);
        auto graph = perfnas::OnnxExporter::inspect(out / "model.onnx");
        QVERIFY2(graph.ok(), graph.ok() ? "" : graph.error().message.c_str());
        QCOMPARE(graph->outputShape, (std::vector<std::int64_t>{1, 10}));
        QCOMPARE(QString::fromStdString(graph->metadata.at("classes")).split(',').size(), 10);
        // The export folder is a checkpoint in its own right.
        const Run evaluate = runCli(
            {"evaluate", "--checkpoint", str(out), "--data", str(m_root / "data"), "--json"});
        QVERIFY2(evaluate.exitCode == 0, evaluate.err.constData());
        QVERIFY(QJsonDocument::fromJson(evaluate.out).object().contains("top1"));
    }

    void errorsNameTheTrialAndFile() {
        const Run unknown =
            runCli({"export", "--db", m_db, "--trial", "999", "--out", str(m_root / "x")});
        QCOMPARE(unknown.exitCode, 2);
        QVERIFY2(unknown.err.contains("trial 999"), unknown.err.constData());
        const Run seed =
            runCli({"export", "--db", m_db, "--trial", "0", "--out", str(m_root / "x")});
        QCOMPARE(seed.exitCode, 2);
        QVERIFY2(seed.err.contains("seed"), seed.err.constData());
        const Run format = runCli({"export", "--db", m_db, "--trial", QString::number(m_trial),
                                   "--format", "tflite", "--out", str(m_root / "x")});
        QCOMPARE(format.exitCode, 2);

        // Remove the weights of the fine-tuned checkpoint: the error names the trial and the file.
        const Run status = runCli({"status", "--db", m_db, "--json"});
        QString folder;
        for (const auto& value : QJsonDocument::fromJson(status.out).object()["trials"].toArray()) {
            if (value.toObject()["parent"].toInt() == m_trial)
                folder = value.toObject()["checkpoint"].toString();
        }
        QVERIFY(!folder.isEmpty());
        QVERIFY(fs::remove(m_root / folder.toStdString() / "model.pt"));
        const Run missing = runCli({"export", "--db", m_db, "--trial", QString::number(m_trial),
                                    "--out", str(m_root / "y")});
        QCOMPARE(missing.exitCode, 2);
        QVERIFY2(missing.err.contains(QByteArray("trial ") + QByteArray::number(m_trial)) &&
                     missing.err.contains("model.pt"),
                 missing.err.constData());
    }

private:
    QTemporaryDir m_folder;
    fs::path m_root;
    QString m_db;
    int m_trial = 0;
};

QTEST_GUILESS_MAIN(ExportCliTest)
#include "ExportCliTest.moc"
