#pragma once

#include "domain/Result.h"
#include "pool/NumberCsv.h"
#include "storage/AuditLog.h"

#include <QStringList>

#include <functional>

namespace PoolDesk {

class Database;

// Imports the rows of a number file (NumberCsv::parse) into the pool: all of them or none.
class NumberImport final {
public:
    explicit NumberImport(Database &db)
        : m_db(db) {}

    // Adds to `parsed` the errors only the database can tell, each on its row's line: an
    // environment not among `environments`, a company that does not exist, a number already in
    // its pool. Bad rows move from rows to errors. Reads each table once, whatever the file's size.
    Status check(NumberCsv::ParsedImport &parsed, const QStringList &environments);

    // Told how many rows are added so far, of how many: every ProgressStep rows and at the end.
    using Progress = std::function<void(int added, int total)>;
    static constexpr int ProgressStep = 1000;

    // Adds every row through Numbers::add (its validation, history and audit entry) in one
    // transaction: when the database refuses one row, none is kept, and the error names its line.
    Result<int> commit(const Actor &actor, const QList<NumberCsv::NumberRow> &rows,
                       const Progress &progress = {});

private:
    Database &m_db;
};

} // namespace PoolDesk
