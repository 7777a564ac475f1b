#pragma once
// batchNormRelu: relu(norm(x)) for one conv unit of KwsNetwork. While training on a float CPU
// tensor it is one autograd function over fused loops (BatchNormReluKernels.h) on the channels-last
// layout: two sweeps of the activations forward and two backward, where the library's batch-norm,
// ReLU and their backward ops take eight, and for small models these sweeps, not the convolutions,
// were most of a training step. Running statistics and num_batches_tracked change exactly as
// torch::nn::BatchNorm2d changes them. Elsewhere (eval mode, CUDA) it is the library's ops.
// Internal to core, like KwsNetwork.h.

#include <torch/nn/modules/batchnorm.h>

namespace perfnas {

torch::Tensor batchNormRelu(torch::Tensor input, torch::nn::BatchNorm2dImpl& norm);

}  // namespace perfnas
