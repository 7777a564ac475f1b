#include "ui/search/ExperimentSession.h"

#include <QCoreApplication>

#include <exception>

#include "core/search/TrialExecutorFactory.h"

#ifdef __linux__
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

namespace perfnas::ui {
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {
constexpr auto kProgressInterval = std::chrono::milliseconds(100);  // ~10 Hz

std::string datasetKey(const ExperimentConfig& config, const fs::path& cacheFolder) {
    std::string key = config.dataset.root.string() + '|' + cacheFolder.string() + '|' +
                      (config.dataset.includeSilence ? "s" : "") + (config.dataset.includeUnknown ? "u" : "");
    for (const std::string& word : config.dataset.keywords) key += '|' + word;
    return key;
}
}  // namespace

// Forwards the runner's events (worker threads) as queued signals of the session.
class ExperimentSession::Observer final : public ExperimentObserver {
public:
    explicit Observer(ExperimentSession& session) : m_session(session) {}

    void phaseChanged(const PhaseRecord& phase) override {
        m_session.post([session = &m_session, phase] { Q_EMIT session->phaseChanged(phase); });
    }
    void trialStarted(const TrialRecord& trial) override {
        m_session.post([session = &m_session, trial] { Q_EMIT session->trialStarted(trial); });
    }
    void trialFinished(const TrialRecord& trial) override {
        m_session.post([session = &m_session, trial] { Q_EMIT session->trialFinished(trial); });
    }
    void trialFailed(const TrialRecord& trial) override {
        m_session.post([session = &m_session, trial] { Q_EMIT session->trialFailed(trial); });
    }
    void frontierChanged(const ExperimentSummary& summary) override {
        auto shared = std::make_shared<const ExperimentSummary>(summary);
        m_session.post([session = &m_session, shared] { Q_EMIT session->frontierChanged(shared); });
    }
    void trialProgress(int trialId, const TrainingProgress& progress) override {
        {
            std::lock_guard lock(m_session.m_mutex);
            auto& last = m_session.m_lastProgress[trialId];
            const auto now = Clock::now();
            if (now - last < kProgressInterval && progress.iteration < progress.iterations) return;
            last = now;
        }
        m_session.post([session = &m_session, trialId, progress] { Q_EMIT session->trialProgress(trialId, progress); });
    }

private:
    ExperimentSession& m_session;
};

ExperimentSession::ExperimentSession(fs::path file, SessionOptions options, QObject* parent)
    : QObject(parent), m_file(std::move(file)), m_options(std::move(options)) {
    qRegisterMetaType<perfnas::TrialRecord>();
    qRegisterMetaType<perfnas::PhaseRecord>();
    qRegisterMetaType<perfnas::TrainingProgress>();
    qRegisterMetaType<perfnas::ui::SummaryPtr>();
    qRegisterMetaType<perfnas::ui::RunOutcome>();
    m_thread = std::thread([this] { workerLoop(); });
}

ExperimentSession::~ExperimentSession() {
    {
        std::lock_guard lock(m_mutex);
        m_quit = true;
        ++m_generation;
        m_tasks.clear();
        m_loadCancel.cancel();
        if (m_runner) m_runner->stop();
    }
    m_wake.notify_all();
    m_thread.join();
}

template <typename F>
void ExperimentSession::post(F&& function) {
    QMetaObject::invokeMethod(this, std::forward<F>(function), Qt::QueuedConnection);
}

void ExperimentSession::setState(State state) {
    {
        std::lock_guard lock(m_mutex);
        if (state == State::Running && m_pauseRequested) state = State::Paused;
    }
    if (state == m_state) return;
    m_state = state;
    Q_EMIT stateChanged(state);
}

void ExperimentSession::postState(State state, std::uint64_t generation) {
    post([this, state, generation] {
        {
            std::lock_guard lock(m_mutex);
            // A stopped request's late news must not override what followed it.
            if (generation != m_generation && state != State::Idle) return;
            if (state == State::Idle && !m_tasks.empty()) return;
        }
        setState(state);
    });
}

void ExperimentSession::enqueue(std::vector<Task> tasks) {
    {
        std::lock_guard lock(m_mutex);
        for (Task& task : tasks) m_tasks.emplace_back(m_generation, std::move(task));
    }
    m_wake.notify_all();
    setState(State::Loading);
}

void ExperimentSession::create(ExperimentConfig config) {
    if (isBusy()) return;
    enqueue({[this, config](std::uint64_t generation) { createTask(config, generation); },
             [this](std::uint64_t generation) { runTask(generation); }});
}

void ExperimentSession::start() {
    if (isBusy()) return;
    enqueue({[this](std::uint64_t generation) { runTask(generation); }});
}

void ExperimentSession::freezeAndStart(std::vector<Freeze> freezes) {
    if (isBusy()) stop();
    enqueue({[this, freezes](std::uint64_t generation) {
                 if (!isCurrent(generation)) return;
                 if (auto opened = openStore(); !opened) throw std::runtime_error(opened.error().message);
                 auto phase = ExperimentPlanner::freeze(*m_store, freezes);
                 if (!phase) throw std::runtime_error(phase.error().message);
                 post([this, planned = *phase] { Q_EMIT phasePlanned(planned); });
             },
             [this](std::uint64_t generation) { runTask(generation); }});
}

void ExperimentSession::finetuneAndStart(int iterations) {
    if (isBusy()) stop();
    enqueue({[this, iterations](std::uint64_t generation) {
                 if (!isCurrent(generation)) return;
                 if (auto opened = openStore(); !opened) throw std::runtime_error(opened.error().message);
                 auto phases = m_store->phases();
                 if (!phases) throw std::runtime_error(phases.error().message);
                 // An unfinished fine-tuning phase is resumed, not planned again (as the CLI does).
                 if (!phases->empty() && phases->back().kind == PhaseKind::Finetune &&
                     phases->back().state != PhaseState::Finished) {
                     return;
                 }
                 auto phase = ExperimentPlanner::planFinetune(*m_store, iterations);
                 if (!phase) throw std::runtime_error(phase.error().message);
                 post([this, planned = *phase] { Q_EMIT phasePlanned(planned); });
             },
             [this](std::uint64_t generation) { runTask(generation); }});
}

void ExperimentSession::pause() {
    {
        std::lock_guard lock(m_mutex);
        m_pauseRequested = true;
        if (m_runner) m_runner->pause();
    }
    if (m_state == State::Running) setState(State::Paused);
}

void ExperimentSession::resume() {
    {
        std::lock_guard lock(m_mutex);
        m_pauseRequested = false;
        if (m_runner) m_runner->resume();
    }
    if (m_state == State::Paused) setState(State::Running);
}

void ExperimentSession::stop() {
    {
        std::lock_guard lock(m_mutex);
        ++m_generation;
        m_tasks.clear();
        m_loadCancel.cancel();
        m_pauseRequested = false;
        if (m_runner) {
            m_runner->resume();  // a paused runner must see the stop, not wait
            m_runner->stop();
        }
    }
    if (m_state != State::Idle) setState(State::Stopping);
}

bool ExperimentSession::isCurrent(std::uint64_t generation) {
    std::lock_guard lock(m_mutex);
    return generation == m_generation && !m_quit;
}

void ExperimentSession::workerLoop() {
#ifdef __linux__
    // Threads inherit the nice value of the thread that creates them: the runner's trial threads
    // and libtorch's pools started from here all yield to the GUI thread.
    if (m_options.workerNice > 0) {
        setpriority(PRIO_PROCESS, static_cast<id_t>(syscall(SYS_gettid)), m_options.workerNice);
    }
#endif
    for (;;) {
        std::pair<std::uint64_t, Task> task;
        {
            std::unique_lock lock(m_mutex);
            m_wake.wait(lock, [this] { return m_quit || !m_tasks.empty(); });
            if (m_quit) break;
            task = std::move(m_tasks.front());
            m_tasks.pop_front();
        }
        try {
            task.second(task.first);
        } catch (const std::exception& error) {
            // One failed step abandons the rest of its request.
            {
                std::lock_guard lock(m_mutex);
                std::erase_if(m_tasks, [&](const auto& queued) { return queued.first == task.first; });
            }
            post([this, message = QString::fromStdString(error.what())] { Q_EMIT errorOccurred(message); });
        } catch (...) {
            {
                std::lock_guard lock(m_mutex);
                std::erase_if(m_tasks, [&](const auto& queued) { return queued.first == task.first; });
            }
            post([this] { Q_EMIT errorOccurred(tr("An unknown error ended the run.")); });
        }
        postState(State::Idle, task.first);
    }
    m_store.reset();  // the writer connection closes on the thread that used it
}

Status ExperimentSession::openStore() {
    if (m_store) return Done{};
    auto opened = ExperimentStore::open(m_file, ExperimentStore::Access::ReadWrite);
    if (!opened) return opened.error();
    m_store = std::move(*opened);
    return Done{};
}

Status ExperimentSession::ensureDataset(const ExperimentConfig& config, std::uint64_t generation) {
    const fs::path cache = !m_options.cacheFolder.empty() ? m_options.cacheFolder : config.cacheFolder;
    const std::string key = datasetKey(config, cache);
    if (m_dataset && key == m_datasetKey) return Done{};
    m_dataset.reset();
    CancelToken cancel;
    {
        std::lock_guard lock(m_mutex);
        if (generation != m_generation) return makeError(ErrorCode::Cancelled, "stopped");
        m_loadCancel = cancel;
    }
    auto lastReport = std::make_shared<std::atomic<std::int64_t>>(0);
    auto progress = [this, lastReport](std::size_t done, std::size_t total) {
        const std::int64_t now = Clock::now().time_since_epoch().count();
        const std::int64_t interval = std::chrono::duration_cast<Clock::duration>(kProgressInterval).count();
        std::int64_t last = lastReport->load();
        if (done < total && (now - last < interval || !lastReport->compare_exchange_strong(last, now))) return;
        post([this, done, total] { Q_EMIT datasetProgress(static_cast<qint64>(done), static_cast<qint64>(total)); });
    };
    auto loaded = DatasetLoader::load(config.dataset, LoadOptions{.cacheFolder = cache}, progress, cancel);
    if (!loaded) return loaded.error();
    m_dataset = std::move(*loaded);
    m_datasetKey = key;
    return Done{};
}

void ExperimentSession::createTask(const ExperimentConfig& config, std::uint64_t generation) {
    if (!isCurrent(generation)) return;
    if (fs::exists(m_file)) throw std::runtime_error(m_file.string() + " already exists: open it instead");
    if (auto valid = config.validate(); !valid) throw std::runtime_error(valid.error().message);
    if (auto loaded = ensureDataset(config, generation); !loaded) {
        if (loaded.error().code == ErrorCode::Cancelled) return;
        throw std::runtime_error(loaded.error().message);
    }
    auto created = ExperimentPlanner::create(m_file, config, DatasetLoader::contentDigest(m_dataset->features));
    if (!created) throw std::runtime_error(created.error().message);
    m_store = std::move(*created);
    post([this] { Q_EMIT this->created(); });
}

namespace {

// Subprocess and Slurm workers run the perfnas CLI: installed beside perfnas-studio, or in the
// build tree one folder up (build/app/perfnas next to build/app/studio/).
std::filesystem::path perfnasCommandLineTool() {
    const std::filesystem::path folder = QCoreApplication::applicationDirPath().toStdString();
    for (const std::filesystem::path& candidate : {folder / "perfnas", folder.parent_path() / "perfnas"}) {
        std::error_code error;
        if (std::filesystem::is_regular_file(candidate, error)) return candidate;
    }
    return folder / "perfnas";  // named in the worker's error if it is missing
}

}  // namespace

void ExperimentSession::runTask(std::uint64_t generation) {
    if (!isCurrent(generation)) return;
    postState(State::Loading, generation);
    if (auto opened = openStore(); !opened) throw std::runtime_error(opened.error().message);
    auto summary = ExperimentSummary::load(*m_store);
    if (!summary) throw std::runtime_error(summary.error().message);
    if (auto loaded = ensureDataset(summary->config, generation); !loaded) {
        if (loaded.error().code != ErrorCode::Cancelled) throw std::runtime_error(loaded.error().message);
        post([this] { Q_EMIT runFinished(RunOutcome{.stopped = true}); });
        return;
    }
    const std::string digest = DatasetLoader::contentDigest(m_dataset->features);
    if (!summary->info.datasetHash.empty() && digest != summary->info.datasetHash) {
        throw std::runtime_error(summary->config.dataset.root.string() + ": this dataset differs from the one the experiment in " +
                                 m_file.string() + " started with (content digest " + digest + ", expected " +
                                 summary->info.datasetHash + ")");
    }

    const std::unique_ptr<TrialExecutor> executor =
        makeTrialExecutor(summary->config, m_dataset->features, m_file, perfnasCommandLineTool());
    Observer observer(*this);
    ExperimentRunner runner(*m_store, *executor, &observer);
    {
        std::lock_guard lock(m_mutex);
        if (generation != m_generation) {
            post([this] { Q_EMIT runFinished(RunOutcome{.stopped = true}); });
            return;
        }
        m_runner = &runner;
        if (m_pauseRequested) runner.pause();
    }
    postState(State::Running, generation);
    // The runner lives on this stack frame: unpublish it however run() ends.
    struct Unpublish {
        ExperimentSession& session;
        ~Unpublish() {
            std::lock_guard lock(session.m_mutex);
            session.m_runner = nullptr;
            session.m_lastProgress.clear();
        }
    };
    Result<RunReport> report = makeError(ErrorCode::Internal, "not run");
    {
        Unpublish unpublish{*this};
        report = runner.run();
    }
    if (!report) throw std::runtime_error(report.error().message);
    RunOutcome outcome{.trialsFinished = report->trialsFinished,
                       .trialsFailed = report->trialsFailed,
                       .stopped = report->stopped,
                       .note = QString::fromStdString(report->note)};
    post([this, outcome] { Q_EMIT runFinished(outcome); });
}

}  // namespace perfnas::ui
