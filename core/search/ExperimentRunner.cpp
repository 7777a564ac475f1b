#include "core/search/ExperimentRunner.h"

#include <algorithm>
#include <chrono>
#include <deque>
#include <map>
#include <optional>
#include <memory>
#include <thread>

#include "core/model/CostModel.h"
#include "core/search/ExperimentPlanner.h"
#include "core/search/RandomSampler.h"
#include "core/search/TpeSampler.h"

namespace perfnas {
namespace fs = std::filesystem;
namespace {

using Clock = std::chrono::steady_clock;

std::int64_t nowSeconds() {
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

bool countsTowardBudget(TrialState state) {
    return state == TrialState::Finished || state == TrialState::Failed || state == TrialState::Diverged;
}

std::unique_ptr<Sampler> makeSampler(const ExperimentConfig& config) {
    if (config.sampler == "random") return std::make_unique<RandomSampler>();
    return std::make_unique<TpeSampler>(config.tpe);
}

// The optimizer phase's best parameters replace the config's for the architecture search.
TrainingParams searchTraining(const ExperimentSummary& summary) {
    TrainingParams params = summary.config.training;
    const TrialRecord* best = nullptr;
    for (const TrialRecord& trial : summary.trials) {
        const PhaseRecord* phase = summary.phase(trial.phaseId);
        if (!phase || phase->kind != PhaseKind::Optimizer || trial.state != TrialState::Finished) continue;
        if (!best || trial.validationTop1 > best->validationTop1) best = &trial;
    }
    if (best) {
        if (auto tuned = TrainingParams::fromJson(best->trainingJson)) {
            params.learningRate = tuned->learningRate;
            params.batchSize = tuned->batchSize;
            params.iterations = tuned->iterations;
        }
    }
    return params;
}

}  // namespace

// The state of one phase while it runs: trials in flight and the reports they sent back.
struct ExperimentRunner::PhaseRun {
    struct Active {
        Configuration configuration;
        CancelToken cancel;
        std::thread worker;
    };
    std::map<int, Active> active;
    std::deque<TrialReport> reports;  // guarded by the runner's mutex
    bool exhausted = false;
    Clock::time_point deadline = Clock::time_point::max();
};

ExperimentRunner::ExperimentRunner(ExperimentStore& store, TrialExecutor& executor, ExperimentObserver* observer)
    : m_store(store), m_executor(executor), m_observer(observer) {}

void ExperimentRunner::pause() {
    m_paused = true;
    wake();
}

void ExperimentRunner::resume() {
    m_paused = false;
    wake();
}

void ExperimentRunner::stop() {
    m_stopRequested = true;
    wake();
}

void ExperimentRunner::wake() {
    std::lock_guard lock(m_mutex);
    m_wakeUp.notify_all();
}

Result<RunReport> ExperimentRunner::run() {
    RunReport report;
    if (auto requeued = m_store.requeueInterrupted(); !requeued) return requeued.error();
    while (!m_stopRequested) {
        auto phases = m_store.phases();
        if (!phases) return phases.error();
        auto open = std::find_if(phases->begin(), phases->end(),
                                 [](const PhaseRecord& phase) { return phase.state != PhaseState::Finished; });
        if (open == phases->end()) {
            auto next = ExperimentPlanner::planNext(m_store);
            if (!next) return next.error();
            if (!*next) break;
            continue;
        }
        if (auto status = runPhase(*open, report); !status) return status.error();
    }
    report.stopped = m_stopRequested.exchange(false);  // a later run() starts afresh
    return report;
}

Status ExperimentRunner::runPhase(PhaseRecord phase, RunReport& report) {
    if (phase.state == PhaseState::Pending) {
        phase.state = PhaseState::Running;
        phase.startedAt = nowSeconds();
        if (auto status = m_store.updatePhase(phase); !status) return status;
    }
    if (m_observer) m_observer->phaseChanged(phase);

    PhaseRun run;
    if (phase.maxMinutes > 0) {
        run.deadline = Clock::now() + std::chrono::milliseconds(static_cast<std::int64_t>(phase.maxMinutes * 60000.0));
    }
    std::unique_ptr<Sampler> sampler;
    std::vector<int> lastFrontier;
    const fs::path checkpointRoot = ExperimentPlanner::checkpointRoot(m_store.file());
    const fs::path experimentFolder = m_store.file().parent_path();

    // Picks the next trial of the phase and marks it running: a queued one first, else a new proposal.
    auto nextTrial = [&](const ExperimentSummary& summary) -> Result<std::optional<TrialRecord>> {
        for (const TrialRecord& trial : summary.trials) {
            if (trial.phaseId == phase.id && trial.state == TrialState::Queued && !run.active.contains(trial.id)) {
                return std::optional<TrialRecord>{trial};
            }
        }
        if (phase.kind == PhaseKind::Finetune || run.exhausted || Clock::now() >= run.deadline) {
            return std::optional<TrialRecord>{};
        }
        const int counted = static_cast<int>(std::count_if(summary.trials.begin(), summary.trials.end(), [&](const TrialRecord& t) {
            return t.phaseId == phase.id && countsTowardBudget(t.state);
        }));
        if (phase.trialBudget > 0 && counted + static_cast<int>(run.active.size()) >= phase.trialBudget) {
            return std::optional<TrialRecord>{};
        }

        const ExperimentConfig& config = summary.config;
        const bool optimizer = phase.kind == PhaseKind::Optimizer;
        SearchSpace space = config.space;
        ParameterSpace parameters;
        if (optimizer) {
            parameters = config.optimizerSpace.value_or(OptimizerSpace{}).parameterSpace();
        } else {
            auto parsed = SearchSpace::fromJson(phase.spaceJson, config.seed);
            if (!parsed) return parsed.error();
            space = *parsed;
            parameters = space.parameterSpace();
        }

        std::vector<Observation> history;
        std::vector<Configuration> excluded;
        std::vector<Configuration> running;
        for (const TrialRecord& trial : summary.trials) {
            const PhaseRecord* owner = summary.phase(trial.phaseId);
            if (!owner || (owner->kind == PhaseKind::Optimizer) != optimizer || owner->kind == PhaseKind::Finetune) continue;
            excluded.push_back(trial.configuration);
            if (trial.state == TrialState::Running || trial.state == TrialState::Queued) running.push_back(trial.configuration);
            if (trial.state != TrialState::Finished) continue;
            Observation observation{.configuration = trial.configuration};
            observation.objectives = {1.0 - trial.validationTop1};
            if (!optimizer) observation.objectives.push_back(summary.costOf(trial));
            if (config.minTop1) observation.constraintViolation = std::max(0.0, *config.minTop1 - trial.validationTop1);
            history.push_back(std::move(observation));
        }

        Configuration configuration;
        const Configuration seedConfiguration = space.configurationOf(config.seed);
        // The seed is the baseline even when the space excludes it (then the sampler ignores it).
        const bool enqueueSeed = !optimizer && phase.kind == PhaseKind::Search && config.trainSeed &&
                                 std::find(excluded.begin(), excluded.end(), seedConfiguration) == excluded.end();
        if (enqueueSeed) {
            configuration = seedConfiguration;
        } else {
            if (!sampler) sampler = makeSampler(config);
            SamplingContext context{.space = parameters, .history = history, .running = running, .excluded = excluded};
            if (config.maxMfpops && !optimizer) {
                const double limit = *config.maxMfpops;
                context.admissible = [&space, limit](const Configuration& candidate) {
                    return CostModel::evaluate(space.architecture(candidate, "candidate")).mfpops() <= limit;
                };
            }
            Random random(streamSeed(config.randomSeed, summary.trials.size() + 1));
            auto proposal = sampler->propose(context, random);
            if (!proposal) {
                run.exhausted = true;
                report.note = proposal.error().message;
                return std::optional<TrialRecord>{};
            }
            configuration = *proposal;
        }

        TrainingParams training = searchTraining(summary);
        ArchitectureSpec spec = config.seed;
        if (optimizer) {
            training.learningRate = configuration[0];
            training.batchSize = static_cast<int>(configuration[1]);
            training.iterations = static_cast<int>(configuration[2]);
        } else if (!enqueueSeed) {
            spec = space.architecture(configuration, "trial");
        }
        const ModelCost cost = CostModel::evaluate(spec);
        TrialRecord trial{.phaseId = phase.id,
                          .state = TrialState::Queued,
                          .configuration = configuration,
                          .specJson = spec.toJson(),
                          .trainingJson = training.toJson(),
                          .mfpops = cost.mfpops(),
                          .params = cost.params};
        auto id = m_store.addTrial(trial);
        if (!id) return id.error();
        trial.id = *id;
        return std::optional<TrialRecord>{trial};
    };

    auto startTrial = [&](TrialRecord trial, const ExperimentSummary& summary) -> Status {
        auto params = TrainingParams::fromJson(trial.trainingJson);
        if (!params) return params.error();
        auto spec = ArchitectureSpec::fromJson(trial.specJson);
        if (!spec) return spec.error();
        const std::string folderName = "trial-" + std::to_string(trial.id);
        TrialRequest request{.trialId = trial.id, .spec = *spec, .training = *params,
                             .dataset = summary.config.dataset, .cacheFolder = summary.config.cacheFolder};
        request.training.seed = streamSeed(summary.config.randomSeed, 0x7472000000ULL + static_cast<std::uint64_t>(trial.id));
        request.training.threads = summary.config.effectiveThreadsPerTrial();
        request.training.checkpointFolder = checkpointRoot / folderName;
        // A trial that cannot start is recorded as failed with the reason; the search goes on.
        std::string problem;
        if (trial.parentTrialId != 0) {
            const TrialRecord* parent = summary.trial(trial.parentTrialId);
            if (!parent || parent->checkpointPath.empty()) {
                problem = "the checkpoint of trial " + std::to_string(trial.parentTrialId) + " is missing";
            } else {
                request.resumeFrom = experimentFolder / parent->checkpointPath;
            }
        }
        std::error_code ec;
        if (problem.empty() && !fs::create_directories(request.training.checkpointFolder, ec) && ec) {
            problem = request.training.checkpointFolder.string() + ": cannot create the checkpoint folder: " + ec.message();
        }
        if (!problem.empty()) {
            trial.attempts += 1;
            trial.state = TrialState::Failed;
            trial.error = problem;
            trial.startedAt = trial.finishedAt = nowSeconds();
            if (auto status = m_store.updateTrial(trial); !status) return status;
            ++report.trialsFailed;
            if (m_observer) m_observer->trialFailed(trial);
            return Done{};
        }
        trial.state = TrialState::Running;
        trial.attempts += 1;
        trial.startedAt = nowSeconds();
        trial.error.clear();
        trial.trainingJson = request.training.toJson();
        trial.checkpointPath = (checkpointRoot.filename() / folderName).string();
        if (auto status = m_store.updateTrial(trial); !status) return status;
        if (m_observer) m_observer->trialStarted(trial);

        PhaseRun::Active& slot = run.active[trial.id];
        slot.configuration = trial.configuration;
        const CancelToken cancel = slot.cancel;
        slot.worker = std::thread([this, &run, request, cancel] {
            auto progress = [this, id = request.trialId](const TrainingProgress& step) {
                if (m_observer) m_observer->trialProgress(id, step);
            };
            TrialReport result = m_executor.run(request, progress, cancel);
            result.trialId = request.trialId;
            std::lock_guard lock(m_mutex);
            run.reports.push_back(std::move(result));
            m_wakeUp.notify_all();
        });
        return Done{};
    };

    auto recordReport = [&](const TrialReport& result) -> Status {
        auto found = run.active.find(result.trialId);
        if (found != run.active.end()) {
            found->second.worker.join();
            run.active.erase(found);
        }
        auto stored = m_store.trial(result.trialId);
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
            trial.state = m_stopRequested ? TrialState::Queued : TrialState::Cancelled;
            trial.error = "cancelled";
        } else {
            trial.state = training.outcome == TrainingOutcome::Diverged ? TrialState::Diverged : TrialState::Finished;
            if (trial.state == TrialState::Diverged) {
                trial.error = "the loss became NaN/Inf at iteration " + std::to_string(training.divergedAtIteration) +
                              " (learning rate too high for this architecture?)";
            }
            trial.validationTop1 = training.validationTop1;
            trial.testTop1 = training.testTop1;
            trial.iterationsDone = training.iterationsDone;
            trial.seconds = training.seconds;
            trial.curveJson = curveToJson(training.curve);
        }
        if (auto status = m_store.updateTrial(trial); !status) return status;
        if (trial.state == TrialState::Finished) ++report.trialsFinished;
        if (trial.state == TrialState::Failed || trial.state == TrialState::Diverged) ++report.trialsFailed;
        if (!m_observer) return Done{};
        if (trial.state == TrialState::Finished) m_observer->trialFinished(trial);
        else m_observer->trialFailed(trial);
        return Done{};
    };

    auto cancelAll = [&run] {
        for (auto& [id, active] : run.active) active.cancel.cancel();
    };

    Status failure = Done{};
    bool cancelSent = false;
    bool changed = true;  // the store changed since the summary was loaded
    std::optional<ExperimentSummary> summary;
    while (true) {
        if (changed) {
            auto loaded = ExperimentSummary::load(m_store);
            if (!loaded) {
                failure = loaded.error();
                break;
            }
            summary = std::move(*loaded);
            changed = false;
            if (summary->frontier != lastFrontier) {
                lastFrontier = summary->frontier;
                if (m_observer) m_observer->frontierChanged(*summary);
            }
        }
        bool dispatched = false;
        while (!m_paused && !m_stopRequested && static_cast<int>(run.active.size()) < summary->config.workers) {
            auto next = nextTrial(*summary);
            if (!next) {
                failure = next.error();
                break;
            }
            if (!*next) break;
            if (auto status = startTrial(**next, *summary); !status) {
                failure = status;
                break;
            }
            dispatched = true;
            // Reload so that the next proposal sees this trial as running (constant liar).
            auto loaded = ExperimentSummary::load(m_store);
            if (!loaded) {
                failure = loaded.error();
                break;
            }
            summary = std::move(*loaded);
        }
        if (!failure) break;
        if (run.active.empty() && !dispatched && (!m_paused || m_stopRequested)) break;
        if (m_stopRequested && !cancelSent) {
            cancelAll();
            cancelSent = true;
        }

        std::deque<TrialReport> reports;
        {
            std::unique_lock lock(m_mutex);
            m_wakeUp.wait_for(lock, std::chrono::milliseconds(250), [&] {
                return !run.reports.empty() || (m_stopRequested && !cancelSent);
            });
            reports.swap(run.reports);
        }
        for (const TrialReport& result : reports) {
            changed = true;
            if (auto status = recordReport(result); !status) {
                failure = status;
                break;
            }
        }
        if (!failure) break;
    }

    // Never leave a worker thread behind: cancel, wait, and record what they report.
    if (!run.active.empty()) {
        cancelAll();
        for (auto& [id, active] : run.active) active.worker.join();
        for (const TrialReport& result : run.reports) {
            run.active.erase(result.trialId);
            auto stored = m_store.trial(result.trialId);
            if (!stored) continue;
            TrialRecord trial = *stored;
            trial.state = TrialState::Queued;  // rerun when the experiment resumes
            (void)m_store.updateTrial(trial);
        }
        run.active.clear();
    }
    if (!failure || m_stopRequested) return failure;

    phase.state = PhaseState::Finished;
    phase.finishedAt = nowSeconds();
    if (auto status = m_store.updatePhase(phase); !status) return status;
    if (m_observer) m_observer->phaseChanged(phase);
    return Done{};
}

}  // namespace perfnas
