#pragma once

#include "domain/Result.h"

#include <QObject>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

#include <initializer_list>

namespace PoolDesk::Sql {

// Runs one statement with positional bindings ('?' works on both engines).
Result<QSqlQuery> exec(QSqlDatabase &db, const QString &sql, std::initializer_list<QVariant> bindings = {});
Result<QSqlQuery> exec(QSqlDatabase &db, const QString &sql, const QVariantList &bindings);
// PostgreSQL: runs a statement that names roles or databases, which takes no parameters, built
// by the server's format() so %I quotes an identifier and %L a literal.
Status execFormatted(QSqlDatabase &db, const QString &format, const QVariantList &arguments);
// Executes an already-prepared query with fresh bindings (hot paths keep their queries prepared).
Status run(QSqlQuery &query, std::initializer_list<QVariant> bindings = {});
// A storage error saying what failed, for the user and the log. A lost connection (see
// isConnectionLost) becomes an Unavailable error with the reason DatabaseUnavailable and a message
// that names no internals; the driver's text goes to the log only.
Error storageError(const QSqlQuery &query);
Error storageError(const QSqlDatabase &db);
// The refusal reason of every error that means "the database cannot be reached right now".
inline constexpr QLatin1String DatabaseUnavailable{"database_unavailable"};
// The error for a database that cannot be reached (lost, or not reopened yet); nativeCode as given.
Error unavailableError(const QString &nativeCode = {});
// True when the error means the connection is gone rather than that the statement failed:
// PostgreSQL's SQLSTATE class 08 and 57P01-57P03, or libpq's own errors (no SQLSTATE) on a
// connection that is no longer open; SQLite's I/O, cannot-open and not-a-database results (the
// file went away or became unreadable). The connection is then to be closed and opened again.
bool isConnectionLost(const QSqlError &error, const QSqlDriver *driver);
inline bool isConnectionLost(const Error &error) {
    return error.reason == DatabaseUnavailable;
}
// The refusal reasons of the errors that mean "the database takes no writes right now": its file
// (or folder, or mount) is read-only, or a PostgreSQL database or session is read-only
// (default_transaction_read_only, a standby); the disk holding it is full. Reads still work.
inline constexpr QLatin1String DatabaseReadOnly{"database_read_only"};
inline constexpr QLatin1String DatabaseDiskFull{"disk_full"};
// The one place that decides whether a database error means read-only or disk full, by the
// engine's own code, never its words: SQLite's primary result SQLITE_READONLY (8) or SQLITE_FULL
// (13); PostgreSQL's SQLSTATE 25006 (read_only_sql_transaction) or 53100 (disk_full).
enum class WriteRefusal { None, ReadOnly, DiskFull };
WriteRefusal writeRefusalOf(const QSqlError &error, const QSqlDriver *driver);
inline bool isWriteRefused(const Error &error) {
    return error.reason == DatabaseReadOnly || error.reason == DatabaseDiskFull;
}
// The errors for those two states, naming the database (a SQLite file's path, or PostgreSQL's
// redacted URL) and saying what to do; nativeCode as given.
Error readOnlyError(const QString &location, bool postgres, const QString &nativeCode = {});
Error diskFullError(const QString &location, bool postgres, const QString &nativeCode = {});
// Tells WriteRefusals' listeners about the refusal, and returns it.
Error reportWriteRefusal(const QString &location, Error refusal);
// Which database a connection is, for those messages: Database sets it on its driver.
void setLocation(QSqlDriver *driver, const QString &location);

// Tells whoever listens (the console's workspace) that a database refused a write because it is
// read-only or its disk is full, from whichever thread's connection met it: a console's background
// jobs use connections of their own. Emitted once per refused statement; the listener decides what
// to show. The instance lives on the thread that first asks for it (the GUI thread in the console).
class WriteRefusals final : public QObject {
    Q_OBJECT
public:
    static WriteRefusals &instance();

signals:
    // location as in the error's message; reason DatabaseReadOnly or DatabaseDiskFull; message translated.
    void refused(const QString &location, const QString &reason, const QString &message);

private:
    WriteRefusals() = default;
};

// True when the error is a unique-constraint violation on either engine.
bool isUniqueViolation(const QSqlQuery &query);

// NULL-aware conversions for optional columns.
inline QVariant nullable(const std::optional<qint64> &value) {
    return value ? QVariant(*value) : QVariant(QMetaType(QMetaType::LongLong));
}
inline QVariant nullable(const std::optional<int> &value) {
    return value ? QVariant(static_cast<qint64>(*value)) : QVariant(QMetaType(QMetaType::LongLong));
}
inline QVariant nullText(const QString &value) {
    return value.isEmpty() ? QVariant(QMetaType(QMetaType::QString)) : QVariant(value);
}
inline std::optional<qint64> optionalInt(const QVariant &value) {
    return value.isNull() ? std::nullopt : std::optional<qint64>(value.toLongLong());
}

} // namespace PoolDesk::Sql
