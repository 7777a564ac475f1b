#include "core/model/KwsNetwork.h"

#include "core/model/BatchNormRelu.h"

namespace perfnas {
namespace {

// "same" padding for output ceil(in / stride): total = max((out - 1) * stride + k - in, 0), the
// extra row/column going to the bottom/right.
std::array<std::int64_t, 2> samePadding(int input, int kernel, int stride) {
    const int output = (input + stride - 1) / stride;
    const int total = std::max((output - 1) * stride + kernel - input, 0);
    return {total / 2, total - total / 2};
}

}  // namespace

KwsNetworkImpl::KwsNetworkImpl(const ArchitectureSpec& spec, StepPlan plan)
    : m_spec(spec), m_plan(plan) {
    int height = spec.inputHeight;
    int width = spec.inputWidth;
    int channels = 1;
    for (std::size_t i = 0; i < spec.units.size(); ++i) {
        const ConvUnit& unit = spec.units[i];
        const auto [top, bottom] = samePadding(height, unit.kh, unit.stride[0]);
        const auto [left, right] = samePadding(width, unit.kw, unit.stride[1]);
        const std::string index = std::to_string(i + 1);
        auto options = torch::nn::Conv2dOptions(channels, unit.filters, {unit.kh, unit.kw})
                           .stride({unit.stride[0], unit.stride[1]})
                           .bias(false);
        // Symmetric padding is free inside the convolution; only uneven padding needs its own op.
        if (top == bottom && left == right) {
            options.padding(torch::ExpandingArray<2>({top, left}));
            m_pads.emplace_back(nullptr);
        } else {
            m_pads.push_back(register_module(
                "pad" + index,
                torch::nn::ZeroPad2d(torch::nn::ZeroPad2dOptions({left, right, top, bottom}))));
        }
        m_convs.push_back(register_module("conv" + index, torch::nn::Conv2d(options)));
        // Channels-last weights make oneDNN run every convolution in NHWC, without reorders around
        // each call, and produce the layout batchNormRelu's fused loops read.
        if (plan.layout == TensorLayout::ChannelsLast) {
            m_convs.back()->weight.set_data(
                m_convs.back()->weight.contiguous(torch::MemoryFormat::ChannelsLast));
        }
        m_norms.push_back(register_module("bn" + index, torch::nn::BatchNorm2d(unit.filters)));
        height = (height + unit.stride[0] - 1) / unit.stride[0];
        width = (width + unit.stride[1] - 1) / unit.stride[1];
        channels = unit.filters;
    }
    m_classifier = register_module("classifier", torch::nn::Linear(channels, spec.classes));
}

torch::Tensor KwsNetworkImpl::forward(torch::Tensor input) {
    torch::Tensor x = std::move(input);
    for (std::size_t i = 0; i < m_convs.size(); ++i) {
        if (m_pads[i]) x = m_pads[i]->forward(x);
        x = m_convs[i]->forward(x);
        x = m_plan.batchNorm == BatchNormKernel::Fused ? batchNormRelu(x, *m_norms[i])
                                                       : torch::relu(m_norms[i]->forward(x));
    }
    x = x.mean(/*dim=*/{2, 3});  // global average pooling
    return m_classifier->forward(x);
}

std::int64_t KwsNetworkImpl::convWeightCount() const {
    std::int64_t count = 0;
    for (const auto& conv : m_convs) count += conv->weight.numel();
    return count;
}

}  // namespace perfnas
