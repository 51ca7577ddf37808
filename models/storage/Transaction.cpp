#include "storage/Transaction.h"

#include "storage/Database.h"
#include "storage/SqlHelpers.h"

#include <QSqlQuery>

namespace PoolDesk {

Transaction::Transaction(Database &db)
    : m_db(db) {}

Transaction::~Transaction() {
    if (m_active)
        rollback();
}

Status Transaction::begin() {
    QSqlDatabase &connection = m_db.connection();
    if (m_db.isSqlite()) {
        QSqlQuery query(connection);
        if (!query.exec(QStringLiteral("BEGIN IMMEDIATE")))
            return Sql::storageError(query);
    } else if (!connection.transaction()) {
        return Sql::storageError(connection);
    }
    m_active = true;
    return success();
}

Status Transaction::commit() {
    QSqlDatabase &connection = m_db.connection();
    bool committed = false;
    if (m_db.isSqlite()) {
        QSqlQuery query(connection);
        committed = query.exec(QStringLiteral("COMMIT"));
        if (!committed) {
            auto error = Sql::storageError(query);
            rollback();
            return error;
        }
    } else {
        committed = connection.commit();
        if (!committed) {
            auto error = Sql::storageError(connection);
            rollback();
            return error;
        }
    }
    m_active = false;
    return success();
}

void Transaction::rollback() {
    if (!m_active)
        return;
    QSqlDatabase &connection = m_db.connection();
    if (m_db.isSqlite()) {
        QSqlQuery query(connection);
        query.exec(QStringLiteral("ROLLBACK"));
    } else {
        connection.rollback();
    }
    m_active = false;
}

} // namespace PoolDesk
