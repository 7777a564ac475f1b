#include "core/training/Evaluator.h"

#include <torch/serialize.h>
#include <torch/torch.h>

#include "core/training/Checkpoint.h"
#include "core/training/ComputeRuntime.h"
#include "core/training/NetworkEvaluation.h"

namespace perfnas {
namespace {

constexpr std::int64_t kEvaluationBatch = 500;

}  // namespace

EvaluationResult evaluateNetwork(KwsNetwork& network, const SplitData& data, int coefficients,
                                 int frames, const InputNormalization& normalization, int classes) {
    torch::NoGradGuard noGrad;
    const bool wasTraining = network->is_training();
    network->eval();
    EvaluationResult result;
    result.samples = data.size();
    result.confusion.assign(static_cast<std::size_t>(classes),
                            std::vector<int>(static_cast<std::size_t>(classes), 0));
    const auto total = static_cast<std::int64_t>(data.size());
    const std::int64_t perClip = std::int64_t{coefficients} * frames;
    double lossSum = 0.0;
    std::int64_t correct = 0;
    for (std::int64_t begin = 0; begin < total; begin += kEvaluationBatch) {
        const std::int64_t count = std::min(kEvaluationBatch, total - begin);
        // from_blob does not copy; the subtraction/division below makes a new tensor.
        torch::Tensor inputs =
            torch::from_blob(const_cast<float*>(data.mfcc.data()) + begin * perClip,
                             {count, 1, coefficients, frames}, torch::kFloat32);
        inputs = (inputs - normalization.mean) / normalization.stdDev;
        torch::Tensor labels =
            torch::from_blob(const_cast<std::int32_t*>(data.labels.data()) + begin, {count},
                             torch::kInt32)
                .to(torch::kInt64);
        const torch::Tensor logits = network->forward(inputs);
        lossSum += torch::nn::functional::cross_entropy(
                       logits, labels,
                       torch::nn::functional::CrossEntropyFuncOptions().reduction(torch::kSum))
                       .item<double>();
        const torch::Tensor predicted = logits.argmax(/*dim=*/1);
        correct += predicted.eq(labels).sum().item<std::int64_t>();
        const auto truth = labels.accessor<std::int64_t, 1>();
        const auto guess = predicted.accessor<std::int64_t, 1>();
        for (std::int64_t i = 0; i < count; ++i) {
            ++result.confusion[static_cast<std::size_t>(truth[i])]
                              [static_cast<std::size_t>(guess[i])];
        }
    }
    if (total > 0) {
        result.top1 = static_cast<double>(correct) / static_cast<double>(total);
        result.loss = lossSum / static_cast<double>(total);
    }
    if (wasTraining) network->train();
    return result;
}

namespace {

Result<EvaluationResult> evaluateSplits(const std::filesystem::path& folder,
                                        const FeatureSet& features,
                                        const std::vector<Split>& splits, int threads) {
    auto info = Checkpoint::readInfo(folder);
    if (!info) return info.error();
    if (info->classNames != features.classNames) {
        std::string trained, given;
        for (const auto& name : info->classNames) trained += (trained.empty() ? "" : ",") + name;
        for (const auto& name : features.classNames) given += (given.empty() ? "" : ",") + name;
        return makeError(ErrorCode::InvalidInput, folder.string() + ": trained on classes " +
                                                      trained + " but the dataset has " + given);
    }
    if (info->spec.inputHeight != features.coefficients ||
        info->spec.inputWidth != features.frames) {
        return makeError(ErrorCode::InvalidInput, folder.string() + ": the network expects " +
                                                      std::to_string(info->spec.inputHeight) + "x" +
                                                      std::to_string(info->spec.inputWidth) +
                                                      " MFCCs");
    }
    try {
        configureComputeRuntime(threads);
        KwsNetwork network(info->spec);
        torch::load(network, Checkpoint::modelFile(folder).string());
        const SplitData* data = &features.split(splits.front());
        SplitData merged;
        if (splits.size() > 1) {
            for (Split split : splits) {
                const SplitData& part = features.split(split);
                merged.labels.insert(merged.labels.end(), part.labels.begin(), part.labels.end());
                merged.mfcc.insert(merged.mfcc.end(), part.mfcc.begin(), part.mfcc.end());
            }
            data = &merged;
        }
        return evaluateNetwork(network, *data, features.coefficients, features.frames,
                               info->normalization, info->spec.classes);
    } catch (const c10::Error& error) {
        return makeError(ErrorCode::InvalidInput,
                         Checkpoint::modelFile(folder).string() +
                             ": cannot load the weights: " + error.what_without_backtrace());
    }
}

}  // namespace

Result<EvaluationResult> Evaluator::evaluateCheckpoint(const std::filesystem::path& folder,
                                                       const FeatureSet& features, Split split,
                                                       int threads) {
    return evaluateSplits(folder, features, {split}, threads);
}

Result<EvaluationResult> Evaluator::evaluateCheckpointOnAll(const std::filesystem::path& folder,
                                                            const FeatureSet& features,
                                                            int threads) {
    return evaluateSplits(folder, features, {Split::Training, Split::Validation, Split::Testing},
                          threads);
}

}  // namespace perfnas
