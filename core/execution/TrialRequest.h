#pragma once
// TrialRequest and TrialReport: one trial as a self-contained job (what to train, on which data,
// where to write) and what came back. Their JSON forms are the files a worker process reads and
// writes (`perfnas trial --spec TRIAL.json --out RESULT.json`), so a trial runs the same
// in-process, as a subprocess or as a cluster job. Plain value types.
#include <filesystem>
#include <optional>
#include <string>

#include "core/common/FileIo.h"  // writeFileAtomically, readTextFile for the worker files
#include "core/common/Result.h"
#include "core/dataset/DatasetOptions.h"
#include "core/model/ArchitectureSpec.h"
#include "core/training/TrainingParams.h"
#include "core/training/TrainingResult.h"

namespace perfnas {

struct TrialRequest {
    int trialId = 0;
    ArchitectureSpec spec;
    TrainingParams training;            // training.checkpointFolder: where the trial writes
    std::filesystem::path resumeFrom;   // non-empty: continue this checkpoint (fine-tuning)
    DatasetOptions dataset;             // for workers that load the data themselves
    std::filesystem::path cacheFolder;  // feature cache; empty: the default

    std::string toJson() const;
    static Result<TrialRequest> fromJson(const std::string& text);
};

struct TrialReport {
    int trialId = 0;
    std::optional<Error> failure;  // set: the trial could not run or crashed (the message says why)
    TrainingResult training;       // meaningful without a failure
    std::string host;              // where it ran

    std::string toJson() const;
    static Result<TrialReport> fromJson(const std::string& text);
};

}  // namespace perfnas
