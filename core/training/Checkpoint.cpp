#include "core/training/Checkpoint.h"

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <system_error>

#include "core/common/FileIo.h"

namespace perfnas {
namespace {

namespace fs = std::filesystem;
constexpr int kCheckpointFormat = 1;

}  // namespace

fs::path Checkpoint::infoFile(const fs::path& folder) { return folder / "checkpoint.json"; }
fs::path Checkpoint::modelFile(const fs::path& folder) { return folder / "model.pt"; }
fs::path Checkpoint::optimizerFile(const fs::path& folder) { return folder / "optimizer.pt"; }

Status Checkpoint::writeInfo(const fs::path& folder, const CheckpointInfo& info) {
    const TrainingParams& p = info.params;
    const nlohmann::json document = {
        {"format", kCheckpointFormat},
        {"spec", nlohmann::json::parse(info.spec.toJson())},
        {"classes", info.classNames},
        {"normalization", {{"mean", info.normalization.mean}, {"std", info.normalization.stdDev}}},
        {"mfcc_settings", info.mfccSettings},
        {"iteration", info.iteration},
        {"validation_top1", info.validationTop1},
        {"step_plan", info.stepPlan.name()},
        {"params",
         {{"iterations", p.iterations},
          {"batch_size", p.batchSize},
          {"learning_rate", p.learningRate},
          {"decay_factor", p.decayFactor},
          {"decay_every", p.decayEvery},
          {"seed", p.seed},
          {"augmentation", p.augmentation.enabled}}}};
    return writeFileAtomically(infoFile(folder), document.dump(2) + '\n');
}

Result<CheckpointInfo> Checkpoint::readInfo(const fs::path& folder) {
    const fs::path file = infoFile(folder);
    std::ifstream in(file);
    if (!in) {
        return makeError(ErrorCode::NotFound,
                         folder.string() + ": not a checkpoint folder (no checkpoint.json)");
    }
    std::stringstream text;
    text << in.rdbuf();
    const nlohmann::json document =
        nlohmann::json::parse(text.str(), nullptr, /*allow_exceptions=*/false);
    if (document.is_discarded())
        return makeError(ErrorCode::InvalidInput, file.string() + ": not valid JSON");
    try {
        if (document.at("format").get<int>() != kCheckpointFormat) {
            return makeError(ErrorCode::InvalidInput, file.string() + ": checkpoint format " +
                                                          document.at("format").dump() +
                                                          " is not supported");
        }
        auto spec = ArchitectureSpec::fromJson(document.at("spec").dump());
        if (!spec)
            return makeError(ErrorCode::InvalidInput, file.string() + ": " + spec.error().message);
        CheckpointInfo info{.spec = *spec};
        info.classNames = document.at("classes").get<std::vector<std::string>>();
        info.normalization = {.mean = document.at("normalization").at("mean").get<float>(),
                              .stdDev = document.at("normalization").at("std").get<float>()};
        info.mfccSettings = document.at("mfcc_settings").get<std::string>();
        info.iteration = document.at("iteration").get<int>();
        info.validationTop1 = document.at("validation_top1").get<double>();
        // Checkpoints written before plans existed ran the default plan.
        if (document.contains("step_plan")) {
            const auto plan = StepPlan::parse(document.at("step_plan").get<std::string>());
            if (!plan)
                return makeError(ErrorCode::InvalidInput, file.string() + ": unknown step_plan " +
                                                              document.at("step_plan").dump());
            info.stepPlan = *plan;
        }
        const auto& p = document.at("params");
        info.params.iterations = p.at("iterations").get<int>();
        info.params.batchSize = p.at("batch_size").get<int>();
        info.params.learningRate = p.at("learning_rate").get<double>();
        info.params.decayFactor = p.at("decay_factor").get<double>();
        info.params.decayEvery = p.at("decay_every").get<int>();
        info.params.seed = p.at("seed").get<std::uint64_t>();
        info.params.augmentation.enabled = p.at("augmentation").get<bool>();
        return info;
    } catch (const nlohmann::json::exception& error) {
        return makeError(ErrorCode::InvalidInput,
                         file.string() + ": malformed checkpoint: " + error.what());
    }
}

}  // namespace perfnas
