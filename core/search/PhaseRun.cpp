#include "core/search/PhaseRun.h"

#include <algorithm>
#include <cmath>

#include "core/model/CostModel.h"
#include "core/search/ExperimentPlanner.h"
#include "core/search/PhasePlan.h"
#include "core/search/RandomSampler.h"
#include "core/search/SamplingHistory.h"
#include "core/search/TpeSampler.h"
#include "core/training/Checkpoint.h"

namespace perfnas {
namespace fs = std::filesystem;
namespace {

std::int64_t nowSeconds() {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

std::unique_ptr<Sampler> makeSampler(const ExperimentConfig& config) {
    if (config.sampler == "random") return std::make_unique<RandomSampler>();
    return std::make_unique<TpeSampler>(config.tpe);
}

// The optimizer phase's best parameters replace the config's for the architecture search.
TrainingParams searchTraining(const ExperimentSummary& summary) {
    TrainingParams params = summary.config.training;
    params.iterations = summary.config.searchIterations();
    const TrialRecord* best = nullptr;
    for (const TrialRecord& trial : summary.trials) {
        const PhaseRecord* phase = summary.phase(trial.phaseId);
        if (!phase || phase->kind != PhaseKind::Optimizer || trial.state != TrialState::Finished)
            continue;
        if (!best || trial.validationTop1 > best->validationTop1) best = &trial;
    }
    if (best) {
        if (auto tuned = TrainingParams::fromJson(best->trainingJson)) {
            params.learningRate = tuned->learningRate;
            params.batchSize = tuned->batchSize;
            if (!summary.config.fidelity) params.iterations = tuned->iterations;
        }
    }
    return params;
}

// A learning curve continued from a checkpoint: the earlier points, then the new ones.
std::string continuedCurve(const std::string& earlierJson, const std::vector<CurvePoint>& later) {
    std::vector<CurvePoint> curve;
    if (auto earlier = curveFromJson(earlierJson)) curve = std::move(*earlier);
    const int from = later.empty() ? 0 : later.front().iteration;
    std::erase_if(curve, [from](const CurvePoint& point) { return point.iteration >= from; });
    curve.insert(curve.end(), later.begin(), later.end());
    return curveToJson(curve);
}

// A sampled architecture as its trial stores it. The spec's JSON, name included, is the key of its
// stored latency, so a candidate checked against max_latency_ms is built the same way.
ArchitectureSpec trialArchitecture(const SearchSpace& space, const Configuration& configuration) {
    return space.architecture(configuration, "trial");
}

}  // namespace

PhaseRun::PhaseRun(Context context, PhaseRecord phase)
    : m_context(std::move(context)), m_phase(std::move(phase)) {
    if (m_phase.maxMinutes > 0) {
        m_deadline = m_context.now() + std::chrono::milliseconds(
                                           static_cast<std::int64_t>(m_phase.maxMinutes * 60000.0));
    }
}

PhaseRun::~PhaseRun() {
    cancelAll();
    for (auto& [id, active] : m_active) {
        if (active.worker.joinable()) active.worker.join();
    }
}

bool PhaseRun::usesRungs(const ExperimentSummary& summary) const {
    return PhasePlan(summary, m_phase).usesRungs();
}

std::optional<TrialRecord> PhaseRun::queuedTrial(const ExperimentSummary& summary) const {
    for (const TrialRecord& trial : summary.trials) {
        if (trial.phaseId == m_phase.id && trial.state == TrialState::Queued &&
            !m_active.contains(trial.id)) {
            return trial;
        }
    }
    return std::nullopt;
}

// ASHA: the highest rung first, so that trials reach the top as early as possible. The seed is the
// baseline every result is compared with: it always continues to the top rung.
Result<std::optional<TrialRecord>> PhaseRun::promotion(const ExperimentSummary& summary) {
    if (!usesRungs(summary)) return std::optional<TrialRecord>{};
    const FidelitySettings& fidelity = *summary.config.fidelity;
    const int top = fidelity.topRung();
    const Configuration seedConfiguration =
        summary.config.space.configurationOf(summary.config.seed);
    auto promote = [&](TrialRecord trial) -> Result<std::optional<TrialRecord>> {
        trial.rung += 1;
        trial.state = TrialState::Queued;
        if (auto status = m_context.store.updateTrial(trial); !status) return status.error();
        return std::optional<TrialRecord>{trial};
    };
    for (int rung = top - 1; rung >= 0; --rung) {
        std::vector<RungStanding> standings;
        for (const TrialRecord& trial : summary.trials) {
            if (trial.phaseId != m_phase.id || static_cast<int>(trial.rungResults.size()) <= rung)
                continue;
            const bool waiting = trial.state == TrialState::Finished && trial.rung == rung;
            if (waiting && trial.configuration == seedConfiguration) return promote(trial);
            if (trial.configuration == seedConfiguration) continue;
            standings.push_back(
                {.trialId = trial.id,
                 .error = 1.0 - trial.rungResults[static_cast<std::size_t>(rung)].validationTop1,
                 .log10Cost = std::log10(std::max(summary.costOf(trial), 1e-12)),
                 .promoted = !waiting});
        }
        // A promotion that cannot finish before the deadline is skipped: the trial stays at the
        // rung it finished rather than leaving the phase with a half-trained one.
        const PhasePlan plan(summary, m_phase);
        for (int id : SuccessiveHalving::promotable(standings, fidelity.eta, summary.reference())) {
            const TrialRecord& trial = *summary.trial(id);
            if (plan.admitsPromotion(trial, secondsToDeadline())) return promote(trial);
        }
    }
    return std::optional<TrialRecord>{};
}

double PhaseRun::secondsToDeadline() const {
    if (m_deadline == Clock::time_point::max()) return PhasePlan::kNoDeadline;
    return std::chrono::duration<double>(m_deadline - m_context.now()).count();
}

Result<std::optional<TrialRecord>> PhaseRun::proposal(const ExperimentSummary& summary,
                                                      RunReport& report) {
    const ExperimentConfig& config = summary.config;
    const bool optimizer = m_phase.kind == PhaseKind::Optimizer;
    SearchSpace space = config.space;
    ParameterSpace parameters;
    if (optimizer) {
        parameters = config.optimizerSpace.value_or(OptimizerSpace{}).parameterSpace();
    } else {
        const SearchSpace* parsed = summary.spaceOf(m_phase.id);
        if (!parsed) {
            return makeError(ErrorCode::Internal,
                             "phase " + std::to_string(m_phase.id) + " is not in the summary");
        }
        space = *parsed;
        parameters = space.parameterSpace();
    }
    const SamplingHistory history =
        SamplingHistory::of(summary, optimizer, config.tpe.startupTrials);
    // Latency objective: the seed's latency is the hypervolume's reference, measured first.
    const bool latencyCost = config.cost == CostMetric::Latency && !optimizer;
    if (latencyCost) {
        if (!m_latency)
            m_latency = std::make_unique<ArchitectureLatency>(m_context.store, config.latency);
        if (auto seedLatency = m_latency->milliseconds(config.seed); !seedLatency)
            return seedLatency.error();
    }

    Configuration configuration;
    const Configuration seedConfiguration = space.configurationOf(config.seed);
    // The seed is the baseline even when the space excludes it (then the sampler ignores it).
    const bool enqueueSeed = !optimizer && m_phase.kind == PhaseKind::Search && config.trainSeed &&
                             std::find(history.excluded.begin(), history.excluded.end(),
                                       seedConfiguration) == history.excluded.end();
    if (enqueueSeed) {
        configuration = seedConfiguration;
    } else {
        if (!m_sampler) m_sampler = makeSampler(config);
        SamplingContext context{.space = parameters,
                                .history = history.observations,
                                .running = history.running,
                                .excluded = history.excluded};
        if (!optimizer && config.tpe.logCost) {
            const Point2 reference = summary.reference();
            context.reference = {reference.x, reference.y};
        }
        // Constraints known before training: a candidate above them is never trained.
        const bool latencyLimit = latencyCost && config.maxLatencyMs;
        if ((config.maxMfpops || latencyLimit) && !optimizer) {
            context.admissible = [this, &space, &config,
                                  latencyLimit](const Configuration& candidate) {
                const ArchitectureSpec spec = trialArchitecture(space, candidate);
                if (config.maxMfpops && CostModel::evaluate(spec).mfpops() > *config.maxMfpops)
                    return false;
                if (!latencyLimit) return true;
                const auto latency = m_latency->milliseconds(spec);
                return latency && *latency <= *config.maxLatencyMs;
            };
        }
        Random random(streamSeed(config.randomSeed, summary.trials.size() + 1));
        auto proposed = m_sampler->propose(context, random);
        if (!proposed) {
            m_exhausted = true;
            report.note = proposed.error().message;
            return std::optional<TrialRecord>{};
        }
        configuration = *proposed;
    }

    TrainingParams training = searchTraining(summary);
    ArchitectureSpec spec = config.seed;
    if (optimizer) {
        training.learningRate = configuration[0];
        training.batchSize = static_cast<int>(configuration[1]);
        training.iterations = static_cast<int>(configuration[2]);
    } else if (!enqueueSeed) {
        spec = trialArchitecture(space, configuration);
    }
    if (latencyCost) {
        if (auto latency = m_latency->milliseconds(spec); !latency) return latency.error();
    }
    const ModelCost cost = CostModel::evaluate(spec);
    TrialRecord trial{.phaseId = m_phase.id,
                      .state = TrialState::Queued,
                      .configuration = configuration,
                      .specJson = spec.toJson(),
                      .trainingJson = training.toJson(),
                      .mfpops = cost.mfpops(),
                      .params = cost.params};
    auto id = m_context.store.addTrial(trial);
    if (!id) return id.error();
    trial.id = *id;
    return std::optional<TrialRecord>{trial};
}

Result<std::optional<TrialRecord>> PhaseRun::nextTrial(const ExperimentSummary& summary,
                                                       RunReport& report) {
    if (auto queued = queuedTrial(summary)) return queued;
    auto promoted = promotion(summary);
    if (!promoted || *promoted) return promoted;
    if (m_exhausted || !PhasePlan(summary, m_phase).admitsNewTrial(secondsToDeadline())) {
        return std::optional<TrialRecord>{};
    }
    return proposal(summary, report);
}

Status PhaseRun::failToStart(TrialRecord trial, const std::string& problem, RunReport& report) {
    trial.attempts += 1;
    trial.state = TrialState::Failed;
    trial.error = problem;
    trial.startedAt = trial.finishedAt = nowSeconds();
    if (auto status = m_context.store.updateTrial(trial); !status) return status;
    ++report.trialsFailed;
    if (m_context.observer) m_context.observer->trialFailed(trial);
    return Done{};
}

// A trial continues the newest complete checkpoint it has: its own (an earlier rung, or progress
// an interrupted run saved), else its parent's (fine-tuning); else it starts from scratch.
// Batches and the learning rate depend only on the iteration, so the result is the same.
Status PhaseRun::start(TrialRecord trial, const ExperimentSummary& summary, RunReport& report) {
    auto params = TrainingParams::fromJson(trial.trainingJson);
    if (!params) return params.error();
    auto spec = ArchitectureSpec::fromJson(trial.specJson);
    if (!spec) return spec.error();
    const fs::path checkpointRoot = ExperimentPlanner::checkpointRoot(m_context.store.file());
    const fs::path experimentFolder = m_context.store.file().parent_path();
    const std::string folderName = "trial-" + std::to_string(trial.id);
    TrialRequest request{.trialId = trial.id,
                         .spec = *spec,
                         .training = *params,
                         .dataset = summary.config.dataset,
                         .cacheFolder = summary.config.cacheFolder};
    request.training.seed = streamSeed(summary.config.randomSeed,
                                       0x7472000000ULL + static_cast<std::uint64_t>(trial.id));
    request.training.threads = summary.config.effectiveThreadsPerTrial();
    request.training.checkpointFolder = checkpointRoot / folderName;
    request.training.iterations = PhasePlan(summary, m_phase).targetIterations(trial);
    std::error_code ec;
    if (fs::exists(Checkpoint::infoFile(request.training.checkpointFolder), ec)) {
        request.resumeFrom = request.training.checkpointFolder;
    } else if (trial.parentTrialId != 0) {
        const TrialRecord* parent = summary.trial(trial.parentTrialId);
        if (!parent || parent->checkpointPath.empty()) {
            return failToStart(
                trial,
                "the checkpoint of trial " + std::to_string(trial.parentTrialId) + " is missing",
                report);
        }
        request.resumeFrom = experimentFolder / parent->checkpointPath;
    }
    if (!fs::create_directories(request.training.checkpointFolder, ec) && ec) {
        return failToStart(trial,
                           request.training.checkpointFolder.string() +
                               ": cannot create the checkpoint folder: " + ec.message(),
                           report);
    }
    trial.state = TrialState::Running;
    trial.attempts += 1;
    trial.startedAt = nowSeconds();
    trial.error.clear();
    request.training.iterations = params->iterations;  // the stored schedule keeps the full budget
    trial.trainingJson = request.training.toJson();
    request.training.iterations = PhasePlan(summary, m_phase).targetIterations(trial);
    trial.checkpointPath = (checkpointRoot.filename() / folderName).string();
    if (auto status = m_context.store.updateTrial(trial); !status) return status;
    if (m_context.observer) m_context.observer->trialStarted(trial);

    Active& slot = m_active[trial.id];
    const CancelToken cancel = slot.cancel;
    slot.worker = std::thread([this, request, cancel] {
        auto progress = [this, id = request.trialId](const TrainingProgress& step) {
            if (m_context.observer) m_context.observer->trialProgress(id, step);
        };
        TrialReport result = m_context.executor.run(request, progress, cancel);
        result.trialId = request.trialId;
        std::lock_guard lock(m_context.mutex);
        m_reports.push_back(std::move(result));
        m_context.wakeUp.notify_all();
    });
    return Done{};
}

Status PhaseRun::record(const TrialReport& result, const ExperimentSummary& summary,
                        RunReport& report) {
    auto found = m_active.find(result.trialId);
    if (found != m_active.end()) {
        found->second.worker.join();
        m_active.erase(found);
    }
    auto stored = m_context.store.trial(result.trialId);
    if (!stored) return stored.error();
    TrialRecord trial = *stored;
    trial.finishedAt = nowSeconds();
    trial.host = result.host;
    const TrainingResult& training = result.training;
    if (result.failure) {
        trial.state = TrialState::Failed;
        trial.error = result.failure->message;
    } else if (training.outcome == TrainingOutcome::Cancelled) {
        // Stopped by the user: the trial runs again when the experiment resumes.
        trial.state = m_context.stopRequested ? TrialState::Queued : TrialState::Cancelled;
        trial.error = "cancelled";
    } else {
        trial.state = training.outcome == TrainingOutcome::Diverged ? TrialState::Diverged
                                                                    : TrialState::Finished;
        if (trial.state == TrialState::Diverged) {
            trial.error = "the loss became NaN/Inf at iteration " +
                          std::to_string(training.divergedAtIteration) +
                          " (learning rate too high for this architecture?)";
        }
        // A continued trial adds to the time and curve of the rungs it finished before.
        const double earlierSeconds =
            trial.rungResults.empty() ? 0.0 : trial.rungResults.back().seconds;
        trial.validationTop1 = training.validationTop1;
        trial.testTop1 = training.testTop1;
        trial.iterationsDone = training.iterationsDone;
        trial.seconds = earlierSeconds + training.seconds;
        trial.curveJson = continuedCurve(trial.curveJson, training.curve);
        if (trial.state == TrialState::Finished && usesRungs(summary)) {
            trial.rungResults.push_back({.rung = trial.rung,
                                         .iterations = training.iterationsDone,
                                         .validationTop1 = training.validationTop1,
                                         .seconds = trial.seconds});
        }
    }
    if (auto status = m_context.store.updateTrial(trial); !status) return status;
    if (trial.state == TrialState::Finished) ++report.trialsFinished;
    if (trial.state == TrialState::Failed || trial.state == TrialState::Diverged)
        ++report.trialsFailed;
    if (!m_context.observer) return Done{};
    if (trial.state == TrialState::Finished)
        m_context.observer->trialFinished(trial);
    else
        m_context.observer->trialFailed(trial);
    return Done{};
}

void PhaseRun::cancelAll() {
    for (auto& [id, active] : m_active) active.cancel.cancel();
}

// Never leaves a worker thread behind: cancel, wait, and queue what they were running again.
void PhaseRun::requeueAbandoned() {
    if (m_active.empty()) return;
    cancelAll();
    for (auto& [id, active] : m_active) active.worker.join();
    for (const auto& [id, active] : m_active) {
        auto stored = m_context.store.trial(id);
        if (!stored) continue;
        TrialRecord trial = *stored;
        trial.state = TrialState::Queued;  // rerun when the experiment resumes
        (void)m_context.store.updateTrial(trial);
    }
    m_active.clear();
    std::lock_guard lock(m_context.mutex);
    m_reports.clear();
}

Status PhaseRun::execute(RunReport& report) {
    if (m_phase.state == PhaseState::Pending) {
        m_phase.state = PhaseState::Running;
        m_phase.startedAt = nowSeconds();
        if (auto status = m_context.store.updatePhase(m_phase); !status) return status;
    }
    if (m_context.observer) m_context.observer->phaseChanged(m_phase);

    std::vector<int> lastFrontier;
    Status failure = Done{};
    bool cancelSent = false;
    std::optional<ExperimentSummary> summary;
    auto reload = [&]() -> Status {
        auto loaded = ExperimentSummary::load(m_context.store);
        if (!loaded) return loaded.error();
        summary = std::move(*loaded);
        return Done{};
    };
    bool changed = true;  // the store changed since the summary was loaded
    while (true) {
        if (changed) {
            if (failure = reload(); !failure) break;
            changed = false;
            if (summary->frontier != lastFrontier) {
                lastFrontier = summary->frontier;
                if (m_context.observer) m_context.observer->frontierChanged(*summary);
            }
        }
        bool dispatched = false;
        while (!m_context.paused && !m_context.stopRequested &&
               static_cast<int>(m_active.size()) < summary->config.workers) {
            auto next = nextTrial(*summary, report);
            if (!next) {
                failure = next.error();
                break;
            }
            if (!*next) break;
            if (failure = start(**next, *summary, report); !failure) break;
            dispatched = true;
            // Reload so that the next proposal sees this trial as running (constant liar).
            if (failure = reload(); !failure) break;
        }
        if (!failure) break;
        if (m_active.empty() && !dispatched && (!m_context.paused || m_context.stopRequested))
            break;
        if (m_context.stopRequested && !cancelSent) {
            cancelAll();
            cancelSent = true;
        }

        std::deque<TrialReport> reports;
        {
            std::unique_lock lock(m_context.mutex);
            m_context.wakeUp.wait_for(lock, std::chrono::milliseconds(250), [&] {
                return !m_reports.empty() || (m_context.stopRequested && !cancelSent);
            });
            reports.swap(m_reports);
        }
        for (const TrialReport& result : reports) {
            changed = true;
            if (failure = record(result, *summary, report); !failure) break;
        }
        if (!failure) break;
    }

    requeueAbandoned();
    if (!failure || m_context.stopRequested) return failure;

    m_phase.state = PhaseState::Finished;
    m_phase.finishedAt = nowSeconds();
    if (auto status = m_context.store.updatePhase(m_phase); !status) return status;
    if (m_context.observer) m_context.observer->phaseChanged(m_phase);
    return Done{};
}

}  // namespace perfnas
