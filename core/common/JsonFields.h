#pragma once
// Reading JSON from outside input (configs, specs, worker results): fields optional with a default
// or required, types checked, unknown keys rejected. The first problem becomes an InvalidInput
// error naming the field's path ("training.batch_size: expected an integer, got \"x\"").
// For core .cpp files; nlohmann::json is header-only and stays out of public headers.
#include <cstdint>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/common/Result.h"

namespace perfnas {

// Parses `text` (// and /* */ comments allowed); `where` names the file or document.
inline Result<nlohmann::json> parseJson(const std::string& text, const std::string& where) {
    try {
        return nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/true,
                                     /*ignore_comments=*/true);
    } catch (
        const nlohmann::json::exception& error) {  // also out_of_range: "1e999" overflows a double
        return makeError(ErrorCode::InvalidInput,
                         where + ": not valid JSON (" + error.what() + ")");
    }
}

class JsonFields {
public:
    JsonFields(const nlohmann::json& object, std::string where)
        : m_object(object), m_where(std::move(where)) {
        if (!m_object.is_object())
            fail(m_where + ": expected a JSON object, got " + m_object.dump());
    }

    // Leaves `value` unchanged when the field is absent.
    template <typename T>
    JsonFields& optional(const std::string& key, T& value) {
        if (const nlohmann::json* field = child(key)) read(key, *field, value);
        return *this;
    }
    template <typename T>
    JsonFields& required(const std::string& key, T& value) {
        if (const nlohmann::json* field = child(key))
            read(key, *field, value);
        else
            fail(m_where + ": missing field '" + key + "'");
        return *this;
    }
    // Marks `key` as known; nullptr when absent.
    const nlohmann::json* child(const std::string& key) {
        m_known.insert(key);
        if (!m_object.is_object() || !m_object.contains(key)) return nullptr;
        return &m_object.at(key);
    }
    std::string path(const std::string& key) const { return m_where + "." + key; }
    void fail(std::string message) {
        if (!m_error) m_error = makeError(ErrorCode::InvalidInput, std::move(message));
    }
    // The first problem, or an unknown key, or Done.
    Status finish() const {
        if (m_error) return *m_error;
        for (const auto& [key, value] : m_object.items()) {
            if (m_known.contains(key)) continue;
            std::string expected;
            for (const std::string& name : m_known)
                expected += (expected.empty() ? "" : ", ") + name;
            return makeError(ErrorCode::InvalidInput, m_where + ": unknown field '" + key +
                                                          "' (expected one of " + expected + ")");
        }
        return Done{};
    }

private:
    template <typename T>
    void read(const std::string& key, const nlohmann::json& field, T& value) {
        if (!matches(field, value)) {
            fail(path(key) + ": expected " + typeName(value) + ", got " + field.dump());
            return;
        }
        if constexpr (std::is_same_v<T, std::filesystem::path>)
            value = field.get<std::string>();
        else
            value = field.get<T>();
    }
    static bool matches(const nlohmann::json& f, const bool&) { return f.is_boolean(); }
    static bool matches(const nlohmann::json& f, const int&) {
        return f.is_number_integer() && f.get<std::int64_t>() >= INT32_MIN &&
               f.get<std::int64_t>() <= INT32_MAX;
    }
    static bool matches(const nlohmann::json& f, const std::uint64_t&) {
        return f.is_number_unsigned();
    }
    static bool matches(const nlohmann::json& f, const double&) { return f.is_number(); }
    static bool matches(const nlohmann::json& f, const std::string&) { return f.is_string(); }
    static bool matches(const nlohmann::json& f, const std::filesystem::path&) {
        return f.is_string();
    }
    static bool matches(const nlohmann::json& f, const std::vector<std::string>&) {
        if (!f.is_array()) return false;
        for (const auto& item : f)
            if (!item.is_string()) return false;
        return true;
    }
    static bool matches(const nlohmann::json& f, const std::vector<double>&) {
        if (!f.is_array()) return false;
        for (const auto& item : f)
            if (!item.is_number()) return false;
        return true;
    }
    static const char* typeName(const bool&) { return "true or false"; }
    static const char* typeName(const int&) { return "an integer"; }
    static const char* typeName(const std::uint64_t&) { return "a non-negative integer"; }
    static const char* typeName(const double&) { return "a number"; }
    static const char* typeName(const std::string&) { return "a string"; }
    static const char* typeName(const std::filesystem::path&) { return "a path string"; }
    static const char* typeName(const std::vector<std::string>&) { return "an array of strings"; }
    static const char* typeName(const std::vector<double>&) { return "an array of numbers"; }

    const nlohmann::json& m_object;
    std::string m_where;
    std::set<std::string> m_known;
    std::optional<Error> m_error;
};

}  // namespace perfnas
