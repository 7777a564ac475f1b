#pragma once
// Where the studio finds its shipped resources and keeps its own files: the demo data and demo
// experiment in the per-user data folder (QStandardPaths::AppDataLocation), recent files in
// QSettings. GUI thread (QSettings is not shared across threads here).
#include <QString>
#include <QStringList>
#include <filesystem>
#include <optional>

namespace perfnas::ui {

class StudioPaths {
public:
    // The folder holding examples/ and seeds/: $PERFNAS_RESOURCE_DIR, then the installed
    // <prefix>/share/perfnas/resources, then the source tree this binary was built from.
    static std::optional<std::filesystem::path> resourceFolder();
    static std::filesystem::path dataFolder();          // created on demand
    static std::filesystem::path demoDataFolder();      // dataFolder()/demo-data
    static std::filesystem::path demoExperimentFile();  // dataFolder()/demo.sqlite

    static constexpr int kMaxRecentFiles = 8;
    static QStringList recentFiles();  // most recent first; files that no longer exist are dropped
    static void addRecentFile(const QString& file);
};

}  // namespace perfnas::ui
