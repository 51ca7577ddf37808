#pragma once

#include "domain/Result.h"

#include <QString>

namespace PoolDesk {

class Database;

// The number each callee last saw from each company (callee_numbers, written at release) is kept
// only while it can still make that number sticky: a row whose last call is older than the
// policy's sticky_days, or whose number has left the pool, is forgotten. Without this the table
// would hold every callee ever called.
namespace StickyCallees {

// Where a walk over callee_numbers in key order has got to; a default one starts at the front.
struct Cursor {
    qint64 companyId = -1;
    QString environment;
    QString callee;
    bool done = false;
};

// Forgets the stale rows among the next batchRows rows after the cursor and moves it past them;
// sets done after the last row. One short transaction, so a caller holding a writers' gate can
// give way between batches. Returns how many rows were forgotten.
Result<int> forgetStale(Database &db, qint64 lastCalledBefore, Cursor &cursor, int batchRows = 5000);

// The caller policy's bound: a row whose last call is before it makes nothing sticky (sticky_days 0:
// every row).
qint64 staleBefore(Database &db);

// Walks the whole table with staleBefore(); for a command or a test.
Result<int> forgetAllStale(Database &db);

} // namespace StickyCallees

} // namespace PoolDesk
