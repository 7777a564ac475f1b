#include "ui/common/StudioPaths.h"

#include <QCoreApplication>
#include <QFileInfo>
#include <QSettings>
#include <QStandardPaths>

namespace perfnas::ui {
namespace fs = std::filesystem;

std::optional<fs::path> StudioPaths::resourceFolder() {
    std::vector<fs::path> candidates;
    if (const QByteArray dir = qgetenv("PERFNAS_RESOURCE_DIR"); !dir.isEmpty())
        candidates.emplace_back(dir.toStdString());
    const fs::path binary = QCoreApplication::applicationDirPath().toStdString();
    candidates.push_back(binary.parent_path() / "share" /
                         "perfnas");  // packaging/CMakeLists.txt installs there
    candidates.push_back(fs::path(PERFNAS_SOURCE_DIR) / "resources");
    for (const fs::path& candidate : candidates) {
        std::error_code error;
        if (fs::exists(candidate / "examples" / "demo-experiment.json", error)) return candidate;
    }
    return std::nullopt;
}

fs::path StudioPaths::dataFolder() {
    QString location = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
    if (location.isEmpty())
        location =
            QStandardPaths::writableLocation(QStandardPaths::HomeLocation) + "/.perfnas-studio";
    const fs::path folder = location.toStdString();
    std::error_code error;
    fs::create_directories(folder, error);
    return folder;
}

fs::path StudioPaths::demoDataFolder() { return dataFolder() / "demo-data"; }
fs::path StudioPaths::demoExperimentFile() { return dataFolder() / "demo.sqlite"; }

QStringList StudioPaths::recentFiles() {
    QStringList files;
    for (const QString& file : QSettings().value("recentFiles").toStringList()) {
        if (QFileInfo::exists(file)) files << file;
    }
    return files;
}

void StudioPaths::addRecentFile(const QString& file) {
    const QString absolute = QFileInfo(file).absoluteFilePath();
    QStringList files = QSettings().value("recentFiles").toStringList();
    files.removeAll(absolute);
    files.prepend(absolute);
    while (files.size() > kMaxRecentFiles) files.removeLast();
    QSettings().setValue("recentFiles", files);
}

}  // namespace perfnas::ui
