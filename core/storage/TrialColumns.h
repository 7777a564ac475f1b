#pragma once
// The trials table as one column table: each column's name, the schema version that added it (an
// older file reads a default instead), how a TrialRecord field is bound and read back. The INSERT,
// UPDATE and SELECT statements are generated from it, so no statement lists the columns by hand
// and nothing reads them by position. Private to core/storage.
#include <string>

#include "core/storage/ExperimentStore.h"
#include "core/storage/SqliteDatabase.h"

namespace perfnas::trial_columns {

// "INSERT INTO trials (...) VALUES (:...)"; every column but id.
const std::string& insertSql();
// "UPDATE trials SET c = :c, ... WHERE id = :id".
const std::string& updateSql();
// "SELECT id, ... FROM trials" for a file of `schemaVersion` (missing columns read defaults).
std::string selectSql(int schemaVersion);

// InvalidInput for a non-finite configuration value (nothing is bound then).
Status bind(SqliteStatement& statement, const TrialRecord& trial);
// A row of selectSql(); InvalidInput naming `file`, the trial and the malformed column.
Result<TrialRecord> read(const SqliteStatement& row, const std::string& file);

}  // namespace perfnas::trial_columns
