#include "core/search/TrialExecutorFactory.h"

#include "core/dataset/FeatureCache.h"
#include "core/execution/InProcessExecutor.h"
#include "core/execution/SlurmExecutor.h"
#include "core/execution/SubprocessExecutor.h"

namespace perfnas {
namespace fs = std::filesystem;

fs::path trialWorkFolder(const fs::path& experimentFile) {
    const fs::path file = fs::absolute(experimentFile);
    return file.parent_path() / (file.stem().string() + "-work");
}

std::unique_ptr<TrialExecutor> makeTrialExecutor(const ExperimentConfig& config,
                                                 const FeatureSet& features,
                                                 const fs::path& experimentFile,
                                                 const fs::path& perfnasPath) {
    if (config.backend != "subprocess" && config.backend != "slurm")
        return std::make_unique<InProcessExecutor>(features);
    // Workers must find the features this process cached, even where HOME differs (cluster nodes).
    const fs::path cache =
        config.cacheFolder.empty() ? FeatureCache::defaultFolder() : config.cacheFolder;
    const std::vector<std::string> environment = {"PERFNAS_CACHE_DIR=" +
                                                  fs::absolute(cache).string()};
    if (config.backend == "subprocess") {
        return std::make_unique<SubprocessExecutor>(
            SubprocessSettings{.perfnasPath = perfnasPath,
                               .workFolder = trialWorkFolder(experimentFile),
                               .environment = environment});
    }
    return std::make_unique<SlurmExecutor>(
        SlurmSettings{.job = config.slurm,
                      .perfnasPath = perfnasPath,
                      .workFolder = trialWorkFolder(experimentFile),
                      .jobName = "perfnas-" + fs::path(experimentFile).stem().string(),
                      .environment = environment});
}

}  // namespace perfnas
