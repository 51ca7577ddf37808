#pragma once

#include "domain/Result.h"

#include <QByteArrayView>
#include <QString>
#include <QVariantList>

#include <memory>

struct sqlite3_stmt;

namespace PoolDesk {

class Database;

// Reads rows straight from SQLite's C API, on the connection's own handle, for the few passes over
// millions of rows (the CSV export of the call history, the month cost report) where a QVariant
// per cell costs more than the query itself. Only for SQLite connections (available()); other
// engines go through QSqlQuery. Use it on the thread that owns the Database, like the connection.
//
//   auto rows = SqliteRows::prepare(db, sql, bindings);
//   if (!rows) return rows.error();
//   while ((*rows)->next()) { ... (*rows)->integer(0), (*rows)->text(1) ... }
//   if (!(*rows)->status()) return (*rows)->status().error();
class SqliteRows final {
public:
    static bool available(Database &db);
    // Prepares `sql` with positional `?` bindings (integers and text).
    static Result<std::unique_ptr<SqliteRows>> prepare(Database &db, const QString &sql,
                                                       const QVariantList &bindings);
    ~SqliteRows();
    SqliteRows(const SqliteRows &) = delete;
    SqliteRows &operator=(const SqliteRows &) = delete;

    // Steps to the next row; false at the end or on an error (then status() says which).
    bool next();
    Status status() const;

    bool isNull(int column) const;
    // NULL reads as 0, like QVariant::toLongLong() of a NULL.
    qint64 integer(int column) const;
    // UTF-8 bytes, valid until the next call to next(); NULL reads as empty.
    QByteArrayView text(int column) const;

private:
    explicit SqliteRows(sqlite3_stmt *statement);

    sqlite3_stmt *m_statement = nullptr;
    QString m_error;
};

} // namespace PoolDesk
