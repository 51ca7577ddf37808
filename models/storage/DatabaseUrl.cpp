#include "storage/DatabaseUrl.h"

#include <QCoreApplication>
#include <QDir>
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
    result.path =
        path == QLatin1String(":memory:") ? path : QDir::cleanPath(QDir::current().absoluteFilePath(path));
    return result;
}

QString DatabaseUrl::defaultSqlitePath() {
    QString dir = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
    if (dir.isEmpty())
        dir = QDir::homePath() + QStringLiteral("/.pooldesk");
    // AppDataLocation depends on the application name; pin it so the GUI, the CLI and the
    // service share one pool.
    if (!dir.endsWith(QLatin1String("/PoolDesk")))
        dir = QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation) +
              QStringLiteral("/PoolDesk");
    return dir + QStringLiteral("/pooldesk.sqlite");
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
