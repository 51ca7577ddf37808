#include "storage/DatabaseUrl.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QStandardPaths>
#include <QUrl>

namespace PoolDesk {

Result<DatabaseUrl> DatabaseUrl::parse(const QString &text) {
    const QString trimmed = text.trimmed();
    if (trimmed.isEmpty())
        return makeError(Error::Code::InvalidInput,
                         QCoreApplication::translate("DatabaseUrl", "No database given."));
    if (trimmed.startsWith(QLatin1String("postgresql://")) ||
        trimmed.startsWith(QLatin1String("postgres://"))) {
        const QUrl url(trimmed, QUrl::StrictMode);
        if (!url.isValid() || url.host().isEmpty())
            return makeError(Error::Code::InvalidInput,
                             QCoreApplication::translate("DatabaseUrl",
                                                         "The PostgreSQL address is not valid. Use "
                                                         "postgresql://user:password@host:port/database."));
        DatabaseUrl result;
        result.engine = Engine::PostgreSql;
        result.host = url.host();
        result.port = url.port(5432);
        result.user = url.userName();
        result.password = url.password();
        result.databaseName = url.path().mid(1);
        if (result.databaseName.isEmpty())
            result.databaseName = QStringLiteral("pooldesk");
        return result;
    }
    DatabaseUrl result;
    result.engine = Engine::Sqlite;
    QString path = trimmed;
    if (path.startsWith(QLatin1String("sqlite://")))
        path = path.mid(9);
    else if (path.startsWith(QLatin1String("sqlite:")))
        path = path.mid(7);
    if (path.isEmpty())
        return makeError(Error::Code::InvalidInput,
                         QCoreApplication::translate("DatabaseUrl", "The SQLite database path is empty."));
    if (path == QLatin1String(":memory:")) {
        result.path = path;
        return result;
    }
    // To QDir a name starting with ':' is a Qt resource, absolute already; SQLite reads it as a file
    // in the working directory, so it is made absolute as one (else ":a/../b" would clean to the
    // relative "b" and name another file once the working directory changes).
    if (path.startsWith(QLatin1Char(':')))
        path.prepend(QLatin1String("./"));
    result.path = QDir::cleanPath(QDir::current().absoluteFilePath(path));
    // Cleaning drops a trailing "/" or "/.": "x /" would name a file "x " that the trimmed text of
    // the same path no longer names.
    if (result.path.back().isSpace())
        return makeError(
            Error::Code::InvalidInput,
            QCoreApplication::translate("DatabaseUrl", "The SQLite database's file name ends with a space."));
    return result;
}

QString DatabaseUrl::defaultSqlitePath() {
    // One place for the console, pooldeskctl and the service, whatever organisation and
    // application names each gives Qt: <the user's data folder>/PoolDesk/pooldesk.sqlite.
    QString base = QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation);
    if (base.isEmpty())
        base = QDir::homePath() + QStringLiteral("/.local/share");
    const QString canonical = base + QStringLiteral("/PoolDesk/pooldesk.sqlite");
    // Earlier consoles kept theirs in their own AppDataLocation (".../PoolDesk/PoolDesk" where the
    // organisation and the application are both PoolDesk): a workspace there is used where it is,
    // not left behind for an empty one.
    const QStringList earlier{base + QStringLiteral("/PoolDesk/PoolDesk/pooldesk.sqlite"),
                              QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) +
                                  QStringLiteral("/pooldesk.sqlite")};
    if (!QFileInfo::exists(canonical))
        for (const QString &path : earlier)
            if (QFileInfo::exists(path))
                return QDir::cleanPath(path);
    return canonical;
}

QString DatabaseUrl::defaultUrl() {
    const QString fromEnvironment = qEnvironmentVariable("POOLDESK_DB");
    return fromEnvironment.isEmpty() ? defaultSqlitePath() : fromEnvironment;
}

QString DatabaseUrl::redacted() const {
    if (engine == Engine::Sqlite)
        return path;
    QString text = QStringLiteral("postgresql://");
    if (!user.isEmpty())
        text += user + (password.isEmpty() ? QString() : QStringLiteral(":***")) + QLatin1Char('@');
    return text + host + QLatin1Char(':') + QString::number(port) + QLatin1Char('/') + databaseName;
}

} // namespace PoolDesk
