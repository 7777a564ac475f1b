#include "core/model/ArchitectureSpec.h"

#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

namespace perfnas {
namespace {

using nlohmann::json;

Status checkKeys(const json& object, const std::set<std::string>& allowed,
                 const std::string& where) {
    if (!object.is_object())
        return makeError(ErrorCode::InvalidInput, where + ": expected a JSON object");
    for (const auto& [key, value] : object.items()) {
        if (!allowed.contains(key)) {
            std::string list;
            for (const auto& name : allowed) list += (list.empty() ? "" : ", ") + name;
            return makeError(ErrorCode::InvalidInput,
                             where + ": unknown field '" + key + "' (expected " + list + ")");
        }
    }
    return Done{};
}

Result<int> readInt(const json& object, const std::string& key, const std::string& where,
                    std::optional<int> fallback = std::nullopt) {
    if (!object.contains(key)) {
        if (fallback) return *fallback;
        return makeError(ErrorCode::InvalidInput, where + ": missing field '" + key + "'");
    }
    const json& value = object.at(key);
    if (!value.is_number_integer()) {
        return makeError(ErrorCode::InvalidInput,
                         where + "." + key + ": expected an integer, got " + value.dump());
    }
    return value.get<int>();
}

}  // namespace

Result<ArchitectureSpec> ArchitectureSpec::fromJson(const std::string& text) {
    const json document = json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (document.is_discarded())
        return makeError(ErrorCode::InvalidInput, "architecture spec: not valid JSON");
    if (auto keys = checkKeys(document, {"name", "input", "classes", "units"}, "architecture spec");
        !keys) {
        return keys.error();
    }
    ArchitectureSpec spec;
    if (document.contains("name")) {
        if (!document["name"].is_string())
            return makeError(ErrorCode::InvalidInput, "name: expected a string");
        spec.name = document["name"].get<std::string>();
    }
    if (!document.contains("input"))
        return makeError(ErrorCode::InvalidInput, "architecture spec: missing field 'input'");
    const json& input = document["input"];
    if (auto keys = checkKeys(input, {"height", "width"}, "input"); !keys) return keys.error();
    auto height = readInt(input, "height", "input");
    auto width = readInt(input, "width", "input");
    auto classes = readInt(document, "classes", "architecture spec");
    for (const auto* value : {&height, &width, &classes}) {
        if (!*value) return value->error();
    }
    spec.inputHeight = *height;
    spec.inputWidth = *width;
    spec.classes = *classes;

    if (!document.contains("units") || !document["units"].is_array()) {
        return makeError(ErrorCode::InvalidInput,
                         "architecture spec: 'units' must be an array of conv units");
    }
    for (std::size_t i = 0; i < document["units"].size(); ++i) {
        const json& unitJson = document["units"][i];
        const std::string where = "units[" + std::to_string(i) + "]";
        if (auto keys = checkKeys(unitJson, {"kh", "kw", "filters", "stride"}, where); !keys)
            return keys.error();
        auto kh = readInt(unitJson, "kh", where);
        auto kw = readInt(unitJson, "kw", where);
        auto filters = readInt(unitJson, "filters", where);
        for (const auto* value : {&kh, &kw, &filters}) {
            if (!*value) return value->error();
        }
        ConvUnit unit{.kh = *kh, .kw = *kw, .filters = *filters};
        if (unitJson.contains("stride")) {
            const json& stride = unitJson["stride"];
            if (!stride.is_array() || stride.size() != 2 || !stride[0].is_number_integer() ||
                !stride[1].is_number_integer()) {
                return makeError(
                    ErrorCode::InvalidInput,
                    where + ".stride: expected [height, width] integers, got " + stride.dump());
            }
            unit.stride = {stride[0].get<int>(), stride[1].get<int>()};
        }
        spec.units.push_back(unit);
    }
    if (auto valid = spec.validate(); !valid) return valid.error();
    return spec;
}

Result<ArchitectureSpec> ArchitectureSpec::fromFile(const std::string& path) {
    std::ifstream in(path);
    if (!in) return makeError(ErrorCode::NotFound, path + ": cannot open the architecture spec");
    std::stringstream text;
    text << in.rdbuf();
    auto spec = fromJson(text.str());
    if (!spec) return makeError(spec.error().code, path + ": " + spec.error().message);
    return spec;
}

ArchitectureSpec ArchitectureSpec::paperSeed() {
    ArchitectureSpec seed{.name = "paper-seed", .inputHeight = 40, .inputWidth = 32, .classes = 10};
    seed.units.push_back({.kh = 4, .kw = 10, .filters = 100, .stride = {1, 2}});
    for (int i = 0; i < 5; ++i) seed.units.push_back({.kh = 3, .kw = 3, .filters = 100});
    return seed;
}

Status ArchitectureSpec::validate() const {
    auto invalid = [](const std::string& message) {
        return makeError(ErrorCode::InvalidInput, message);
    };
    if (inputHeight < 1 || inputWidth < 1)
        return invalid("input: height and width must be at least 1");
    if (classes < 2) return invalid("classes: must be at least 2, got " + std::to_string(classes));
    if (units.empty()) return invalid("units: at least one conv unit is needed");
    int height = inputHeight;
    int width = inputWidth;
    for (std::size_t i = 0; i < units.size(); ++i) {
        const ConvUnit& unit = units[i];
        const std::string where = "units[" + std::to_string(i) + "]";
        if (unit.filters < 1)
            return invalid(where + ".filters: must be at least 1, got " +
                           std::to_string(unit.filters));
        if (unit.kh < 1 || unit.kw < 1) {
            return invalid(where + ": kernel " + std::to_string(unit.kh) + "x" +
                           std::to_string(unit.kw) + " must be at least 1x1");
        }
        if (unit.stride[0] < 1 || unit.stride[1] < 1)
            return invalid(where + ".stride: must be at least [1, 1]");
        if (unit.kh > height || unit.kw > width) {
            return invalid(where + ": kernel " + std::to_string(unit.kh) + "x" +
                           std::to_string(unit.kw) + " is larger than its input " +
                           std::to_string(height) + "x" + std::to_string(width));
        }
        height = (height + unit.stride[0] - 1) / unit.stride[0];
        width = (width + unit.stride[1] - 1) / unit.stride[1];
    }
    return Done{};
}

std::string ArchitectureSpec::toJson() const {
    json units_ = json::array();
    for (const ConvUnit& unit : units) {
        units_.push_back({{"kh", unit.kh},
                          {"kw", unit.kw},
                          {"filters", unit.filters},
                          {"stride", {unit.stride[0], unit.stride[1]}}});
    }
    return json{{"name", name},
                {"input", {{"height", inputHeight}, {"width", inputWidth}}},
                {"classes", classes},
                {"units", units_}}
        .dump(2);
}

std::string ArchitectureSpec::unitNotation(const ConvUnit& unit) {
    return std::to_string(unit.kh) + "x" + std::to_string(unit.kw) + ", " +
           std::to_string(unit.filters);
}

std::string ArchitectureSpec::notation() const {
    std::string text;
    for (const ConvUnit& unit : units)
        text += (text.empty() ? "{" : " {") + unitNotation(unit) + "}";
    return text;
}

}  // namespace perfnas
