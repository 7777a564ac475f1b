#include "core/search/PhasePlan.h"

#include <algorithm>
#include <cmath>

namespace perfnas {
namespace {

// Seconds one worker spends per training iteration: the median over the trials measured so far.
std::optional<double> typicalSecondsPerIteration(const ExperimentSummary& summary) {
    std::vector<double> measured;
    for (const TrialRecord& trial : summary.trials) {
        if (trial.iterationsDone > 0 && trial.seconds > 0 && std::isfinite(trial.seconds)) {
            measured.push_back(trial.seconds / trial.iterationsDone);
        }
    }
    if (measured.empty()) return std::nullopt;
    std::nth_element(measured.begin(), measured.begin() + static_cast<std::ptrdiff_t>(measured.size() / 2),
                     measured.end());
    return measured[measured.size() / 2];
}

bool isArchitecturePhase(PhaseKind kind) { return kind == PhaseKind::Search || kind == PhaseKind::Refinement; }

}  // namespace

PhasePlan::PhasePlan(const ExperimentSummary& summary, const PhaseRecord& phase)
    : m_summary(summary), m_phase(phase) {}

bool PhasePlan::usesRungs() const { return m_summary.config.fidelity.has_value() && isArchitecturePhase(m_phase.kind); }

int PhasePlan::targetIterations(const TrialRecord& trial) const {
    if (usesRungs()) {
        const std::vector<int> rungs = m_summary.config.fidelity->rungIterations();
        return rungs[static_cast<std::size_t>(std::clamp(trial.rung, 0, static_cast<int>(rungs.size()) - 1))];
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

double PhasePlan::newTrialIterations() const {
    return usesRungs() ? SuccessiveHalving::expectedRemainingIterations(*m_summary.config.fidelity, 0, 0)
                       : m_summary.config.searchIterations();
}

double PhasePlan::projectedSeconds(double typical, double extraSeconds) const {
    const bool rungs = usesRungs();
    const Configuration seedConfiguration = m_summary.config.space.configurationOf(m_summary.config.seed);
    double total = extraSeconds;
    double longest = 0.0;
    for (const TrialRecord& trial : m_summary.trials) {
        if (trial.phaseId != m_phase.id) continue;
        const bool working = trial.state == TrialState::Queued || trial.state == TrialState::Running;
        double iterations = 0.0;
        if (!rungs) {
            if (working) iterations = std::max(0, targetIterations(trial) - trial.iterationsDone);
        } else {
            const FidelitySettings& fidelity = *m_summary.config.fidelity;
            if (trial.configuration == seedConfiguration && (working || trial.state == TrialState::Finished)) {
                iterations = std::max(0, fidelity.maxIterations - trial.iterationsDone);
            } else if (working) {
                iterations = SuccessiveHalving::expectedRemainingIterations(fidelity, trial.rung, trial.iterationsDone);
            } else if (trial.state == TrialState::Finished && trial.rung < fidelity.topRung()) {
                iterations = SuccessiveHalving::expectedRemainingIterations(fidelity, trial.rung + 1,
                                                                            trial.iterationsDone) /
                             fidelity.eta;
            }
        }
        const bool measured = trial.iterationsDone > 0 && trial.seconds > 0 && std::isfinite(trial.seconds);
        const double own = iterations * (measured ? trial.seconds / trial.iterationsDone : typical);
        total += own;
        longest = std::max(longest, own);
    }
    return std::max(longest, total / std::max(1, m_summary.config.workers));
}

bool PhasePlan::admitsNewTrial(double secondsToDeadline) const {
    if (!isArchitecturePhase(m_phase.kind) && m_phase.kind != PhaseKind::Optimizer) return false;
    if (m_phase.trialBudget > 0 && trialsStarted() >= m_phase.trialBudget) return false;
    if (secondsToDeadline == kNoDeadline) return true;
    if (secondsToDeadline <= 0) return false;
    const auto measured = typicalSecondsPerIteration(m_summary);
    if (!measured) return true;
    const double typical = *measured;
    return projectedSeconds(typical, newTrialIterations() * typical) <= secondsToDeadline;
}

PhaseOutlook PhasePlan::outlook(double secondsToDeadline, bool acceptsNewTrials) const {
    PhaseOutlook outlook{.phaseId = m_phase.id, .trialsStarted = trialsStarted(), .trialBudget = m_phase.trialBudget,
                         .budgetSeconds = m_phase.maxMinutes * 60.0};
    if (usesRungs()) outlook.rungIterations = m_summary.config.fidelity->rungIterations();
    const auto measured = typicalSecondsPerIteration(m_summary);
    if (!measured) return outlook;
    const double typical = *measured;
    double newSeconds = 0.0;
    const bool bounded = m_phase.trialBudget > 0 || secondsToDeadline != kNoDeadline;
    if (acceptsNewTrials && bounded && (isArchitecturePhase(m_phase.kind) || m_phase.kind == PhaseKind::Optimizer)) {
        const double perTrial = newTrialIterations() * typical;
        const int limit = m_phase.trialBudget > 0 ? m_phase.trialBudget : std::numeric_limits<int>::max();
        for (int more = outlook.trialsStarted; more < limit; ++more) {
            if (projectedSeconds(typical, newSeconds + perTrial) > secondsToDeadline) break;
            newSeconds += perTrial;
        }
    }
    outlook.remainingSeconds = projectedSeconds(typical, newSeconds);
    return outlook;
}

}  // namespace perfnas
