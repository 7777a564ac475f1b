// The two runner formats. perfnas bench-model --json: {"runs", "median_ms", "p90_ms", "mean_ms",
// "cv", "device", "threads"} (app/cli/BenchCommands.cpp). onnxruntime_perf_test (its
// performance_runner.cc report): "Total inference requests: N", "Average inference time cost: X
// ms", and, in newer versions, "P50 Latency: X s" / "P90 Latency: X s" in seconds.
#include "core/benchmark/LatencyOutputParser.h"

#include <cmath>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <optional>
#include <regex>

namespace perfnas {
namespace {

Error missing(const std::string& parser, const std::string& what, const std::string& output) {
    const std::string shown = output.size() > 300 ? output.substr(0, 300) + "..." : output;
    return makeError(ErrorCode::InvalidInput,
                     parser + " output: " + what + " (got: \"" + shown + "\")");
}

class PerfnasJsonParser final : public LatencyOutputParser {
public:
    std::string name() const override { return "perfnas"; }

    Result<ParsedLatency> parse(const std::string& output) const override {
        nlohmann::json document;
        try {
            document = nlohmann::json::parse(output);
        } catch (const nlohmann::json::parse_error&) {
            return missing(name(), "not a JSON document", output);
        }
        if (!document.is_object()) return missing(name(), "not a JSON object", output);
        ParsedLatency parsed;
        LatencyStatistics& s = parsed.statistics;
        // Newer runners may add keys: only the ones read here must be present and well-typed.
        const auto number = [&](const char* key, double& into) -> bool {
            const auto found = document.find(key);
            if (found == document.end() || !found->is_number()) return false;
            into = found->get<double>();
            return std::isfinite(into);
        };
        double runs = 0;
        if (!number("runs", runs) || !number("median_ms", s.medianMs) ||
            !number("p90_ms", s.p90Ms) || !number("mean_ms", s.meanMs) ||
            !number("cv", s.coefficientOfVariation)) {
            return missing(name(), "expected numbers runs, median_ms, p90_ms, mean_ms and cv",
                           output);
        }
        s.runs = static_cast<int>(runs);
        if (const auto device = document.find("device");
            device != document.end() && device->is_string()) {
            parsed.device = device->get<std::string>();
        }
        if (const auto threads = document.find("threads");
            threads != document.end() && threads->is_number_integer()) {
            parsed.threads = threads->get<int>();
        }
        return parsed;
    }
};

class OnnxRuntimePerfTestParser final : public LatencyOutputParser {
public:
    std::string name() const override { return "onnxruntime"; }

    Result<ParsedLatency> parse(const std::string& output) const override {
        const auto find = [&output](const char* pattern) -> std::optional<double> {
            std::smatch match;
            if (!std::regex_search(output, match, std::regex(pattern))) return std::nullopt;
            return std::strtod(match[1].str().c_str(), nullptr);
        };
        const std::string number = R"(([0-9]+(?:\.[0-9]*)?(?:[eE][-+]?[0-9]+)?))";
        const auto average =
            find((R"(Average inference time cost:\s*)" + number + R"(\s*ms)").c_str());
        if (!average)
            return missing(name(), "no \"Average inference time cost: X ms\" line", output);
        ParsedLatency parsed;
        LatencyStatistics& s = parsed.statistics;
        s.meanMs = *average;
        s.runs = static_cast<int>(
            find((R"(Total inference requests:\s*)" + number).c_str()).value_or(0));
        const auto p50 = find((R"(P50 Latency:\s*)" + number + R"(\s*s)").c_str());
        const auto p90 = find((R"(P90 Latency:\s*)" + number + R"(\s*s)").c_str());
        s.medianMs = p50 ? *p50 * 1000.0 : *average;
        s.p90Ms = p90 ? *p90 * 1000.0 : *average;
        if (!p50 || !p90)
            parsed.note = "median and p90 are the runner's average (no percentiles in its output)";
        parsed.device = "onnxruntime_perf_test";
        return parsed;
    }
};

}  // namespace

std::unique_ptr<LatencyOutputParser> LatencyOutputParser::create(const std::string& name) {
    if (name == "perfnas") return std::make_unique<PerfnasJsonParser>();
    if (name == "onnxruntime") return std::make_unique<OnnxRuntimePerfTestParser>();
    return nullptr;
}

std::vector<std::string> LatencyOutputParser::names() { return {"perfnas", "onnxruntime"}; }

}  // namespace perfnas
