#include "pool/NumberHistory.h"

#include "storage/Database.h"
#include "storage/SqlHelpers.h"

namespace PoolDesk::NumberHistory {

QString toString(Event event) {
    switch (event) {
    case Event::Added:
        return QStringLiteral("added");
    case Event::Dedicated:
        return QStringLiteral("dedicated");
    case Event::Shared:
        return QStringLiteral("shared");
    case Event::Removed:
        return QStringLiteral("removed");
    }
    return {};
}

Status record(Database &db, const Change &change) {
    auto done = Sql::exec(
        db.connection(),
        QStringLiteral("INSERT INTO number_history (number_id, e164, environment, event, company_id, "
                       "monthly_price_micros, added_at, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"),
        {change.numberId, change.e164, change.environment, toString(change.event),
         Sql::nullable(change.companyId), change.monthlyPrice, change.addedAt, change.at});
    if (!done)
        return done.error();
    return success();
}

} // namespace PoolDesk::NumberHistory
