#pragma once
// For black-box tests of the CLI (search and fault tests): `perfnas status --json` of an
// experiment, its trials by id, and counts by state.
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <map>

#include "tests/support/CliRunner.h"

namespace perfnas::test {

inline QJsonObject statusOf(const QString& db) {
    const Run run = runCli({"status", "--db", db, "--json"});
    if (run.exitCode != 0) return {};
    return QJsonDocument::fromJson(run.out).object();
}

inline std::map<int, QJsonObject> trialsById(const QJsonObject& status) {
    std::map<int, QJsonObject> trials;
    for (const auto& value : status["trials"].toArray())
        trials[value.toObject()["id"].toInt()] = value.toObject();
    return trials;
}

inline int countState(const QJsonObject& status, const QString& state) {
    int count = 0;
    for (const auto& value : status["trials"].toArray())
        count += value.toObject()["state"].toString() == state;
    return count;
}

}  // namespace perfnas::test
