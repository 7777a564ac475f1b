#include "core/search/SearchSpace.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>
#include <set>

namespace perfnas {
namespace {

using nlohmann::json;

// Paper defaults for units after the first: kernels up to 5x5.
constexpr int kLaterUnitKernelMax = 5;

Error invalid(const std::string& message) { return makeError(ErrorCode::InvalidInput, message); }

std::string unitName(std::size_t unit) { return "unit " + std::to_string(unit + 1); }

std::string dimensionLabel(std::size_t unit, UnitParameter parameter) {
    return unitName(unit) + " " + parameterName(parameter);
}

std::string formatValue(double value) {
    if (std::floor(value) == value && std::abs(value) < 1e15)
        return std::to_string(static_cast<long long>(value));
    return json(value).dump();
}

std::string describe(const Domain& domain) {
    if (domain.kind == DomainKind::Choice) {
        std::string list;
        for (double v : domain.choices) list += (list.empty() ? "" : ", ") + formatValue(v);
        return "{" + list + "}";
    }
    std::string text = formatValue(domain.min) + ".." + formatValue(domain.max);
    if (domain.kind == DomainKind::Integer && domain.step != 1)
        text += " step " + std::to_string(domain.step);
    return text;
}

// The largest value the domain allows (its only value when frozen).
double largestAllowed(const Domain& domain) {
    if (domain.frozen) return *domain.frozen;
    const std::vector<double> values = domain.values();
    return values.empty() ? domain.max : values.back();
}

json numberJson(double value) {
    if (std::floor(value) == value && std::abs(value) < 1e15) return static_cast<long long>(value);
    return value;
}

Status checkKeys(const json& object, const std::set<std::string>& allowed,
                 const std::string& where) {
    if (!object.is_object())
        return invalid(where + ": expected a JSON object, got " + object.dump());
    for (const auto& [key, value] : object.items()) {
        if (!allowed.contains(key)) {
            std::string list;
            for (const auto& name : allowed) list += (list.empty() ? "" : ", ") + name;
            return invalid(where + ": unknown field '" + key + "' (expected " + list + ")");
        }
    }
    return Done{};
}

Result<int> readInt(const json& value, const std::string& where) {
    if (!value.is_number_integer())
        return invalid(where + ": expected an integer, got " + value.dump());
    const auto number = value.get<long long>();
    if (number < std::numeric_limits<int>::min() || number > std::numeric_limits<int>::max()) {
        return invalid(where + ": " + value.dump() + " is out of range");
    }
    return static_cast<int>(number);
}

// D: {"min", "max", "step"} (missing fields from `fallback`), {"choices": [...]} or {"frozen": v};
// ranges and choices may carry "frozen".
Result<Domain> parseDomain(const json& object, const Domain& fallback, const std::string& where) {
    if (auto keys = checkKeys(object, {"min", "max", "step", "choices", "frozen"}, where); !keys)
        return keys.error();
    Domain domain = fallback;
    domain.frozen.reset();
    if (object.contains("choices")) {
        if (object.contains("min") || object.contains("max") || object.contains("step")) {
            return invalid(where + ": give either 'choices' or 'min'/'max'/'step', not both");
        }
        const json& list = object["choices"];
        if (!list.is_array())
            return invalid(where + ".choices: expected an array of integers, got " + list.dump());
        std::vector<double> choices;
        for (const json& item : list) {
            auto value = readInt(item, where + ".choices");
            if (!value) return value.error();
            choices.push_back(*value);
        }
        domain = Domain::choice(std::move(choices));
    } else {
        if (domain.kind != DomainKind::Integer) domain = Domain::integer(1, 1);
        for (const char* key : {"min", "max", "step"}) {
            if (!object.contains(key)) continue;
            auto value = readInt(object[key], where + "." + key);
            if (!value) return value.error();
            if (std::string(key) == "min") domain.min = *value;
            if (std::string(key) == "max") domain.max = *value;
            if (std::string(key) == "step") domain.step = *value;
        }
    }
    if (object.contains("frozen")) {
        auto value = readInt(object["frozen"], where + ".frozen");
        if (!value) return value.error();
        domain.frozen = *value;
    }
    return domain;
}

json domainJson(const Domain& domain) {
    json object = json::object();
    if (domain.kind == DomainKind::Choice) {
        json list = json::array();
        for (double v : domain.choices) list.push_back(numberJson(v));
        object["choices"] = list;
    } else {
        object["min"] = numberJson(domain.min);
        object["max"] = numberJson(domain.max);
        object["step"] = domain.step;
    }
    if (domain.frozen) object["frozen"] = numberJson(*domain.frozen);
    return object;
}

}  // namespace

std::string parameterName(UnitParameter parameter) {
    switch (parameter) {
        case UnitParameter::Kh:
            return "kh";
        case UnitParameter::Kw:
            return "kw";
        case UnitParameter::Filters:
            return "filters";
    }
    return "?";
}

std::optional<UnitParameter> parseUnitParameter(const std::string& name) {
    for (UnitParameter parameter : kUnitParameters) {
        if (parameterName(parameter) == name) return parameter;
    }
    return std::nullopt;
}

ParameterSpace OptimizerSpace::parameterSpace() const {
    return ParameterSpace{
        .dimensions = {{"lr", learningRate}, {"batch", batchSize}, {"iterations", iterations}}};
}

SearchSpace SearchSpace::paperDefault(const ArchitectureSpec& seed) {
    SearchSpace space{.seed = seed};
    int height = seed.inputHeight;
    int width = seed.inputWidth;
    for (std::size_t i = 0; i < seed.units.size(); ++i) {
        const ConvUnit& unit = seed.units[i];
        const int khBound = i == 0 ? unit.kh : kLaterUnitKernelMax;
        const int kwBound = i == 0 ? unit.kw : kLaterUnitKernelMax;
        UnitSpace unitSpace;
        unitSpace[UnitParameter::Kh] = Domain::integer(1, std::max(1, std::min(khBound, height)));
        unitSpace[UnitParameter::Kw] = Domain::integer(1, std::max(1, std::min(kwBound, width)));
        unitSpace[UnitParameter::Filters] = Domain::integer(1, std::max(1, unit.filters));
        space.units.push_back(unitSpace);
        height = (height + unit.stride[0] - 1) / unit.stride[0];  // ceil, as CostModel
        width = (width + unit.stride[1] - 1) / unit.stride[1];
    }
    return space;
}

Status SearchSpace::validate() const {
    if (auto valid = seed.validate(); !valid)
        return invalid("search space seed: " + valid.error().message);
    if (units.size() != seed.units.size()) {
        return invalid("search space: " + std::to_string(units.size()) +
                       " units, but the seed has " + std::to_string(seed.units.size()));
    }
    int height = seed.inputHeight;
    int width = seed.inputWidth;
    for (std::size_t i = 0; i < units.size(); ++i) {
        for (UnitParameter parameter : kUnitParameters) {
            const Domain& domain = units[i][parameter];
            const std::string label = dimensionLabel(i, parameter);
            if (domain.kind == DomainKind::LogUniform) {
                return invalid(label + ": must be an integer range or a list of integer choices");
            }
            if (auto valid = domain.validate(label); !valid) return valid;
            const std::vector<double> values = domain.kind == DomainKind::Choice
                                                   ? domain.choices
                                                   : std::vector<double>{domain.min};
            for (double v : values) {
                if (std::floor(v) != v)
                    return invalid(label + ": values must be integers, got " + formatValue(v));
                if (v < 1)
                    return invalid(label + ": values must be at least 1, got " + formatValue(v));
            }
        }
        const double khMax = largestAllowed(units[i][UnitParameter::Kh]);
        const double kwMax = largestAllowed(units[i][UnitParameter::Kw]);
        if (khMax > height) {
            return invalid(dimensionLabel(i, UnitParameter::Kh) + ": upper bound " +
                           formatValue(khMax) + " exceeds the unit's input height " +
                           std::to_string(height) + " (after the strides of the units before it)");
        }
        if (kwMax > width) {
            return invalid(dimensionLabel(i, UnitParameter::Kw) + ": upper bound " +
                           formatValue(kwMax) + " exceeds the unit's input width " +
                           std::to_string(width) + " (after the strides of the units before it)");
        }
        height = (height + seed.units[i].stride[0] - 1) / seed.units[i].stride[0];
        width = (width + seed.units[i].stride[1] - 1) / seed.units[i].stride[1];
    }
    return Done{};
}

ParameterSpace SearchSpace::parameterSpace() const {
    ParameterSpace space;
    for (std::size_t i = 0; i < units.size(); ++i) {
        for (UnitParameter parameter : kUnitParameters) {
            space.dimensions.push_back(
                {"unit" + std::to_string(i + 1) + "." + parameterName(parameter),
                 units[i][parameter]});
        }
    }
    return space;
}

ArchitectureSpec SearchSpace::architecture(const Configuration& configuration,
                                           const std::string& name) const {
    assert(configuration.size() == units.size() * 3);
    ArchitectureSpec spec = seed;
    spec.name = name;
    for (std::size_t i = 0; i < spec.units.size() && i < units.size(); ++i) {
        const auto valueOf = [&](UnitParameter p) {
            return static_cast<int>(
                std::lround(configuration[dimensionIndex(static_cast<int>(i), p)]));
        };
        spec.units[i].kh = valueOf(UnitParameter::Kh);
        spec.units[i].kw = valueOf(UnitParameter::Kw);
        spec.units[i].filters = valueOf(UnitParameter::Filters);
    }
    return spec;
}

Configuration SearchSpace::configurationOf(const ArchitectureSpec& spec) const {
    assert(spec.units.size() == units.size());
    Configuration configuration(units.size() * 3, 0.0);
    for (std::size_t i = 0; i < units.size() && i < spec.units.size(); ++i) {
        const int unit = static_cast<int>(i);
        configuration[dimensionIndex(unit, UnitParameter::Kh)] = spec.units[i].kh;
        configuration[dimensionIndex(unit, UnitParameter::Kw)] = spec.units[i].kw;
        configuration[dimensionIndex(unit, UnitParameter::Filters)] = spec.units[i].filters;
    }
    return configuration;
}

Result<SearchSpace> SearchSpace::frozen(int unit, UnitParameter parameter, int value) const {
    if (unit < 0 || static_cast<std::size_t>(unit) >= units.size()) {
        return invalid(unitName(static_cast<std::size_t>(std::max(unit, 0))) +
                       ": no such unit (the space has " + std::to_string(units.size()) + " units)");
    }
    const auto index = static_cast<std::size_t>(unit);
    // Checked against the domain's range, so that a frozen parameter can be frozen to another
    // value.
    Domain open = units[index][parameter];
    open.frozen.reset();
    const std::string label = dimensionLabel(index, parameter);
    if (!open.contains(value)) {
        return invalid(label + ": value " + std::to_string(value) + " is outside the domain " +
                       describe(open));
    }
    SearchSpace copy = *this;
    copy.units[index][parameter].frozen = value;
    return copy;
}

Result<SearchSpace> SearchSpace::fromJson(const std::string& text, const ArchitectureSpec& seed) {
    const json document = json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (document.is_discarded()) return invalid("search space: not valid JSON");
    if (auto keys = checkKeys(document, {"units"}, "search space"); !keys) return keys.error();
    SearchSpace space = paperDefault(seed);
    if (document.contains("units")) {
        const json& list = document["units"];
        if (!list.is_array()) return invalid("search space: 'units' must be an array");
        if (list.size() > seed.units.size()) {
            return invalid("search space: " + std::to_string(list.size()) +
                           " units, but the seed has " + std::to_string(seed.units.size()));
        }
        for (std::size_t i = 0; i < list.size(); ++i) {
            if (auto keys = checkKeys(list[i], {"kh", "kw", "filters"}, unitName(i)); !keys)
                return keys.error();
            for (UnitParameter parameter : kUnitParameters) {
                const std::string key = parameterName(parameter);
                if (!list[i].contains(key)) continue;
                auto domain = parseDomain(list[i][key], space.units[i][parameter],
                                          dimensionLabel(i, parameter));
                if (!domain) return domain.error();
                space.units[i][parameter] = std::move(*domain);
            }
        }
    }
    if (auto valid = space.validate(); !valid) return valid.error();
    return space;
}

std::string SearchSpace::toJson() const {
    json list = json::array();
    for (const UnitSpace& unit : units) {
        json object = json::object();
        for (UnitParameter parameter : kUnitParameters)
            object[parameterName(parameter)] = domainJson(unit[parameter]);
        list.push_back(object);
    }
    return json{{"units", list}}.dump(2);
}

}  // namespace perfnas
