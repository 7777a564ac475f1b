#include "core/search/ParameterSpace.h"

#include <algorithm>
#include <cmath>
#include <set>
#include <sstream>

namespace perfnas {
namespace {

std::string formatNumber(double value) {
    std::ostringstream text;
    text.precision(12);
    text << value;
    return text.str();
}

bool isIntegral(double value) { return std::isfinite(value) && std::floor(value) == value; }

Error invalid(const std::string& dimensionName, const std::string& reason) {
    return makeError(ErrorCode::InvalidInput, dimensionName + ": " + reason);
}

// The domain's values (or bounds) as if it were not frozen.
bool unfrozenContains(const Domain& domain, double value) {
    switch (domain.kind) {
        case DomainKind::Integer:
            return isIntegral(value) && value >= domain.min && value <= domain.max &&
                   std::fmod(value - domain.min, static_cast<double>(domain.step)) == 0.0;
        case DomainKind::Choice:
            return std::find(domain.choices.begin(), domain.choices.end(), value) !=
                   domain.choices.end();
        case DomainKind::LogUniform:
            return value >= domain.min && value <= domain.max;
    }
    return false;
}

}  // namespace

Domain Domain::integer(int min, int max, int step) {
    return Domain{.kind = DomainKind::Integer,
                  .min = static_cast<double>(min),
                  .max = static_cast<double>(max),
                  .step = step};
}

Domain Domain::choice(std::vector<double> values) {
    Domain domain{.kind = DomainKind::Choice};
    if (!values.empty()) {
        domain.min = values.front();
        domain.max = values.back();
    }
    domain.choices = std::move(values);
    return domain;
}

Domain Domain::logUniform(double min, double max) {
    return Domain{.kind = DomainKind::LogUniform, .min = min, .max = max};
}

std::vector<double> Domain::values() const {
    if (frozen) return {*frozen};
    switch (kind) {
        case DomainKind::Integer: {
            std::vector<double> all;
            if (step < 1) return all;
            for (double v = min; v <= max; v += step) all.push_back(v);
            return all;
        }
        case DomainKind::Choice:
            return choices;
        case DomainKind::LogUniform:
            return {};
    }
    return {};
}

double Domain::count() const {
    if (frozen) return 1.0;
    switch (kind) {
        case DomainKind::Integer:
            if (step < 1 || max < min) return 0.0;
            return std::floor((max - min) / step) + 1.0;
        case DomainKind::Choice:
            return static_cast<double>(choices.size());
        case DomainKind::LogUniform:
            return 0.0;
    }
    return 0.0;
}

bool Domain::contains(double value) const {
    if (frozen) return value == *frozen;
    return unfrozenContains(*this, value);
}

Status Domain::validate(const std::string& dimensionName) const {
    switch (kind) {
        case DomainKind::Integer:
            if (!isIntegral(min) || !isIntegral(max)) {
                return invalid(dimensionName, "bounds must be integers, got " + formatNumber(min) +
                                                  ".." + formatNumber(max));
            }
            if (min > max) {
                return invalid(dimensionName, "empty range " + formatNumber(min) + ".." +
                                                  formatNumber(max) + " (min is above max)");
            }
            if (step < 1)
                return invalid(dimensionName,
                               "step must be at least 1, got " + std::to_string(step));
            break;
        case DomainKind::Choice:
            if (choices.empty()) return invalid(dimensionName, "no choices");
            for (std::size_t i = 0; i < choices.size(); ++i) {
                if (!std::isfinite(choices[i]))
                    return invalid(dimensionName, "choices must be finite numbers");
                if (i > 0 && choices[i] <= choices[i - 1]) {
                    return invalid(dimensionName,
                                   "choices must be ascending without duplicates, got " +
                                       formatNumber(choices[i - 1]) + " before " +
                                       formatNumber(choices[i]));
                }
            }
            break;
        case DomainKind::LogUniform:
            if (!(min > 0.0) || !std::isfinite(max)) {
                return invalid(dimensionName, "log-uniform bounds must be positive, got " +
                                                  formatNumber(min) + ".." + formatNumber(max));
            }
            if (min > max) {
                return invalid(dimensionName, "empty range " + formatNumber(min) + ".." +
                                                  formatNumber(max) + " (min is above max)");
            }
            break;
    }
    if (frozen && !unfrozenContains(*this, *frozen)) {
        return invalid(dimensionName,
                       "frozen value " + formatNumber(*frozen) + " is outside the domain");
    }
    return Done{};
}

Status ParameterSpace::validate() const {
    std::set<std::string> names;
    for (const Dimension& dimension : dimensions) {
        if (dimension.name.empty())
            return makeError(ErrorCode::InvalidInput, "parameter space: a dimension has no name");
        if (!names.insert(dimension.name).second) {
            return makeError(ErrorCode::InvalidInput,
                             dimension.name + ": dimension name used twice");
        }
        if (auto valid = dimension.domain.validate(dimension.name); !valid) return valid;
    }
    return Done{};
}

double ParameterSpace::log10Count() const {
    double sum = 0.0;
    for (const Dimension& dimension : dimensions) {
        const double count = dimension.domain.count();
        if (count > 0.0) sum += std::log10(count);
    }
    return sum;
}

bool ParameterSpace::contains(const Configuration& configuration) const {
    if (configuration.size() != dimensions.size()) return false;
    for (std::size_t i = 0; i < dimensions.size(); ++i) {
        if (!dimensions[i].domain.contains(configuration[i])) return false;
    }
    return true;
}

}  // namespace perfnas
