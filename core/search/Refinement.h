#pragma once
// Refinement (docs/method.md, step 4): for every (unit, parameter) still free in the current space,
// the most common value among the Pareto-optimal candidates that had the parameter free when
// they were sampled, and its share of them. Freezing the suggestions with a high share shrinks
// the space for the next phase.
#include <vector>

#include "core/search/SearchSpace.h"

namespace perfnas {

struct RefinementCandidate {
    Configuration configuration;        // SearchSpace dimension order
    std::vector<bool> freeWhenSampled;  // per dimension: false when the phase had it frozen
};

struct Suggestion {
    int unit = 0;  // from 0
    UnitParameter parameter = UnitParameter::Kh;
    int value = 0;
    double share = 0.0;  // fraction of `support` candidates with this value
    int support = 0;     // Pareto-optimal candidates that had the parameter free
};

class Refinement {
public:
    // Suggestions for the parameters free in `current`, by share (descending), then unit and
    // parameter. Ties between values go to the smaller value (the cheaper model). Parameters with
    // no support are left out.
    static std::vector<Suggestion> suggest(
        const SearchSpace& current, const std::vector<RefinementCandidate>& paretoCandidates);
    // Suggestions at or above `minimumShare` (the --auto policy).
    static std::vector<Suggestion> automatic(const std::vector<Suggestion>& suggestions,
                                             double minimumShare);
};

}  // namespace perfnas
