#pragma once
// ParameterSpace: the dimensions a sampler chooses values for, knowing nothing about networks.
// A dimension is an integer range with a step, an ordered list of numeric choices, or a
// log-uniform real interval; any dimension can be frozen to one value. A Configuration holds one
// value per dimension, in dimension order. Plain value types.
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "core/common/Result.h"

namespace perfnas {

enum class DomainKind {
    Integer,     // min, min + step, ..., <= max
    Choice,      // the listed values, ascending; sampled as categories
    LogUniform,  // any real in [min, max], min > 0; sampled on a log scale
};

struct Domain {
    DomainKind kind = DomainKind::Integer;
    double min = 1.0;
    double max = 1.0;
    int step = 1;                  // Integer only
    std::vector<double> choices;   // Choice only
    std::optional<double> frozen;  // when set, the only allowed value

    static Domain integer(int min, int max, int step = 1);
    static Domain choice(std::vector<double> values);
    static Domain logUniform(double min, double max);

    bool isFrozen() const { return frozen.has_value(); }
    // Every allowed value, ascending (one value when frozen); empty for an unfrozen LogUniform.
    std::vector<double> values() const;
    // Number of allowed values; 0 for an unfrozen LogUniform (continuous).
    double count() const;
    bool contains(double value) const;
    // Empty range, non-positive step, unsorted/duplicate choices, log bounds <= 0, frozen value
    // outside the domain. The message names `dimensionName`.
    Status validate(const std::string& dimensionName) const;
};

struct Dimension {
    std::string name;  // e.g. "unit1.kh", "lr"
    Domain domain;
};

using Configuration = std::vector<double>;

struct ParameterSpace {
    std::vector<Dimension> dimensions;

    std::size_t size() const { return dimensions.size(); }
    Status validate() const;
    // log10 of the number of distinct configurations (continuous dimensions are not counted).
    double log10Count() const;
    // Every value lies in its dimension's domain (frozen dimensions must equal the frozen value):
    // history from earlier phases is compatible with this space exactly when this holds.
    bool contains(const Configuration& configuration) const;
};

}  // namespace perfnas
