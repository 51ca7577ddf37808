// Apart from StatusCallback.cpp, which reads a callback and needs no database (its fuzz target is
// built from it alone).
#include "service/StatusCallback.h"

#include "domain/Clock.h"
#include "storage/Database.h"
#include "storage/SqlHelpers.h"

namespace PoolDesk {

Status StatusCallback::recordUnmatched(Database &db, const QString &environment) const {
    const auto recorded = Sql::exec(
        db.connection(),
        QStringLiteral(
            "INSERT INTO twilio_unmatched_callbacks (environment, call_sid, call_status, direction, "
            "from_e164, to_e164, duration_seconds, event_at, received_at) VALUES (?, ?, ?, ?, ?, ?, "
            "?, ?, ?) ON CONFLICT (environment, call_sid, call_status) DO NOTHING"),
        {environment, callSid, status, Sql::nullText(direction), Sql::nullText(from), Sql::nullText(to),
         durationSeconds, eventAt ? QVariant(*eventAt) : QVariant(QMetaType(QMetaType::LongLong)),
         Clock::nowSecs()});
    if (!recorded)
        return recorded.error();
    return success();
}

} // namespace PoolDesk
