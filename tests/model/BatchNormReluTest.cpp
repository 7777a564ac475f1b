// batchNormRelu against the library's relu(batch_norm(x)) it replaces while training: outputs,
// running statistics, num_batches_tracked and the gradients of input, weight and bias, for channel
// counts that do and do not fill a vector register, on 1 and 2 threads; eval mode and a
// contiguous (NCHW) input take the same values. Also: a training step of KwsNetwork equals one of
// the same network computed with library ops only.
#include <ATen/Parallel.h>
#include <torch/torch.h>

#include <QtTest>

#include "core/model/BatchNormRelu.h"
#include "core/model/KwsNetwork.h"

using namespace perfnas;

namespace {

struct Step {
    torch::Tensor output;
    torch::Tensor gradInput;
    torch::Tensor gradWeight;
    torch::Tensor gradBias;
};

// One forward and backward through `norm` with an upstream gradient `gradOutput`.
Step runStep(torch::nn::BatchNorm2d& norm, const torch::Tensor& input,
             const torch::Tensor& gradOutput, bool fused) {
    for (auto& parameter : norm->parameters()) parameter.mutable_grad() = torch::Tensor();
    torch::Tensor x = input.detach().clone(torch::MemoryFormat::Preserve).requires_grad_(true);
    torch::Tensor y = fused ? batchNormRelu(x, *norm) : torch::relu(norm->forward(x));
    y.backward(gradOutput);
    return {y.detach(), x.grad(), norm->weight.grad(), norm->bias.grad()};
}

torch::nn::BatchNorm2d randomNorm(std::int64_t channels) {
    torch::nn::BatchNorm2d norm(channels);
    torch::NoGradGuard noGrad;
    norm->weight.uniform_(0.5, 1.5);
    norm->bias.normal_(0.0, 0.3);
    norm->running_mean.normal_(0.0, 0.2);
    norm->running_var.uniform_(0.5, 2.0);
    return norm;
}

void compare(const torch::Tensor& actual, const torch::Tensor& expected, double tolerance,
             const char* what) {
    const double scale = std::max(1.0, expected.abs().max().item<double>());
    const double error = (actual - expected).abs().max().item<double>();
    QVERIFY2(error <= tolerance * scale,
             qPrintable(QString("%1: max error %2, scale %3").arg(what).arg(error).arg(scale)));
}

}  // namespace

class BatchNormReluTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void matchesLibraryOps_data() {
        QTest::addColumn<int>("threads");
        QTest::addColumn<int>("channels");
        QTest::addColumn<int>("batch");
        QTest::addColumn<bool>("channelsLast");
        for (int threads : {1, 2}) {
            for (int channels : {1, 7, 16, 50}) {
                for (bool channelsLast : {true, false}) {
                    QTest::addRow("%dT C=%d %s", threads, channels, channelsLast ? "NHWC" : "NCHW")
                        << threads << channels << 25 << channelsLast;
                }
            }
        }
        QTest::addRow("one position per channel") << 1 << 20 << 2 << true;
    }

    void matchesLibraryOps() {
        QFETCH(int, threads);
        QFETCH(int, channels);
        QFETCH(int, batch);
        QFETCH(bool, channelsLast);
        at::set_num_threads(threads);
        torch::manual_seed(static_cast<std::uint64_t>(channels));
        const std::int64_t height = batch == 2 ? 1 : 40;
        const std::int64_t width = batch == 2 ? 1 : 16;
        // Conv outputs sit off zero and vary in scale: the variance must not cancel.
        torch::Tensor input = torch::randn({batch, channels, height, width}) * 3.0 + 5.0;
        torch::Tensor gradOutput = torch::randn_like(input);
        if (channelsLast) {
            input = input.contiguous(torch::MemoryFormat::ChannelsLast);
            gradOutput = gradOutput.contiguous(torch::MemoryFormat::ChannelsLast);
        }
        torch::nn::BatchNorm2d reference = randomNorm(channels);
        torch::nn::BatchNorm2d fused = randomNorm(channels);
        {
            torch::NoGradGuard noGrad;
            for (auto [target, source] : {std::pair{fused->weight, reference->weight},
                                          {fused->bias, reference->bias},
                                          {fused->running_mean, reference->running_mean},
                                          {fused->running_var, reference->running_var}}) {
                target.copy_(source);
            }
        }
        // Where the normalized value is within rounding of the ReLU's kink, the two float
        // computations may take different sides; no upstream gradient there, so that such ties do
        // not count.
        {
            torch::NoGradGuard noGrad;
            const torch::Tensor normalized =
                torch::batch_norm(input, reference->weight, reference->bias, {}, {},
                                  /*training=*/true, 0.1, 1e-5, false);
            gradOutput = gradOutput.masked_fill(normalized.abs() < 1e-3, 0.0);
        }
        for (int step = 0; step < 2; ++step) {
            const Step expected = runStep(reference, input, gradOutput, false);
            const Step actual = runStep(fused, input, gradOutput, true);
            compare(actual.output, expected.output, 1e-5, "output");
            compare(actual.gradInput, expected.gradInput, 1e-4, "input gradient");
            compare(actual.gradWeight, expected.gradWeight, 1e-4, "weight gradient");
            compare(actual.gradBias, expected.gradBias, 1e-4, "bias gradient");
            compare(fused->running_mean, reference->running_mean, 1e-5, "running mean");
            compare(fused->running_var, reference->running_var, 1e-5, "running variance");
            QCOMPARE(fused->num_batches_tracked.item<std::int64_t>(),
                     reference->num_batches_tracked.item<std::int64_t>());
        }
        fused->eval();
        reference->eval();
        compare(batchNormRelu(input, *fused), torch::relu(reference->forward(input)), 1e-5,
                "eval output");
    }

    void networkTrainingStepMatchesLibraryOps() {
        at::set_num_threads(1);
        const ArchitectureSpec spec{.name = "t",
                                    .inputHeight = 40,
                                    .inputWidth = 32,
                                    .classes = 10,
                                    .units = {{.kh = 4, .kw = 10, .filters = 12, .stride = {1, 2}},
                                              {.kh = 3, .kw = 3, .filters = 9},
                                              {.kh = 1, .kw = 1, .filters = 16}}};
        torch::manual_seed(3);
        KwsNetwork network(spec);
        const torch::Tensor input = torch::randn({8, 1, 40, 32});
        const torch::Tensor labels = torch::randint(10, {8});
        torch::nn::functional::cross_entropy(network->forward(input), labels).backward();

        // The same computation with library ops, on copies of the parameters.
        std::map<std::string, torch::Tensor> copies;
        for (const auto& item : network->named_parameters()) {
            copies[item.key()] = item.value().detach().clone().requires_grad_(true);
        }
        torch::Tensor x = input;
        for (std::size_t i = 1; i <= spec.units.size(); ++i) {
            const std::string unit = std::to_string(i);
            const ConvUnit& conv = spec.units[i - 1];
            const std::int64_t padTop = (conv.kh - 1) / 2;
            const std::int64_t padLeft = (conv.kw - conv.stride[1]) / 2;
            x = torch::constant_pad_nd(
                x, {padLeft, conv.kw - conv.stride[1] - padLeft, padTop, conv.kh - 1 - padTop});
            x = torch::conv2d(x, copies["conv" + unit + ".weight"], {},
                              {conv.stride[0], conv.stride[1]});
            x = torch::relu(torch::batch_norm(x, copies["bn" + unit + ".weight"],
                                              copies["bn" + unit + ".bias"], {}, {},
                                              /*training=*/true, 0.1, 1e-5, false));
        }
        const torch::Tensor logits =
            torch::linear(x.mean({2, 3}), copies["classifier.weight"], copies["classifier.bias"]);
        torch::nn::functional::cross_entropy(logits, labels).backward();
        for (const auto& item : network->named_parameters()) {
            compare(item.value().grad(), copies[item.key()].grad(), 1e-4, item.key().c_str());
        }
    }
};

QTEST_GUILESS_MAIN(BatchNormReluTest)
#include "BatchNormReluTest.moc"
