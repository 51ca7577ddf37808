#pragma once

#include "domain/BillingZone.h"

#include <QDate>
#include <QString>

namespace PoolDesk::ZoneDays {

// SQL giving the billing zone's date of the UTC seconds in `column` as a day number (days since
// 1970-01-01 on the zone's calendar), for grouping by day in SQL: the seconds are shifted by the
// zone's offset at that moment (a CASE over the clock changes between from and to) before dividing.
// Only integers from the zone's rules go into the text.
QString dayNumberSql(const BillingZone &zone, qint64 fromSecs, qint64 toSecs, const QString &column);

// The date a day number from dayNumberSql stands for.
inline QDate dateOf(qint64 dayNumber) {
    return QDate(1970, 1, 1).addDays(dayNumber);
}

} // namespace PoolDesk::ZoneDays
