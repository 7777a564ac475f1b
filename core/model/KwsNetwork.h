#pragma once
// KwsNetwork: the libtorch module an ArchitectureSpec describes — per unit a bias-free conv with
// "same" padding (asymmetric when the kernel is even, as TensorFlow pads), batch-norm and ReLU;
// then global average pooling and a linear classifier. Input: (batch, 1, height, width) MFCCs,
// already normalized. Internal to core: only core .cpp files include this header (it pulls in
// libtorch).

#include <torch/nn.h>

#include "core/model/ArchitectureSpec.h"
#include "core/model/StepPlan.h"

namespace perfnas {

class KwsNetworkImpl : public torch::nn::Module {
public:
    explicit KwsNetworkImpl(const ArchitectureSpec& spec, StepPlan plan = {});
    torch::Tensor forward(torch::Tensor input);

    // Conv weights only: equals Eq. 2's parameter count.
    std::int64_t convWeightCount() const;
    const ArchitectureSpec& spec() const { return m_spec; }
    const StepPlan& plan() const { return m_plan; }

private:
    ArchitectureSpec m_spec;
    StepPlan m_plan;
    std::vector<torch::nn::ZeroPad2d> m_pads;
    std::vector<torch::nn::Conv2d> m_convs;
    std::vector<torch::nn::BatchNorm2d> m_norms;
    torch::nn::Linear m_classifier{nullptr};
};
TORCH_MODULE(KwsNetwork);

}  // namespace perfnas
