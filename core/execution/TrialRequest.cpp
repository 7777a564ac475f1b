#include "core/execution/TrialRequest.h"

#include "core/dataset/DatasetOptionsJson.h"

namespace perfnas {
namespace fs = std::filesystem;

std::string TrialRequest::toJson() const {
    const nlohmann::json document = {{"trial", trialId},
                                     {"spec", nlohmann::json::parse(spec.toJson())},
                                     {"training", nlohmann::json::parse(training.toJson())},
                                     {"resume_from", resumeFrom.string()},
                                     {"dataset", datasetOptionsJson(dataset)},
                                     {"cache_folder", cacheFolder.string()}};
    return document.dump(2);
}

Result<TrialRequest> TrialRequest::fromJson(const std::string& text) {
    auto document = parseJson(text, "trial request");
    if (!document) return document.error();
    TrialRequest request;
    JsonFields fields(*document, "trial request");
    fields.required("trial", request.trialId)
        .optional("resume_from", request.resumeFrom)
        .optional("cache_folder", request.cacheFolder);
    const nlohmann::json* spec = fields.child("spec");
    const nlohmann::json* training = fields.child("training");
    const nlohmann::json* dataset = fields.child("dataset");
    if (!spec || !training || !dataset)
        fields.fail("trial request: 'spec', 'training' and 'dataset' are required");
    if (auto status = fields.finish(); !status) return status.error();

    auto parsedSpec = ArchitectureSpec::fromJson(spec->dump());
    if (!parsedSpec)
        return makeError(ErrorCode::InvalidInput,
                         "trial request.spec: " + parsedSpec.error().message);
    auto parsedTraining = TrainingParams::fromJson(training->dump());
    if (!parsedTraining) return parsedTraining.error();
    auto parsedDataset = datasetOptionsFromJson(*dataset, "trial request.dataset");
    if (!parsedDataset) return parsedDataset.error();
    request.spec = *parsedSpec;
    request.training = *parsedTraining;
    request.dataset = *parsedDataset;
    return request;
}

std::string TrialReport::toJson() const {
    nlohmann::json document = {{"trial", trialId}, {"host", host}};
    if (failure)
        document["error"] = failure->message;
    else
        document["result"] = nlohmann::json::parse(training.toJson());
    return document.dump(2);
}

Result<TrialReport> TrialReport::fromJson(const std::string& text) {
    auto document = parseJson(text, "trial report");
    if (!document) return document.error();
    TrialReport report;
    std::string error;
    JsonFields fields(*document, "trial report");
    fields.required("trial", report.trialId).optional("host", report.host).optional("error", error);
    const nlohmann::json* result = fields.child("result");
    if (auto status = fields.finish(); !status) return status.error();
    if (!error.empty() || !result) {
        report.failure =
            makeError(ErrorCode::Internal, error.empty() ? "the worker reported no result" : error);
        return report;
    }
    auto training = TrainingResult::fromJson(result->dump());
    if (!training) return training.error();
    report.training = *training;
    return report;
}

}  // namespace perfnas
