#pragma once
// SearchSpace: which architectures a search may propose. Per conv unit of a seed architecture,
// a Domain for each of kh, kw and filters (Integer range or Choice list, possibly frozen); strides,
// input size and classes come from the seed. Optionally a phase-0 space of optimizer parameters.
// Converts to the ParameterSpace the samplers see (dimension "unit<N>.<param>", N from 1) and
// turns a configuration back into an ArchitectureSpec. Plain value type; JSON in and out.
#include <array>
#include <optional>
#include <string>
#include <vector>

#include "core/common/Result.h"
#include "core/model/ArchitectureSpec.h"
#include "core/search/ParameterSpace.h"

namespace perfnas {

enum class UnitParameter { Kh = 0, Kw = 1, Filters = 2 };
inline constexpr std::array kUnitParameters = {UnitParameter::Kh, UnitParameter::Kw,
                                               UnitParameter::Filters};

std::string parameterName(UnitParameter parameter);  // "kh", "kw", "filters"
std::optional<UnitParameter> parseUnitParameter(const std::string& name);

struct UnitSpace {
    std::array<Domain, 3> domains;  // indexed by UnitParameter
    Domain& operator[](UnitParameter p) { return domains[static_cast<std::size_t>(p)]; }
    const Domain& operator[](UnitParameter p) const { return domains[static_cast<std::size_t>(p)]; }
};

// Phase 0 (optional): learning rate (LogUniform), batch size and iterations (Choice).
struct OptimizerSpace {
    Domain learningRate = Domain::logUniform(1e-4, 1e-2);
    Domain batchSize = Domain::choice({16, 25, 32, 64});
    Domain iterations = Domain::choice({2000, 4000, 8000});
    ParameterSpace parameterSpace() const;  // dimensions "lr", "batch", "iterations"
};

struct SearchSpace {
    ArchitectureSpec seed;
    std::vector<UnitSpace> units;  // one per seed unit

    // The paper's defaults: all lower bounds 1; filters up to the seed's; unit 1's kernel up to the
    // seed's (4x10), later units up to 5x5; every upper bound clipped to the unit's input size.
    static SearchSpace paperDefault(const ArchitectureSpec& seed);

    // Non-empty domains, positive values, a unit count matching the seed, and no allowed kernel
    // larger than its unit's input after the strides before it. Messages name the unit and param.
    Status validate() const;

    ParameterSpace parameterSpace() const;
    static std::size_t dimensionIndex(int unit, UnitParameter parameter) {  // unit from 0
        return static_cast<std::size_t>(unit) * 3 + static_cast<std::size_t>(parameter);
    }
    // The seed with every unit's kh, kw, filters taken from the configuration.
    ArchitectureSpec architecture(const Configuration& configuration,
                                  const std::string& name) const;
    // The configuration describing an architecture with the seed's shape (for the seed itself).
    Configuration configurationOf(const ArchitectureSpec& spec) const;

    // A copy with one parameter frozen; InvalidInput when the value is outside its domain.
    Result<SearchSpace> frozen(int unit, UnitParameter parameter, int value) const;

    // {"units": [{"kh": D, "kw": D, "filters": D}, ...]} where D is {"min", "max", "step"},
    // {"choices": [...]} or {"frozen": v} (a range may also carry "frozen"). Missing units or
    // parameters take paperDefault's domain. Unknown keys are errors.
    static Result<SearchSpace> fromJson(const std::string& text, const ArchitectureSpec& seed);
    std::string toJson() const;
};

}  // namespace perfnas
