#include "storage/Transaction.h"

#include "storage/Database.h"
#include "storage/SqlHelpers.h"
#include "storage/SqliteHandle.h"

#include <QCoreApplication>
#include <QSqlQuery>

#include <sqlite3.h>

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
    // A connection opened read-only takes no write: refused before anything is asked of the
    // database (PostgreSQL would abort the transaction, and statements freed in it would warn).
    if (m_db.isReadOnly())
        return Sql::reportWriteRefusal(m_db.location(),
                                       Sql::readOnlyError(m_db.location(), m_db.isPostgreSql()));
    QSqlDatabase &connection = m_db.connection();
    m_level = m_db.m_transactionDepth;
    if (m_level > 0) {
        // SQLite rolls a whole transaction back by itself after some errors (a full disk, an I/O
        // error). A savepoint then would start a transaction of its own, and its changes would
        // be committed alone while the outer one reports failure: refuse instead.
        if (sqlite3 *handle = sqliteHandleOf(m_db); handle && sqlite3_get_autocommit(handle))
            return makeError(Error::Code::Storage,
                             QCoreApplication::translate("Transaction",
                                                         "The database rolled back the change this one "
                                                         "belongs to, after an earlier error. Nothing of "
                                                         "it was saved; try again."));
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
