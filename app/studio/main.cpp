// perfnas-studio [EXP.sqlite]: the desktop application. With a file it opens that experiment;
// without one it shows the start page, which offers the demo experiment.
#include <QApplication>
#include <QCommandLineParser>
#include <QTimer>

#include "ui/window/MainWindow.h"

int main(int argc, char* argv[]) {
    QApplication app(argc, argv);
    QApplication::setOrganizationName("PerfNAS");
    QApplication::setApplicationName("PerfNAS Studio");
    QApplication::setApplicationVersion(PERFNAS_VERSION);
    QApplication::setDesktopFileName("io.github.perfnas.Studio");

    QCommandLineParser parser;
    parser.setApplicationDescription("Performance-oriented neural architecture search for keyword spotting");
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument("experiment", "Experiment file (.sqlite) to open", "[EXP.sqlite]");
    parser.process(app);

    perfnas::ui::MainWindow window;
    window.show();
    if (const QStringList files = parser.positionalArguments(); !files.isEmpty()) {
        // After show(): an error dialog then has its window.
        QTimer::singleShot(0, &window, [&window, file = files.front()] { window.openExperiment(file); });
    }
    return app.exec();
}
