#pragma once
// TrainingResult: what a training run produced — outcome, accuracy (fractions, not percent), the
// learning curve, speed, and where its checkpoint is.

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "core/common/Result.h"

namespace perfnas {

enum class TrainingOutcome { Finished, Diverged, Cancelled };

struct CurvePoint {
    int iteration = 0;
    double trainingLoss = 0.0;  // mean over the iterations since the previous point
    double validationLoss = 0.0;
    double validationTop1 = 0.0;
};

struct TrainingProgress {
    int iteration = 0;  // iterations done
    int iterations = 0;
    double loss = 0.0;
    double learningRate = 0.0;
    double samplesPerSecond = 0.0;
};

struct TrainingResult {
    TrainingOutcome outcome = TrainingOutcome::Finished;
    int iterationsDone = 0;
    int divergedAtIteration = -1;
    double validationTop1 = 0.0;
    double testTop1 = 0.0;
    std::vector<CurvePoint> curve;
    double seconds = 0.0;
    double samplesPerSecond = 0.0;
    std::filesystem::path checkpointFolder;

    // {"state", "iterations", "diverged_at", "validation_top1", "test_top1", "seconds",
    //  "samples_per_second", "checkpoint", "curve": [...]}: what a trial worker writes back.
    std::string toJson() const;
    static Result<TrainingResult> fromJson(const std::string& text);
};

// [{"iteration", "training_loss", "validation_loss", "validation_top1"}, ...]
std::string curveToJson(const std::vector<CurvePoint>& curve);
Result<std::vector<CurvePoint>> curveFromJson(const std::string& text);

std::string outcomeName(TrainingOutcome outcome);  // "finished", "diverged", "cancelled"
std::optional<TrainingOutcome> parseOutcome(const std::string& name);

}  // namespace perfnas
