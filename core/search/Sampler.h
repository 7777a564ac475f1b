#pragma once
// Sampler: proposes the next configuration of a ParameterSpace from the history of finished
// trials (objectives minimized) and the trials still running. Implementations are deterministic
// for a given Random state and inputs; not thread-safe (the experiment runner calls them from its
// coordinator thread).
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "core/common/Random.h"
#include "core/common/Result.h"
#include "core/search/ParameterSpace.h"

namespace perfnas {

struct Observation {
    Configuration configuration;
    std::vector<double> objectives;  // every objective minimized, e.g. {1 - top1, log10 mfpops}
    // Constraints checked after training (e.g. a minimum accuracy): 0 when met, else how far off.
    double constraintViolation = 0.0;
    bool feasible() const { return constraintViolation <= 0.0; }
};

struct SamplingContext {
    const ParameterSpace& space;
    // Finished trials; entries whose configuration the space does not contain (other phases,
    // other frozen values) are ignored by the samplers.
    std::span<const Observation> history;
    std::span<const Configuration> running;  // proposed, not finished (constant liar)
    // Configurations never to propose again (every trial so far, in any state).
    std::span<const Configuration> excluded;
    // Constraints known before training (e.g. a maximum MFPOPS); empty: everything admissible.
    std::function<bool(const Configuration&)> admissible;
    // The hypervolume's reference point, one value per objective (the product's: chance error and
    // the seed's log10 cost); widened where a point lies beyond it. Empty: derived from the
    // history's worst values (Optuna's rule).
    std::vector<double> reference = {};
};

class Sampler {
public:
    virtual ~Sampler() = default;
    virtual std::string name() const = 0;
    // A configuration in the space that is admissible and not excluded. InvalidInput when the
    // space is exhausted or no admissible configuration was found in a bounded number of draws.
    virtual Result<Configuration> propose(const SamplingContext& context, Random& random) = 0;
};

}  // namespace perfnas
