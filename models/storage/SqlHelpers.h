#pragma once

#include "domain/Result.h"

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
