#pragma once

#include "domain/BillingZone.h"
#include "domain/Money.h"
#include "domain/Result.h"

#include <QList>
#include <QString>

#include <optional>

namespace PoolDesk {

class Database;

// A number's monthly fee, as Twilio charges it: due on the anniversary of its purchase (the same
// day of the month, or the month's last day when it is shorter, at the purchase's time of day),
// for a number in the pool at that moment; it belongs to the month in which that moment falls and
// to whoever held the number then (a dedicated company, or the shared pool). Days and months are
// the billing zone's, so each month of the workspace charges a number once; in UTC this is
// Twilio's own schedule.
struct RentalCharge {
    qint64 numberId = 0;
    QString e164;
    QString environment;
    std::optional<qint64> companyId; // the holder on the due date; none: the shared pool
    Micros price = 0;
    qint64 dueAt = 0;   // UTC seconds
    qint64 addedAt = 0; // when it was bought (or added)
};

namespace Rental {
// The fees due in the zone's month [fromSecs, toSecs), from the numbers' history (migration
// 017): removing or reassigning a number later changes none of them. Ordered by environment,
// number, id.
Result<QList<RentalCharge>> charges(Database &db, qint64 fromSecs, qint64 toSecs, const BillingZone &zone);
// When the fee of a number added at `addedAt` falls due in the zone's month starting at
// `monthStart`; before `addedAt` in the month before its purchase.
qint64 dueIn(qint64 monthStart, qint64 addedAt, const BillingZone &zone);
} // namespace Rental

} // namespace PoolDesk
