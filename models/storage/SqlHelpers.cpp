#include "storage/SqlHelpers.h"

#include <QCoreApplication>
#include <QLoggingCategory>
#include <QSqlDriver>
#include <QSqlError>

Q_LOGGING_CATEGORY(lcSql, "pooldesk.storage.sql")
// Refusals by the database's grants: the caller reports them; logged only when asked for
// (QT_LOGGING_RULES="pooldesk.storage.sql.refused.debug=true").
Q_LOGGING_CATEGORY(lcSqlRefused, "pooldesk.storage.sql.refused", QtInfoMsg)

namespace PoolDesk::Sql {

namespace {

const char *const LocationProperty = "pooldeskLocation";

Error fromSqlError(const QSqlError &error, const QSqlDriver *driver, const QString &statement) {
    if (isConnectionLost(error, driver)) {
        qCWarning(lcSql).noquote() << "database connection lost:" << error.nativeErrorCode() << error.text();
        return unavailableError(error.nativeErrorCode());
    }
    if (const WriteRefusal refusal = writeRefusalOf(error, driver); refusal != WriteRefusal::None) {
        const QString location = driver->property(LocationProperty).toString();
        const bool postgres = driver->dbmsType() == QSqlDriver::PostgreSQL;
        // The caller reports it, naming the file; the engine's words only when asked for.
        qCDebug(lcSqlRefused).noquote()
            << "the database refused a write:" << error.nativeErrorCode() << error.text() << statement;
        Error refused = refusal == WriteRefusal::ReadOnly
                            ? readOnlyError(location, postgres, error.nativeErrorCode())
                            : diskFullError(location, postgres, error.nativeErrorCode());
        return reportWriteRefusal(location, std::move(refused));
    }
    // PostgreSQL's grants and row-level security refused: the signed-in role may not do this.
    // Said as a refusal, without the server's words (which name tables and follow its language).
    if (driver && driver->dbmsType() == QSqlDriver::PostgreSQL &&
        error.nativeErrorCode() == QLatin1String("42501")) {
        qCDebug(lcSqlRefused) << "refused:" << statement << error.text();
        Error refused =
            makeError(Error::Code::Refused,
                      QCoreApplication::translate(
                          "Sql", "Your PoolDesk role may not do this: the database refused it. "
                                 "Changes to the pool, companies, limits, keys, environments and "
                                 "settings need the Administrator role; `pooldeskctl whoami` says "
                                 "which role you have."),
                      QStringLiteral("role_required"));
        refused.nativeCode = error.nativeErrorCode();
        return refused;
    }
    if (!statement.isEmpty())
        qCWarning(lcSql) << "statement failed:" << statement << error.text();
    Error failure =
        makeError(Error::Code::Storage,
                  QCoreApplication::translate("Sql", "The database reported an error: %1").arg(error.text()));
    failure.nativeCode = error.nativeErrorCode();
    return failure;
}

// SQLite's extended result SQLITE_READONLY_DBMOVED: the file was deleted or moved away under the
// connection. Not a read-only file: the connection is to be opened again like a lost one.
constexpr int SqliteReadOnlyDbMoved = 1032;

// SQLite's primary result codes (the low byte of an extended code) that mean the file itself
// cannot be used: SQLITE_IOERR, SQLITE_CANTOPEN, SQLITE_NOTADB.
bool isSqliteFileError(const QString &code) {
    bool ok = false;
    const int extended = code.toInt(&ok);
    const int primary = extended & 0xff;
    return ok && (primary == 10 || primary == 14 || primary == 26 || extended == SqliteReadOnlyDbMoved);
}

} // namespace

Error unavailableError(const QString &nativeCode) {
    Error failure =
        makeError(Error::Code::Unavailable,
                  QCoreApplication::translate("Sql", "The pool database cannot be reached right now. Try "
                                                     "again in a few seconds; if this goes on, check that "
                                                     "the database server is running and reachable."),
                  DatabaseUnavailable);
    failure.nativeCode = nativeCode;
    return failure;
}

WriteRefusal writeRefusalOf(const QSqlError &error, const QSqlDriver *driver) {
    if (!driver || error.type() == QSqlError::NoError)
        return WriteRefusal::None;
    const QString code = error.nativeErrorCode();
    switch (driver->dbmsType()) {
    case QSqlDriver::PostgreSQL:
        if (code == QLatin1String("25006"))
            return WriteRefusal::ReadOnly;
        if (code == QLatin1String("53100"))
            return WriteRefusal::DiskFull;
        return WriteRefusal::None;
    case QSqlDriver::SQLite: {
        bool ok = false;
        const int extended = code.toInt(&ok);
        if (!ok || extended == SqliteReadOnlyDbMoved)
            return WriteRefusal::None;
        if ((extended & 0xff) == 8) // SQLITE_READONLY and its extended codes (a read-only folder too)
            return WriteRefusal::ReadOnly;
        if ((extended & 0xff) == 13) // SQLITE_FULL
            return WriteRefusal::DiskFull;
        return WriteRefusal::None;
    }
    default:
        return WriteRefusal::None;
    }
}

Error readOnlyError(const QString &location, bool postgres, const QString &nativeCode) {
    Error failure = makeError(
        Error::Code::Unavailable,
        postgres ? QCoreApplication::translate(
                       "Sql", "The pool database %1 is read-only: the server accepts no changes to it "
                              "(default_transaction_read_only, or a standby server). Nothing was changed. "
                              "Ask its administrator to make it writable, then try again. Viewing, reports "
                              "and exports still work.")
                       .arg(location)
                 : QCoreApplication::translate(
                       "Sql", "The pool database file %1 is read-only, so PoolDesk cannot save changes to "
                              "it. Nothing was changed. Make the file and its folder writable for your "
                              "account (or move it to a disk that is not mounted read-only), then try "
                              "again. Viewing, reports and exports still work.")
                       .arg(location),
        DatabaseReadOnly);
    failure.nativeCode = nativeCode;
    return failure;
}

Error diskFullError(const QString &location, bool postgres, const QString &nativeCode) {
    Error failure = makeError(
        Error::Code::Unavailable,
        postgres ? QCoreApplication::translate(
                       "Sql", "The disk of the PostgreSQL server holding the pool database %1 is full. The "
                              "change was not saved; nothing of it was kept. Ask the server's "
                              "administrator to free space, then try again.")
                       .arg(location)
                 : QCoreApplication::translate(
                       "Sql", "The disk holding the pool database file %1 is full. The change was not "
                              "saved; nothing of it was kept. Free space on that disk, then try again. "
                              "Viewing, reports and exports to another disk still work.")
                       .arg(location),
        DatabaseDiskFull);
    failure.nativeCode = nativeCode;
    return failure;
}

Error reportWriteRefusal(const QString &location, Error refusal) {
    emit WriteRefusals::instance().refused(location, refusal.reason, refusal.message);
    return refusal;
}

void setLocation(QSqlDriver *driver, const QString &location) {
    if (driver)
        driver->setProperty(LocationProperty, location);
}

WriteRefusals &WriteRefusals::instance() {
    static WriteRefusals refusals;
    return refusals;
}

bool isConnectionLost(const QSqlError &error, const QSqlDriver *driver) {
    if (!driver)
        return false;
    // Once the driver has seen the connection break it refuses statements itself ("database not
    // open"), with no error of the server's to go by.
    if (!driver->isOpen())
        return true;
    if (error.type() == QSqlError::NoError)
        return false;
    const QString code = error.nativeErrorCode();
    switch (driver->dbmsType()) {
    case QSqlDriver::PostgreSQL:
        if (code.startsWith(QLatin1String("08")) || code == QLatin1String("57P01") ||
            code == QLatin1String("57P02") || code == QLatin1String("57P03"))
            return true;
        // libpq reports a dead connection in its own words, without a SQLSTATE; the driver's
        // isOpen() is libpq's connection status.
        return code.isEmpty() && !driver->isOpen();
    case QSqlDriver::SQLite:
        return isSqliteFileError(code);
    default:
        return false;
    }
}

Error storageError(const QSqlQuery &query) {
    return fromSqlError(query.lastError(), query.driver(), query.lastQuery());
}

Error storageError(const QSqlDatabase &db) {
    return fromSqlError(db.lastError(), db.driver(), {});
}

bool isUniqueViolation(const QSqlQuery &query) {
    const QSqlError error = query.lastError();
    const QString code = error.nativeErrorCode();
    // PostgreSQL: SQLSTATE 23505. SQLite: extended codes 2067 (UNIQUE) and 1555 (PRIMARY KEY), or 19.
    return code == QLatin1String("23505") || code == QLatin1String("2067") || code == QLatin1String("1555") ||
           error.text().contains(QLatin1String("UNIQUE constraint"), Qt::CaseInsensitive) ||
           error.text().contains(QLatin1String("duplicate key"), Qt::CaseInsensitive);
}

Result<QSqlQuery> exec(QSqlDatabase &db, const QString &sql, const QVariantList &bindings) {
    QSqlQuery query(db);
    if (bindings.isEmpty()) {
        if (!query.exec(sql))
            return storageError(query);
        return query;
    }
    if (!query.prepare(sql))
        return storageError(query);
    for (const QVariant &value : bindings)
        query.addBindValue(value);
    if (!query.exec())
        return storageError(query);
    return query;
}

Result<QSqlQuery> exec(QSqlDatabase &db, const QString &sql, std::initializer_list<QVariant> bindings) {
    return exec(db, sql, QVariantList(bindings));
}

Status execFormatted(QSqlDatabase &db, const QString &format, const QVariantList &arguments) {
    QString placeholders;
    for (qsizetype i = 0; i < arguments.size(); ++i)
        placeholders += QStringLiteral(", ?::text");
    auto built = exec(db, QStringLiteral("SELECT format(?::text") + placeholders + QLatin1Char(')'),
                      QVariantList{format} + arguments);
    if (!built)
        return built.error();
    built.value().next();
    const QString statement = built.value().value(0).toString();
    built.value().finish();
    if (auto done = exec(db, statement); !done)
        return done.error();
    return success();
}

Status run(QSqlQuery &query, std::initializer_list<QVariant> bindings) {
    int index = 0;
    for (const QVariant &value : bindings)
        query.bindValue(index++, value);
    if (!query.exec())
        return storageError(query);
    return success();
}

} // namespace PoolDesk::Sql
