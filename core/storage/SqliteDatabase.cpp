#include "core/storage/SqliteDatabase.h"

#include <cassert>
#include <limits>

namespace perfnas {

Result<std::unique_ptr<SqliteDatabase>> SqliteDatabase::open(const std::filesystem::path& file,
                                                             int flags, int busyTimeoutMs) {
    const std::string name = file.string();
    sqlite3* db = nullptr;
    if (sqlite3_open_v2(name.c_str(), &db, flags, nullptr) != SQLITE_OK) {
        const std::string reason = db ? sqlite3_errmsg(db) : "out of memory";
        sqlite3_close_v2(db);
        return makeError(ErrorCode::IoFailure, name + ": cannot open: " + reason);
    }
    sqlite3_busy_timeout(db, busyTimeoutMs);
    return std::unique_ptr<SqliteDatabase>(new SqliteDatabase(name, db));
}

SqliteDatabase::~SqliteDatabase() {
    for (auto& [sql, statement] : m_statements) sqlite3_finalize(statement);
    // Closing the last connection to a WAL file checkpoints it into the main file.
    sqlite3_close_v2(m_db);
}

Error SqliteDatabase::failure(const std::string& what, int result) const {
    // A constraint (an unknown phase or parent id) is the caller's input, not the disk.
    const ErrorCode code =
        (result & 0xff) == SQLITE_CONSTRAINT ? ErrorCode::InvalidInput : ErrorCode::IoFailure;
    return makeError(code, m_name + ": cannot " + what + ": " + sqlite3_errmsg(m_db));
}

Status SqliteDatabase::execute(const std::string& sql, const std::string& what) const {
    if (sqlite3_exec(m_db, sql.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK)
        return failure(what);
    return Done{};
}

Result<sqlite3_stmt*> SqliteDatabase::prepare(std::string_view sql, const std::string& what) const {
    if (auto found = m_statements.find(sql); found != m_statements.end()) return found->second;
    sqlite3_stmt* statement = nullptr;
    if (sqlite3_prepare_v3(m_db, sql.data(), static_cast<int>(sql.size()),
                           SQLITE_PREPARE_PERSISTENT, &statement, nullptr) != SQLITE_OK) {
        sqlite3_finalize(statement);
        return failure(what);
    }
    m_statements.emplace(std::string(sql), statement);
    return statement;
}

Result<std::int64_t> SqliteDatabase::queryInteger(std::string_view sql,
                                                  const std::string& what) const {
    auto prepared = prepare(sql, what);
    if (!prepared) return prepared.error();
    SqliteStatement statement(*prepared);
    if (const int result = statement.step(); result != SQLITE_ROW) return failure(what, result);
    return statement.int64(0);
}

Result<std::string> SqliteDatabase::queryText(std::string_view sql, const std::string& what) const {
    auto prepared = prepare(sql, what);
    if (!prepared) return prepared.error();
    SqliteStatement statement(*prepared);
    if (const int result = statement.step(); result != SQLITE_ROW) return failure(what, result);
    return statement.text(0);
}

SqliteStatement::~SqliteStatement() {
    sqlite3_reset(m_statement);
    sqlite3_clear_bindings(m_statement);
}

void SqliteStatement::bind(const char* name, int value) {
    check(sqlite3_bind_int(m_statement, index(name), value));
}

void SqliteStatement::bind(const char* name, std::int64_t value) {
    check(sqlite3_bind_int64(m_statement, index(name), value));
}

void SqliteStatement::bind(const char* name, double value) {
    check(sqlite3_bind_double(m_statement, index(name), value));
}

void SqliteStatement::bind(const char* name, const std::string& value) {
    check(sqlite3_bind_text64(m_statement, index(name), value.data(), value.size(), SQLITE_STATIC,
                              SQLITE_UTF8));
}

void SqliteStatement::bind(const char* name, std::string&& value) {
    check(sqlite3_bind_text64(m_statement, index(name), value.data(), value.size(),
                              SQLITE_TRANSIENT, SQLITE_UTF8));
}

void SqliteStatement::bindNull(const char* name) {
    check(sqlite3_bind_null(m_statement, index(name)));
}

void SqliteStatement::bindId(const char* name, int id) {
    if (id == 0) {
        bindNull(name);
    } else {
        bind(name, id);
    }
}

int SqliteStatement::step() {
    return m_bindResult != SQLITE_OK ? m_bindResult : sqlite3_step(m_statement);
}

double SqliteStatement::real(int column) const {
    if (sqlite3_column_type(m_statement, column) == SQLITE_NULL)
        return std::numeric_limits<double>::quiet_NaN();
    return sqlite3_column_double(m_statement, column);
}

std::string SqliteStatement::text(int column) const {
    const auto* bytes = reinterpret_cast<const char*>(sqlite3_column_text(m_statement, column));
    if (!bytes) return {};
    return std::string(bytes, static_cast<std::size_t>(sqlite3_column_bytes(m_statement, column)));
}

int SqliteStatement::index(const char* name) const {
    const int i = sqlite3_bind_parameter_index(m_statement, name);
    assert(i > 0 && "parameter not in the statement");
    return i;
}

void SqliteStatement::check(int result) {
    if (m_bindResult == SQLITE_OK) m_bindResult = result;
}

SqliteTransaction::~SqliteTransaction() {
    if (m_open) sqlite3_exec(m_db.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
}

Status SqliteTransaction::begin(const std::string& what) {
    if (auto done = m_db.execute("BEGIN IMMEDIATE", what); !done) return done;
    m_open = true;
    return Done{};
}

Status SqliteTransaction::commit(const std::string& what) {
    if (auto done = m_db.execute("COMMIT", what); !done) return done;
    m_open = false;
    return Done{};
}

}  // namespace perfnas
