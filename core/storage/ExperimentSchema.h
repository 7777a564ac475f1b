#pragma once
// The experiment file's schema as ordered migration steps: step i takes a file from
// PRAGMA user_version i to i + 1. A released step is never edited (old files replay the steps
// after theirs); tests build old files from the early steps. SQL text only: no sqlite3.h here.
#include <array>
#include <cstdint>
#include <string_view>

namespace perfnas {

// PRAGMA application_id of every experiment file: 'PNAS'.
inline constexpr std::int32_t kExperimentApplicationId = 0x504E4153;

// No CHECK constraints on enum names: SQLite cannot alter a CHECK without rebuilding the table,
// and names are validated when read. REAL columns are nullable because SQLite stores NaN as NULL
// (a diverged trial's figures); NULL reads back as NaN. Ids of 0 in a record are NULL here.
inline constexpr std::array<std::string_view, 4> kExperimentMigrations = {
    // 1: experiment, phases, trials.
    R"sql(
CREATE TABLE experiment (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    name TEXT NOT NULL,
    config_json TEXT NOT NULL,
    seed_spec_json TEXT NOT NULL,
    dataset_path TEXT NOT NULL,
    dataset_hash TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE TABLE phases (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,
    round INTEGER NOT NULL,
    space_json TEXT NOT NULL,
    trial_budget INTEGER NOT NULL,
    max_minutes REAL,
    state TEXT NOT NULL,
    started_at INTEGER NOT NULL,
    finished_at INTEGER NOT NULL
);
CREATE TABLE trials (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    phase_id INTEGER NOT NULL REFERENCES phases (id),
    state TEXT NOT NULL,
    configuration_json TEXT NOT NULL,
    spec_json TEXT NOT NULL,
    training_json TEXT NOT NULL,
    validation_top1 REAL,
    test_top1 REAL,
    mfpops REAL,
    params INTEGER NOT NULL,
    iterations_done INTEGER NOT NULL,
    seconds REAL,
    started_at INTEGER NOT NULL,
    finished_at INTEGER NOT NULL,
    curve_json TEXT NOT NULL,
    checkpoint_path TEXT NOT NULL,
    error TEXT NOT NULL,
    parent_trial_id INTEGER REFERENCES trials (id),
    attempts INTEGER NOT NULL
);
CREATE INDEX trials_by_phase ON trials (phase_id);
)sql",
    // 2: where a trial ran; latency benchmarks.
    R"sql(
ALTER TABLE trials ADD COLUMN host TEXT NOT NULL DEFAULT '';
CREATE TABLE benchmarks (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    trial_id INTEGER REFERENCES trials (id),
    target TEXT NOT NULL,
    runs INTEGER NOT NULL,
    median_ms REAL,
    p90_ms REAL,
    mean_ms REAL,
    coefficient_of_variation REAL,
    error TEXT NOT NULL,
    details_json TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX benchmarks_by_trial ON benchmarks (trial_id);
)sql",
    // 3: multi-fidelity search (rungs of successive halving).
    R"sql(
ALTER TABLE trials ADD COLUMN rung INTEGER NOT NULL DEFAULT 0;
ALTER TABLE trials ADD COLUMN rung_results_json TEXT NOT NULL DEFAULT '[]';
)sql",
    // 4: latency per architecture and target (the latency objective), measured once each.
    R"sql(
CREATE TABLE latencies (
    architecture TEXT NOT NULL,
    target TEXT NOT NULL,
    median_ms REAL,
    coefficient_of_variation REAL,
    runs INTEGER NOT NULL,
    noisy INTEGER NOT NULL,
    device TEXT NOT NULL,
    measured_at INTEGER NOT NULL,
    PRIMARY KEY (architecture, target)
);
)sql",
};

}  // namespace perfnas
