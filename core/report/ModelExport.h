#pragma once
// ModelExport: what `perfnas export` and the studio's export dialog write for one trial of an
// experiment — spec.json (the architecture), the torch checkpoint files (checkpoint.json, model.pt,
// optimizer.pt: the folder stays a checkpoint that `perfnas evaluate` reads) and, for ONNX,
// model.onnx (OnnxExporter: batch-norm folded, raw-MFCC input). A search trial that was fine-tuned
// exports its fine-tuned checkpoint. Errors name the trial and the file. Synchronous, stateless.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "core/common/Result.h"
#include "core/search/ExperimentSummary.h"

namespace perfnas {

enum class ModelFormat { Onnx, Torch };
std::optional<ModelFormat> parseModelFormat(const std::string& name);  // "onnx", "torch"

struct ModelExportRequest {
    int trialId = 0;  // 0: the seed (its trained trial)
    ModelFormat format = ModelFormat::Onnx;
    std::filesystem::path outputFolder;  // created when missing; files in it are replaced
};

struct ModelExportResult {
    int trialId = 0;            // the trial asked for
    int checkpointTrialId = 0;  // whose weights: the fine-tuning trial, or trialId itself
    bool finetuned = false;
    std::filesystem::path checkpointFolder;
    std::vector<std::filesystem::path> files;  // written, in order
};

class ModelExport {
public:
    // `experimentFile`: the experiment's database (checkpoint paths are relative to its folder).
    static Result<ModelExportResult> run(const ExperimentSummary& summary,
                                         const std::filesystem::path& experimentFile,
                                         const ModelExportRequest& request);
};

}  // namespace perfnas
