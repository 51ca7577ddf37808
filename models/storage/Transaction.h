#pragma once

#include "domain/Result.h"

#include <QSqlDatabase>

namespace PoolDesk {

class Database;

// A write transaction that other processes see as one step. On SQLite it starts with
// BEGIN IMMEDIATE so the write lock is taken up front (no deadlock-prone lock upgrade); on
// PostgreSQL it is an ordinary transaction whose row locks the statements take. Rolls back unless
// committed.
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

private:
    Database &m_db;
    bool m_active = false;
};

} // namespace PoolDesk
