// ExperimentConfig: the shipped example configs parse, the stored (normalized) form rebuilds the
// same config, and mistakes are reported with the path of the field.
#include <QtTest>

#include "core/model/CostModel.h"
#include "core/search/ExperimentConfig.h"

using namespace perfnas;
namespace fs = std::filesystem;

class ExperimentConfigTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void shippedExamplesParse_data() {
        QTest::addColumn<QString>("file");
        QTest::addColumn<int>("trials");
        QTest::addColumn<int>("iterations");  // of a search trial (with rungs: the top rung)
        QTest::addColumn<double>("seedMfpops");
        QTest::addColumn<std::vector<int>>("rungs");
        QTest::newRow("demo") << "demo-experiment.json" << 200 << 1800 << 63.918
                              << std::vector<int>{200, 600, 1800};
        QTest::newRow("laptop") << "speech-commands-laptop.json" << 500 << 3000 << 63.918
                                << std::vector<int>{333, 1000, 3000};
        QTest::newRow("paper") << "paper-experiment.json" << 100 << 8000 << 613.184
                               << std::vector<int>{};
    }
    void shippedExamplesParse() {
        QFETCH(QString, file);
        QFETCH(int, trials);
        QFETCH(int, iterations);
        auto config = ExperimentConfig::fromFile(
            std::string(PERFNAS_SOURCE_DIR "/resources/examples/") + file.toStdString());
        QVERIFY2(config, config ? "" : config.error().message.c_str());
        QFETCH(double, seedMfpops);
        QFETCH(std::vector<int>, rungs);
        QCOMPARE(config->searchTrials, trials);
        QCOMPARE(config->searchIterations(), iterations);
        QVERIFY(std::abs(CostModel::evaluate(config->seed).mfpops() - seedMfpops) < 1e-3);
        QCOMPARE(config->fidelity ? config->fidelity->rungIterations() : std::vector<int>{}, rungs);
        // The stored form keeps the rungs.
        auto rebuilt = ExperimentConfig::fromJson(config->toJson(), {});
        QVERIFY2(rebuilt, rebuilt ? "" : rebuilt.error().message.c_str());
        QCOMPARE(rebuilt->fidelity.has_value(), config->fidelity.has_value());
        if (config->fidelity) QCOMPARE(rebuilt->fidelity->rungIterations(), rungs);
    }

    void badFidelityIsNamed_data() {
        QTest::addColumn<QString>("block");
        QTest::addColumn<QString>("message");
        QTest::newRow("max not above min")
            << R"({"min_iterations": 300, "max_iterations": 300})"
            << "fidelity: expected 1 <= min_iterations < max_iterations";
        QTest::newRow("one rung") << R"({"min_iterations": 500, "max_iterations": 1000})"
                                  << "only one rung";
        QTest::newRow("eta 1") << R"({"min_iterations": 100, "max_iterations": 900, "eta": 1})"
                               << "fidelity.eta: must be at least 2";
        QTest::newRow("unknown key")
            << R"({"min_iterations": 100, "max_iterations": 900, "rungs": 3})"
            << "rungs";
    }
    void badFidelityIsNamed() {
        QFETCH(QString, block);
        QFETCH(QString, message);
        auto config = ExperimentConfig::fromJson("{\"fidelity\": " + block.toStdString() + "}", {});
        QVERIFY(!config);
        QVERIFY2(config.error().message.find(message.toStdString()) != std::string::npos,
                 config.error().message.c_str());
    }

    void samplerVariantsAreReadAndNamed() {
        auto config = ExperimentConfig::fromJson(
            R"({"sampler": {"good_weights": "uniform", "selection": "per_dimension", "log_cost": true}})",
            {});
        QVERIFY2(config, config ? "" : config.error().message.c_str());
        QVERIFY(config->tpe.goodWeights == GoodWeights::Uniform);
        QVERIFY(config->tpe.selection == CandidateSelection::PerDimension);
        QVERIFY(config->tpe.logCost);
        QVERIFY(ExperimentConfig{}.tpe.selection == CandidateSelection::Summed &&
                !ExperimentConfig{}.tpe.logCost);
        auto rebuilt = ExperimentConfig::fromJson(config->toJson(), {});
        QVERIFY(rebuilt && rebuilt->tpe.selection == CandidateSelection::PerDimension);
        auto bad = ExperimentConfig::fromJson(R"({"sampler": {"selection": "joint"}})", {});
        QVERIFY(!bad);
        QVERIFY2(bad.error().message.find("sampler.selection: expected \"summed\"") !=
                         std::string::npos &&
                     bad.error().message.find("\"joint\"") != std::string::npos,
                 bad.error().message.c_str());
    }

    void storedFormRebuildsTheSameConfig() {
        auto config = ExperimentConfig::fromFile(PERFNAS_SOURCE_DIR
                                                 "/resources/examples/paper-experiment.json");
        QVERIFY(config);
        config->maxMfpops = 250.0;
        config->minTop1 = 0.9;
        config->dataset.root = "/data/speech";
        config->backend = "slurm";
        config->slurm = {.partition = "gpu",
                         .account = "kws",
                         .timeLimit = "2:00:00",
                         .cpusPerTrial = 4,
                         .options = {"--qos=long", "--mem=8G"}};
        auto rebuilt = ExperimentConfig::fromJson(config->toJson(), {});
        QVERIFY2(rebuilt, rebuilt ? "" : rebuilt.error().message.c_str());
        QCOMPARE(rebuilt->toJson(), config->toJson());
        QVERIFY(rebuilt->optimizerSpace.has_value());
        QCOMPARE(*rebuilt->maxMfpops, 250.0);
        QCOMPARE(rebuilt->finetune.iterations, 40000);
        QCOMPARE(rebuilt->finetune.decayFactor, 0.3);
        QCOMPARE(rebuilt->backend, std::string("slurm"));
        QCOMPARE(rebuilt->slurm.cpusPerTrial, 4);
        QCOMPARE(rebuilt->slurm.options, (std::vector<std::string>{"--qos=long", "--mem=8G"}));
    }

    void latencyObjectiveRoundTrips() {
        auto config = ExperimentConfig::fromJson(
            R"({"objective": {"cost": "latency", "target": "local", "threads": 2, "runs": 40},
                "constraints": {"max_latency_ms": 1.5}})",
            {});
        QVERIFY2(config, config ? "" : config.error().message.c_str());
        QCOMPARE(config->cost, CostMetric::Latency);
        QCOMPARE(config->latency.key(), std::string("local:2"));
        QCOMPARE(config->latency.runs, 40);
        QCOMPARE(*config->maxLatencyMs, 1.5);
        auto rebuilt = ExperimentConfig::fromJson(config->toJson(), {});
        QVERIFY(rebuilt);
        QCOMPARE(rebuilt->cost, CostMetric::Latency);
        QCOMPARE(rebuilt->latency.key(), std::string("local:2"));
        QCOMPARE(rebuilt->latency.warmupRuns, config->latency.warmupRuns);
        QCOMPARE(*rebuilt->maxLatencyMs, 1.5);
    }

    void boardTargetRoundTrips() {
        auto config = ExperimentConfig::fromJson(
            "{\"objective\": {\"cost\": \"latency\", \"target\": \"ssh://pi@board\", "
            "\"ssh\": {\"identity\": \"keys/id\", \"known_hosts\": \"/etc/hosts.known\", "
            "\"command_timeout_s\": 30, \"remote_parser\": \"onnxruntime\", "
            "\"remote_command\": \"runner {model}\"}}}",
            "/configs");
        QVERIFY2(config, config ? "" : config.error().message.c_str());
        QCOMPARE(config->latency.key(), std::string("ssh://pi@board:22"));  // normalized
        QCOMPARE(config->latency.board.host, std::string("board"));
        QCOMPARE(config->latency.board.identityFile, fs::path("/configs/keys/id"));
        QCOMPARE(config->latency.board.commandTimeout, std::chrono::milliseconds(30'000));
        QCOMPARE(config->latency.board.connectTimeout, std::chrono::milliseconds(10'000));
        QVERIFY(!config->latency.board.trustNewHost);
        auto rebuilt = ExperimentConfig::fromJson(config->toJson(), {});
        QVERIFY2(rebuilt, rebuilt ? "" : rebuilt.error().message.c_str());
        QCOMPARE(rebuilt->latency.key(), config->latency.key());
        QCOMPARE(rebuilt->latency.board.knownHostsFile, fs::path("/etc/hosts.known"));
        QCOMPARE(rebuilt->latency.board.commandTimeout, std::chrono::milliseconds(30'000));
        QCOMPARE(rebuilt->latency.remote.parser, std::string("onnxruntime"));
        QCOMPARE(rebuilt->latency.remote.commandTemplate, std::string("runner {model}"));
    }

    void defaultsAreThePapers() {
        auto config = ExperimentConfig::fromJson("{}", {});
        QVERIFY(config);
        QCOMPARE(config->training.iterations, 8000);
        QCOMPARE(config->training.learningRate, 1e-3);
        QCOMPARE(config->training.batchSize, 25);
        QCOMPARE(config->finetune.iterations, 40000);
        QCOMPARE(config->finetune.learningRate, 5e-4);
        QCOMPARE(config->sampler, std::string("tpe"));
    }

    void mistakesNameTheField_data() {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("mentions");
        QTest::newRow("sampler kind") << R"({"sampler": {"kind": "grid"}})"
                                      << "sampler.kind";
        QTest::newRow("workers") << R"({"execution": {"workers": 0}})"
                                 << "execution.workers";
        QTest::newRow("backend") << R"({"execution": {"backend": "kubernetes"}})"
                                 << "kubernetes";
        QTest::newRow("slurm cpus") << R"({"execution": {"slurm": {"cpus_per_trial": 0}}})"
                                    << "cpus_per_trial";
        QTest::newRow("slurm key") << R"({"execution": {"slurm": {"queue": "short"}}})"
                                   << "execution.slurm";
        QTest::newRow("cost") << R"({"objective": {"cost": "joules"}})"
                              << "objective.cost";
        QTest::newRow("latency target")
            << R"({"objective": {"cost": "latency", "target": "board"}})"
            << "objective.target";
        QTest::newRow("board port")
            << R"({"objective": {"cost": "latency", "target": "ssh://pi@board:99999"}})"
            << "objective.target";
        QTest::newRow("ssh block without a board")
            << R"({"objective": {"cost": "latency", "ssh": {"identity": "k"}}})"
            << "objective.ssh";
        QTest::newRow("board command without a model")
            << R"({"objective": {"cost": "latency", "target": "ssh://pi@board",
                   "ssh": {"remote_command": "runner"}}})"
            << "objective.ssh.remote_command";
        QTest::newRow("board parser")
            << R"({"objective": {"cost": "latency", "target": "ssh://pi@board",
                   "ssh": {"remote_parser": "tflite"}}})"
            << "objective.ssh.remote_parser";
        QTest::newRow("latency threads") << R"({"objective": {"cost": "latency", "threads": 0}})"
                                         << "objective.threads";
        QTest::newRow("latency limit without latency")
            << R"({"constraints": {"max_latency_ms": 2}})"
            << "max_latency_ms";
        QTest::newRow("augmentation") << R"({"training": {"augmentation": {"volume": 1}}})"
                                      << "volume";
        QTest::newRow("negative lr") << R"({"training": {"learning_rate": -1}})"
                                     << "learning_rate";
        QTest::newRow("seed file") << R"({"seed_architecture": "/no/such/seed.json"})"
                                   << "/no/such/seed.json";
        QTest::newRow("min share") << R"({"refinement": {"min_share": 2}})"
                                   << "min_share";
        QTest::newRow("optimizer lr") << R"({"optimizer_search": {"lr": [0.1]}})"
                                      << "optimizer_search.lr";
        // Found by tests/fuzz: a number no double holds used to escape as an exception and abort.
        QTest::newRow("number overflow") << R"({"training": {"learning_rate": 1e999}})"
                                         << "not valid JSON";
    }
    void mistakesNameTheField() {
        QFETCH(QString, text);
        QFETCH(QString, mentions);
        auto config = ExperimentConfig::fromJson(text.toStdString(), {});
        QVERIFY(!config);
        QVERIFY2(QString::fromStdString(config.error().message).contains(mentions),
                 config.error().message.c_str());
    }
};

QTEST_GUILESS_MAIN(ExperimentConfigTest)
#include "ExperimentConfigTest.moc"
