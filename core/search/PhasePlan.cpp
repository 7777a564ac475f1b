#include "core/search/PhasePlan.h"

#include <algorithm>
#include <cmath>

namespace perfnas {
namespace {

// A trial's own seconds per iteration, once it has trained some.
std::optional<double> ownSecondsPerIteration(const TrialRecord& trial) {
    if (trial.iterationsDone > 0 && trial.seconds > 0 && std::isfinite(trial.seconds))
        return trial.seconds / trial.iterationsDone;
    return std::nullopt;
}

// Seconds one worker spends per training iteration: the median over the trials measured so far.
std::optional<double> typicalSecondsPerIteration(const ExperimentSummary& summary) {
    std::vector<double> measured;
    for (const TrialRecord& trial : summary.trials) {
        if (const auto own = ownSecondsPerIteration(trial)) measured.push_back(*own);
    }
    if (measured.empty()) return std::nullopt;
    std::nth_element(measured.begin(),
                     measured.begin() + static_cast<std::ptrdiff_t>(measured.size() / 2),
                     measured.end());
    return measured[measured.size() / 2];
}

bool isArchitecturePhase(PhaseKind kind) {
    return kind == PhaseKind::Search || kind == PhaseKind::Refinement;
}

}  // namespace

PhasePlan::PhasePlan(const ExperimentSummary& summary, const PhaseRecord& phase)
    : m_summary(summary), m_phase(phase) {}

bool PhasePlan::usesRungs() const {
    return m_summary.config.fidelity.has_value() && isArchitecturePhase(m_phase.kind);
}

int PhasePlan::targetIterations(const TrialRecord& trial) const {
    if (usesRungs()) {
        const std::vector<int> rungs = m_summary.config.fidelity->rungIterations();
        return rungs[static_cast<std::size_t>(
            std::clamp(trial.rung, 0, static_cast<int>(rungs.size()) - 1))];
    }
    auto params = TrainingParams::fromJson(trial.trainingJson);
    return params ? params->iterations : 0;
}

int PhasePlan::trialsStarted() const {
    int started = 0;
    for (const TrialRecord& trial : m_summary.trials) {
        if (trial.phaseId == m_phase.id && trial.state != TrialState::Cancelled) ++started;
    }
    return started;
}

// Seconds until the phase ends if `newTrials` more trials start. Trials in progress need the rest
// of their current run at their own measured speed; the seed continues to the top. With rungs, the
// promotions still to come are counted per rung: of the T_k trials expected to finish rung k
// (finished, in progress, and promoted or started later), T_k / eta continue, less those already
// promoted; each costs the next rung's extra iterations at the typical speed.
double PhasePlan::projectedSeconds(double typical, int newTrials, double seedCap) const {
    const bool rungs = usesRungs();
    const Configuration seedConfiguration =
        m_summary.config.space.configurationOf(m_summary.config.seed);
    const std::vector<int> rungIterations =
        rungs ? m_summary.config.fidelity->rungIterations() : std::vector<int>{};
    const std::size_t rungCount = rungIterations.size();
    std::vector<double> finished(rungCount, 0.0), working(rungCount, 0.0), promoted(rungCount, 0.0);
    double total = 0.0;
    double longest = 0.0;
    for (const TrialRecord& trial : m_summary.trials) {
        if (trial.phaseId != m_phase.id) continue;
        const bool inProgress =
            trial.state == TrialState::Queued || trial.state == TrialState::Running;
        const bool isSeed = rungs && trial.configuration == seedConfiguration;
        if (!inProgress && !(isSeed && trial.state == TrialState::Finished)) {
            if (rungs && trial.state == TrialState::Finished) {
                for (std::size_t k = 0; k < trial.rungResults.size() && k < rungCount; ++k) {
                    finished[k] += 1;
                    if (static_cast<int>(k) < trial.rung) promoted[k] += 1;
                }
            }
            continue;
        }
        const int until =
            isSeed ? m_summary.config.fidelity->maxIterations : targetIterations(trial);
        double own = std::max(0, until - trial.iterationsDone) *
                     ownSecondsPerIteration(trial).value_or(typical);
        if (isSeed) own = std::min(own, seedCap);
        total += own;
        longest = std::max(longest, own);
        if (rungs && !isSeed) {
            for (std::size_t k = 0; k < trial.rungResults.size() && k < rungCount; ++k) {
                finished[k] += 1;
                promoted[k] += 1;
            }
            working[static_cast<std::size_t>(
                std::clamp(trial.rung, 0, static_cast<int>(rungCount) - 1))] += 1;
        }
    }
    // A new trial's own first run must fit too; promotions that would not fit are not made.
    if (newTrials > 0) {
        const int firstRun = rungs ? rungIterations[0] : m_summary.config.searchIterations();
        longest = std::max(longest, firstRun * typical);
    }
    if (!rungs) {
        total += newTrials * m_summary.config.searchIterations() * typical;
    } else {
        total += newTrials * rungIterations[0] * typical;
        double arriving = newTrials;  // trials still to start rung k
        for (std::size_t k = 0; k + 1 < rungCount; ++k) {
            const double expected = finished[k] + working[k] + arriving;
            arriving = std::max(0.0, expected / m_summary.config.fidelity->eta - promoted[k]);
            total += arriving * (rungIterations[k + 1] - rungIterations[k]) * typical;
        }
    }
    return std::max(longest, total / std::max(1, m_summary.config.workers));
}

bool PhasePlan::admitsPromotion(const TrialRecord& trial, double secondsToDeadline) const {
    if (secondsToDeadline == kNoDeadline || !usesRungs()) return true;
    const std::vector<int> rungs = m_summary.config.fidelity->rungIterations();
    const std::size_t next = static_cast<std::size_t>(trial.rung) + 1;
    if (next >= rungs.size()) return false;
    // A trial waiting for promotion finished a rung, so its own speed is known: the median over
    // all trials is only the fallback.
    const auto own = ownSecondsPerIteration(trial);
    const double speed = own ? *own : typicalSecondsPerIteration(m_summary).value_or(0.0);
    return std::max(0, rungs[next] - trial.iterationsDone) * speed <= secondsToDeadline;
}

bool PhasePlan::admitsNewTrial(double secondsToDeadline) const {
    if (!isArchitecturePhase(m_phase.kind) && m_phase.kind != PhaseKind::Optimizer) return false;
    if (m_phase.trialBudget > 0 && trialsStarted() >= m_phase.trialBudget) return false;
    if (secondsToDeadline == kNoDeadline) return true;
    if (secondsToDeadline <= 0) return false;
    const auto measured = typicalSecondsPerIteration(m_summary);
    if (!measured) return true;
    const double typical = *measured;
    // The seed always trains to the top rung, even past the deadline: its chain alone must not
    // keep the other workers from new trials.
    return projectedSeconds(typical, 1, secondsToDeadline) <= secondsToDeadline;
}

PhaseOutlook PhasePlan::outlook(double secondsToDeadline, bool acceptsNewTrials) const {
    PhaseOutlook outlook{.phaseId = m_phase.id,
                         .trialsStarted = trialsStarted(),
                         .trialBudget = m_phase.trialBudget,
                         .budgetSeconds = m_phase.maxMinutes * 60.0};
    if (usesRungs()) outlook.rungIterations = m_summary.config.fidelity->rungIterations();
    const auto measured = typicalSecondsPerIteration(m_summary);
    if (!measured) return outlook;
    const double typical = *measured;
    int newTrials = 0;
    const bool bounded = m_phase.trialBudget > 0 || secondsToDeadline != kNoDeadline;
    if (acceptsNewTrials && bounded &&
        (isArchitecturePhase(m_phase.kind) || m_phase.kind == PhaseKind::Optimizer)) {
        const int limit =
            m_phase.trialBudget > 0 ? m_phase.trialBudget - outlook.trialsStarted : 100000;
        // The most new trials that still fit: a binary search (the projection grows with the
        // count).
        int low = 0;
        int high = std::max(0, limit);
        while (low < high) {
            const int middle = low + (high - low + 1) / 2;
            if (projectedSeconds(typical, middle, secondsToDeadline) <= secondsToDeadline)
                low = middle;
            else
                high = middle - 1;
        }
        newTrials = low;
    }
    outlook.remainingSeconds = projectedSeconds(typical, newTrials);
    return outlook;
}

}  // namespace perfnas
