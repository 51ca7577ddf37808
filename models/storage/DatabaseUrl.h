#pragma once

#include "domain/Result.h"

#include <QString>

namespace PoolDesk {

// Where the pool lives: a path or "sqlite:PATH" for the embedded database, or
// "postgresql://user:pass@host:port/db" for a pool shared by a team and its call backends.
struct DatabaseUrl {
    enum class Engine { Sqlite, PostgreSql };
    Engine engine = Engine::Sqlite;
    QString path; // SQLite file
    QString host;
    int port = 5432;
    QString user;
    QString password;
    QString databaseName;

    static Result<DatabaseUrl> parse(const QString &text);
    // The embedded default: pooldesk.sqlite in the user's data folder.
    static QString defaultSqlitePath();
    // The database to use when the caller named none: POOLDESK_DB, else the embedded default.
    static QString defaultUrl();
    // For messages and logs: never shows the password.
    QString redacted() const;
};

} // namespace PoolDesk
