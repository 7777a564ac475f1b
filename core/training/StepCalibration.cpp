#include "core/training/StepCalibration.h"

#include <fcntl.h>
#include <sys/file.h>
#include <torch/torch.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>

#include "core/common/FileIo.h"
#include "core/dataset/FeatureCache.h"
#include "core/model/CostModel.h"
#include "core/model/KwsNetwork.h"

namespace perfnas {
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

constexpr double kClearlyFaster = 0.95;  // another plan must take <= 95 % of the default's time
constexpr double kMeasureBudgetSeconds = 12.0;
constexpr int kMaxRounds = 7;
constexpr int kMinRounds = 3;

// Read once per process: every training start builds a key.
const std::string& cpuModel() {
    static const std::string model = [] {
        std::ifstream in("/proc/cpuinfo");
        for (std::string line; std::getline(in, line);) {
            if (line.rfind("model name", 0) == 0) return line.substr(line.find(':') + 2);
        }
        return std::string("unknown cpu");
    }();
    return model;
}

// Serializes calibrations across processes; released when the lock's descriptor closes.
class MachineLock {
public:
    explicit MachineLock(const fs::path& file) {
        std::error_code error;
        fs::create_directories(file.parent_path(), error);
        m_fd = ::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
        if (m_fd >= 0) ::flock(m_fd, LOCK_EX);
    }
    ~MachineLock() {
        if (m_fd >= 0) ::close(m_fd);
    }
    MachineLock(const MachineLock&) = delete;
    MachineLock& operator=(const MachineLock&) = delete;

private:
    int m_fd = -1;
};

nlohmann::json readCache(const fs::path& file) {
    auto text = readTextFile(file);
    if (!text) return nlohmann::json::object();
    nlohmann::json document = nlohmann::json::parse(*text, nullptr, /*allow_exceptions=*/false);
    return document.is_object() ? document : nlohmann::json::object();
}

std::optional<StepChoice> cached(const nlohmann::json& cache, const std::string& key) {
    const auto entry = cache.find(key);
    if (entry == cache.end() || !entry->is_object()) return std::nullopt;
    const auto plan = StepPlan::parse(entry->value("plan", ""));
    const int threads = entry->value("threads", 0);
    if (!plan || threads < 1) return std::nullopt;
    return StepChoice{.plan = *plan, .threads = threads, .fromCache = true};
}

// Half-octaves of the forward cost: the plans' ranking follows how compute-bound a network is, so
// one calibration serves every architecture of similar size, and a search with hundreds of shapes
// calibrates about a dozen times on a machine, ever.
int sizeClass(const ArchitectureSpec& spec) {
    return static_cast<int>(
        std::lround(2.0 * std::log2(std::max(CostModel::evaluate(spec).mfpops(), 1e-3))));
}

struct Candidate {
    StepPlan plan;
    int threads;
    KwsNetwork network;
    std::unique_ptr<torch::optim::Adam> optimizer;
    std::vector<double> seconds;
};

}  // namespace

StepCalibration::StepCalibration(fs::path cacheFile)
    : m_cacheFile(cacheFile.empty() ? defaultCacheFile() : std::move(cacheFile)) {}

fs::path StepCalibration::defaultCacheFile() {
    return FeatureCache::defaultFolder() / "step-plans.json";
}

std::string StepCalibration::key(const ArchitectureSpec& spec, int batchSize, int threads) {
    const char* isa = std::getenv("ONEDNN_MAX_CPU_ISA");
    return cpuModel() + "|isa=" + (isa && *isa ? isa : "default") + "|torch=" + TORCH_VERSION +
           "|batch=" + std::to_string(batchSize) + "|threads=" + std::to_string(threads) +
           "|in=" + std::to_string(spec.inputHeight) + "x" + std::to_string(spec.inputWidth) +
           "|mfpops~2^(" + std::to_string(sizeClass(spec)) + "/2)";
}

std::vector<StepTiming> StepCalibration::measure(const ArchitectureSpec& spec, int batchSize,
                                                 int threads, int rounds) {
    const int previousThreads = at::get_num_threads();
    std::vector<Candidate> candidates;
    std::vector<int> threadCounts = {threads};
    if (threads > 1) threadCounts.push_back(1);
    for (const StepPlan& plan : StepPlan::candidates()) {
        for (int count : threadCounts) {
            Candidate candidate{.plan = plan, .threads = count, .network = KwsNetwork(spec, plan)};
            candidate.network->train();
            candidate.optimizer = std::make_unique<torch::optim::Adam>(
                candidate.network->parameters(), torch::optim::AdamOptions(1e-4));
            candidates.push_back(std::move(candidate));
        }
    }
    const torch::Tensor inputs = torch::randn({batchSize, 1, spec.inputHeight, spec.inputWidth});
    const torch::Tensor labels = torch::randint(spec.classes, {batchSize}, torch::kInt64);
    auto step = [&](Candidate& candidate) {
        const auto start = Clock::now();
        candidate.optimizer->zero_grad();
        torch::Tensor loss =
            torch::nn::functional::cross_entropy(candidate.network->forward(inputs), labels);
        loss.backward();
        candidate.optimizer->step();
        return std::chrono::duration<double>(Clock::now() - start).count();
    };
    // One round times every candidate once. Candidates are grouped by thread count, and the step
    // after a change of the count is not timed: resizing the OpenMP team costs more than a small
    // model's step and would count against the count switched to.
    auto runRound = [&](bool timed) {
        double seconds = 0.0;
        for (int count : threadCounts) {
            at::set_num_threads(count);
            bool settled = false;
            for (Candidate& candidate : candidates) {
                if (candidate.threads != count) continue;
                if (!settled) seconds += step(candidate), settled = true;
                const double measured = step(candidate);
                seconds += measured;
                if (timed) candidate.seconds.push_back(measured);
            }
        }
        return seconds;
    };
    // The warm-up round (first-touch allocations, oneDNN primitive creation) sizes the rest.
    const double roundSeconds = runRound(false);
    if (rounds <= 0) {
        rounds = std::clamp(static_cast<int>(kMeasureBudgetSeconds / std::max(roundSeconds, 1e-6)),
                            kMinRounds, kMaxRounds);
    }
    for (int round = 0; round < rounds; ++round) runRound(true);
    at::set_num_threads(previousThreads);
    std::vector<StepTiming> timings;
    for (Candidate& candidate : candidates) {
        std::vector<double>& seconds = candidate.seconds;
        std::nth_element(seconds.begin(),
                         seconds.begin() + static_cast<std::ptrdiff_t>(seconds.size() / 2),
                         seconds.end());
        timings.push_back({.plan = candidate.plan,
                           .threads = candidate.threads,
                           .medianSeconds = seconds[seconds.size() / 2]});
    }
    return timings;
}

StepChoice StepCalibration::pick(const std::vector<StepTiming>& timings) {
    if (timings.empty()) return {};
    // The default plan at the most threads is the incumbent; a candidate replaces it only when
    // clearly faster.
    auto incumbent = std::max_element(
        timings.begin(), timings.end(), [](const StepTiming& a, const StepTiming& b) {
            const bool aDefault = a.plan == StepPlan{}, bDefault = b.plan == StepPlan{};
            return std::tie(aDefault, a.threads) < std::tie(bDefault, b.threads);
        });
    auto fastest = std::min_element(
        timings.begin(), timings.end(),
        [](const StepTiming& a, const StepTiming& b) { return a.medianSeconds < b.medianSeconds; });
    const StepTiming& chosen =
        fastest->medianSeconds <= kClearlyFaster * incumbent->medianSeconds ? *fastest : *incumbent;
    return {.plan = chosen.plan, .threads = chosen.threads};
}

StepChoice StepCalibration::choose(const ArchitectureSpec& spec, int batchSize, int threads) {
    threads = std::max(1, threads);
    const std::string entry = key(spec, batchSize, threads);
    if (auto hit = cached(readCache(m_cacheFile), entry)) return *hit;
    // One calibration at a time in this process and on this machine; a waiter may find the answer.
    static std::mutex processLock;
    std::lock_guard lock(processLock);
    MachineLock machineLock(fs::path(m_cacheFile).concat(".lock"));
    nlohmann::json cache = readCache(m_cacheFile);
    if (auto hit = cached(cache, entry)) return *hit;

    const std::vector<StepTiming> timings = measure(spec, batchSize, threads, /*rounds=*/0);
    const StepChoice choice = pick(timings);
    nlohmann::json measured = nlohmann::json::object();
    for (const StepTiming& timing : timings) {
        measured[timing.plan.name() + "/" + std::to_string(timing.threads)] = timing.medianSeconds;
    }
    cache[entry] = {
        {"plan", choice.plan.name()}, {"threads", choice.threads}, {"seconds_per_step", measured}};
    (void)writeFileAtomically(m_cacheFile,
                              cache.dump(1) + '\n');  // unwritable: measured again next time
    return choice;
}

}  // namespace perfnas
