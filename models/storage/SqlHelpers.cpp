#include "storage/SqlHelpers.h"

#include <QCoreApplication>
#include <QLoggingCategory>
#include <QSqlError>

Q_LOGGING_CATEGORY(lcSql, "pooldesk.storage.sql")

namespace PoolDesk::Sql {

Error storageError(const QSqlQuery &query) {
    const QSqlError error = query.lastError();
    qCWarning(lcSql) << "statement failed:" << query.lastQuery() << error.text();
    return makeError(
        Error::Code::Storage,
        QCoreApplication::translate("Sql", "The database reported an error: %1").arg(error.text()));
}

Error storageError(const QSqlDatabase &db) {
    return makeError(
        Error::Code::Storage,
        QCoreApplication::translate("Sql", "The database reported an error: %1").arg(db.lastError().text()));
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

Status run(QSqlQuery &query, std::initializer_list<QVariant> bindings) {
    int index = 0;
    for (const QVariant &value : bindings)
        query.bindValue(index++, value);
    if (!query.exec())
        return storageError(query);
    return success();
}

} // namespace PoolDesk::Sql
