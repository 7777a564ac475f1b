#pragma once
// Batched inference of a KwsNetwork over one split (eval mode, no autograd). Internal to
// core/training: includes libtorch.

#include "core/dataset/FeatureSet.h"
#include "core/model/KwsNetwork.h"
#include "core/training/BatchSource.h"
#include "core/training/Evaluator.h"

namespace perfnas {

EvaluationResult evaluateNetwork(KwsNetwork& network, const SplitData& data, int coefficients,
                                 int frames, const InputNormalization& normalization, int classes);

}  // namespace perfnas
