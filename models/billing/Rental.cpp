#include "billing/Rental.h"

#include "storage/Database.h"
#include "storage/SqlHelpers.h"

#include <QDateTime>

#include <algorithm>

namespace PoolDesk::Rental {

qint64 dueIn(qint64 monthStart, qint64 addedAt, const BillingZone &zone) {
    const QDateTime bought = zone.at(addedAt);
    const QDate first = zone.date(monthStart);
    const QDate day(first.year(), first.month(), std::min(bought.date().day(), first.daysInMonth()));
    return QDateTime(day, bought.time(), zone.timeZone()).toSecsSinceEpoch();
}

Result<QList<RentalCharge>> charges(Database &db, qint64 fromSecs, qint64 toSecs, const BillingZone &zone) {
    auto events =
        Sql::exec(db.connection(),
                  QStringLiteral("SELECT number_id, e164, environment, event, company_id, "
                                 "monthly_price_micros, added_at, at FROM number_history WHERE at < ? "
                                 "ORDER BY number_id, at, id"),
                  {toSecs});
    if (!events)
        return events.error();
    // The zone months the period touches: one, unless it was cut to follow a month closed in
    // another zone, when it may start in the month before.
    QList<qint64> monthStarts;
    for (QDate month = zone.date(fromSecs), last = zone.date(toSecs - 1);
         QDate(month.year(), month.month(), 1) <= last; month = month.addMonths(1))
        monthStarts.append(zone.month(month.year(), month.month()).first);
    struct Event {
        bool removed = false;
        std::optional<qint64> companyId;
        qint64 at = 0;
    };
    QList<RentalCharge> due;
    QSqlQuery &q = events.value();
    bool more = q.next();
    while (more) {
        // One number's life as this reader may see it (row-level security shows a manager only the
        // events of their companies): the holder on a due date is that of the last event before
        // it; none seen before it means the number was not theirs then; a removal before it means
        // nothing is due.
        const qint64 numberId = q.value(0).toLongLong();
        RentalCharge charge;
        charge.numberId = numberId;
        charge.e164 = q.value(1).toString();
        charge.environment = q.value(2).toString();
        charge.price = q.value(5).toLongLong();
        charge.addedAt = q.value(6).toLongLong();
        QList<Event> life;
        for (; more && q.value(0).toLongLong() == numberId; more = q.next())
            life.append({q.value(3).toString() == QLatin1String("removed"), Sql::optionalInt(q.value(4)),
                         q.value(7).toLongLong()});
        for (const qint64 monthStart : monthStarts) {
            RentalCharge c = charge;
            c.dueAt = dueIn(monthStart, charge.addedAt, zone);
            if (c.dueAt < fromSecs || c.dueAt >= toSecs || c.dueAt < c.addedAt)
                continue;
            bool alive = true;
            bool seen = false;
            for (const Event &event : life) {
                if (event.at > c.dueAt)
                    break;
                seen = true;
                if (event.removed)
                    alive = false;
                else
                    c.companyId = event.companyId;
            }
            if (seen && alive)
                due.append(c);
        }
    }
    std::sort(due.begin(), due.end(), [](const RentalCharge &a, const RentalCharge &b) {
        return std::tie(a.environment, a.e164, a.numberId) < std::tie(b.environment, b.e164, b.numberId);
    });
    return due;
}

} // namespace PoolDesk::Rental
