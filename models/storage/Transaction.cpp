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

QString Transaction::savepointName() const {
    return QStringLiteral("pooldesk_%1").arg(m_level);
}

Status Transaction::begin() {
    if (m_active)
        return success();
    QSqlDatabase &connection = m_db.connection();
    m_level = m_db.m_transactionDepth;
    if (m_level > 0) {
        QSqlQuery query(connection);
        if (!query.exec(QStringLiteral("SAVEPOINT ") + savepointName()))
            return Sql::storageError(query);
    } else if (m_db.isSqlite()) {
        QSqlQuery query(connection);
        if (!query.exec(QStringLiteral("BEGIN IMMEDIATE")))
            return Sql::storageError(query);
    } else if (!connection.transaction()) {
        return Sql::storageError(connection);
    }
    m_active = true;
    ++m_db.m_transactionDepth;
    return success();
}

Status Transaction::commit() {
    if (!m_active)
        return success();
    QSqlDatabase &connection = m_db.connection();
    if (m_level > 0) {
        QSqlQuery query(connection);
        if (!query.exec(QStringLiteral("RELEASE SAVEPOINT ") + savepointName())) {
            auto error = Sql::storageError(query);
            rollback();
            return error;
        }
    } else if (m_db.isSqlite()) {
        QSqlQuery query(connection);
        if (!query.exec(QStringLiteral("COMMIT"))) {
            auto error = Sql::storageError(query);
            rollback();
            return error;
        }
    } else if (!connection.commit()) {
        auto error = Sql::storageError(connection);
        rollback();
        return error;
    }
    m_active = false;
    --m_db.m_transactionDepth;
    return success();
}

void Transaction::rollback() {
    if (!m_active)
        return;
    QSqlDatabase &connection = m_db.connection();
    if (m_level > 0) {
        // Undo this savepoint's changes, then drop it; the outer transaction goes on.
        QSqlQuery query(connection);
        query.exec(QStringLiteral("ROLLBACK TO SAVEPOINT ") + savepointName());
        query.exec(QStringLiteral("RELEASE SAVEPOINT ") + savepointName());
    } else if (m_db.isSqlite()) {
        QSqlQuery query(connection);
        query.exec(QStringLiteral("ROLLBACK"));
    } else {
        connection.rollback();
    }
    m_active = false;
    --m_db.m_transactionDepth;
}

} // namespace PoolDesk
