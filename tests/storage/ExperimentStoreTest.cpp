#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <QTemporaryDir>
#include <QtTest>
#include <bit>
#include <cmath>
#include <fstream>
#include <limits>

#include "core/storage/ExperimentSchema.h"
#include "core/storage/ExperimentStore.h"

using perfnas::BenchmarkRecord;
using perfnas::ErrorCode;
using perfnas::ExperimentInfo;
using perfnas::ExperimentStore;
using perfnas::LatencyRecord;
using perfnas::PhaseKind;
using perfnas::PhaseRecord;
using perfnas::PhaseState;
using perfnas::TrialRecord;
using perfnas::TrialState;

namespace {

namespace fs = std::filesystem;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Exact equality: the store must give back the very bits it was given (NaN reads back as NaN).
bool same(double a, double b) {
    return std::bit_cast<std::uint64_t>(a) == std::bit_cast<std::uint64_t>(b) ||
           (std::isnan(a) && std::isnan(b));
}
bool same(const std::vector<double>& a, const std::vector<double>& b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (!same(a[i], b[i])) return false;
    }
    return true;
}

// Raw SQLite on a file, for building files the store did not write (foreign, older, newer).
void execRaw(const fs::path& file, const std::string& sql) {
    sqlite3* db = nullptr;
    QCOMPARE(
        sqlite3_open_v2(file.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr),
        SQLITE_OK);
    char* message = nullptr;
    const int result = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &message);
    const std::string text = message ? message : "";
    sqlite3_free(message);
    sqlite3_close(db);
    QVERIFY2(result == SQLITE_OK, text.c_str());
}

std::string pragmaRaw(const fs::path& file, const std::string& pragma) {
    sqlite3* db = nullptr;
    sqlite3_open_v2(file.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
    sqlite3_stmt* statement = nullptr;
    std::string value;
    if (sqlite3_prepare_v2(db, ("PRAGMA " + pragma).c_str(), -1, &statement, nullptr) ==
            SQLITE_OK &&
        sqlite3_step(statement) == SQLITE_ROW) {
        value = reinterpret_cast<const char*>(sqlite3_column_text(statement, 0));
    }
    sqlite3_finalize(statement);
    sqlite3_close(db);
    return value;
}

ExperimentInfo sampleInfo() {
    return {.name = "kws10 search",
            .configJson = R"({"trials": 40, "workers": 2})",
            .seedSpecJson = R"({"name": "paper-seed", "units": []})",
            .datasetPath = "/data/speech_commands_v0.02",
            .datasetHash = "sha256:0123abcd",
            .createdAt = 1'700'000'000};
}

PhaseRecord samplePhase() {
    return {.kind = PhaseKind::Refinement,
            .round = 2,
            .spaceJson = R"({"unit1.kh": [1, 10]})",
            .trialBudget = 60,
            .maxMinutes = 90.5,
            .state = PhaseState::Running,
            .startedAt = 1'700'000'100,
            .finishedAt = 0};
}

TrialRecord sampleTrial(int phaseId) {
    return {
        .phaseId = phaseId,
        .state = TrialState::Finished,
        .configuration = {4, 10, 0.1, 1.0 / 3.0, 5e-324, -2.5e300, 100},
        .specJson = R"({"name": "candidate", "units": [{"kh": 4, "kw": 10, "filters": 100}]})",
        .trainingJson = R"({"iterations": 8000, "lr": 0.001})",
        .validationTop1 = 0.9132653061224489,
        .testTop1 = 0.9,
        .mfpops = 613.184,
        .params = 454'000'000'000,
        .iterationsDone = 8000,
        .seconds = 312.25,
        .startedAt = 1'700'000'200,
        .finishedAt = 1'700'000'512,
        .curveJson = R"([{"iteration": 100, "train_loss": 2.1, "val_loss": 2.2, "val_top1": 0.2}])",
        .checkpointPath = "checkpoints/trial-1",
        .error = "",
        .host = "node17 (slurm 4242)",
        .parentTrialId = 0,
        .attempts = 1};
}

BenchmarkRecord sampleBenchmark(int trialId) {
    return {.trialId = trialId,
            .target = "ssh://pi@192.168.1.20:22",
            .runs = 100,
            .medianMs = 12.5,
            .p90Ms = 14.0625,
            .meanMs = 12.75,
            .coefficientOfVariation = 0.0625,
            .error = "",
            .detailsJson = R"({"threads": 4})",
            .createdAt = 1'700'001'000};
}

void verifySame(const ExperimentInfo& actual, const ExperimentInfo& expected) {
    QCOMPARE(actual.name, expected.name);
    QCOMPARE(actual.configJson, expected.configJson);
    QCOMPARE(actual.seedSpecJson, expected.seedSpecJson);
    QCOMPARE(actual.datasetPath, expected.datasetPath);
    QCOMPARE(actual.datasetHash, expected.datasetHash);
    QCOMPARE(actual.createdAt, expected.createdAt);
}

void verifySame(const PhaseRecord& actual, const PhaseRecord& expected) {
    QCOMPARE(actual.id, expected.id);
    QVERIFY(actual.kind == expected.kind);
    QCOMPARE(actual.round, expected.round);
    QCOMPARE(actual.spaceJson, expected.spaceJson);
    QCOMPARE(actual.trialBudget, expected.trialBudget);
    QVERIFY(same(actual.maxMinutes, expected.maxMinutes));
    QVERIFY(actual.state == expected.state);
    QCOMPARE(actual.startedAt, expected.startedAt);
    QCOMPARE(actual.finishedAt, expected.finishedAt);
}

void verifySame(const TrialRecord& actual, const TrialRecord& expected) {
    QCOMPARE(actual.id, expected.id);
    QCOMPARE(actual.phaseId, expected.phaseId);
    QCOMPARE(perfnas::trialStateName(actual.state), perfnas::trialStateName(expected.state));
    QVERIFY(same(actual.configuration, expected.configuration));
    QCOMPARE(actual.specJson, expected.specJson);
    QCOMPARE(actual.trainingJson, expected.trainingJson);
    QVERIFY(same(actual.validationTop1, expected.validationTop1));
    QVERIFY(same(actual.testTop1, expected.testTop1));
    QVERIFY(same(actual.mfpops, expected.mfpops));
    QCOMPARE(actual.params, expected.params);
    QCOMPARE(actual.iterationsDone, expected.iterationsDone);
    QVERIFY(same(actual.seconds, expected.seconds));
    QCOMPARE(actual.startedAt, expected.startedAt);
    QCOMPARE(actual.finishedAt, expected.finishedAt);
    QCOMPARE(actual.curveJson, expected.curveJson);
    QCOMPARE(actual.checkpointPath, expected.checkpointPath);
    QCOMPARE(actual.error, expected.error);
    QCOMPARE(actual.host, expected.host);
    QCOMPARE(actual.parentTrialId, expected.parentTrialId);
    QCOMPARE(actual.attempts, expected.attempts);
    QCOMPARE(actual.rung, expected.rung);
    QCOMPARE(actual.rungResults.size(), expected.rungResults.size());
    for (std::size_t i = 0; i < actual.rungResults.size(); ++i) {
        QCOMPARE(actual.rungResults[i].rung, expected.rungResults[i].rung);
        QCOMPARE(actual.rungResults[i].iterations, expected.rungResults[i].iterations);
        QVERIFY(same(actual.rungResults[i].validationTop1, expected.rungResults[i].validationTop1));
        QVERIFY(same(actual.rungResults[i].seconds, expected.rungResults[i].seconds));
    }
}

void verifySame(const BenchmarkRecord& actual, const BenchmarkRecord& expected) {
    QCOMPARE(actual.id, expected.id);
    QCOMPARE(actual.trialId, expected.trialId);
    QCOMPARE(actual.target, expected.target);
    QCOMPARE(actual.runs, expected.runs);
    QVERIFY(same(actual.medianMs, expected.medianMs));
    QVERIFY(same(actual.p90Ms, expected.p90Ms));
    QVERIFY(same(actual.meanMs, expected.meanMs));
    QVERIFY(same(actual.coefficientOfVariation, expected.coefficientOfVariation));
    QCOMPARE(actual.error, expected.error);
    QCOMPARE(actual.detailsJson, expected.detailsJson);
    QCOMPARE(actual.createdAt, expected.createdAt);
}

#define VERIFY_SAME(actual, expected)           \
    do {                                        \
        verifySame((actual), (expected));       \
        if (QTest::currentTestFailed()) return; \
    } while (false)

#define VERIFY_OK(result)                                                            \
    do {                                                                             \
        const auto& result_ = (result);                                              \
        QVERIFY2(result_.ok(), result_.ok() ? "" : result_.error().message.c_str()); \
    } while (false)

// Evaluates `result` once; the message must contain every further argument.
#define VERIFY_ERROR(result, errorCode, ...)                                              \
    do {                                                                                  \
        const auto& result_ = (result);                                                   \
        QVERIFY(!result_.ok());                                                           \
        const QString message_ = QString::fromStdString(result_.error().message);         \
        QVERIFY2(result_.error().code == (errorCode), qPrintable(message_));              \
        for (const QString& part_ : QStringList{__VA_ARGS__}) {                           \
            QVERIFY2(message_.contains(part_), qPrintable(message_ + " lacks " + part_)); \
        }                                                                                 \
    } while (false)

}  // namespace

class ExperimentStoreTest : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    fs::path path(const QString& name) const { return m_dir.filePath(name).toStdString(); }

private Q_SLOTS:
    void namesRoundTrip() {
        for (auto state : {TrialState::Queued, TrialState::Running, TrialState::Finished,
                           TrialState::Failed, TrialState::Diverged, TrialState::Cancelled}) {
            QCOMPARE(perfnas::parseTrialState(perfnas::trialStateName(state)),
                     std::optional(state));
        }
        QCOMPARE(perfnas::trialStateName(TrialState::Cancelled), std::string("cancelled"));
        QVERIFY(!perfnas::parseTrialState("Finished").has_value());
        for (auto kind : {PhaseKind::Optimizer, PhaseKind::Search, PhaseKind::Refinement,
                          PhaseKind::Finetune}) {
            QCOMPARE(perfnas::parsePhaseKind(perfnas::phaseKindName(kind)), std::optional(kind));
        }
        QCOMPARE(perfnas::phaseKindName(PhaseKind::Finetune), std::string("finetune"));
        for (auto state : {PhaseState::Pending, PhaseState::Running, PhaseState::Finished}) {
            QCOMPARE(perfnas::parsePhaseState(perfnas::phaseStateName(state)),
                     std::optional(state));
        }
        QVERIFY(!perfnas::parsePhaseState("done").has_value());
    }

    void everyFieldRoundTrips() {
        const fs::path file = path("roundtrip.sqlite");
        auto created = ExperimentStore::create(file, sampleInfo());
        VERIFY_OK(created);
        ExperimentStore& store = **created;
        QCOMPARE(store.file(), file);
        QCOMPARE(store.schemaVersion(), ExperimentStore::kSchemaVersion);

        PhaseRecord search{
            .kind = PhaseKind::Search, .trialBudget = 40, .state = PhaseState::Finished};
        PhaseRecord refinement = samplePhase();
        auto searchId = store.addPhase(search);
        auto refinementId = store.addPhase(refinement);
        QVERIFY(searchId.ok() && refinementId.ok());
        QVERIFY(*refinementId > *searchId);
        search.id = *searchId;
        refinement.id = *refinementId;

        TrialRecord first = sampleTrial(search.id);
        first.rung = 2;
        first.rungResults = {
            {.rung = 0, .iterations = 100, .validationTop1 = 0.1 + 0.2, .seconds = 1.0 / 3},
            {.rung = 1, .iterations = 300, .validationTop1 = 0.6125, .seconds = 12.75}};
        TrialRecord diverged{.phaseId = refinement.id,
                             .state = TrialState::Diverged,
                             .configuration = {},
                             .validationTop1 = kNaN,
                             .mfpops = std::numeric_limits<double>::infinity(),
                             .error = "loss became NaN at iteration 300",
                             .attempts = 2};
        TrialRecord finetune = sampleTrial(refinement.id);
        auto firstId = store.addTrial(first);
        VERIFY_OK(firstId);
        first.id = *firstId;
        auto divergedId = store.addTrial(diverged);
        VERIFY_OK(divergedId);
        diverged.id = *divergedId;
        finetune.parentTrialId = first.id;
        finetune.state = TrialState::Cancelled;
        auto finetuneId = store.addTrial(finetune);
        VERIFY_OK(finetuneId);
        finetune.id = *finetuneId;
        QVERIFY(first.id < diverged.id && diverged.id < finetune.id);

        BenchmarkRecord seedBenchmark = sampleBenchmark(0);
        BenchmarkRecord failedBenchmark{.trialId = first.id,
                                        .target = "cuda",
                                        .error = "no CUDA device",
                                        .createdAt = 1'700'002'000};
        auto seedBenchmarkId = store.addBenchmark(seedBenchmark);
        auto failedBenchmarkId = store.addBenchmark(failedBenchmark);
        QVERIFY(seedBenchmarkId.ok() && failedBenchmarkId.ok());
        QVERIFY(*failedBenchmarkId > *seedBenchmarkId);
        seedBenchmark.id = *seedBenchmarkId;
        failedBenchmark.id = *failedBenchmarkId;

        // Read back from this connection and, after closing it, from a fresh one.
        for (int pass = 0; pass < 2; ++pass) {
            std::unique_ptr<ExperimentStore> reopened;
            ExperimentStore* reader = &store;
            if (pass == 1) {
                created->reset();
                auto opened = ExperimentStore::open(file, ExperimentStore::Access::ReadOnly);
                VERIFY_OK(opened);
                reopened = std::move(*opened);
                reader = reopened.get();
            }
            auto info = reader->experiment();
            VERIFY_OK(info);
            VERIFY_SAME(*info, sampleInfo());

            auto phases = reader->phases();
            VERIFY_OK(phases);
            QCOMPARE(phases->size(), std::size_t{2});
            VERIFY_SAME(phases->at(0), search);
            VERIFY_SAME(phases->at(1), refinement);

            auto trials = reader->trials();
            VERIFY_OK(trials);
            QCOMPARE(trials->size(), std::size_t{3});
            VERIFY_SAME(trials->at(0), first);
            VERIFY_SAME(trials->at(1), diverged);
            VERIFY_SAME(trials->at(2), finetune);
            auto one = reader->trial(diverged.id);
            VERIFY_OK(one);
            VERIFY_SAME(*one, diverged);
            VERIFY_ERROR(reader->trial(999), ErrorCode::NotFound, "999",
                         QString::fromStdString(file.string()));

            auto benchmarks = reader->benchmarks();
            VERIFY_OK(benchmarks);
            QCOMPARE(benchmarks->size(), std::size_t{2});
            VERIFY_SAME(benchmarks->at(0), seedBenchmark);
            VERIFY_SAME(benchmarks->at(1), failedBenchmark);
        }
    }

    void updatesPersist() {
        const fs::path file = path("updates.sqlite");
        TrialRecord trial;
        PhaseRecord phase = samplePhase();
        {
            auto store = ExperimentStore::create(file, sampleInfo());
            VERIFY_OK(store);
            phase.id = *(*store)->addPhase(phase);
            trial = TrialRecord{.phaseId = phase.id, .configuration = {3, 3, 64}};
            trial.id = *(*store)->addTrial(trial);

            trial.state = TrialState::Finished;
            trial.validationTop1 = 0.875;
            trial.mfpops = 42.5;
            trial.curveJson = "[]";
            trial.host = "inprocess";
            trial.attempts = 1;
            QVERIFY((*store)->updateTrial(trial).ok());
            phase.state = PhaseState::Finished;
            phase.finishedAt = 1'700'009'999;
            QVERIFY((*store)->updatePhase(phase).ok());
            ExperimentInfo info = sampleInfo();
            info.configJson = R"({"trials": 80})";
            QVERIFY((*store)->updateExperiment(info).ok());

            TrialRecord missing = trial;
            missing.id = 777;
            VERIFY_ERROR((*store)->updateTrial(missing), ErrorCode::NotFound, "777");
            PhaseRecord missingPhase = phase;
            missingPhase.id = 555;
            VERIFY_ERROR((*store)->updatePhase(missingPhase), ErrorCode::NotFound, "555");
        }
        auto store = ExperimentStore::open(file);
        VERIFY_OK(store);
        auto stored = (*store)->trial(trial.id);
        VERIFY_OK(stored);
        VERIFY_SAME(*stored, trial);
        VERIFY_SAME((*store)->phases()->at(0), phase);
        QCOMPARE((*store)->experiment()->configJson, std::string(R"({"trials": 80})"));
    }

    void badRecordsAreInvalidInput() {
        const fs::path file = path("bad-records.sqlite");
        auto store = ExperimentStore::create(file, sampleInfo());
        VERIFY_OK(store);
        const QString name = QString::fromStdString(file.string());
        VERIFY_ERROR((*store)->addTrial(TrialRecord{.phaseId = 12}), ErrorCode::InvalidInput, name);
        VERIFY_ERROR((*store)->addTrial(TrialRecord{.phaseId = 0}), ErrorCode::InvalidInput, name);
        const int phaseId = *(*store)->addPhase(PhaseRecord{});
        VERIFY_ERROR((*store)->addTrial(TrialRecord{.phaseId = phaseId, .parentTrialId = 99}),
                     ErrorCode::InvalidInput, name);
        VERIFY_ERROR(
            (*store)->addTrial(TrialRecord{.phaseId = phaseId, .configuration = {1.0, kNaN}}),
            ErrorCode::InvalidInput, name, "configuration value 1");
        VERIFY_ERROR((*store)->addBenchmark(BenchmarkRecord{.trialId = 5}), ErrorCode::InvalidInput,
                     name);
        QVERIFY((*store)->trials()->empty());
        QVERIFY((*store)->addTrial(TrialRecord{.phaseId = phaseId}).ok());
    }

    void requeueInterruptedTrials() {
        const fs::path file = path("requeue.sqlite");
        {
            auto store = ExperimentStore::create(file, sampleInfo());
            VERIFY_OK(store);
            const int phaseId = *(*store)->addPhase(PhaseRecord{});
            for (auto [state, attempts] :
                 std::vector<std::pair<TrialState, int>>{{TrialState::Queued, 0},
                                                         {TrialState::Running, 1},
                                                         {TrialState::Finished, 1},
                                                         {TrialState::Running, 2},
                                                         {TrialState::Failed, 1}}) {
                QVERIFY((*store)
                            ->addTrial(TrialRecord{
                                .phaseId = phaseId, .state = state, .attempts = attempts})
                            .ok());
            }
        }
        auto store = ExperimentStore::open(file);  // as a resumed process would
        VERIFY_OK(store);
        auto requeued = (*store)->requeueInterrupted();
        VERIFY_OK(requeued);
        QCOMPARE(*requeued, 2);
        auto trials = (*store)->trials();
        VERIFY_OK(trials);
        const std::vector<TrialState> states = {TrialState::Queued, TrialState::Queued,
                                                TrialState::Finished, TrialState::Queued,
                                                TrialState::Failed};
        const std::vector<int> attempts = {0, 1, 1, 2,
                                           1};  // counted when started, not when requeued
        for (std::size_t i = 0; i < states.size(); ++i) {
            QVERIFY(trials->at(i).state == states[i]);
            QCOMPARE(trials->at(i).attempts, attempts[i]);
        }
        QCOMPARE(*(*store)->requeueInterrupted(), 0);
    }

    void createRefusesAnExistingFileOrMissingFolder() {
        const fs::path file = path("exists.sqlite");
        std::ofstream(file) << "precious";
        VERIFY_ERROR(ExperimentStore::create(file, sampleInfo()), ErrorCode::IoFailure,
                     QString::fromStdString(file.string()), "exists");
        std::ifstream in(file);
        std::string text;
        in >> text;
        QCOMPARE(text, std::string("precious"));

        const fs::path nested = path("no-such-folder/exp.sqlite");
        VERIFY_ERROR(ExperimentStore::create(nested, sampleInfo()), ErrorCode::IoFailure,
                     QString::fromStdString(nested.string()), "does not exist");
        QVERIFY(!fs::exists(nested.parent_path()));
    }

    void createsAPathWithoutFolderInTheWorkingDirectory() {
        const fs::path previous = fs::current_path();
        fs::current_path(m_dir.path().toStdString());
        auto store = ExperimentStore::create("bare.sqlite", sampleInfo());
        fs::current_path(previous);
        VERIFY_OK(store);
        QVERIFY(fs::exists(path("bare.sqlite")));
        QCOMPARE(pragmaRaw(path("bare.sqlite"), "journal_mode"), std::string("wal"));
    }

    void foreignFilesAreRefused_data() {
        QTest::addColumn<QString>("setupSql");  // empty: a text file
        QTest::newRow("text file") << QString();
        QTest::newRow("other application's database")
            << "PRAGMA application_id = 1234; CREATE TABLE notes (body TEXT); INSERT INTO notes "
               "VALUES ('x');";
        QTest::newRow("plain sqlite database") << "CREATE TABLE trials (id INTEGER);";
        QTest::newRow("empty sqlite database") << "PRAGMA user_version = 0;";
    }
    void foreignFilesAreRefused() {
        QFETCH(QString, setupSql);
        const fs::path file =
            path(QStringLiteral("foreign-%1.db").arg(QTest::currentDataTag()).replace(' ', '-'));
        if (setupSql.isEmpty()) {
            std::ofstream(file) << "name,top1\nseed,0.93\n" << std::string(4096, 'x');
        } else {
            execRaw(file, setupSql.toStdString());
            if (QTest::currentTestFailed()) return;
        }
        for (auto access :
             {ExperimentStore::Access::ReadWrite, ExperimentStore::Access::ReadOnly}) {
            VERIFY_ERROR(
                ExperimentStore::open(file, access), ErrorCode::InvalidInput,
                QString::fromStdString(file.string()) + " is not a PerfNAS experiment file");
        }
        // Refusing must not have changed the file (no WAL switch, no schema).
        if (!setupSql.isEmpty()) QCOMPARE(pragmaRaw(file, "journal_mode"), std::string("delete"));
    }

    void newerSchemaIsRefused() {
        const fs::path file = path("newer.sqlite");
        QVERIFY(ExperimentStore::create(file, sampleInfo()).ok());
        execRaw(file, "PRAGMA user_version = 99");
        if (QTest::currentTestFailed()) return;
        for (auto access :
             {ExperimentStore::Access::ReadWrite, ExperimentStore::Access::ReadOnly}) {
            VERIFY_ERROR(
                ExperimentStore::open(file, access), ErrorCode::InvalidInput,
                QString::fromStdString(file.string()) +
                    QString(
                        " was written by a newer PerfNAS (schema 99; this build reads up to %1)")
                        .arg(ExperimentStore::kSchemaVersion));
        }
        QCOMPARE(pragmaRaw(file, "user_version"), std::string("99"));
    }

    void missingFileIsNotFound() {
        const fs::path file = path("missing.sqlite");
        for (auto access :
             {ExperimentStore::Access::ReadWrite, ExperimentStore::Access::ReadOnly}) {
            VERIFY_ERROR(ExperimentStore::open(file, access), ErrorCode::NotFound,
                         QString::fromStdString(file.string()));
        }
        QVERIFY(!fs::exists(file));
    }

    // A file written by schema 1 (rollback journal, no host column, no benchmarks): read-only
    // access reads it as it is; read-write access migrates it and keeps every trial.
    void version1FileIsMigrated() {
        const fs::path file = path("v1.sqlite");
        execRaw(
            file,
            std::string(perfnas::kExperimentMigrations[0]) +
                "PRAGMA application_id = " + std::to_string(perfnas::kExperimentApplicationId) +
                "; PRAGMA user_version = 1;"
                "INSERT INTO experiment VALUES (1, 'old', '{}', '{\"units\": []}', '/data', 'h1', "
                "1600000000);"
                "INSERT INTO phases (kind, round, space_json, trial_budget, max_minutes, state, "
                "started_at,"
                " finished_at) VALUES ('search', 0, '{}', 10, 0.0, 'finished', 1600000001, "
                "1600000002);"
                "INSERT INTO trials (phase_id, state, configuration_json, spec_json, training_json,"
                " validation_top1, test_top1, mfpops, params, iterations_done, seconds, started_at,"
                " finished_at, curve_json, checkpoint_path, error, parent_trial_id, attempts) "
                "VALUES"
                " (1, 'finished', '[4,10,100]', '{}', '{}', 0.75, 0.5, 613.184, 454000, 8000, 30.5,"
                " 1600000003, 1600000004, '[]', 'ck/1', '', NULL, 1),"
                " (1, 'running', '[3, 3, 0.5]', '{}', '{}', 0, 0, 12.5, 900, 10, 1, 1600000005, 0,"
                " '[]', '', '', 1, 1);");
        if (QTest::currentTestFailed()) return;

        auto checkTrials = [](const ExperimentStore& store) {
            auto trials = store.trials();
            VERIFY_OK(trials);
            QCOMPARE(trials->size(), std::size_t{2});
            const TrialRecord& finished = trials->at(0);
            QCOMPARE(finished.id, 1);
            QVERIFY(finished.state == TrialState::Finished);
            QVERIFY(same(finished.configuration, {4, 10, 100}));
            QCOMPARE(finished.validationTop1, 0.75);
            QCOMPARE(finished.mfpops, 613.184);
            QCOMPARE(finished.params, std::int64_t{454000});
            QCOMPARE(finished.checkpointPath, std::string("ck/1"));
            QCOMPARE(finished.host, std::string());
            QCOMPARE(finished.parentTrialId, 0);
            const TrialRecord& running = trials->at(1);
            QVERIFY(running.state == TrialState::Running);
            QVERIFY(same(running.configuration, {3, 3, 0.5}));
            QCOMPARE(running.parentTrialId, 1);
            QCOMPARE(running.host, std::string());
            QCOMPARE(store.experiment()->name, std::string("old"));
            QCOMPARE(store.phases()->size(), std::size_t{1});
        };

        {
            auto reader = ExperimentStore::open(file, ExperimentStore::Access::ReadOnly);
            VERIFY_OK(reader);
            QCOMPARE((*reader)->schemaVersion(), 1);
            checkTrials(**reader);
            if (QTest::currentTestFailed()) return;
            QVERIFY((*reader)->benchmarks().ok());
            QVERIFY((*reader)->benchmarks()->empty());
            QVERIFY((*reader)->latencies()->empty());
            VERIFY_ERROR((*reader)->addTrial(TrialRecord{.phaseId = 1}), ErrorCode::IoFailure,
                         "read-only");
        }
        QCOMPARE(pragmaRaw(file, "user_version"), std::string("1"));

        {
            auto store = ExperimentStore::open(file);
            VERIFY_OK(store);
            QCOMPARE((*store)->schemaVersion(), ExperimentStore::kSchemaVersion);
            checkTrials(**store);
            if (QTest::currentTestFailed()) return;
            TrialRecord next{.phaseId = 1, .host = "gpu-box"};
            auto nextId = (*store)->addTrial(next);
            VERIFY_OK(nextId);
            QCOMPARE(*nextId, 3);
            QVERIFY((*store)->addBenchmark(BenchmarkRecord{.trialId = 1, .target = "local"}).ok());
            QVERIFY(
                (*store)->putLatency(LatencyRecord{.architecture = "{}", .target = "cuda"}).ok());
        }
        QCOMPARE(pragmaRaw(file, "user_version"), std::to_string(ExperimentStore::kSchemaVersion));
        QCOMPARE(pragmaRaw(file, "journal_mode"), std::string("wal"));
        auto reopened = ExperimentStore::open(file, ExperimentStore::Access::ReadOnly);
        VERIFY_OK(reopened);
        QCOMPARE((*reopened)->schemaVersion(), ExperimentStore::kSchemaVersion);
        QCOMPARE((*reopened)->trial(1)->rung, 0);  // migrated trials: no rungs
        QVERIFY((*reopened)->trial(1)->rungResults.empty());
        QCOMPARE((*reopened)->trial(3)->host, std::string("gpu-box"));
        QCOMPARE((*reopened)->benchmarks()->size(), std::size_t{1});
        QCOMPARE((*reopened)->latencies()->size(), std::size_t{1});
    }

    void latenciesArePerArchitectureAndTarget() {
        auto store = ExperimentStore::create(path("latencies.sqlite"), sampleInfo());
        VERIFY_OK(store);
        const LatencyRecord local{.architecture = R"({"units":[1]})",
                                  .target = "local:1",
                                  .medianMs = 0.3125,
                                  .coefficientOfVariation = 0.021,
                                  .runs = 30,
                                  .device = "CPU, 1 thread",
                                  .measuredAt = 1'700'000'000};
        LatencyRecord cuda = local;
        cuda.target = "cuda";
        cuda.medianMs = 0.05;
        cuda.noisy = true;
        VERIFY_OK((*store)->putLatency(local));
        VERIFY_OK((*store)->putLatency(cuda));
        LatencyRecord remeasured = local;  // the same key replaces the record
        remeasured.medianMs = 0.25;
        remeasured.measuredAt += 10;
        VERIFY_OK((*store)->putLatency(remeasured));
        auto read = (*store)->latencies();
        VERIFY_OK(read);
        QCOMPARE(read->size(), std::size_t{2});
        const LatencyRecord& first = read->front();
        QCOMPARE(first.target, std::string("cuda"));
        QVERIFY(first.noisy);
        const LatencyRecord& second = read->back();
        QCOMPARE(second.architecture, local.architecture);
        QCOMPARE(second.medianMs, 0.25);
        QCOMPARE(second.coefficientOfVariation, 0.021);
        QCOMPARE(second.runs, 30);
        QVERIFY(!second.noisy);
        QCOMPARE(second.device, std::string("CPU, 1 thread"));
        QCOMPARE(second.measuredAt, std::int64_t{1'700'000'010});
    }

    void readersSeeTheWritersCommits() {
        const fs::path file = path("shared.sqlite");
        // A reader in another process, forked before this process opens the file (SQLite state
        // must not cross fork()); it reads when told to, while the writer below holds the file.
        int go[2];
        QCOMPARE(pipe(go), 0);
        const pid_t child = fork();
        QVERIFY(child >= 0);
        if (child == 0) {
            close(go[1]);
            char byte = 0;
            if (read(go[0], &byte, 1) != 1) _exit(101);  // the parent failed early: EOF
            auto other = ExperimentStore::open(file, ExperimentStore::Access::ReadOnly);
            if (!other.ok()) _exit(102);
            auto trials = other.value()->trials();
            _exit(trials.ok() ? static_cast<int>(trials->size()) : 103);
        }
        close(go[0]);
        // If a check below fails, EOF ends the child and the guard reaps it.
        struct ChildGuard {
            int pipe;
            pid_t pid;
            ~ChildGuard() {
                if (pipe >= 0) close(pipe);
                if (pid > 0) waitpid(pid, nullptr, 0);
            }
        } guard{go[1], child};

        auto writer = ExperimentStore::create(file, sampleInfo());
        VERIFY_OK(writer);
        const int phaseId = *(*writer)->addPhase(PhaseRecord{});
        QVERIFY((*writer)->addTrial(TrialRecord{.phaseId = phaseId}).ok());

        auto reader = ExperimentStore::open(file, ExperimentStore::Access::ReadOnly);
        VERIFY_OK(reader);
        QCOMPARE((*reader)->trials()->size(), std::size_t{1});
        auto before = (*reader)->dataVersion();
        VERIFY_OK(before);
        QCOMPARE(*(*reader)->dataVersion(), *before);  // nothing committed in between

        QVERIFY((*writer)
                    ->addTrial(TrialRecord{.phaseId = phaseId, .state = TrialState::Running})
                    .ok());
        auto after = (*reader)->dataVersion();
        VERIFY_OK(after);
        QVERIFY(*after != *before);
        QCOMPARE((*reader)->trials()->size(), std::size_t{2});
        VERIFY_ERROR((*reader)->requeueInterrupted(), ErrorCode::IoFailure, "read-only");

        QCOMPARE(write(go[1], "x", 1), ssize_t{1});
        close(std::exchange(guard.pipe, -1));
        int status = 0;
        QCOMPARE(waitpid(std::exchange(guard.pid, 0), &status, 0), child);
        QVERIFY(WIFEXITED(status));
        QCOMPARE(WEXITSTATUS(status), 2);
        // The writer goes on while a reader holds the file.
        QVERIFY((*writer)->addTrial(TrialRecord{.phaseId = phaseId}).ok());
        QCOMPARE((*reader)->trials()->size(), std::size_t{3});
    }

    // kill -9 of the writer: nothing is closed or checkpointed, yet a committed update survives.
    void killedWriterLosesNoCommittedTrial() {
        const fs::path file = path("killed.sqlite");
        const pid_t child = fork();
        QVERIFY(child >= 0);
        if (child == 0) {
            auto store = ExperimentStore::create(file, sampleInfo());
            if (!store.ok()) _exit(1);
            const int phaseId = *(*store)->addPhase(PhaseRecord{});
            TrialRecord trial = sampleTrial(phaseId);
            trial.state = TrialState::Running;
            auto id = (*store)->addTrial(trial);
            if (!id.ok()) _exit(1);
            trial.id = *id;
            trial.state = TrialState::Finished;
            if (!(*store)->updateTrial(trial).ok()) _exit(1);
            // A second trial left Running, as the killed runner would leave it.
            if (!(*store)->addTrial(
                    TrialRecord{.phaseId = phaseId, .state = TrialState::Running, .attempts = 1})) {
                _exit(1);
            }
            raise(SIGKILL);
            _exit(1);
        }
        int status = 0;
        QCOMPARE(waitpid(child, &status, 0), child);
        QVERIFY2(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL,
                 "the child did not get as far as SIGKILL");
        // The commits are still only in the WAL: nothing closed or checkpointed the file.
        const fs::path wal = file.string() + "-wal";
        QVERIFY(fs::exists(wal) && fs::file_size(wal) > 0);

        auto store = ExperimentStore::open(file);
        VERIFY_OK(store);
        auto trials = (*store)->trials();
        VERIFY_OK(trials);
        QCOMPARE(trials->size(), std::size_t{2});
        TrialRecord expected = sampleTrial(1);
        expected.id = 1;
        VERIFY_SAME(trials->at(0), expected);
        QCOMPARE(*(*store)->requeueInterrupted(), 1);
        QVERIFY((*store)->trial(2)->state == TrialState::Queued);
    }
};

QTEST_GUILESS_MAIN(ExperimentStoreTest)
#include "ExperimentStoreTest.moc"
