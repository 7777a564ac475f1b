#pragma once
// RandomSampler: uniform draws from every unfrozen dimension (log-uniform for LogUniform),
// rejecting excluded and inadmissible configurations. The baseline of the search-quality benchmark
// and the start-up phase of TpeSampler.
#include "core/search/Sampler.h"

namespace perfnas {

class RandomSampler final : public Sampler {
public:
    std::string name() const override { return "random"; }
    Result<Configuration> propose(const SamplingContext& context, Random& random) override;
    // One uniform draw, ignoring exclusions (used by other samplers as a prior).
    static Configuration draw(const ParameterSpace& space, Random& random);
};

}  // namespace perfnas
