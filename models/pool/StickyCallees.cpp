#include "pool/StickyCallees.h"

#include "domain/Clock.h"
#include "pool/CallerPolicy.h"
#include "storage/Database.h"
#include "storage/SqlHelpers.h"
#include "storage/Transaction.h"

#include <limits>

namespace PoolDesk::StickyCallees {

Result<int> forgetStale(Database &db, qint64 lastCalledBefore, Cursor &cursor, int batchRows) {
    if (cursor.done)
        return 0;
    Transaction transaction(db);
    if (auto begun = transaction.begin(); !begun)
        return begun.error();
    // The batch's last key, read along the primary key from the cursor.
    auto last = Sql::exec(db.connection(),
                          QStringLiteral("SELECT company_id, environment, callee FROM callee_numbers WHERE "
                                         "(company_id, environment, callee) > (?, ?, ?) ORDER BY company_id, "
                                         "environment, callee LIMIT 1 OFFSET ?"),
                          {cursor.companyId, cursor.environment, cursor.callee, std::max(batchRows, 1) - 1});
    if (!last)
        return last.error();
    const bool more = last.value().next();
    const Cursor end = more ? Cursor{last.value().value(0).toLongLong(), last.value().value(1).toString(),
                                     last.value().value(2).toString(), false}
                            : Cursor{0, {}, {}, true};
    last.value().finish();
    QString sql =
        QStringLiteral("DELETE FROM callee_numbers WHERE (company_id, environment, callee) > (?, ?, ?) ");
    QVariantList bindings{cursor.companyId, cursor.environment, cursor.callee};
    if (more) {
        sql += QStringLiteral("AND (company_id, environment, callee) <= (?, ?, ?) ");
        bindings << end.companyId << end.environment << end.callee;
    }
    sql += QStringLiteral("AND (last_called_at < ? OR NOT EXISTS (SELECT 1 FROM phone_numbers n WHERE n.id = "
                          "callee_numbers.number_id))");
    bindings << lastCalledBefore;
    auto deleted = Sql::exec(db.connection(), sql, bindings);
    if (!deleted)
        return deleted.error();
    const int forgotten = deleted.value().numRowsAffected();
    deleted.value().finish();
    if (auto committed = transaction.commit(); !committed)
        return committed.error();
    cursor = end;
    return forgotten;
}

qint64 staleBefore(Database &db) {
    const CallerPolicy policy = CallerPolicy::load(db);
    if (policy.stickyDays == 0)
        return std::numeric_limits<qint64>::max();
    return Clock::nowSecs() - qint64(policy.stickyDays) * 86400;
}

Result<int> forgetAllStale(Database &db) {
    const qint64 before = staleBefore(db);
    Cursor cursor;
    int forgotten = 0;
    while (!cursor.done) {
        auto batch = forgetStale(db, before, cursor);
        if (!batch)
            return batch.error();
        forgotten += batch.value();
    }
    return forgotten;
}

} // namespace PoolDesk::StickyCallees
