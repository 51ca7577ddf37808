#pragma once

#include "domain/Result.h"

#include <QSqlDatabase>

namespace PoolDesk {

class Database;

// A write transaction that other processes see as one step. On SQLite it starts with
// BEGIN IMMEDIATE so the write lock is taken up front (no deadlock-prone lock upgrade); on
// PostgreSQL it is an ordinary transaction whose row locks the statements take. Rolls back unless
// committed. On a connection opened read-only (Database::isReadOnly) begin() fails with
// Sql::readOnlyError().
//
// Opened while another Transaction is active on the same connection, it becomes a savepoint of
// that one: rolling it back undoes only its own changes, and committing it makes them part of the
// outer transaction, which decides whether they last. This is how several operations share one
// commit (the pool service's group commit) without changing the code that performs them.
class Transaction final {
public:
    explicit Transaction(Database &db);
    ~Transaction();
    Transaction(const Transaction &) = delete;
    Transaction &operator=(const Transaction &) = delete;

    Status begin();
    Status commit();
    void rollback();
    bool isActive() const { return m_active; }
    bool isNested() const { return m_level > 0; }

private:
    QString savepointName() const;

    Database &m_db;
    bool m_active = false;
    int m_level = 0; // 0 = the outermost transaction; n = savepoint n
};

} // namespace PoolDesk
