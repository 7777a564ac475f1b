#include "core/search/ExperimentConfig.h"

#include <algorithm>
#include <cmath>
#include <thread>

#include "core/benchmark/LatencyOutputParser.h"
#include "core/common/JsonFields.h"
#include "core/dataset/DatasetOptionsJson.h"
#include "core/execution/TrialRequest.h"

namespace perfnas {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

Result<ArchitectureSpec> readSeed(const json& value, const std::string& where,
                                  const fs::path& baseFolder) {
    if (value.is_object()) {
        auto spec = ArchitectureSpec::fromJson(value.dump());
        if (!spec) return makeError(ErrorCode::InvalidInput, where + ": " + spec.error().message);
        return spec;
    }
    if (!value.is_string()) {
        return makeError(ErrorCode::InvalidInput,
                         where + ": expected \"paper\", a spec file path or a spec object");
    }
    const std::string name = value.get<std::string>();
    if (name == "paper") return ArchitectureSpec::paperSeed();
    fs::path file = name;
    if (file.is_relative()) file = baseFolder / file;
    return ArchitectureSpec::fromFile(file.string());
}

Result<TrainingParams> readTraining(const json& value, const TrainingParams& defaults,
                                    const std::string& where) {
    // Start from `defaults`, then apply the fields the file gives.
    json merged = json::parse(defaults.toJson());
    if (!value.is_object())
        return makeError(ErrorCode::InvalidInput, where + ": expected a JSON object");
    for (const auto& [key, field] : value.items()) {
        if (key == "augmentation" && field.is_object()) {
            for (const auto& [innerKey, inner] : field.items()) merged[key][innerKey] = inner;
        } else {
            merged[key] = field;
        }
    }
    auto params = TrainingParams::fromJson(merged.dump());
    if (!params) return makeError(ErrorCode::InvalidInput, where + ": " + params.error().message);
    return params;
}

Result<OptimizerSpace> readOptimizerSpace(const json& value, const std::string& where,
                                          int& trials) {
    OptimizerSpace space;
    std::vector<double> learningRate = {space.learningRate.min, space.learningRate.max};
    std::vector<double> batchSizes = space.batchSize.choices;
    std::vector<double> iterations = space.iterations.choices;
    JsonFields fields(value, where);
    fields.optional("trials", trials)
        .optional("lr", learningRate)
        .optional("batch", batchSizes)
        .optional("iterations", iterations);
    if (auto status = fields.finish(); !status) return status.error();
    if (learningRate.size() != 2)
        return makeError(ErrorCode::InvalidInput, where + ".lr: expected [min, max]");
    space.learningRate = Domain::logUniform(learningRate[0], learningRate[1]);
    space.batchSize = Domain::choice(batchSizes);
    space.iterations = Domain::choice(iterations);
    if (auto status = space.parameterSpace().validate(); !status) {
        return makeError(ErrorCode::InvalidInput, where + ": " + status.error().message);
    }
    return space;
}

// An ssh:// objective target: the host from the target (normalized, so a stored key does not
// depend on how the port was written), the rest from the "ssh" block. Relative key paths are the
// config file's.
Status readRemoteTarget(LatencyObjective& latency, const json* ssh, const std::string& where,
                        const fs::path& baseFolder) {
    if (!latency.remoteTarget()) {
        if (ssh) {
            return makeError(ErrorCode::InvalidInput,
                             where + ".ssh: only for an \"ssh://USER@HOST:PORT\" target");
        }
        return Done{};
    }
    auto board = SshBoardSettings::fromTarget(latency.target);
    if (!board)
        return makeError(ErrorCode::InvalidInput, where + ".target: " + board.error().message);
    double connectSeconds = 10.0;
    double commandSeconds = 600.0;
    if (ssh) {
        JsonFields fields(*ssh, where + ".ssh");
        fields.optional("identity", board->identityFile)
            .optional("known_hosts", board->knownHostsFile)
            .optional("connect_timeout_s", connectSeconds)
            .optional("command_timeout_s", commandSeconds)
            .optional("remote_command", latency.remote.commandTemplate)
            .optional("remote_parser", latency.remote.parser);
        if (auto status = fields.finish(); !status) return status.error();
    }
    for (fs::path* file : {&board->identityFile, &board->knownHostsFile}) {
        if (!file->empty() && file->is_relative()) *file = baseFolder / *file;
    }
    board->connectTimeout = std::chrono::milliseconds(std::llround(connectSeconds * 1000));
    board->commandTimeout = std::chrono::milliseconds(std::llround(commandSeconds * 1000));
    latency.board = *board;
    latency.target = board->target();
    return Done{};
}

}  // namespace

std::string LatencyObjective::key() const {
    return target == "local" ? "local:" + std::to_string(threads) : target;
}

std::string costMetricName(CostMetric metric) {
    switch (metric) {
        case CostMetric::Params:
            return "params";
        case CostMetric::Latency:
            return "latency";
        case CostMetric::Mfpops:
            break;
    }
    return "mfpops";
}

int ExperimentConfig::effectiveThreadsPerTrial() const {
    if (threadsPerTrial > 0) return threadsPerTrial;
    const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    return std::max(1, cores / std::max(1, workers));
}

Status ExperimentConfig::validate() const {
    auto fail = [](const std::string& message) -> Status {
        return makeError(ErrorCode::InvalidInput, message);
    };
    if (auto status = seed.validate(); !status)
        return fail("seed_architecture: " + status.error().message);
    if (auto status = space.validate(); !status) return fail("space: " + status.error().message);
    if (searchTrials <= 0) return fail("search.trials: must be positive");
    if (refinementTrials < 0) return fail("refinement.trials: must be >= 0");
    if (optimizerSpace && optimizerTrials <= 0)
        return fail("optimizer_search.trials: must be positive");
    if (searchMaxMinutes < 0) return fail("search.max_minutes: must be >= 0");
    if (fidelity &&
        (fidelity->minIterations < 1 || fidelity->maxIterations <= fidelity->minIterations)) {
        return fail("fidelity: expected 1 <= min_iterations < max_iterations, got " +
                    std::to_string(fidelity->minIterations) + " and " +
                    std::to_string(fidelity->maxIterations));
    }
    if (fidelity && fidelity->eta < 2) return fail("fidelity.eta: must be at least 2");
    if (fidelity && fidelity->rungIterations().size() < 2) {
        return fail(
            "fidelity: max_iterations / eta must be at least min_iterations, or there is only one "
            "rung");
    }
    if (autoRefinementRounds < 0) return fail("refinement.auto_rounds: must be >= 0");
    if (!(autoMinimumShare > 0.0 && autoMinimumShare <= 1.0))
        return fail("refinement.min_share: must be in (0, 1]");
    if (workers < 1) return fail("execution.workers: must be at least 1");
    if (threadsPerTrial < 0) return fail("execution.threads_per_trial: must be >= 0");
    if (sampler != "tpe" && sampler != "random")
        return fail("sampler.kind: expected \"tpe\" or \"random\", got \"" + sampler + "\"");
    if (backend != "inprocess" && backend != "subprocess" && backend != "slurm") {
        return fail(
            "execution.backend: expected \"inprocess\", \"subprocess\" or \"slurm\", got \"" +
            backend + "\"");
    }
    if (slurm.cpusPerTrial < 1) return fail("execution.slurm.cpus_per_trial: must be at least 1");
    if (maxMfpops && !(*maxMfpops > 0)) return fail("constraints.max_mfpops: must be positive");
    if (maxLatencyMs && !(*maxLatencyMs > 0))
        return fail("constraints.max_latency_ms: must be positive");
    if (maxLatencyMs && cost != CostMetric::Latency)
        return fail("constraints.max_latency_ms: needs \"objective\": {\"cost\": \"latency\"}");
    if (latency.target != "local" && latency.target != "cuda" && !latency.remoteTarget()) {
        return fail(
            "objective.target: expected \"local\", \"cuda\" or \"ssh://USER@HOST:PORT\", got \"" +
            latency.target + "\"");
    }
    if (latency.remoteTarget()) {
        if (auto checked = SshBoard::checkCommandTemplate(latency.remote.commandTemplate); !checked)
            return fail("objective.ssh.remote_command: " + checked.error().message);
        if (!LatencyOutputParser::create(latency.remote.parser))
            return fail("objective.ssh.remote_parser: unknown parser \"" + latency.remote.parser +
                        "\"");
        if (latency.board.connectTimeout.count() <= 0 || latency.board.commandTimeout.count() <= 0)
            return fail("objective.ssh: timeouts must be positive");
    }
    if (latency.threads < 1) return fail("objective.threads: must be at least 1");
    if (latency.runs < 3) return fail("objective.runs: must be at least 3");
    if (latency.warmupRuns < 0) return fail("objective.warmup_runs: must be >= 0");
    if (minTop1 && !(*minTop1 >= 0 && *minTop1 <= 1))
        return fail("constraints.min_top1: must be a fraction in [0, 1]");
    if (tpe.startupTrials < 0 || tpe.eiCandidates < 1 ||
        !(tpe.gammaFraction > 0 && tpe.gammaFraction < 1) || tpe.gammaMax < 1 ||
        tpe.priorWeight <= 0) {
        return fail(
            "sampler: startup_trials >= 0, ei_candidates >= 1, 0 < gamma < 1, gamma_max >= 1, "
            "prior_weight > 0");
    }
    if (seed.classes != static_cast<int>(dataset.classNames().size())) {
        return fail("seed_architecture.classes is " + std::to_string(seed.classes) +
                    " but the dataset selects " + std::to_string(dataset.classNames().size()) +
                    " classes");
    }
    return Done{};
}

Result<ExperimentConfig> ExperimentConfig::fromJson(const std::string& text,
                                                    const fs::path& baseFolder,
                                                    const std::string& where) {
    auto document = parseJson(text, where);
    if (!document) return document.error();
    ExperimentConfig config;
    JsonFields fields(*document, where);
    fields.optional("name", config.name)
        .optional("cache_folder", config.cacheFolder)
        .optional("seed", config.randomSeed);
    const json* dataset = fields.child("dataset");
    const json* seed = fields.child("seed_architecture");
    const json* space = fields.child("space");
    const json* objective = fields.child("objective");
    const json* constraints = fields.child("constraints");
    const json* sampler = fields.child("sampler");
    const json* training = fields.child("training");
    const json* fidelity = fields.child("fidelity");
    const json* finetune = fields.child("finetune");
    const json* optimizer = fields.child("optimizer_search");
    const json* search = fields.child("search");
    const json* refinement = fields.child("refinement");
    const json* execution = fields.child("execution");
    if (auto status = fields.finish(); !status) return status.error();
    if (!config.cacheFolder.empty() && config.cacheFolder.is_relative())
        config.cacheFolder = baseFolder / config.cacheFolder;

    if (dataset) {
        auto options = datasetOptionsFromJson(*dataset, where + ".dataset", baseFolder);
        if (!options) return options.error();
        config.dataset = *options;
    }
    if (seed) {
        auto spec = readSeed(*seed, where + ".seed_architecture", baseFolder);
        if (!spec) return spec.error();
        config.seed = *spec;
    }
    config.space = SearchSpace::paperDefault(config.seed);
    if (space) {
        auto parsed = SearchSpace::fromJson(space->dump(), config.seed);
        if (!parsed)
            return makeError(ErrorCode::InvalidInput, where + ".space: " + parsed.error().message);
        config.space = *parsed;
    }
    if (objective) {
        std::string cost = "mfpops";
        JsonFields objectiveFields(*objective, where + ".objective");
        objectiveFields.optional("cost", cost)
            .optional("target", config.latency.target)
            .optional("threads", config.latency.threads)
            .optional("runs", config.latency.runs)
            .optional("warmup_runs", config.latency.warmupRuns);
        const json* ssh = objectiveFields.child("ssh");
        if (auto status = objectiveFields.finish(); !status) return status.error();
        if (auto remote = readRemoteTarget(config.latency, ssh, where + ".objective", baseFolder);
            !remote)
            return remote.error();
        if (cost != "mfpops" && cost != "params" && cost != "latency") {
            return makeError(ErrorCode::InvalidInput,
                             where +
                                 ".objective.cost: expected \"mfpops\", \"params\" or "
                                 "\"latency\", got \"" +
                                 cost + "\"");
        }
        config.cost = cost == "params"    ? CostMetric::Params
                      : cost == "latency" ? CostMetric::Latency
                                          : CostMetric::Mfpops;
    }
    if (constraints) {
        double maxMfpops = 0.0;
        double maxLatencyMs = 0.0;
        double minTop1 = -1.0;
        JsonFields constraintFields(*constraints, where + ".constraints");
        constraintFields.optional("max_mfpops", maxMfpops)
            .optional("max_latency_ms", maxLatencyMs)
            .optional("min_top1", minTop1);
        if (auto status = constraintFields.finish(); !status) return status.error();
        if (constraints->contains("max_mfpops")) config.maxMfpops = maxMfpops;
        if (constraints->contains("max_latency_ms")) config.maxLatencyMs = maxLatencyMs;
        if (constraints->contains("min_top1")) config.minTop1 = minTop1;
    }
    if (sampler) {
        JsonFields samplerFields(*sampler, where + ".sampler");
        samplerFields.optional("kind", config.sampler)
            .optional("startup_trials", config.tpe.startupTrials)
            .optional("ei_candidates", config.tpe.eiCandidates)
            .optional("gamma", config.tpe.gammaFraction)
            .optional("gamma_max", config.tpe.gammaMax)
            .optional("prior_weight", config.tpe.priorWeight)
            .optional("constant_liar", config.tpe.constantLiar);
        std::string goodWeights = goodWeightsName(config.tpe.goodWeights);
        std::string selection = candidateSelectionName(config.tpe.selection);
        samplerFields.optional("good_weights", goodWeights)
            .optional("selection", selection)
            .optional("log_cost", config.tpe.logCost);
        if (auto status = samplerFields.finish(); !status) return status.error();
        const auto parsedWeights = parseGoodWeights(goodWeights);
        if (!parsedWeights) {
            return makeError(
                ErrorCode::InvalidInput,
                where + ".sampler.good_weights: expected \"uniform\" or \"hypervolume\", got \"" +
                    goodWeights + "\"");
        }
        const auto parsedSelection = parseCandidateSelection(selection);
        if (!parsedSelection) {
            return makeError(ErrorCode::InvalidInput,
                             where +
                                 ".sampler.selection: expected \"summed\", \"per_dimension\" or "
                                 "\"multivariate\", got \"" +
                                 selection + "\"");
        }
        config.tpe.goodWeights = *parsedWeights;
        config.tpe.selection = *parsedSelection;
    }
    if (training) {
        auto params = readTraining(*training, config.training, where + ".training");
        if (!params) return params.error();
        config.training = *params;
    }
    if (fidelity && !fidelity->is_null()) {
        FidelitySettings settings;
        JsonFields fidelityFields(*fidelity, where + ".fidelity");
        fidelityFields.optional("min_iterations", settings.minIterations)
            .optional("max_iterations", settings.maxIterations)
            .optional("eta", settings.eta);
        if (auto status = fidelityFields.finish(); !status) return status.error();
        config.fidelity = settings;
    }
    if (finetune) {
        auto params = readTraining(*finetune, config.finetune, where + ".finetune");
        if (!params) return params.error();
        config.finetune = *params;
    }
    if (optimizer && !optimizer->is_null()) {
        auto optimizerSpace =
            readOptimizerSpace(*optimizer, where + ".optimizer_search", config.optimizerTrials);
        if (!optimizerSpace) return optimizerSpace.error();
        config.optimizerSpace = *optimizerSpace;
    }
    if (search) {
        JsonFields searchFields(*search, where + ".search");
        searchFields.optional("trials", config.searchTrials)
            .optional("max_minutes", config.searchMaxMinutes)
            .optional("train_seed", config.trainSeed);
        if (auto status = searchFields.finish(); !status) return status.error();
    }
    if (refinement) {
        JsonFields refinementFields(*refinement, where + ".refinement");
        refinementFields.optional("trials", config.refinementTrials)
            .optional("auto_rounds", config.autoRefinementRounds)
            .optional("min_share", config.autoMinimumShare);
        if (auto status = refinementFields.finish(); !status) return status.error();
    }
    if (execution) {
        JsonFields executionFields(*execution, where + ".execution");
        executionFields.optional("backend", config.backend)
            .optional("workers", config.workers)
            .optional("threads_per_trial", config.threadsPerTrial);
        const json* slurm = executionFields.child("slurm");
        if (auto status = executionFields.finish(); !status) return status.error();
        if (slurm) {
            JsonFields slurmFields(*slurm, where + ".execution.slurm");
            slurmFields.optional("partition", config.slurm.partition)
                .optional("account", config.slurm.account)
                .optional("time_limit", config.slurm.timeLimit)
                .optional("cpus_per_trial", config.slurm.cpusPerTrial)
                .optional("options", config.slurm.options);
            if (auto status = slurmFields.finish(); !status) return status.error();
        }
    }
    if (auto status = config.validate(); !status) {
        return makeError(ErrorCode::InvalidInput, where + ": " + status.error().message);
    }
    return config;
}

Result<ExperimentConfig> ExperimentConfig::fromFile(const fs::path& file) {
    auto text = readTextFile(file);
    if (!text) return text.error();
    return fromJson(*text, fs::absolute(file).parent_path(), file.string());
}

std::string ExperimentConfig::toJson() const {
    json document = {
        {"name", name},
        {"dataset", datasetOptionsJson(dataset)},
        {"cache_folder", cacheFolder.string()},
        {"seed_architecture", json::parse(seed.toJson())},
        {"space", json::parse(space.toJson())},
        {"objective",
         {{"cost", costMetricName(cost)},
          {"target", latency.target},
          {"threads", latency.threads},
          {"runs", latency.runs},
          {"warmup_runs", latency.warmupRuns}}},
        {"sampler",
         {{"kind", sampler},
          {"startup_trials", tpe.startupTrials},
          {"ei_candidates", tpe.eiCandidates},
          {"gamma", tpe.gammaFraction},
          {"gamma_max", tpe.gammaMax},
          {"prior_weight", tpe.priorWeight},
          {"constant_liar", tpe.constantLiar},
          {"good_weights", goodWeightsName(tpe.goodWeights)},
          {"selection", candidateSelectionName(tpe.selection)},
          {"log_cost", tpe.logCost}}},
        {"training", json::parse(training.toJson())},
        {"finetune", json::parse(finetune.toJson())},
        {"search",
         {{"trials", searchTrials}, {"max_minutes", searchMaxMinutes}, {"train_seed", trainSeed}}},
        {"refinement",
         {{"trials", refinementTrials},
          {"auto_rounds", autoRefinementRounds},
          {"min_share", autoMinimumShare}}},
        {"execution",
         {{"backend", backend},
          {"workers", workers},
          {"threads_per_trial", threadsPerTrial},
          {"slurm",
           {{"partition", slurm.partition},
            {"account", slurm.account},
            {"time_limit", slurm.timeLimit},
            {"cpus_per_trial", slurm.cpusPerTrial},
            {"options", slurm.options}}}}},
        {"seed", randomSeed}};
    json constraints = json::object();
    if (maxMfpops) constraints["max_mfpops"] = *maxMfpops;
    if (maxLatencyMs) constraints["max_latency_ms"] = *maxLatencyMs;
    if (minTop1) constraints["min_top1"] = *minTop1;
    document["constraints"] = constraints;
    if (latency.remoteTarget()) {
        document["objective"]["ssh"] = {
            {"identity", latency.board.identityFile.string()},
            {"known_hosts", latency.board.knownHostsFile.string()},
            {"connect_timeout_s", latency.board.connectTimeout.count() / 1000.0},
            {"command_timeout_s", latency.board.commandTimeout.count() / 1000.0},
            {"remote_command", latency.remote.commandTemplate},
            {"remote_parser", latency.remote.parser}};
    }
    if (fidelity) {
        document["fidelity"] = {{"min_iterations", fidelity->minIterations},
                                {"max_iterations", fidelity->maxIterations},
                                {"eta", fidelity->eta}};
    }
    if (optimizerSpace) {
        document["optimizer_search"] = {
            {"trials", optimizerTrials},
            {"lr", {optimizerSpace->learningRate.min, optimizerSpace->learningRate.max}},
            {"batch", optimizerSpace->batchSize.choices},
            {"iterations", optimizerSpace->iterations.choices}};
    }
    return document.dump(2);
}

}  // namespace perfnas
