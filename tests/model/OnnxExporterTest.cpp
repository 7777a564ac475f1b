// OnnxExporter: the exported graph computes what the trained network computes. Random networks
// (random batch-norm statistics, even kernels, strides) are saved as the trainer saves them, folded
// and written; the ONNX file is read back and run node by node with libtorch ops (Conv pads via
// constant_pad_nd + conv2d) and compared with the network's eval-mode forward on normalized input.
#include <torch/serialize.h>
#include <torch/torch.h>

#include <QTemporaryDir>
#include <QtTest>

#include "core/model/KwsNetwork.h"
#include "core/model/OnnxExporter.h"

using namespace perfnas;
namespace fs = std::filesystem;

Q_DECLARE_METATYPE(perfnas::ArchitectureSpec)

namespace {

constexpr float kMean = -12.5F;  // raw MFCCs are far from zero-mean: normalization matters
constexpr float kStd = 7.25F;

ArchitectureSpec specOf(std::vector<ConvUnit> units, int classes) {
    return {.name = "test",
            .inputHeight = 40,
            .inputWidth = 32,
            .classes = classes,
            .units = std::move(units)};
}

// A network with every parameter and batch-norm statistic random, saved like Trainer.cpp does.
KwsNetwork randomNetwork(const ArchitectureSpec& spec, const fs::path& file, std::uint64_t seed) {
    torch::manual_seed(seed);
    KwsNetwork network(spec);
    torch::NoGradGuard noGrad;
    for (auto& item : network->named_parameters()) {
        const std::string& name = item.key();
        if (name.rfind("bn", 0) == 0 && name.ends_with(".weight"))
            item.value().uniform_(0.5, 1.5);
        else if (name.rfind("bn", 0) == 0)
            item.value().normal_(0.0, 0.2);
    }
    for (auto& item : network->named_buffers()) {
        if (item.key().ends_with("running_mean"))
            item.value().normal_(0.0, 0.3);
        else if (item.key().ends_with("running_var"))
            item.value().uniform_(0.3, 2.0);
    }
    torch::save(network, file.string());
    return network;
}

// Evaluates the graph's nodes in order with libtorch ops (only the ops the exporter emits).
torch::Tensor runGraph(const OnnxGraph& graph, const torch::Tensor& input) {
    std::map<std::string, torch::Tensor> values{{graph.inputName, input}};
    for (const auto& [name, tensor] : graph.initializers) {
        values[name] =
            torch::from_blob(const_cast<float*>(tensor.data.data()), tensor.shape, torch::kFloat32)
                .clone();
    }
    for (const OnnxGraph::Node& node : graph.nodes) {
        auto in = [&](std::size_t i) { return values.at(node.inputs.at(i)); };
        torch::Tensor out;
        if (node.opType == "Sub")
            out = in(0) - in(1);
        else if (node.opType == "Div")
            out = in(0) / in(1);
        else if (node.opType == "Relu")
            out = torch::relu(in(0));
        else if (node.opType == "GlobalAveragePool")
            out = in(0).mean(/*dim=*/{2, 3}, /*keepdim=*/true);
        else if (node.opType == "Flatten")
            out = in(0).flatten(/*start_dim=*/node.intAttributes.at("axis").at(0));
        else if (node.opType == "Gemm")
            out = torch::addmm(in(2), in(0), in(1).t());  // transB = 1
        else if (node.opType == "Conv") {
            const auto& pads = node.intAttributes.at("pads");  // top, left, bottom, right
            const auto& strides = node.intAttributes.at("strides");
            const torch::Tensor padded =
                torch::constant_pad_nd(in(0), {pads[1], pads[3], pads[0], pads[2]});
            out = torch::conv2d(padded, in(1), in(2), strides);
        } else {
            throw std::runtime_error("unexpected op " + node.opType);
        }
        values[node.outputs.at(0)] = out;
    }
    return values.at(graph.outputName);
}

}  // namespace

class OnnxExporterTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_folder.isValid()); }

    void foldedGraphMatchesTheNetwork_data() {
        QTest::addColumn<ArchitectureSpec>("spec");
        QTest::newRow("seed-like: 4x10 stride (1,2), even 2x2")
            << specOf({{4, 10, 8, {1, 2}}, {3, 3, 8}, {2, 2, 6}}, 10);
        QTest::newRow("strides 2 with even kernels")
            << specOf({{5, 4, 6, {2, 2}}, {4, 4, 5, {2, 1}}, {1, 1, 4}}, 3);
        QTest::newRow("one unit") << specOf({{3, 3, 4}}, 2);
        QTest::newRow("kernel of the whole input") << specOf({{40, 32, 5}, {2, 5, 3, {3, 3}}}, 4);
    }
    void foldedGraphMatchesTheNetwork() {
        QFETCH(ArchitectureSpec, spec);
        const fs::path weights = fs::path(m_folder.path().toStdString()) /
                                 (QTest::currentDataTag() + std::string(".pt"));
        KwsNetwork network = randomNetwork(spec, weights, 11);
        auto folded = OnnxExporter::fold(spec, weights);
        QVERIFY2(folded.ok(), folded.ok() ? "" : folded.error().message.c_str());
        const fs::path file = weights.string() + ".onnx";
        auto written = OnnxExporter::write(*folded, {.inputMean = kMean, .inputStd = kStd}, file);
        QVERIFY2(written.ok(), written.ok() ? "" : written.error().message.c_str());
        auto graph = OnnxExporter::inspect(file);  // parsed back and checked
        QVERIFY2(graph.ok(), graph.ok() ? "" : graph.error().message.c_str());

        torch::NoGradGuard noGrad;
        network->eval();
        double worst = 0.0;
        double scale = 0.0;
        for (int sample = 0; sample < 5; ++sample) {
            const torch::Tensor raw =
                torch::randn({1, 1, spec.inputHeight, spec.inputWidth}) * 9.0 + kMean;
            const torch::Tensor expected = network->forward((raw - kMean) / kStd);
            const torch::Tensor actual = runGraph(*graph, raw);
            QVERIFY(actual.sizes() == expected.sizes());
            worst = std::max(worst, (actual - expected).abs().max().item<double>());
            scale = std::max(scale, expected.abs().max().item<double>());
        }
        QVERIFY2(scale > 1e-3, "degenerate test network: all logits ~0");
        QVERIFY2(worst < 1e-4,
                 qPrintable(QString("max abs diff %1 (logits up to %2)").arg(worst).arg(scale)));
    }

    void graphFollowsTheSpec() {
        const ArchitectureSpec spec = specOf({{4, 10, 8, {1, 2}}, {3, 3, 7}, {2, 2, 6}}, 5);
        const fs::path weights = fs::path(m_folder.path().toStdString()) / "structure.pt";
        randomNetwork(spec, weights, 3);
        auto folded = OnnxExporter::fold(spec, weights);
        QVERIFY(folded.ok());
        const fs::path file = fs::path(m_folder.path().toStdString()) / "structure.onnx";
        QVERIFY(OnnxExporter::write(
                    *folded,
                    {.inputMean = kMean, .inputStd = kStd, .classNames = {"a", "b", "c", "d", "e"}},
                    file)
                    .ok());
        auto graph = OnnxExporter::inspect(file);
        QVERIFY2(graph.ok(), graph.ok() ? "" : graph.error().message.c_str());
        QCOMPARE(graph->opsetVersion, std::int64_t{13});
        QCOMPARE(graph->inputName, std::string("mfcc"));
        QCOMPARE(graph->inputShape, (std::vector<std::int64_t>{1, 1, 40, 32}));
        QCOMPARE(graph->outputName, std::string("logits"));
        QCOMPARE(graph->outputShape, (std::vector<std::int64_t>{1, 5}));
        QStringList ops;
        for (const auto& node : graph->nodes) ops << QString::fromStdString(node.opType);
        QCOMPARE(ops.join(' '),
                 QString("Sub Div Conv Relu Conv Relu Conv Relu GlobalAveragePool Flatten Gemm"));
        // No BatchNormalization node: folded. Shapes as the spec says.
        const auto& initializers = graph->initializers;
        QCOMPARE(initializers.at("conv1.weight").shape, (std::vector<std::int64_t>{8, 1, 4, 10}));
        QCOMPARE(initializers.at("conv2.weight").shape, (std::vector<std::int64_t>{7, 8, 3, 3}));
        QCOMPARE(initializers.at("conv3.weight").shape, (std::vector<std::int64_t>{6, 7, 2, 2}));
        QCOMPARE(initializers.at("conv3.bias").shape, (std::vector<std::int64_t>{6}));
        QCOMPARE(initializers.at("classifier.weight").shape, (std::vector<std::int64_t>{5, 6}));
        QCOMPARE(initializers.at("classifier.bias").shape, (std::vector<std::int64_t>{5}));
        QCOMPARE(initializers.at("input_mean").data, std::vector<float>{kMean});
        QCOMPARE(initializers.at("input_std").data, std::vector<float>{kStd});
        // "same" padding: 4x10 on 40x32 with stride (1, 2) -> 40x16: rows 1 + 2, columns 4 + 4.
        QCOMPARE(graph->nodes[2].intAttributes.at("pads"), (std::vector<std::int64_t>{1, 4, 2, 4}));
        QCOMPARE(graph->nodes[2].intAttributes.at("strides"), (std::vector<std::int64_t>{1, 2}));
        // 2x2 on 40x16: one extra row and column at the bottom/right.
        QCOMPARE(graph->nodes[6].intAttributes.at("pads"), (std::vector<std::int64_t>{0, 0, 1, 1}));
        QCOMPARE(graph->metadata.at("classes"), std::string("a,b,c,d,e"));
    }

    void errorsNameTheFile() {
        const ArchitectureSpec spec = specOf({{3, 3, 4}, {3, 3, 4}}, 3);
        const fs::path missing = fs::path(m_folder.path().toStdString()) / "missing.pt";
        auto none = OnnxExporter::fold(spec, missing);
        QVERIFY(!none.ok());
        QCOMPARE(none.error().code, ErrorCode::NotFound);
        QVERIFY(QString::fromStdString(none.error().message).contains("missing.pt"));

        const fs::path other = fs::path(m_folder.path().toStdString()) / "other.pt";
        randomNetwork(specOf({{3, 3, 6}, {3, 3, 4}}, 3), other, 5);
        auto mismatch = OnnxExporter::fold(spec, other);
        QVERIFY(!mismatch.ok());
        QCOMPARE(mismatch.error().code, ErrorCode::InvalidInput);
        QVERIFY2(QString::fromStdString(mismatch.error().message).contains("other.pt"),
                 mismatch.error().message.c_str());

        const fs::path garbage = fs::path(m_folder.path().toStdString()) / "garbage.onnx";
        QFile text(QString::fromStdString(garbage.string()));
        QVERIFY(text.open(QIODevice::WriteOnly));
        text.write("not a model");
        text.close();
        auto inspected = OnnxExporter::inspect(garbage);
        QVERIFY(!inspected.ok());
        QVERIFY(QString::fromStdString(inspected.error().message).contains("garbage.onnx"));
    }

private:
    QTemporaryDir m_folder;
};

QTEST_GUILESS_MAIN(OnnxExporterTest)
#include "OnnxExporterTest.moc"
