#include "core/storage/TrialColumns.h"

#include <array>
#include <cmath>
#include <nlohmann/json.hpp>

namespace perfnas::trial_columns {
namespace {

using nlohmann::json;

// Doubles are written by nlohmann-json in the shortest form that reads back to the same value.
Result<std::string> configurationToJson(const std::vector<double>& values) {
    for (std::size_t i = 0; i < values.size(); ++i) {
        if (!std::isfinite(values[i])) {
            return makeError(ErrorCode::InvalidInput, "configuration value " + std::to_string(i) +
                                                          " is not a finite number");
        }
    }
    return json(values).dump();
}

bool configurationFromJson(const std::string& text, std::vector<double>& values) {
    const json document = json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (!document.is_array()) return false;
    values.clear();
    for (const json& value : document) {
        if (!value.is_number()) return false;
        values.push_back(value.get<double>());
    }
    return true;
}

std::string rungResultsToJson(const std::vector<RungResult>& results) {
    json document = json::array();
    for (const RungResult& result : results) {
        document.push_back({{"rung", result.rung},
                            {"iterations", result.iterations},
                            {"validation_top1", result.validationTop1},
                            {"seconds", result.seconds}});
    }
    return document.dump();
}

bool rungResultsFromJson(const std::string& text, std::vector<RungResult>& results) {
    const json document = json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (!document.is_array()) return false;
    results.clear();
    for (const json& entry : document) {
        if (!entry.is_object() || !entry.value("rung", json()).is_number_integer() ||
            !entry.value("iterations", json()).is_number_integer() ||
            !entry.value("validation_top1", json()).is_number() ||
            !entry.value("seconds", json()).is_number()) {
            return false;
        }
        results.push_back({.rung = entry["rung"].get<int>(),
                           .iterations = entry["iterations"].get<int>(),
                           .validationTop1 = entry["validation_top1"].get<double>(),
                           .seconds = entry["seconds"].get<double>()});
    }
    return true;
}

struct Column {
    const char* name;
    const char* parameter;  // ":name"
    int sinceSchema;        // older files read `fallback` instead
    const char* fallback;
    void (*bind)(SqliteStatement&, const char* parameter, const TrialRecord&);
    // false: the stored value is malformed.
    bool (*read)(const SqliteStatement&, int column, TrialRecord&);
};

// configuration_json is bound separately: it can fail (non-finite values).
const std::array<Column, 21> kColumns = {{
    {"phase_id", ":phase_id", 1, nullptr,
     [](SqliteStatement& s, const char* p, const TrialRecord& t) { s.bindId(p, t.phaseId); },
     [](const SqliteStatement& r, int c, TrialRecord& t) {
         return (t.phaseId = r.integer(c)), true;
     }},
    {"state", ":state", 1, nullptr,
     [](SqliteStatement& s, const char* p, const TrialRecord& t) {
         s.bind(p, trialStateName(t.state));
     },
     [](const SqliteStatement& r, int c, TrialRecord& t) {
         const auto state = parseTrialState(r.text(c));
         if (state) t.state = *state;
         return state.has_value();
     }},
    {"configuration_json", ":configuration_json", 1, nullptr, nullptr,
     [](const SqliteStatement& r, int c, TrialRecord& t) {
         return configurationFromJson(r.text(c), t.configuration);
     }},
    {"spec_json", ":spec_json", 1, nullptr,
     [](SqliteStatement& s, const char* p, const TrialRecord& t) { s.bind(p, t.specJson); },
     [](const SqliteStatement& r, int c, TrialRecord& t) {
         return (t.specJson = r.text(c)), true;
     }},
    {"training_json", ":training_json", 1, nullptr,
     [](SqliteStatement& s, const char* p, const TrialRecord& t) { s.bind(p, t.trainingJson); },
     [](const SqliteStatement& r, int c, TrialRecord& t) {
         return (t.trainingJson = r.text(c)), true;
     }},
    {"validation_top1", ":validation_top1", 1, nullptr,
     [](SqliteStatement& s, const char* p, const TrialRecord& t) { s.bind(p, t.validationTop1); },
     [](const SqliteStatement& r, int c, TrialRecord& t) {
         return (t.validationTop1 = r.real(c)), true;
     }},
    {"test_top1", ":test_top1", 1, nullptr,
     [](SqliteStatement& s, const char* p, const TrialRecord& t) { s.bind(p, t.testTop1); },
     [](const SqliteStatement& r, int c, TrialRecord& t) {
         return (t.testTop1 = r.real(c)), true;
     }},
    {"mfpops", ":mfpops", 1, nullptr,
     [](SqliteStatement& s, const char* p, const TrialRecord& t) { s.bind(p, t.mfpops); },
     [](const SqliteStatement& r, int c, TrialRecord& t) { return (t.mfpops = r.real(c)), true; }},
    {"params", ":params", 1, nullptr,
     [](SqliteStatement& s, const char* p, const TrialRecord& t) { s.bind(p, t.params); },
     [](const SqliteStatement& r, int c, TrialRecord& t) { return (t.params = r.int64(c)), true; }},
    {"iterations_done", ":iterations_done", 1, nullptr,
     [](SqliteStatement& s, const char* p, const TrialRecord& t) { s.bind(p, t.iterationsDone); },
     [](const SqliteStatement& r, int c, TrialRecord& t) {
         return (t.iterationsDone = r.integer(c)), true;
     }},
    {"seconds", ":seconds", 1, nullptr,
     [](SqliteStatement& s, const char* p, const TrialRecord& t) { s.bind(p, t.seconds); },
     [](const SqliteStatement& r, int c, TrialRecord& t) { return (t.seconds = r.real(c)), true; }},
    {"started_at", ":started_at", 1, nullptr,
     [](SqliteStatement& s, const char* p, const TrialRecord& t) { s.bind(p, t.startedAt); },
     [](const SqliteStatement& r, int c, TrialRecord& t) {
         return (t.startedAt = r.int64(c)), true;
     }},
    {"finished_at", ":finished_at", 1, nullptr,
     [](SqliteStatement& s, const char* p, const TrialRecord& t) { s.bind(p, t.finishedAt); },
     [](const SqliteStatement& r, int c, TrialRecord& t) {
         return (t.finishedAt = r.int64(c)), true;
     }},
    {"curve_json", ":curve_json", 1, nullptr,
     [](SqliteStatement& s, const char* p, const TrialRecord& t) { s.bind(p, t.curveJson); },
     [](const SqliteStatement& r, int c, TrialRecord& t) {
         return (t.curveJson = r.text(c)), true;
     }},
    {"checkpoint_path", ":checkpoint_path", 1, nullptr,
     [](SqliteStatement& s, const char* p, const TrialRecord& t) { s.bind(p, t.checkpointPath); },
     [](const SqliteStatement& r, int c, TrialRecord& t) {
         return (t.checkpointPath = r.text(c)), true;
     }},
    {"error", ":error", 1, nullptr,
     [](SqliteStatement& s, const char* p, const TrialRecord& t) { s.bind(p, t.error); },
     [](const SqliteStatement& r, int c, TrialRecord& t) { return (t.error = r.text(c)), true; }},
    {"host", ":host", 2, "''",
     [](SqliteStatement& s, const char* p, const TrialRecord& t) { s.bind(p, t.host); },
     [](const SqliteStatement& r, int c, TrialRecord& t) { return (t.host = r.text(c)), true; }},
    {"parent_trial_id", ":parent_trial_id", 1, nullptr,
     [](SqliteStatement& s, const char* p, const TrialRecord& t) { s.bindId(p, t.parentTrialId); },
     [](const SqliteStatement& r, int c, TrialRecord& t) {
         return (t.parentTrialId = r.integer(c)), true;
     }},
    {"attempts", ":attempts", 1, nullptr,
     [](SqliteStatement& s, const char* p, const TrialRecord& t) { s.bind(p, t.attempts); },
     [](const SqliteStatement& r, int c, TrialRecord& t) {
         return (t.attempts = r.integer(c)), true;
     }},
    {"rung", ":rung", 3, "0",
     [](SqliteStatement& s, const char* p, const TrialRecord& t) { s.bind(p, t.rung); },
     [](const SqliteStatement& r, int c, TrialRecord& t) { return (t.rung = r.integer(c)), true; }},
    {"rung_results_json", ":rung_results_json", 3, "'[]'",
     [](SqliteStatement& s, const char* p, const TrialRecord& t) {
         s.bind(p, rungResultsToJson(t.rungResults));
     },
     [](const SqliteStatement& r, int c, TrialRecord& t) {
         return rungResultsFromJson(r.text(c), t.rungResults);
     }},
}};

std::string joined(const std::string& separator, std::string (*item)(const Column&)) {
    std::string text;
    for (const Column& column : kColumns) {
        if (!text.empty()) text += separator;
        text += item(column);
    }
    return text;
}

}  // namespace

const std::string& insertSql() {
    static const std::string sql =
        "INSERT INTO trials (" + joined(", ", [](const Column& c) { return std::string(c.name); }) +
        ") VALUES (" + joined(", ", [](const Column& c) { return std::string(c.parameter); }) + ")";
    return sql;
}

const std::string& updateSql() {
    static const std::string sql =
        "UPDATE trials SET " +
        joined(", ", [](const Column& c) { return std::string(c.name) + " = " + c.parameter; }) +
        " WHERE id = :id";
    return sql;
}

std::string selectSql(int schemaVersion) {
    std::string columns = "id";
    for (const Column& column : kColumns) {
        columns += ", ";
        columns += schemaVersion >= column.sinceSchema
                       ? std::string(column.name)
                       : std::string(column.fallback) + " AS " + column.name;
    }
    return "SELECT " + columns + " FROM trials";
}

Status bind(SqliteStatement& statement, const TrialRecord& trial) {
    auto configuration = configurationToJson(trial.configuration);
    if (!configuration) return configuration.error();
    statement.bind(":configuration_json", std::move(*configuration));
    for (const Column& column : kColumns) {
        if (column.bind) column.bind(statement, column.parameter, trial);
    }
    return Done{};
}

Result<TrialRecord> read(const SqliteStatement& row, const std::string& file) {
    TrialRecord trial;
    trial.id = row.integer(0);
    for (std::size_t index = 0; index < kColumns.size(); ++index) {
        const Column& column = kColumns[index];
        if (!column.read(row, static_cast<int>(index) + 1, trial)) {
            return makeError(ErrorCode::InvalidInput, file + ": trial " + std::to_string(trial.id) +
                                                          ": " + column.name +
                                                          " holds a malformed value");
        }
    }
    return trial;
}

}  // namespace perfnas::trial_columns
