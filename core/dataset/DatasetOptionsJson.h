#pragma once
// DatasetOptions in JSON (experiment configs, trial requests): {"path", "keywords", "silence",
// "silence_percent", "unknown", "unknown_percent"}. Relative paths resolve against `baseFolder`
// (the folder of the file they came from). For core .cpp files.
#include "core/common/JsonFields.h"
#include "core/dataset/DatasetOptions.h"

namespace perfnas {

inline nlohmann::json datasetOptionsJson(const DatasetOptions& options) {
    return {{"path", options.root.string()},     {"keywords", options.keywords},
            {"silence", options.includeSilence}, {"silence_percent", options.silencePercent},
            {"unknown", options.includeUnknown}, {"unknown_percent", options.unknownPercent}};
}

inline Result<DatasetOptions> datasetOptionsFromJson(const nlohmann::json& document,
                                                     const std::string& where,
                                                     const std::filesystem::path& baseFolder = {}) {
    DatasetOptions options;
    JsonFields fields(document, where);
    fields.optional("path", options.root)
        .optional("keywords", options.keywords)
        .optional("silence", options.includeSilence)
        .optional("silence_percent", options.silencePercent)
        .optional("unknown", options.includeUnknown)
        .optional("unknown_percent", options.unknownPercent);
    if (auto status = fields.finish(); !status) return status.error();
    if (options.keywords.empty())
        return makeError(ErrorCode::InvalidInput, where + ".keywords: must not be empty");
    if (!options.root.empty() && options.root.is_relative() && !baseFolder.empty()) {
        options.root = baseFolder / options.root;
    }
    return options;
}

}  // namespace perfnas
