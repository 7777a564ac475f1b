#include "core/training/TrainingParams.h"

#include <cmath>

#include "core/training/TrainingResult.h"

namespace perfnas {

double TrainingParams::learningRateAt(int iteration) const {
    if (decayEvery <= 0) return learningRate;
    return learningRate * std::pow(decayFactor, iteration / decayEvery);
}

std::string outcomeName(TrainingOutcome outcome) {
    switch (outcome) {
        case TrainingOutcome::Finished: return "finished";
        case TrainingOutcome::Diverged: return "diverged";
        case TrainingOutcome::Cancelled: return "cancelled";
    }
    return "finished";
}

}  // namespace perfnas
