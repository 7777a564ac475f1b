// perfnas-studio [EXP.sqlite | --demo]: the desktop application. With a file it opens that
// experiment; with --demo the demo experiment; otherwise the start page, which offers both.
#include <QApplication>
#include <QCommandLineParser>
#include <QDockWidget>
#include <QTabWidget>
#include <QTimer>

#include "ui/window/MainWindow.h"

int main(int argc, char* argv[]) {
    QApplication app(argc, argv);
    QApplication::setOrganizationName("PerfNAS");
    QApplication::setApplicationName("PerfNAS Studio");
    QApplication::setApplicationVersion(PERFNAS_VERSION);
    QApplication::setDesktopFileName("org.perfnas.Studio");

    QCommandLineParser parser;
    parser.setApplicationDescription(
        "Performance-oriented neural architecture search for keyword spotting");
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument("experiment", "Experiment file (.sqlite) to open", "[EXP.sqlite]");
    // For README screenshots taken by a script (e.g. under Xvfb): grab the window and quit.
    const QCommandLineOption screenshot(
        "screenshot", "Save the window as PNG after --screenshot-delay ms, then quit", "PNG");
    const QCommandLineOption delay(
        "screenshot-delay", "Milliseconds before the screenshot (default 3000)", "MS", "3000");
    const QCommandLineOption panel("panel",
                                   "Panel to show in the screenshot: trial, refinement, "
                                   "importance, space, progress or latency",
                                   "NAME");
    const QCommandLineOption demo(
        "demo", "Open the demo experiment (synthesizing the demo data on first use)");
    const QCommandLineOption select("select", "Trial to select once the experiment is read",
                                    "TRIAL");
    parser.addOptions({screenshot, delay, panel, demo, select});
    parser.process(app);

    perfnas::ui::MainWindow window;
    window.show();
    if (const QStringList files = parser.positionalArguments(); !files.isEmpty()) {
        // After show(): an error dialog then has its window.
        QTimer::singleShot(0, &window,
                           [&window, file = files.front()] { window.openExperiment(file); });
        if (const int trial = parser.value(select).toInt(); trial > 0) {
            QObject::connect(&window, &perfnas::ui::MainWindow::summaryShown, &window,
                             [&window, trial] { window.selectTrial(trial); });
        }
    } else if (parser.isSet(demo)) {
        QTimer::singleShot(0, &window, [&window] { window.openDemoExperiment(); });
    }
    if (parser.isSet(screenshot)) {
        QTimer::singleShot(
            parser.value(delay).toInt(), &window, [&window, &parser, &screenshot, &panel] {
                // One or more, comma-separated: a dock and a bottom tab.
                for (const QString& name : parser.value(panel).split(',')) {
                    if (auto* dock = window.findChild<QDockWidget*>(name + "Dock")) dock->raise();
                    auto* tabs = window.findChild<QTabWidget*>("bottomTabs");
                    const QStringList tabNames = {"trials", "space", "progress", "latency"};
                    if (tabs && tabNames.contains(name))
                        tabs->setCurrentIndex(static_cast<int>(tabNames.indexOf(name)));
                }
                QTimer::singleShot(200, &window, [&window, &parser, &screenshot] {
                    const bool saved = window.grab().save(parser.value(screenshot));
                    QCoreApplication::exit(saved ? 0 : 1);
                });
            });
    }
    return app.exec();
}
