#pragma once
// For the fault tests: a temporary folder with the executor dataset and its own feature cache, and
// `perfnas search` started on it in the background with 1,500 iterations per trial, so that the
// fault lands while a trial runs.
#include <QProcess>
#include <QStringList>
#include <QTemporaryDir>
#include <filesystem>
#include <string>

#include "tests/execution/ExecutorFixture.h"

namespace perfnas::test {

class SearchUnderFault {
public:
    // False when the temporary folder could not be made.
    bool prepare() {
        if (!m_folder.isValid()) return false;
        m_root = std::filesystem::path(m_folder.path().toStdString());
        makeExecutorDataset(m_root / "data");
        qputenv("PERFNAS_CACHE_DIR", QByteArray::fromStdString((m_root / "cache").string()));
        return true;
    }

    const std::filesystem::path& root() const { return m_root; }

    // Starts `perfnas search` with the executor test config on ROOT/NAME.sqlite, plus `extra`
    // arguments (e.g. --backend slurm); returns the experiment file.
    QString start(QProcess& search, const std::string& name, const QStringList& extra = {}) const {
        const std::filesystem::path config = m_root / "search.json";
        writeText(config, searchConfigText());
        const QString db = QString::fromStdString((m_root / (name + ".sqlite")).string());
        search.start(PERFNAS_CLI_PATH,
                     QStringList{"search", "--config", QString::fromStdString(config.string()),
                                 "--db", db, "--iterations", "1500"} +
                         extra);
        return db;
    }

private:
    QTemporaryDir m_folder;
    std::filesystem::path m_root;
};

}  // namespace perfnas::test
