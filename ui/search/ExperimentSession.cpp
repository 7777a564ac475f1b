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
                      (config.dataset.includeSilence ? "s" : "") +
                      (config.dataset.includeUnknown ? "u" : "");
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
        m_session.post([session = &m_session, trialId, progress] {
            Q_EMIT session->trialProgress(trialId, progress);
        });
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
    qRegisterMetaType<perfnas::RunReport>();
    qRegisterMetaType<perfnas::Error>();
    m_thread.reset(QThread::create([this] { workerLoop(); }));
    m_thread->setObjectName("experiment-session");
    m_thread->start();
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
    m_thread->wait();
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
    enqueue({[this, config](std::uint64_t generation) { return createTask(config, generation); },
             [this](std::uint64_t generation) { return runTask(generation); }});
}

void ExperimentSession::start() {
    if (isBusy()) return;
    enqueue({[this](std::uint64_t generation) { return runTask(generation); }});
}

void ExperimentSession::freezeAndStart(std::vector<Freeze> freezes) {
    if (isBusy()) stop();
    enqueue({[this, freezes](std::uint64_t generation) { return freezeTask(freezes, generation); },
             [this](std::uint64_t generation) { return runTask(generation); }});
}

void ExperimentSession::finetuneAndStart(int iterations) {
    if (isBusy()) stop();
    enqueue({[this, iterations](std::uint64_t generation) {
                 return finetuneTask(iterations, generation);
             },
             [this](std::uint64_t generation) { return runTask(generation); }});
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
        Status status = Done{};
        try {
            status = task.second(task.first);
        } catch (const std::exception& error) {
            // A bug or a library's exception: expected failures come back as values.
            status = makeError(ErrorCode::Internal, error.what());
        } catch (...) {
            status = makeError(ErrorCode::Internal, "an unknown error ended the run");
        }
        if (!status) endRequest(task.first, status.error());
        postState(State::Idle, task.first);
    }
    m_experiment.reset();  // the writer connection closes on the thread that used it
}

// One failed step abandons the rest of its request; a cancelled one ends it quietly.
void ExperimentSession::endRequest(std::uint64_t generation, const Error& error) {
    {
        std::lock_guard lock(m_mutex);
        std::erase_if(m_tasks, [&](const auto& queued) { return queued.first == generation; });
    }
    if (error.code == ErrorCode::Cancelled) {
        post([this] { Q_EMIT runFinished(RunReport{.stopped = true}); });
    } else {
        post([this, error] { Q_EMIT errorOccurred(error); });
    }
}

Status ExperimentSession::openExperiment() {
    if (m_experiment) return Done{};
    auto opened = Experiment::open(m_file);
    if (!opened) return opened.error();
    m_experiment.emplace(std::move(*opened));
    return Done{};
}

Status ExperimentSession::ensureDataset(const ExperimentConfig& config, std::uint64_t generation) {
    const fs::path cache =
        !m_options.cacheFolder.empty() ? m_options.cacheFolder : config.cacheFolder;
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
        const std::int64_t interval =
            std::chrono::duration_cast<Clock::duration>(kProgressInterval).count();
        std::int64_t last = lastReport->load();
        if (done < total &&
            (now - last < interval || !lastReport->compare_exchange_strong(last, now)))
            return;
        post([this, done, total] {
            Q_EMIT datasetProgress(static_cast<qint64>(done), static_cast<qint64>(total));
        });
    };
    auto loaded =
        DatasetLoader::load(config.dataset, LoadOptions{.cacheFolder = cache}, progress, cancel);
    if (!loaded) return loaded.error();
    m_dataset = std::move(*loaded);
    m_datasetKey = key;
    return Done{};
}

Status ExperimentSession::createTask(const ExperimentConfig& config, std::uint64_t generation) {
    if (!isCurrent(generation)) return Done{};
    if (auto fresh = Experiment::checkNew(m_file, config); !fresh) return fresh;
    if (auto loaded = ensureDataset(config, generation); !loaded) return loaded;
    auto created = Experiment::create(m_file, config, m_dataset->features);
    if (!created) return created.error();
    m_experiment.emplace(std::move(*created));
    post([this] { Q_EMIT this->created(); });
    return Done{};
}

Status ExperimentSession::freezeTask(const std::vector<Freeze>& freezes, std::uint64_t generation) {
    if (!isCurrent(generation)) return Done{};
    if (auto opened = openExperiment(); !opened) return opened;
    auto phase = m_experiment->freeze(freezes);
    if (!phase) return phase.error();
    post([this, planned = *phase] { Q_EMIT phasePlanned(planned); });
    return Done{};
}

Status ExperimentSession::finetuneTask(int iterations, std::uint64_t generation) {
    if (!isCurrent(generation)) return Done{};
    if (auto opened = openExperiment(); !opened) return opened;
    auto start = m_experiment->prepareFinetune(iterations);
    if (!start) return start.error();
    if (*start == FinetuneStart::Planned) {
        auto phases = m_experiment->store().phases();
        if (phases && !phases->empty())
            post([this, planned = phases->back()] { Q_EMIT phasePlanned(planned); });
    }
    return Done{};
}

namespace {

// Subprocess and Slurm workers run the perfnas CLI: installed beside perfnas-studio, or in the
// build tree one folder up (build/app/perfnas next to build/app/studio/).
std::filesystem::path perfnasCommandLineTool() {
    const std::filesystem::path folder = QCoreApplication::applicationDirPath().toStdString();
    for (const std::filesystem::path& candidate :
         {folder / "perfnas", folder.parent_path() / "perfnas"}) {
        std::error_code error;
        if (std::filesystem::is_regular_file(candidate, error)) return candidate;
    }
    return folder / "perfnas";  // named in the worker's error if it is missing
}

}  // namespace

Status ExperimentSession::runTask(std::uint64_t generation) {
    if (!isCurrent(generation)) return Done{};
    postState(State::Loading, generation);
    if (auto opened = openExperiment(); !opened) return opened;
    auto summary = m_experiment->read();
    if (!summary) return summary.error();
    if (auto loaded = ensureDataset(summary->config, generation); !loaded) return loaded;

    Observer observer(*this);
    const auto publish = [this, generation](ExperimentRunner* runner) {
        std::lock_guard lock(m_mutex);
        m_lastProgress.clear();
        m_runner = runner;
        if (!runner) return;
        // A stop that came while loading: the runner ends at once, trials queued as they were.
        if (generation != m_generation) runner->stop();
        if (m_pauseRequested) runner->pause();
    };
    postState(State::Running, generation);
    auto report = m_experiment->run(
        m_dataset->features,
        {.observer = &observer, .perfnasPath = perfnasCommandLineTool(), .publishRunner = publish});
    if (!report) return report.error();
    post([this, finished = *report] { Q_EMIT runFinished(finished); });
    return Done{};
}

}  // namespace perfnas::ui
