#include "core/search/ExperimentBenchmark.h"

namespace perfnas {
namespace {

std::vector<ModelLatency> measureOnBoard(const BenchmarkTarget& target,
                                         const std::vector<ArchitectureSpec>& specs,
                                         const ProgressCallback& progress,
                                         const CancelToken& cancel, bool& connected) {
    std::vector<std::string> models;
    for (const ArchitectureSpec& spec : specs) models.push_back(spec.toJson());
    RemoteBenchmarkSettings benchmark = target.remote;
    benchmark.runs = target.settings.runs;
    const BoardRun run = SshBoard::measureAll(target.board, models, benchmark, progress, cancel);
    connected = run.connected;
    std::vector<ModelLatency> measured;
    for (const Result<ParsedLatency>& model : run.models) {
        ModelLatency entry;
        entry.details = {{"remote_command", benchmark.commandTemplate},
                         {"parser", benchmark.parser}};
        if (!model) {
            entry.error = model.error().message;
        } else {
            entry.statistics = model->statistics;
            entry.details["device"] = model->device;
            if (model->threads > 0) entry.details["threads"] = model->threads;
            if (!model->note.empty()) entry.details["note"] = model->note;
        }
        measured.push_back(std::move(entry));
    }
    return measured;
}

}  // namespace

Status BenchmarkTarget::resolve() {
    if (!remoteTarget()) {
        if (target != "local" && target != "cuda") {
            return makeError(ErrorCode::InvalidInput, "target " + target +
                                                          ": expected local, cuda or "
                                                          "ssh://USER@HOST:PORT");
        }
        settings.device = target == "cuda" ? ComputeDevice::Cuda : ComputeDevice::Cpu;
        return Done{};
    }
    auto parsed = SshBoardSettings::fromTarget(target);
    if (!parsed) return parsed.error();
    if (auto checked = SshBoard::checkCommandTemplate(remote.commandTemplate); !checked)
        return checked;
    board.host = parsed->host;
    board.port = parsed->port;
    board.user = parsed->user;
    target = board.target();
    return Done{};
}

bool isUnknownHostRefusal(const std::string& message) {
    return message.find(": unknown host: no key for this host in ") !=
           std::string::npos;  // SshBoard.cpp
}

Result<ExperimentBenchmarkRun> benchmarkExperiment(
    ExperimentStore& store, const ExperimentSummary& experiment, BenchmarkTarget target,
    const std::vector<int>& trialIds, const ProgressCallback& progress, const CancelToken& cancel) {
    if (auto resolved = target.resolve(); !resolved) return resolved.error();
    ExperimentBenchmarkRun run{
        .target = target.target, .trialIds = {0}, .specs = {experiment.config.seed}};
    for (int id : trialIds) {
        if (id == 0 || id == experiment.seedTrialId) continue;
        const TrialRecord* trial = experiment.trial(id);
        if (!trial || trial->state != TrialState::Finished) {
            return makeError(
                ErrorCode::InvalidInput,
                "trial " + std::to_string(id) + " is not a finished trial of the experiment");
        }
        auto spec = ArchitectureSpec::fromJson(trial->specJson);
        if (!spec)
            return makeError(ErrorCode::InvalidInput,
                             "trial " + std::to_string(id) + ": " + spec.error().message);
        run.trialIds.push_back(id);
        run.specs.push_back(*spec);
    }

    if (target.remoteTarget()) {
        run.models = measureOnBoard(target, run.specs, progress, cancel, run.connected);
        run.device = target.board.address();
        for (const ModelLatency& model : run.models) {
            if (model.statistics && model.details.contains("device")) {  // the runner's words
                run.device += " (" + model.details["device"].get<std::string>() + ")";
                break;
            }
        }
    } else {
        auto local = LatencyBenchmark::measure(run.specs, target.settings, progress, cancel);
        if (!local) return local.error();
        run.device = LatencyBenchmark::describe(target.settings);
        for (const LatencyStatistics& s : *local) {
            run.models.push_back({.statistics = s,
                                  .details = {{"device", run.device},
                                              {"threads", target.settings.threads},
                                              {"samples_ms", s.samplesMs}}});
        }
    }

    for (std::size_t i = 0; i < run.trialIds.size(); ++i) {
        const ModelLatency& model = run.models[i];
        BenchmarkRecord record{.trialId = run.trialIds[i],
                               .target = run.target,
                               .error = model.error,
                               .detailsJson = model.details.dump()};
        if (model.statistics) {
            record.runs = model.statistics->runs;
            record.medianMs = model.statistics->medianMs;
            record.p90Ms = model.statistics->p90Ms;
            record.meanMs = model.statistics->meanMs;
            record.coefficientOfVariation = model.statistics->coefficientOfVariation;
        }
        if (auto added = store.addBenchmark(record); !added) return added.error();
    }
    return run;
}

}  // namespace perfnas
