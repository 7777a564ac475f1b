#include "core/search/Refinement.h"

#include <algorithm>
#include <cmath>
#include <iterator>
#include <map>

namespace perfnas {

std::vector<Suggestion> Refinement::suggest(
    const SearchSpace& current, const std::vector<RefinementCandidate>& paretoCandidates) {
    std::vector<Suggestion> suggestions;
    for (std::size_t unit = 0; unit < current.units.size(); ++unit) {
        for (UnitParameter parameter : kUnitParameters) {
            if (current.units[unit][parameter].isFrozen()) continue;
            const std::size_t index =
                SearchSpace::dimensionIndex(static_cast<int>(unit), parameter);
            std::map<int, int> counts;  // ascending values, so ties go to the smaller one
            int support = 0;
            for (const RefinementCandidate& candidate : paretoCandidates) {
                if (index >= candidate.configuration.size()) continue;
                // A missing flag counts as free: only an explicit false marks a frozen phase.
                const bool wasFree =
                    index >= candidate.freeWhenSampled.size() || candidate.freeWhenSampled[index];
                if (!wasFree) continue;
                ++counts[static_cast<int>(std::lround(candidate.configuration[index]))];
                ++support;
            }
            if (support == 0) continue;
            auto best = counts.begin();
            for (auto it = counts.begin(); it != counts.end(); ++it) {
                if (it->second > best->second) best = it;
            }
            suggestions.push_back({.unit = static_cast<int>(unit),
                                   .parameter = parameter,
                                   .value = best->first,
                                   .share = static_cast<double>(best->second) / support,
                                   .support = support});
        }
    }
    std::stable_sort(suggestions.begin(), suggestions.end(),
                     [](const Suggestion& a, const Suggestion& b) {
                         if (a.share != b.share) return a.share > b.share;
                         if (a.unit != b.unit) return a.unit < b.unit;
                         return static_cast<int>(a.parameter) < static_cast<int>(b.parameter);
                     });
    return suggestions;
}

std::vector<Suggestion> Refinement::automatic(const std::vector<Suggestion>& suggestions,
                                              double minimumShare) {
    std::vector<Suggestion> chosen;
    std::copy_if(suggestions.begin(), suggestions.end(), std::back_inserter(chosen),
                 [&](const Suggestion& s) { return s.share >= minimumShare; });
    return chosen;
}

}  // namespace perfnas
