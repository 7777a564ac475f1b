#include "core/training/TrainingResult.h"

#include "core/common/JsonFields.h"

namespace perfnas {
namespace {

nlohmann::json curveDocument(const std::vector<CurvePoint>& curve) {
    nlohmann::json points = nlohmann::json::array();
    for (const CurvePoint& point : curve) {
        points.push_back({{"iteration", point.iteration},
                          {"training_loss", point.trainingLoss},
                          {"validation_loss", point.validationLoss},
                          {"validation_top1", point.validationTop1}});
    }
    return points;
}

Result<std::vector<CurvePoint>> readCurve(const nlohmann::json& curve, const std::string& where) {
    if (!curve.is_array()) return makeError(ErrorCode::InvalidInput, where + ": expected an array");
    std::vector<CurvePoint> points;
    for (std::size_t i = 0; i < curve.size(); ++i) {
        CurvePoint point;
        JsonFields pointFields(curve[i], where + "[" + std::to_string(i) + "]");
        pointFields.required("iteration", point.iteration)
            .required("training_loss", point.trainingLoss)
            .required("validation_loss", point.validationLoss)
            .required("validation_top1", point.validationTop1);
        if (auto status = pointFields.finish(); !status) return status.error();
        points.push_back(point);
    }
    return points;
}

}  // namespace

Result<std::vector<CurvePoint>> curveFromJson(const std::string& text) {
    auto document = parseJson(text, "learning curve");
    if (!document) return document.error();
    return readCurve(*document, "learning curve");
}

std::string outcomeName(TrainingOutcome outcome) {
    switch (outcome) {
        case TrainingOutcome::Finished:
            return "finished";
        case TrainingOutcome::Diverged:
            return "diverged";
        case TrainingOutcome::Cancelled:
            return "cancelled";
    }
    return "finished";
}

std::optional<TrainingOutcome> parseOutcome(const std::string& name) {
    for (TrainingOutcome outcome :
         {TrainingOutcome::Finished, TrainingOutcome::Diverged, TrainingOutcome::Cancelled}) {
        if (outcomeName(outcome) == name) return outcome;
    }
    return std::nullopt;
}

std::string curveToJson(const std::vector<CurvePoint>& curve) {
    return curveDocument(curve).dump();
}

std::string TrainingResult::toJson() const {
    const nlohmann::json document = {{"state", outcomeName(outcome)},
                                     {"iterations", iterationsDone},
                                     {"diverged_at", divergedAtIteration},
                                     {"validation_top1", validationTop1},
                                     {"test_top1", testTop1},
                                     {"seconds", seconds},
                                     {"samples_per_second", samplesPerSecond},
                                     {"checkpoint", checkpointFolder.string()},
                                     {"curve", curveDocument(curve)}};
    return document.dump();
}

Result<TrainingResult> TrainingResult::fromJson(const std::string& text) {
    auto document = parseJson(text, "training result");
    if (!document) return document.error();
    TrainingResult result;
    std::string state;
    JsonFields fields(*document, "training result");
    fields.required("state", state)
        .required("iterations", result.iterationsDone)
        .optional("diverged_at", result.divergedAtIteration)
        .required("validation_top1", result.validationTop1)
        .required("test_top1", result.testTop1)
        .optional("seconds", result.seconds)
        .optional("samples_per_second", result.samplesPerSecond)
        .optional("checkpoint", result.checkpointFolder);
    if (const nlohmann::json* curve = fields.child("curve")) {
        auto points = readCurve(*curve, "training result.curve");
        if (!points) return points.error();
        result.curve = std::move(*points);
    }
    if (auto status = fields.finish(); !status) return status.error();
    const auto outcome = parseOutcome(state);
    if (!outcome) {
        return makeError(
            ErrorCode::InvalidInput,
            "training result.state: expected finished, diverged or cancelled, got '" + state + "'");
    }
    result.outcome = *outcome;
    return result;
}

}  // namespace perfnas
