#include "core/training/Trainer.h"

#include <ATen/Parallel.h>
#include <torch/serialize.h>
#include <torch/torch.h>

#include <chrono>
#include <cmath>
#include <future>
#include <sstream>

#include "core/common/FileIo.h"
#include "core/common/ParallelFor.h"
#include "core/common/TrainingHold.h"
#include "core/training/BatchSource.h"
#include "core/training/Checkpoint.h"
#include "core/training/ComputeRuntime.h"
#include "core/training/NetworkEvaluation.h"
#include "core/training/StepCalibration.h"
#include "core/training/ThreadGovernor.h"

namespace perfnas {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

// A batch's inputs and labels in plain memory, filled on a helper thread one step ahead.
struct HostBatch {
    std::vector<float> inputs;
    std::vector<std::int64_t> labels;
};

Status saveCheckpoint(const fs::path& folder, KwsNetwork& network, torch::optim::Adam& optimizer,
                      CheckpointInfo info) {
    std::error_code ec;
    fs::create_directories(folder, ec);
    if (ec)
        return makeError(
            ErrorCode::IoFailure,
            folder.string() + ": cannot create the checkpoint folder: " + ec.message());
    // Serialized in memory, then written by writeFileAtomically (checked POSIX calls, temp +
    // rename): a full disk fails naming the file and errno's reason, and leaves the previous file
    // intact.
    std::ostringstream model;
    std::ostringstream optimizerState;
    try {
        torch::save(network, model);
        torch::save(optimizer, optimizerState);
    } catch (const c10::Error& error) {
        return makeError(ErrorCode::IoFailure, folder.string() +
                                                   ": serializing the checkpoint failed: " +
                                                   error.what_without_backtrace());
    }
    if (auto status = writeFileAtomically(Checkpoint::modelFile(folder), model.view()); !status)
        return status;
    if (auto status = writeFileAtomically(Checkpoint::optimizerFile(folder), optimizerState.view());
        !status) {
        return status;
    }
    return Checkpoint::writeInfo(folder, info);
}

struct RunState {
    KwsNetwork network;
    int startIteration = 0;
    InputNormalization normalization;
};

Result<TrainingResult> run(RunState& state, const FeatureSet& features,
                           const TrainingParams& params, torch::optim::Adam& optimizer,
                           const TrainingProgressCallback& progress, const CancelToken& cancel) {
    KwsNetwork& network = state.network;
    const ArchitectureSpec& spec = network->spec();
    const auto start = Clock::now();
    TrainingResult result{.checkpointFolder = params.checkpointFolder};
    BatchSource source(features, params.augmentation, state.normalization, params.seed,
                       params.batchSize);
    const auto batch = static_cast<std::int64_t>(params.batchSize);
    auto fillBatch = [&](int iteration) {
        HostBatch host{std::vector<float>(source.inputsPerBatch()),
                       std::vector<std::int64_t>(static_cast<std::size_t>(batch))};
        source.fill(iteration, host.inputs, host.labels);
        return host;
    };
    CheckpointInfo info{.spec = spec,
                        .classNames = features.classNames,
                        .normalization = state.normalization,
                        .mfccSettings = MfccSettings{}.key(),
                        .params = params,
                        .stepPlan = network->plan()};
    auto validate = [&] {
        return evaluateNetwork(network, features.split(Split::Validation), features.coefficients,
                               features.frames, state.normalization, spec.classes);
    };

    network->train();
    std::future<HostBatch> next;
    if (state.startIteration < params.iterations) {
        next = std::async(std::launch::async, fillBatch, state.startIteration);
    }
    double lossSinceCurvePoint = 0.0;
    int lossCount = 0;
    auto lastReport = Clock::now();
    int samplesSinceReport = 0;
    ThreadGovernor governor(at::get_num_threads(), defaultThreadCount());
    const TrainingHold::Registration holdable;  // a local latency measurement pauses us
    int iteration = state.startIteration;
    for (; iteration < params.iterations; ++iteration) {
        TrainingHold::instance().pausePoint();
        if (const int threads = governor.poll(); threads != at::get_num_threads()) {
            at::set_num_threads(threads);
        }
        if (cancel.cancelled()) {
            next.wait();
            result.outcome = TrainingOutcome::Cancelled;
            break;
        }
        HostBatch host = next.get();
        if (iteration + 1 < params.iterations)
            next = std::async(std::launch::async, fillBatch, iteration + 1);

        const double learningRate = params.learningRateAt(iteration);
        for (auto& group : optimizer.param_groups()) {
            static_cast<torch::optim::AdamOptions&>(group.options()).lr(learningRate);
        }
        const torch::Tensor inputs =
            torch::from_blob(host.inputs.data(), {batch, 1, features.coefficients, features.frames},
                             torch::kFloat32);
        const torch::Tensor labels = torch::from_blob(host.labels.data(), {batch}, torch::kInt64);
        optimizer.zero_grad();
        const torch::Tensor loss =
            torch::nn::functional::cross_entropy(network->forward(inputs), labels);
        loss.backward();
        const double lossValue = loss.item<double>();
        if (!std::isfinite(lossValue)) {
            if (next.valid()) next.wait();
            result.outcome = TrainingOutcome::Diverged;
            result.divergedAtIteration = iteration + 1;
            break;
        }
        optimizer.step();
        lossSinceCurvePoint += lossValue;
        ++lossCount;
        samplesSinceReport += params.batchSize;

        const int done = iteration + 1;
        const auto now = Clock::now();
        const double sinceReport = std::chrono::duration<double>(now - lastReport).count();
        if (progress && (sinceReport >= 0.5 || done == params.iterations)) {
            progress({.iteration = done,
                      .iterations = params.iterations,
                      .loss = lossValue,
                      .learningRate = learningRate,
                      .samplesPerSecond = samplesSinceReport / sinceReport});
            lastReport = now;
            samplesSinceReport = 0;
        }
        if (params.validateEvery > 0 && done % params.validateEvery == 0 &&
            done != params.iterations) {
            const EvaluationResult validation = validate();
            result.curve.push_back({.iteration = done,
                                    .trainingLoss = lossSinceCurvePoint / lossCount,
                                    .validationLoss = validation.loss,
                                    .validationTop1 = validation.top1});
            lossSinceCurvePoint = 0.0;
            lossCount = 0;
        }
        if (!params.checkpointFolder.empty() && params.checkpointEvery > 0 &&
            done % params.checkpointEvery == 0 && done != params.iterations) {
            info.iteration = done;
            if (auto saved = saveCheckpoint(params.checkpointFolder, network, optimizer, info);
                !saved) {
                return saved.error();
            }
        }
    }
    result.iterationsDone = iteration;
    const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
    result.seconds = seconds;
    result.samplesPerSecond =
        seconds > 0 ? (iteration - state.startIteration) * params.batchSize / seconds : 0.0;
    if (result.outcome == TrainingOutcome::Diverged) return result;

    const EvaluationResult validation = validate();
    result.validationTop1 = validation.top1;
    result.testTop1 =
        evaluateNetwork(network, features.split(Split::Testing), features.coefficients,
                        features.frames, state.normalization, spec.classes)
            .top1;
    if (lossCount > 0 || result.curve.empty() || result.curve.back().iteration != iteration) {
        result.curve.push_back({.iteration = iteration,
                                .trainingLoss = lossCount ? lossSinceCurvePoint / lossCount : 0.0,
                                .validationLoss = validation.loss,
                                .validationTop1 = validation.top1});
    }
    if (!params.checkpointFolder.empty()) {
        info.iteration = iteration;
        info.validationTop1 = validation.top1;
        if (auto saved = saveCheckpoint(params.checkpointFolder, network, optimizer, info);
            !saved) {
            return saved.error();
        }
    }
    return result;
}

// The plan and thread count of a run: the given plan, or the calibrated one for "auto". A
// continuation keeps the plan its checkpoint ran (`continued`); only its thread count is chosen.
StepChoice chooseStep(const ArchitectureSpec& spec, const TrainingParams& params,
                      std::optional<StepPlan> continued) {
    const int threads = params.threads > 0 ? params.threads : defaultThreadCount();  // the ceiling
    StepChoice choice{.threads = threads};
    if (params.stepPlan == "auto") {
        choice = StepCalibration().choose(spec, params.batchSize, threads);
    } else {
        choice.plan = StepPlan::parse(params.stepPlan).value_or(StepPlan{});
    }
    if (continued) choice.plan = *continued;
    return choice;
}

Status checkFeatures(const ArchitectureSpec& spec, const FeatureSet& features,
                     const TrainingParams& params) {
    if (auto valid = spec.validate(); !valid) return valid;
    if (spec.inputHeight != features.coefficients || spec.inputWidth != features.frames) {
        return makeError(ErrorCode::InvalidInput,
                         "the spec's input " + std::to_string(spec.inputHeight) + "x" +
                             std::to_string(spec.inputWidth) + " does not match the " +
                             std::to_string(features.coefficients) + "x" +
                             std::to_string(features.frames) + " MFCCs");
    }
    if (spec.classes != static_cast<int>(features.classNames.size())) {
        return makeError(ErrorCode::InvalidInput, "the spec has " + std::to_string(spec.classes) +
                                                      " classes, the dataset " +
                                                      std::to_string(features.classNames.size()));
    }
    if (params.iterations < 1 || params.batchSize < 1 || !(params.learningRate > 0.0)) {
        return makeError(ErrorCode::InvalidInput,
                         "iterations, batch size and learning rate must be positive");
    }
    if (features.split(Split::Training).size() == 0) {
        return makeError(ErrorCode::InvalidInput, "the training split is empty");
    }
    return Done{};
}

}  // namespace

Result<TrainingResult> Trainer::train(const ArchitectureSpec& spec, const FeatureSet& features,
                                      const TrainingParams& params,
                                      const TrainingProgressCallback& progress,
                                      const CancelToken& cancel) {
    if (auto ok = checkFeatures(spec, features, params); !ok) return ok.error();
    try {
        const StepChoice step = chooseStep(spec, params, std::nullopt);
        configureComputeRuntime(step.threads);
        torch::manual_seed(params.seed);  // after the calibration, which draws random numbers
        RunState state{.network = KwsNetwork(spec, step.plan),
                       .normalization = InputNormalization::fromTraining(features)};
        torch::optim::Adam optimizer(state.network->parameters(),
                                     torch::optim::AdamOptions(params.learningRate));
        return run(state, features, params, optimizer, progress, cancel);
    } catch (const c10::Error& error) {
        return makeError(ErrorCode::Internal,
                         std::string("training failed: ") + error.what_without_backtrace());
    } catch (const std::exception& error) {
        return makeError(ErrorCode::Internal, std::string("training failed: ") + error.what());
    }
}

Result<TrainingResult> Trainer::resume(const fs::path& folder, const FeatureSet& features,
                                       const TrainingParams& params,
                                       const TrainingProgressCallback& progress,
                                       const CancelToken& cancel) {
    auto info = Checkpoint::readInfo(folder);
    if (!info) return info.error();
    if (info->classNames != features.classNames) {
        return makeError(ErrorCode::InvalidInput,
                         folder.string() + ": the checkpoint's classes differ from the dataset's");
    }
    if (auto ok = checkFeatures(info->spec, features, params); !ok) return ok.error();
    try {
        const StepChoice step = chooseStep(info->spec, params, info->stepPlan);
        configureComputeRuntime(step.threads);
        torch::manual_seed(params.seed + static_cast<std::uint64_t>(info->iteration));
        RunState state{.network = KwsNetwork(info->spec, step.plan),
                       .startIteration = info->iteration,
                       .normalization = info->normalization};
        torch::load(state.network, Checkpoint::modelFile(folder).string());
        torch::optim::Adam optimizer(state.network->parameters(),
                                     torch::optim::AdamOptions(params.learningRate));
        torch::load(optimizer, Checkpoint::optimizerFile(folder).string());
        return run(state, features, params, optimizer, progress, cancel);
    } catch (const c10::Error& error) {
        return makeError(ErrorCode::InvalidInput, folder.string() +
                                                      ": cannot continue this checkpoint: " +
                                                      error.what_without_backtrace());
    }
}

}  // namespace perfnas
