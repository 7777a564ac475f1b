// studio_benchmark: the studio's responsiveness figures (issue #5, "Quality").
//  (a) Event-loop latency: a 10 ms QTimer on the GUI thread of a MainWindow (offscreen) whose
//      ExperimentSession runs a real search (two trials in parallel, one thread each: both cores);
//      prints p50 / p99 / max lateness. Target: p99 < 50 ms.
//  (b) A 10,000-trial experiment file with SYNTHETIC trial records (written through
//      ExperimentStore; accuracies are made up): time to open it, compute the summary and plot it
//      in the MainWindow. Target: < 1 s.
// Usage: studio_benchmark [--seconds S] [--trials N] [--skip-latency] [--skip-large]
#include <sys/resource.h>

#include <QApplication>
#include <QElapsedTimer>
#include <QScatterSeries>
#include <QTemporaryDir>
#include <QThread>
#include <QTimer>
#include <algorithm>
#include <cstdio>
#include <vector>

#include "tests/support/DatasetFixture.h"
#include "tests/ui/SyntheticExperiment.h"
#include "ui/search/FrontierChartView.h"
#include "ui/search/TrialTableModel.h"
#include "ui/search/TrialTablePanel.h"
#include "ui/window/MainWindow.h"

using namespace perfnas;
using namespace perfnas::ui;
namespace fs = std::filesystem;

namespace {

double percentile(std::vector<double> values, double p) {
    if (values.empty()) return 0.0;
    std::sort(values.begin(), values.end());
    const auto index =
        static_cast<std::size_t>(p / 100.0 * static_cast<double>(values.size() - 1) + 0.5);
    return values[std::min(index, values.size() - 1)];
}

double cpuSeconds() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
           static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

// Runs the event loop until `done` or `timeoutMs`.
bool waitFor(const std::function<bool()>& done, int timeoutMs) {
    QElapsedTimer clock;
    clock.start();
    while (!done() && clock.elapsed() < timeoutMs)
        QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
    return done();
}

void eventLoopLatency(const fs::path& root, int seconds) {
    std::printf("(a) event-loop latency while a real search trains\n");
    const std::vector<std::string> words = {"yes",   "no", "up",  "down", "left",
                                            "right", "on", "off", "stop", "go"};
    test::makeKeywordDataset(root / "data", words, 30);
    ExperimentConfig config = test::smallSearchConfig(root / "data", 200);
    for (UnitSpace& unit : config.space.units)
        unit[UnitParameter::Filters] = Domain::integer(8, 32);
    config.training.iterations = 150;
    config.workers = 2;  // two trials at once, one libtorch thread each: both cores busy
    config.threadsPerTrial = 1;
    config.cacheFolder = root / "cache";

    MainWindow window;
    window.resize(1280, 800);
    window.show();
    window.createExperiment(root / "latency.sqlite", config);
    // The window adopts the new session once its file exists (it never replaces the open
    // experiment before); measure only while trials train, not while the dataset loads.
    if (!waitFor(
            [&] {
                return window.session() &&
                       window.session()->state() == ExperimentSession::State::Running;
            },
            120000)) {
        std::printf("    the search did not start\n");
        return;
    }
    int finished = 0;
    QObject::connect(window.session(), &ExperimentSession::trialFinished,
                     [&finished] { ++finished; });
    std::vector<double> latenessMs;
    QElapsedTimer clock;
    clock.start();
    qint64 previous = clock.nsecsElapsed();
    QTimer timer;
    timer.setTimerType(Qt::PreciseTimer);
    timer.setInterval(10);
    QObject::connect(&timer, &QTimer::timeout, [&] {
        const qint64 now = clock.nsecsElapsed();
        latenessMs.push_back(std::max(0.0, static_cast<double>(now - previous) / 1e6 - 10.0));
        previous = now;
    });
    const double cpuBefore = cpuSeconds();
    timer.start();
    waitFor([&] { return clock.elapsed() >= seconds * 1000LL; }, seconds * 1000 + 1000);
    timer.stop();
    const double wallSeconds = static_cast<double>(clock.elapsed()) / 1000.0;
    const double cpuUsed = cpuSeconds() - cpuBefore;
    std::printf(
        "    %zu ticks over %.1f s; %d trials finished meanwhile; process CPU %.2f cores busy\n",
        latenessMs.size(), wallSeconds, finished, cpuUsed / wallSeconds);
    std::printf("    timer lateness: p50 %.2f ms, p99 %.2f ms, max %.2f ms (target p99 < 50 ms)\n",
                percentile(latenessMs, 50), percentile(latenessMs, 99),
                latenessMs.empty() ? 0.0 : *std::max_element(latenessMs.begin(), latenessMs.end()));
    QElapsedTimer stopClock;
    stopClock.start();
    window.session()->stop();
    waitFor([&] { return window.session()->state() == ExperimentSession::State::Idle; }, 10000);
    std::printf("    stop() to idle: %lld ms\n", static_cast<long long>(stopClock.elapsed()));
    window.close();
}

void largeFile(const fs::path& root, int trials) {
    std::printf(
        "(b) opening a %d-trial experiment (SYNTHETIC records written via ExperimentStore, not "
        "trained)\n",
        trials);
    const fs::path file = root / "large.sqlite";
    QElapsedTimer setup;
    setup.start();
    test::makeSyntheticExperiment(file, test::smallSearchConfig("/data/unused", trials),
                                  {.trials = trials, .finetune = true});
    std::printf("    writing it took %.1f s (%.2f MB)\n",
                static_cast<double>(setup.elapsed()) / 1000.0,
                static_cast<double>(fs::file_size(file)) / 1e6);

    QElapsedTimer clock;
    clock.start();
    auto store = ExperimentStore::open(file, ExperimentStore::Access::ReadOnly);
    const qint64 openMs = clock.elapsed();
    auto summary = ExperimentSummary::load(**store);
    const qint64 summaryMs = clock.elapsed() - openMs;
    std::printf("    core alone: open %lld ms, summary %lld ms (%zu trials, frontier %zu)\n",
                static_cast<long long>(openMs), static_cast<long long>(summaryMs),
                summary->trials.size(), summary->frontier.size());

    {  // where the GUI thread's time goes, view by view
        auto shared = std::make_shared<const ExperimentSummary>(*summary);
        FrontierChartView chart;
        chart.resize(900, 500);
        TrialTablePanel table;
        table.resize(900, 300);
        QElapsedTimer part;
        part.start();
        chart.setSummary(shared);
        const qint64 chartMs = part.restart();
        chart.grab();
        const qint64 chartPaintMs = part.restart();
        table.setSummary(shared);
        const qint64 tableMs = part.restart();
        table.grab();
        const qint64 tablePaintMs = part.restart();
        std::printf(
            "    GUI thread: chart update %lld ms + paint %lld ms; table update (sorted) %lld ms + "
            "paint %lld ms\n",
            static_cast<long long>(chartMs), static_cast<long long>(chartPaintMs),
            static_cast<long long>(tableMs), static_cast<long long>(tablePaintMs));
    }
    for (int round = 1; round <= 2; ++round) {  // cold (first chart) and warm
        MainWindow window;
        window.resize(1280, 800);
        window.show();
        QCoreApplication::processEvents();
        bool shown = false;
        qint64 shownMs = 0;
        QObject::connect(&window, &MainWindow::summaryShown, [&] {
            shown = true;
            shownMs = clock.elapsed();
        });
        clock.restart();
        window.openExperiment(QString::fromStdString(file.string()));
        waitFor([&] { return shown; }, 30000);
        window.chartView()->grab();  // renders every point of the chart
        window.trialTable()->grab();
        const qint64 totalMs = clock.elapsed();
        std::printf(
            "    studio, round %d: %d rows, %d frontier points; summary shown after %lld ms, "
            "plotted and painted "
            "after %lld ms (target < 1000 ms)\n",
            round, window.trialTable()->model()->rowCount(),
            window.chartView()->frontierSeries()->count(), static_cast<long long>(shownMs),
            static_cast<long long>(totalMs));
        window.close();
    }
}

}  // namespace

int main(int argc, char* argv[]) {
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM") && qEnvironmentVariableIsEmpty("DISPLAY")) {
        qputenv("QT_QPA_PLATFORM", "offscreen");
    }
    QApplication app(argc, argv);
    QApplication::setOrganizationName("PerfNAS-benchmark");
    QApplication::setApplicationName("studio_benchmark");
    int seconds = 30;
    int trials = 10000;
    bool latency = true;
    bool large = true;
    const QStringList arguments = QApplication::arguments();
    for (qsizetype i = 1; i < arguments.size(); ++i) {
        if (arguments[i] == "--seconds" && i + 1 < arguments.size())
            seconds = arguments[++i].toInt();
        else if (arguments[i] == "--trials" && i + 1 < arguments.size())
            trials = arguments[++i].toInt();
        else if (arguments[i] == "--skip-latency")
            latency = false;
        else if (arguments[i] == "--skip-large")
            large = false;
    }
    // tmpfs when there is one: 10,000 durable commits on a disk only slow the setup, not the
    // figures.
    const QString base =
        QFileInfo::exists("/dev/shm") ? "/dev/shm/studio_benchmark-XXXXXX" : QString();
    QTemporaryDir folder(base);
    qputenv("XDG_CONFIG_HOME", (folder.path() + "/config").toUtf8());
    const fs::path root = folder.path().toStdString();
    std::printf("studio_benchmark: %d hardware threads, platform %s\n", QThread::idealThreadCount(),
                qPrintable(QGuiApplication::platformName()));
    if (latency) eventLoopLatency(root, seconds);
    if (large) largeFile(root, trials);
    return 0;
}
