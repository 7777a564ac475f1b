#pragma once
// TrainingResult: what a training run produced — outcome, accuracy (fractions, not percent), the
// learning curve, speed, and where its checkpoint is.

#include <filesystem>
#include <string>
#include <vector>

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
};

std::string outcomeName(TrainingOutcome outcome);  // "finished", "diverged", "cancelled"

}  // namespace perfnas
