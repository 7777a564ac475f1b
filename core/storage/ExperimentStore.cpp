#include "core/storage/ExperimentStore.h"

#include <fcntl.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <string_view>
#include <system_error>

#include "core/storage/ExperimentSchema.h"
#include "core/storage/SqliteDatabase.h"
#include "core/storage/TrialColumns.h"

namespace perfnas {
namespace {

namespace fs = std::filesystem;
static_assert(kExperimentMigrations.size() == ExperimentStore::kSchemaVersion);

// A reader in another process holds its snapshot only briefly; wait for it rather than fail.
constexpr int kBusyTimeoutMs = 5000;

constexpr std::array<std::string_view, 6> kTrialStateNames = {"queued", "running",  "finished",
                                                              "failed", "diverged", "cancelled"};
constexpr std::array<std::string_view, 4> kPhaseKindNames = {"optimizer", "search", "refinement",
                                                             "finetune"};
constexpr std::array<std::string_view, 3> kPhaseStateNames = {"pending", "running", "finished"};

template <typename Enum, std::size_t N>
std::optional<Enum> parseName(const std::array<std::string_view, N>& names,
                              const std::string& name) {
    for (std::size_t i = 0; i < N; ++i) {
        if (names[i] == name) return static_cast<Enum>(i);
    }
    return std::nullopt;
}

constexpr const char* kPhaseColumns =
    "id, kind, round, space_json, trial_budget, max_minutes, state, started_at, finished_at";
constexpr const char* kBenchmarkColumns =
    "id, trial_id, target, runs, median_ms, p90_ms, mean_ms, coefficient_of_variation, error, "
    "details_json, created_at";

}  // namespace

std::string trialStateName(TrialState state) {
    return std::string(kTrialStateNames.at(static_cast<std::size_t>(state)));
}
std::optional<TrialState> parseTrialState(const std::string& name) {
    return parseName<TrialState>(kTrialStateNames, name);
}
std::string phaseKindName(PhaseKind kind) {
    return std::string(kPhaseKindNames.at(static_cast<std::size_t>(kind)));
}
std::optional<PhaseKind> parsePhaseKind(const std::string& name) {
    return parseName<PhaseKind>(kPhaseKindNames, name);
}
std::string phaseStateName(PhaseState state) {
    return std::string(kPhaseStateNames.at(static_cast<std::size_t>(state)));
}
std::optional<PhaseState> parsePhaseState(const std::string& name) {
    return parseName<PhaseState>(kPhaseStateNames, name);
}

struct ExperimentStore::Impl {
    fs::path file;
    Access access = Access::ReadWrite;
    std::unique_ptr<SqliteDatabase> db;
    int schemaVersion = 0;

    std::string name() const { return file.string(); }

    Status writable(const std::string& what) const {
        if (access == Access::ReadOnly) {
            return makeError(ErrorCode::IoFailure,
                             name() + ": cannot " + what + ": opened read-only");
        }
        return Done{};
    }

    // Per-connection settings. journal_mode=WAL is stored in the file, so setting it again is a
    // no-op; it also turns a migrated rollback-journal file into WAL.
    Status configure() const {
        if (access == Access::ReadOnly) return Done{};
        auto mode = db->queryText("PRAGMA journal_mode = WAL", "switch to WAL journal mode");
        if (!mode) return mode.error();
        if (*mode != "wal") {
            return makeError(ErrorCode::IoFailure,
                             name() + ": cannot switch to WAL journal mode (" + *mode + ")");
        }
        // FULL: a commit is on disk when it returns, not only in the OS cache (power loss too).
        return db->execute("PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON",
                           "configure the connection");
    }

    // Applies the steps after `from`, then stamps the file; the caller holds a write transaction.
    Status migrate(int from) const {
        for (int step = from; step < kSchemaVersion; ++step) {
            const std::string sql(kExperimentMigrations[static_cast<std::size_t>(step)]);
            if (auto done = db->execute(sql, "migrate to schema " + std::to_string(step + 1));
                !done)
                return done;
        }
        return db->execute("PRAGMA application_id = " + std::to_string(kExperimentApplicationId) +
                               "; PRAGMA user_version = " + std::to_string(kSchemaVersion),
                           "write the schema version");
    }
};

namespace {

void bindExperiment(SqliteStatement& statement, const ExperimentInfo& info) {
    statement.bind(":name", info.name);
    statement.bind(":config_json", info.configJson);
    statement.bind(":seed_spec_json", info.seedSpecJson);
    statement.bind(":dataset_path", info.datasetPath);
    statement.bind(":dataset_hash", info.datasetHash);
    statement.bind(":created_at", info.createdAt);
}

void bindPhase(SqliteStatement& statement, const PhaseRecord& phase) {
    statement.bind(":kind", phaseKindName(phase.kind));
    statement.bind(":round", phase.round);
    statement.bind(":space_json", phase.spaceJson);
    statement.bind(":trial_budget", phase.trialBudget);
    statement.bind(":max_minutes", phase.maxMinutes);
    statement.bind(":state", phaseStateName(phase.state));
    statement.bind(":started_at", phase.startedAt);
    statement.bind(":finished_at", phase.finishedAt);
}

Result<PhaseRecord> readPhase(const SqliteStatement& row, const std::string& file) {
    PhaseRecord phase;
    phase.id = row.integer(0);
    const auto kind = parsePhaseKind(row.text(1));
    const auto state = parsePhaseState(row.text(6));
    if (!kind || !state) {
        return makeError(ErrorCode::InvalidInput, file + ": phase " + std::to_string(phase.id) +
                                                      " has an unknown kind or state");
    }
    phase.kind = *kind;
    phase.round = row.integer(2);
    phase.spaceJson = row.text(3);
    phase.trialBudget = row.integer(4);
    phase.maxMinutes = row.real(5);
    phase.state = *state;
    phase.startedAt = row.int64(7);
    phase.finishedAt = row.int64(8);
    return phase;
}

BenchmarkRecord readBenchmark(const SqliteStatement& row) {
    BenchmarkRecord benchmark;
    benchmark.id = row.integer(0);
    benchmark.trialId = row.integer(1);
    benchmark.target = row.text(2);
    benchmark.runs = row.integer(3);
    benchmark.medianMs = row.real(4);
    benchmark.p90Ms = row.real(5);
    benchmark.meanMs = row.real(6);
    benchmark.coefficientOfVariation = row.real(7);
    benchmark.error = row.text(8);
    benchmark.detailsJson = row.text(9);
    benchmark.createdAt = row.int64(10);
    return benchmark;
}

void removeDatabaseFiles(const fs::path& file) {
    std::error_code ignored;
    for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
        fs::remove(fs::path(file.string() + suffix), ignored);
    }
}

}  // namespace

ExperimentStore::ExperimentStore(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
ExperimentStore::~ExperimentStore() = default;

Result<std::unique_ptr<ExperimentStore>> ExperimentStore::create(const fs::path& file,
                                                                 const ExperimentInfo& info) {
    const std::string name = file.string();
    // O_EXCL: refuse an existing file atomically, even one another process creates right now.
    const int fd = ::open(name.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0) {
        const int error = errno;
        if (error == EEXIST) return makeError(ErrorCode::IoFailure, name + ": already exists");
        if (error == ENOENT) {
            return makeError(ErrorCode::IoFailure, name + ": cannot create: folder " +
                                                       file.parent_path().string() +
                                                       " does not exist");
        }
        return makeError(ErrorCode::IoFailure, name + ": cannot create: " + std::strerror(error));
    }
    ::close(fd);

    auto impl = std::make_unique<Impl>(Impl{.file = file});
    // An empty file is a valid empty database; from here on a failure removes what was created.
    auto build = [&]() -> Status {
        auto db = SqliteDatabase::open(file, SQLITE_OPEN_READWRITE, kBusyTimeoutMs);
        if (!db) return db.error();
        impl->db = std::move(*db);
        if (auto done = impl->configure(); !done) return done;
        SqliteTransaction transaction(*impl->db);
        if (auto done = transaction.begin("create the schema"); !done) return done;
        if (auto done = impl->migrate(0); !done) return done;
        auto insert = impl->db->prepare(
            "INSERT INTO experiment (id, name, config_json, seed_spec_json, dataset_path, "
            "dataset_hash, "
            "created_at) VALUES (1, :name, :config_json, :seed_spec_json, :dataset_path, "
            ":dataset_hash, "
            ":created_at)",
            "store the experiment");
        if (!insert) return insert.error();
        {
            SqliteStatement statement(*insert);
            bindExperiment(statement, info);
            if (const int result = statement.step(); result != SQLITE_DONE) {
                return impl->db->failure("store the experiment", result);
            }
        }
        return transaction.commit("create the schema");
    };
    if (auto built = build(); !built) {
        impl.reset();
        removeDatabaseFiles(file);
        return built.error();
    }
    impl->schemaVersion = kSchemaVersion;
    return std::unique_ptr<ExperimentStore>(new ExperimentStore(std::move(impl)));
}

Result<std::unique_ptr<ExperimentStore>> ExperimentStore::open(const fs::path& file,
                                                               Access access) {
    const std::string name = file.string();
    std::error_code statError;
    if (!fs::exists(file, statError))
        return makeError(ErrorCode::NotFound, name + ": no such experiment file");
    auto db = SqliteDatabase::open(
        file, access == Access::ReadOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE,
        kBusyTimeoutMs);
    if (!db) return db.error();
    auto impl = std::make_unique<Impl>(Impl{.file = file, .access = access, .db = std::move(*db)});

    // Identify the file before changing anything in it: a foreign database keeps its journal mode.
    const Error foreign =
        makeError(ErrorCode::InvalidInput, name + " is not a PerfNAS experiment file");
    auto applicationId = impl->db->queryInteger("PRAGMA application_id", "read the file");
    if (!applicationId)
        return impl->db->errorCode() == SQLITE_NOTADB ? foreign : applicationId.error();
    auto version = impl->db->queryInteger("PRAGMA user_version", "read the file");
    if (!version) return version.error();
    if (*applicationId != kExperimentApplicationId || *version < 1) return foreign;
    if (*version > kSchemaVersion) {
        return makeError(ErrorCode::InvalidInput,
                         name + " was written by a newer PerfNAS (schema " +
                             std::to_string(*version) + "; this build reads up to " +
                             std::to_string(kSchemaVersion) + ")");
    }
    if (auto done = impl->configure(); !done) return done.error();
    impl->schemaVersion = static_cast<int>(*version);

    // ReadOnly leaves an older file as it is and reads what it holds (version-aware queries).
    if (access == Access::ReadWrite && impl->schemaVersion < kSchemaVersion) {
        SqliteTransaction transaction(*impl->db);
        if (auto done = transaction.begin("migrate"); !done) return done.error();
        // Another process may have migrated between the check above and the write lock.
        auto current = impl->db->queryInteger("PRAGMA user_version", "migrate");
        if (!current) return current.error();
        if (auto done = impl->migrate(static_cast<int>(*current)); !done) return done.error();
        if (auto done = transaction.commit("migrate"); !done) return done.error();
        impl->schemaVersion = kSchemaVersion;
    }
    return std::unique_ptr<ExperimentStore>(new ExperimentStore(std::move(impl)));
}

const fs::path& ExperimentStore::file() const { return m_impl->file; }

int ExperimentStore::schemaVersion() const { return m_impl->schemaVersion; }

Result<std::int64_t> ExperimentStore::dataVersion() const {
    return m_impl->db->queryInteger("PRAGMA data_version", "read the data version");
}

Result<ExperimentInfo> ExperimentStore::experiment() const {
    const std::string what = "read the experiment";
    auto prepared = m_impl->db->prepare(
        "SELECT name, config_json, seed_spec_json, dataset_path, dataset_hash, created_at FROM "
        "experiment "
        "WHERE id = 1",
        what);
    if (!prepared) return prepared.error();
    SqliteStatement statement(*prepared);
    const int result = statement.step();
    if (result == SQLITE_DONE)
        return makeError(ErrorCode::InvalidInput, m_impl->name() + ": no experiment row");
    if (result != SQLITE_ROW) return m_impl->db->failure(what, result);
    return ExperimentInfo{.name = statement.text(0),
                          .configJson = statement.text(1),
                          .seedSpecJson = statement.text(2),
                          .datasetPath = statement.text(3),
                          .datasetHash = statement.text(4),
                          .createdAt = statement.int64(5)};
}

Status ExperimentStore::updateExperiment(const ExperimentInfo& info) {
    const std::string what = "update the experiment";
    if (auto done = m_impl->writable(what); !done) return done;
    auto prepared = m_impl->db->prepare(
        "UPDATE experiment SET name = :name, config_json = :config_json, seed_spec_json = "
        ":seed_spec_json, "
        "dataset_path = :dataset_path, dataset_hash = :dataset_hash, created_at = :created_at "
        "WHERE id = 1",
        what);
    if (!prepared) return prepared.error();
    SqliteStatement statement(*prepared);
    bindExperiment(statement, info);
    if (const int result = statement.step(); result != SQLITE_DONE)
        return m_impl->db->failure(what, result);
    if (m_impl->db->changes() == 0) {
        return makeError(ErrorCode::InvalidInput, m_impl->name() + ": no experiment row");
    }
    return Done{};
}

Result<int> ExperimentStore::addPhase(const PhaseRecord& phase) {
    const std::string what = "add a phase";
    if (auto done = m_impl->writable(what); !done) return done.error();
    auto prepared = m_impl->db->prepare(
        "INSERT INTO phases (kind, round, space_json, trial_budget, max_minutes, state, "
        "started_at, "
        "finished_at) VALUES (:kind, :round, :space_json, :trial_budget, :max_minutes, :state, "
        ":started_at, "
        ":finished_at)",
        what);
    if (!prepared) return prepared.error();
    SqliteStatement statement(*prepared);
    bindPhase(statement, phase);
    if (const int result = statement.step(); result != SQLITE_DONE)
        return m_impl->db->failure(what, result);
    return m_impl->db->lastInsertId();
}

Status ExperimentStore::updatePhase(const PhaseRecord& phase) {
    const std::string what = "update phase " + std::to_string(phase.id);
    if (auto done = m_impl->writable(what); !done) return done;
    auto prepared = m_impl->db->prepare(
        "UPDATE phases SET kind = :kind, round = :round, space_json = :space_json, trial_budget = "
        ":trial_budget, max_minutes = :max_minutes, state = :state, started_at = :started_at, "
        "finished_at = "
        ":finished_at WHERE id = :id",
        "update a phase");
    if (!prepared) return prepared.error();
    SqliteStatement statement(*prepared);
    bindPhase(statement, phase);
    statement.bind(":id", phase.id);
    if (const int result = statement.step(); result != SQLITE_DONE)
        return m_impl->db->failure(what, result);
    if (m_impl->db->changes() == 0) {
        return makeError(ErrorCode::NotFound,
                         m_impl->name() + ": no phase " + std::to_string(phase.id));
    }
    return Done{};
}

Result<std::vector<PhaseRecord>> ExperimentStore::phases() const {
    const std::string what = "read the phases";
    auto prepared = m_impl->db->prepare(
        std::string("SELECT ") + kPhaseColumns + " FROM phases ORDER BY id", what);
    if (!prepared) return prepared.error();
    SqliteStatement statement(*prepared);
    std::vector<PhaseRecord> phases;
    int result = SQLITE_ROW;
    while ((result = statement.step()) == SQLITE_ROW) {
        auto phase = readPhase(statement, m_impl->name());
        if (!phase) return phase.error();
        phases.push_back(std::move(*phase));
    }
    if (result != SQLITE_DONE) return m_impl->db->failure(what, result);
    return phases;
}

Result<int> ExperimentStore::addTrial(const TrialRecord& trial) {
    const std::string what = "add a trial";
    if (auto done = m_impl->writable(what); !done) return done.error();
    auto prepared = m_impl->db->prepare(trial_columns::insertSql(), what);
    if (!prepared) return prepared.error();
    SqliteStatement statement(*prepared);
    if (auto bound = trial_columns::bind(statement, trial); !bound) {
        return makeError(ErrorCode::InvalidInput,
                         m_impl->name() + ": cannot " + what + ": " + bound.error().message);
    }
    if (const int result = statement.step(); result != SQLITE_DONE)
        return m_impl->db->failure(what, result);
    return m_impl->db->lastInsertId();
}

Status ExperimentStore::updateTrial(const TrialRecord& trial) {
    const std::string what = "update trial " + std::to_string(trial.id);
    if (auto done = m_impl->writable(what); !done) return done;
    auto prepared = m_impl->db->prepare(trial_columns::updateSql(), what);
    if (!prepared) return prepared.error();
    SqliteStatement statement(*prepared);
    if (auto bound = trial_columns::bind(statement, trial); !bound) {
        return makeError(ErrorCode::InvalidInput,
                         m_impl->name() + ": cannot " + what + ": " + bound.error().message);
    }
    statement.bind(":id", trial.id);
    if (const int result = statement.step(); result != SQLITE_DONE)
        return m_impl->db->failure(what, result);
    if (m_impl->db->changes() == 0) {
        return makeError(ErrorCode::NotFound,
                         m_impl->name() + ": no trial " + std::to_string(trial.id));
    }
    return Done{};
}

Result<TrialRecord> ExperimentStore::trial(int id) const {
    const std::string what = "read trial " + std::to_string(id);
    auto prepared = m_impl->db->prepare(
        trial_columns::selectSql(m_impl->schemaVersion) + " WHERE id = :id", "read a trial");
    if (!prepared) return prepared.error();
    SqliteStatement statement(*prepared);
    statement.bind(":id", id);
    const int result = statement.step();
    if (result == SQLITE_DONE) {
        return makeError(ErrorCode::NotFound, m_impl->name() + ": no trial " + std::to_string(id));
    }
    if (result != SQLITE_ROW) return m_impl->db->failure(what, result);
    return trial_columns::read(statement, m_impl->name());
}

Result<std::vector<TrialRecord>> ExperimentStore::trials() const {
    const std::string what = "read the trials";
    auto prepared =
        m_impl->db->prepare(trial_columns::selectSql(m_impl->schemaVersion) + " ORDER BY id", what);
    if (!prepared) return prepared.error();
    SqliteStatement statement(*prepared);
    std::vector<TrialRecord> trials;
    int result = SQLITE_ROW;
    while ((result = statement.step()) == SQLITE_ROW) {
        auto trial = trial_columns::read(statement, m_impl->name());
        if (!trial) return trial.error();
        trials.push_back(std::move(*trial));
    }
    if (result != SQLITE_DONE) return m_impl->db->failure(what, result);
    return trials;
}

Result<int> ExperimentStore::requeueInterrupted() {
    const std::string what = "requeue interrupted trials";
    if (auto done = m_impl->writable(what); !done) return done.error();
    // attempts stays: the runner counted the attempt when it marked the trial Running.
    auto prepared =
        m_impl->db->prepare("UPDATE trials SET state = 'queued' WHERE state = 'running'", what);
    if (!prepared) return prepared.error();
    SqliteStatement statement(*prepared);
    if (const int result = statement.step(); result != SQLITE_DONE)
        return m_impl->db->failure(what, result);
    return m_impl->db->changes();
}

Result<int> ExperimentStore::addBenchmark(const BenchmarkRecord& benchmark) {
    const std::string what = "add a benchmark";
    if (auto done = m_impl->writable(what); !done) return done.error();
    auto prepared = m_impl->db->prepare(
        "INSERT INTO benchmarks (trial_id, target, runs, median_ms, p90_ms, mean_ms, "
        "coefficient_of_variation, "
        "error, details_json, created_at) VALUES (:trial_id, :target, :runs, :median_ms, :p90_ms, "
        ":mean_ms, "
        ":coefficient_of_variation, :error, :details_json, :created_at)",
        what);
    if (!prepared) return prepared.error();
    SqliteStatement statement(*prepared);
    statement.bindId(":trial_id", benchmark.trialId);
    statement.bind(":target", benchmark.target);
    statement.bind(":runs", benchmark.runs);
    statement.bind(":median_ms", benchmark.medianMs);
    statement.bind(":p90_ms", benchmark.p90Ms);
    statement.bind(":mean_ms", benchmark.meanMs);
    statement.bind(":coefficient_of_variation", benchmark.coefficientOfVariation);
    statement.bind(":error", benchmark.error);
    statement.bind(":details_json", benchmark.detailsJson);
    statement.bind(":created_at", benchmark.createdAt);
    if (const int result = statement.step(); result != SQLITE_DONE)
        return m_impl->db->failure(what, result);
    return m_impl->db->lastInsertId();
}

Result<std::vector<BenchmarkRecord>> ExperimentStore::benchmarks() const {
    // Version 1 files (read-only) have no benchmarks table.
    if (m_impl->schemaVersion < 2) return std::vector<BenchmarkRecord>{};
    const std::string what = "read the benchmarks";
    auto prepared = m_impl->db->prepare(
        std::string("SELECT ") + kBenchmarkColumns + " FROM benchmarks ORDER BY id", what);
    if (!prepared) return prepared.error();
    SqliteStatement statement(*prepared);
    std::vector<BenchmarkRecord> benchmarks;
    int result = SQLITE_ROW;
    while ((result = statement.step()) == SQLITE_ROW)
        benchmarks.push_back(readBenchmark(statement));
    if (result != SQLITE_DONE) return m_impl->db->failure(what, result);
    return benchmarks;
}

Status ExperimentStore::putLatency(const LatencyRecord& latency) {
    const std::string what = "store a latency";
    if (auto done = m_impl->writable(what); !done) return done.error();
    auto prepared = m_impl->db->prepare(
        "INSERT OR REPLACE INTO latencies (architecture, target, median_ms, "
        "coefficient_of_variation, runs, noisy, device, measured_at) VALUES (:architecture, "
        ":target, :median_ms, :coefficient_of_variation, :runs, :noisy, :device, :measured_at)",
        what);
    if (!prepared) return prepared.error();
    SqliteStatement statement(*prepared);
    statement.bind(":architecture", latency.architecture);
    statement.bind(":target", latency.target);
    statement.bind(":median_ms", latency.medianMs);
    statement.bind(":coefficient_of_variation", latency.coefficientOfVariation);
    statement.bind(":runs", latency.runs);
    statement.bind(":noisy", latency.noisy ? 1 : 0);
    statement.bind(":device", latency.device);
    statement.bind(":measured_at", latency.measuredAt);
    if (const int result = statement.step(); result != SQLITE_DONE)
        return m_impl->db->failure(what, result);
    return Done{};
}

Result<std::vector<LatencyRecord>> ExperimentStore::latencies() const {
    if (m_impl->schemaVersion < 4) return std::vector<LatencyRecord>{};  // read-only, older file
    const std::string what = "read the latencies";
    auto prepared = m_impl->db->prepare(
        "SELECT architecture, target, median_ms, coefficient_of_variation, runs, noisy, device, "
        "measured_at FROM latencies ORDER BY measured_at, target",
        what);
    if (!prepared) return prepared.error();
    SqliteStatement statement(*prepared);
    std::vector<LatencyRecord> latencies;
    int result = SQLITE_ROW;
    while ((result = statement.step()) == SQLITE_ROW) {
        latencies.push_back({.architecture = statement.text(0),
                             .target = statement.text(1),
                             .medianMs = statement.real(2),
                             .coefficientOfVariation = statement.real(3),
                             .runs = statement.integer(4),
                             .noisy = statement.integer(5) != 0,
                             .device = statement.text(6),
                             .measuredAt = statement.int64(7)});
    }
    if (result != SQLITE_DONE) return m_impl->db->failure(what, result);
    return latencies;
}

}  // namespace perfnas
