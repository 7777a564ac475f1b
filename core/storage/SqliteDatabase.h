#pragma once
// SqliteDatabase: one SQLite connection with cached prepared statements and errors that name the
// file; SqliteStatement and SqliteTransaction use it in a scope. Private to core/storage (it
// includes sqlite3.h). Not thread-safe: one owner thread per connection.
#include <sqlite3.h>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "core/common/Result.h"

namespace perfnas {

class SqliteDatabase {
public:
    // `flags`: SQLITE_OPEN_READONLY or SQLITE_OPEN_READWRITE (never CREATE: callers decide that).
    // A locked file is retried for up to `busyTimeoutMs` before a call fails with "database is
    // locked".
    static Result<std::unique_ptr<SqliteDatabase>> open(const std::filesystem::path& file,
                                                        int flags, int busyTimeoutMs);
    ~SqliteDatabase();
    SqliteDatabase(const SqliteDatabase&) = delete;
    SqliteDatabase& operator=(const SqliteDatabase&) = delete;

    const std::string& name() const { return m_name; }
    sqlite3* handle() const { return m_db; }
    int errorCode() const { return sqlite3_errcode(m_db); }

    // "FILE: cannot WHAT: sqlite3_errmsg"; InvalidInput for a constraint (the caller's record),
    // IoFailure otherwise. `result` is the failed call's code when it is not the last error's.
    Error failure(const std::string& what) const { return failure(what, errorCode()); }
    Error failure(const std::string& what, int result) const;

    // Runs one or more statements without results (schema, PRAGMA settings, BEGIN/COMMIT).
    Status execute(const std::string& sql, const std::string& what) const;
    // Prepared once per connection and kept, keyed by the SQL text.
    Result<sqlite3_stmt*> prepare(std::string_view sql, const std::string& what) const;
    // The first column of the first row (PRAGMA user_version, journal_mode, ...).
    Result<std::int64_t> queryInteger(std::string_view sql, const std::string& what) const;
    Result<std::string> queryText(std::string_view sql, const std::string& what) const;

    int changes() const { return sqlite3_changes(m_db); }
    int lastInsertId() const { return static_cast<int>(sqlite3_last_insert_rowid(m_db)); }

private:
    SqliteDatabase(std::string name, sqlite3* db) : m_name(std::move(name)), m_db(db) {}

    std::string m_name;
    sqlite3* m_db;
    mutable std::map<std::string, sqlite3_stmt*, std::less<>> m_statements;
};

// A cached prepared statement in use: bindings by name, reset when the scope ends so that it
// releases its read snapshot and can run again.
class SqliteStatement {
public:
    explicit SqliteStatement(sqlite3_stmt* statement) : m_statement(statement) {}
    ~SqliteStatement();
    SqliteStatement(const SqliteStatement&) = delete;
    SqliteStatement& operator=(const SqliteStatement&) = delete;

    void bind(const char* name, int value);
    void bind(const char* name, std::int64_t value);
    void bind(const char* name, double value);              // NaN is stored as NULL (SQLite's rule)
    void bind(const char* name, const std::string& value);  // not copied: outlives step()
    void bind(const char* name, std::string&& value);       // a temporary: copied
    void bindNull(const char* name);
    // Record ids of 0 mean "none": bound as NULL, so that a foreign key holds.
    void bindId(const char* name, int id);

    // SQLITE_ROW, SQLITE_DONE or an error code (a failed bind comes out here).
    int step();

    int integer(int column) const { return sqlite3_column_int(m_statement, column); }
    std::int64_t int64(int column) const { return sqlite3_column_int64(m_statement, column); }
    double real(int column) const;  // NULL reads as NaN, the inverse of bind(double)
    std::string text(int column) const;

private:
    int index(const char* name) const;
    void check(int result);

    sqlite3_stmt* m_statement;
    int m_bindResult = SQLITE_OK;
};

// BEGIN IMMEDIATE takes the write lock up front, so a busy file waits (busy_timeout) at the start
// instead of failing half-way. Rolls back unless committed.
class SqliteTransaction {
public:
    explicit SqliteTransaction(const SqliteDatabase& db) : m_db(db) {}
    ~SqliteTransaction();
    SqliteTransaction(const SqliteTransaction&) = delete;
    SqliteTransaction& operator=(const SqliteTransaction&) = delete;

    Status begin(const std::string& what);
    Status commit(const std::string& what);

private:
    const SqliteDatabase& m_db;
    bool m_open = false;
};

}  // namespace perfnas
