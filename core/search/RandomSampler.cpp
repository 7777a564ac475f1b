#include "core/search/RandomSampler.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <set>

namespace perfnas {
namespace {

// Random draws before a small space is enumerated (or a large one given up on).
constexpr int kMaxDraws = 1000;
// Spaces up to this many configurations are enumerated when draws keep hitting exclusions.
constexpr double kEnumerationLimit = 1e6;

// Number of configurations; nullopt when a dimension is continuous.
std::optional<double> finiteCount(const ParameterSpace& space) {
    double total = 1.0;
    for (const Dimension& dimension : space.dimensions) {
        const double count = dimension.domain.count();
        if (count <= 0.0) return std::nullopt;
        total *= count;
    }
    return total;
}

std::string formatCount(double count) {
    if (count < 1e15) return std::to_string(static_cast<long long>(count));
    return std::to_string(count);
}

// Calls `visit` with every configuration of a finite space, first dimension slowest.
template <typename Visit>
void forEachConfiguration(const ParameterSpace& space, Visit visit) {
    std::vector<std::vector<double>> values;
    for (const Dimension& dimension : space.dimensions) values.push_back(dimension.domain.values());
    Configuration current(values.size());
    std::vector<std::size_t> digit(values.size(), 0);
    while (true) {
        for (std::size_t d = 0; d < values.size(); ++d) current[d] = values[d][digit[d]];
        visit(current);
        std::size_t d = values.size();
        while (d > 0 && ++digit[d - 1] == values[d - 1].size()) digit[--d] = 0;
        if (d == 0) return;
    }
}

}  // namespace

Configuration RandomSampler::draw(const ParameterSpace& space, Random& random) {
    Configuration configuration;
    configuration.reserve(space.size());
    for (const Dimension& dimension : space.dimensions) {
        const Domain& domain = dimension.domain;
        if (domain.frozen) {
            configuration.push_back(*domain.frozen);
            continue;
        }
        switch (domain.kind) {
            case DomainKind::Integer: {
                const auto count = static_cast<std::size_t>(domain.count());
                configuration.push_back(domain.min +
                                        domain.step * static_cast<double>(random.below(count)));
                break;
            }
            case DomainKind::Choice:
                configuration.push_back(domain.choices[random.below(domain.choices.size())]);
                break;
            case DomainKind::LogUniform: {
                const double value =
                    std::exp(random.uniform(std::log(domain.min), std::log(domain.max)));
                configuration.push_back(std::clamp(value, domain.min, domain.max));
                break;
            }
        }
    }
    return configuration;
}

Result<Configuration> RandomSampler::propose(const SamplingContext& context, Random& random) {
    const ParameterSpace& space = context.space;
    if (auto valid = space.validate(); !valid) return valid.error();
    std::set<Configuration> excluded;
    for (const Configuration& configuration : context.excluded) {
        if (space.contains(configuration)) excluded.insert(configuration);
    }
    const std::optional<double> total = finiteCount(space);
    if (total && static_cast<double>(excluded.size()) >= *total) {
        return makeError(ErrorCode::InvalidInput, "search space exhausted: all " +
                                                      formatCount(*total) +
                                                      " configurations have been tried");
    }
    const auto acceptable = [&](const Configuration& configuration) {
        return !excluded.contains(configuration) &&
               (!context.admissible || context.admissible(configuration));
    };
    for (int attempt = 0; attempt < kMaxDraws; ++attempt) {
        Configuration configuration = draw(space, random);
        if (acceptable(configuration)) return configuration;
    }
    if (total && *total <= kEnumerationLimit) {
        std::vector<Configuration> remaining;
        forEachConfiguration(space, [&](const Configuration& configuration) {
            if (acceptable(configuration)) remaining.push_back(configuration);
        });
        if (remaining.empty()) {
            return makeError(ErrorCode::InvalidInput,
                             "no admissible configuration: all " +
                                 formatCount(*total - static_cast<double>(excluded.size())) +
                                 " untried configurations violate the constraints");
        }
        return remaining[random.below(remaining.size())];
    }
    return makeError(ErrorCode::InvalidInput, "no admissible configuration found in " +
                                                  std::to_string(kMaxDraws) +
                                                  " random draws (are the constraints too tight?)");
}

}  // namespace perfnas
