#pragma once

#include "domain/Result.h"

#include <QSqlDatabase>
#include <QSqlQuery>
#include <QVariant>

#include <initializer_list>

namespace PoolDesk::Sql {

// Runs one statement with positional bindings ('?' works on both engines).
Result<QSqlQuery> exec(QSqlDatabase &db, const QString &sql, std::initializer_list<QVariant> bindings = {});
Result<QSqlQuery> exec(QSqlDatabase &db, const QString &sql, const QVariantList &bindings);
// Executes an already-prepared query with fresh bindings (hot paths keep their queries prepared).
Status run(QSqlQuery &query, std::initializer_list<QVariant> bindings = {});
// A storage error saying what failed, for the user and the log.
Error storageError(const QSqlQuery &query);
Error storageError(const QSqlDatabase &db);
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
