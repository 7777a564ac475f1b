#include "core/report/ModelExport.h"

#include <nlohmann/json.hpp>

#include "core/execution/TrialRequest.h"
#include "core/model/OnnxExporter.h"
#include "core/training/Checkpoint.h"

namespace perfnas {
namespace {

namespace fs = std::filesystem;

Status copyInto(const fs::path& from, const fs::path& folder, std::vector<fs::path>& written,
                const std::string& what) {
    std::error_code ec;
    const fs::path to = folder / from.filename();
    fs::copy_file(from, to, fs::copy_options::overwrite_existing, ec);
    if (ec)
        return makeError(ErrorCode::IoFailure, what + ": cannot copy " + from.string() + " to " +
                                                   to.string() + ": " + ec.message());
    written.push_back(to);
    return Done{};
}

}  // namespace

std::optional<ModelFormat> parseModelFormat(const std::string& name) {
    if (name == "onnx") return ModelFormat::Onnx;
    if (name == "torch") return ModelFormat::Torch;
    return std::nullopt;
}

Result<ModelExportResult> ModelExport::run(const ExperimentSummary& summary,
                                           const fs::path& experimentFile,
                                           const ModelExportRequest& request) {
    int trialId = request.trialId;
    if (trialId == 0) {
        if (summary.seedTrialId == 0) {
            return makeError(ErrorCode::InvalidInput,
                             "trial 0 (the seed): " + experimentFile.string() +
                                 " has no trained seed (search.train_seed was off)");
        }
        trialId = summary.seedTrialId;
    }
    const std::string name = "trial " + std::to_string(trialId);
    const TrialRecord* trial = summary.trial(trialId);
    if (!trial)
        return makeError(ErrorCode::InvalidInput,
                         name + ": no such trial in " + experimentFile.string());
    if (trial->state != TrialState::Finished) {
        return makeError(ErrorCode::InvalidInput,
                         name + " is " + trialStateName(trial->state) +
                             ": only finished trials have trained weights");
    }
    const TrialRecord* tuned = summary.finetuneOf(trialId);
    const TrialRecord& source = tuned ? *tuned : *trial;
    const std::string sourceName =
        tuned ? name + " (fine-tuned as trial " + std::to_string(tuned->id) + ")" : name;
    if (source.checkpointPath.empty())
        return makeError(ErrorCode::NotFound, sourceName + ": no checkpoint was recorded");
    fs::path folder = source.checkpointPath;
    if (folder.is_relative()) folder = fs::absolute(experimentFile).parent_path() / folder;
    auto info = Checkpoint::readInfo(folder);
    if (!info) return Error{info.error().code, sourceName + ": " + info.error().message};
    const fs::path weights = Checkpoint::modelFile(folder);
    if (!fs::exists(weights))
        return makeError(ErrorCode::NotFound, sourceName + ": " + weights.string() + " is missing");

    ModelExportResult result{.trialId = trialId,
                             .checkpointTrialId = source.id,
                             .finetuned = tuned != nullptr,
                             .checkpointFolder = folder};
    std::error_code ec;
    fs::create_directories(request.outputFolder, ec);
    if (ec)
        return makeError(ErrorCode::IoFailure,
                         request.outputFolder.string() + ": cannot be created: " + ec.message());
    const fs::path specFile = request.outputFolder / "spec.json";
    if (auto written = writeFileAtomically(
            specFile, nlohmann::json::parse(info->spec.toJson()).dump(2) + "\n");
        !written) {
        return written.error();
    }
    result.files.push_back(specFile);
    for (const fs::path& file :
         {Checkpoint::infoFile(folder), weights, Checkpoint::optimizerFile(folder)}) {
        if (file == Checkpoint::optimizerFile(folder) && !fs::exists(file))
            continue;  // not needed to run the model
        if (auto copied = copyInto(file, request.outputFolder, result.files, sourceName); !copied)
            return copied.error();
    }
    if (request.format == ModelFormat::Onnx) {
        auto folded = OnnxExporter::fold(info->spec, weights);
        if (!folded) return Error{folded.error().code, sourceName + ": " + folded.error().message};
        const fs::path onnxFile = request.outputFolder / "model.onnx";
        const OnnxModelInfo modelInfo{.inputMean = info->normalization.mean,
                                      .inputStd = info->normalization.stdDev,
                                      .classNames = info->classNames};
        if (auto written = OnnxExporter::write(*folded, modelInfo, onnxFile); !written) {
            return Error{written.error().code, sourceName + ": " + written.error().message};
        }
        result.files.push_back(onnxFile);
    }
    return result;
}

}  // namespace perfnas
