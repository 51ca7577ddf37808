#pragma once

#include "domain/Result.h"

namespace PoolDesk {

class Database;

// Several reads that must see the same data (a page read in two passes), without a write lock:
// SQLite's deferred BEGIN, PostgreSQL's REPEATABLE READ READ ONLY. Inside a transaction already open
// on the connection, that one holds the data still and this does nothing. Ends (COMMIT: nothing
// was written) when the object goes.
class ReadSnapshot final {
public:
    explicit ReadSnapshot(Database &db);
    ~ReadSnapshot();
    ReadSnapshot(const ReadSnapshot &) = delete;
    ReadSnapshot &operator=(const ReadSnapshot &) = delete;

    Status begin();

private:
    Database &m_db;
    bool m_open = false;
};

} // namespace PoolDesk
