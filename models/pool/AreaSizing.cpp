#include "pool/AreaSizing.h"

#include "domain/PhoneNumber.h"
#include "pool/ErlangB.h"
#include "storage/Database.h"
#include "storage/SqlHelpers.h"

#include <QHash>

#include <algorithm>

namespace PoolDesk::AreaSizing {

namespace {

struct Tally {
    QHash<qint64, qint64> secondsByHour;
    QHash<qint64, qint64> callsByDay;
};

} // namespace

Result<QList<AreaDemand>> demand(Database &db, qint64 fromSecs, qint64 toSecs, const QString &environment) {
    auto calls = Sql::exec(
        db.connection(),
        QStringLiteral("SELECT callee, started_at, ended_at FROM call_records WHERE environment = ? "
                       "AND direction = 'outbound' AND callee IS NOT NULL AND started_at >= ? "
                       "AND started_at < ?"),
        {environment, fromSecs, toSecs});
    if (!calls)
        return calls.error();
    QHash<QString, Tally> byArea;
    while (calls.value().next()) {
        const QString area = PhoneNumber::locality(calls.value().value(0).toString()).areaCode;
        if (area.isEmpty())
            continue;
        const qint64 start = calls.value().value(1).toLongLong();
        const qint64 end = std::max(start, calls.value().value(2).toLongLong());
        Tally &tally = byArea[area];
        ++tally.callsByDay[start / 86400];
        // A call across an hour's end counts in both hours, each for its own part.
        for (qint64 hour = start / 3600; hour * 3600 < end; ++hour)
            tally.secondsByHour[hour] += std::min(end, (hour + 1) * 3600) - std::max(start, hour * 3600);
    }
    auto numbers =
        Sql::exec(db.connection(),
                  QStringLiteral("SELECT area_code, COUNT(*) FROM phone_numbers WHERE environment = ? AND "
                                 "dedicated_company_id IS NULL AND missing_from_twilio = 0 AND "
                                 "area_code IS NOT NULL GROUP BY area_code"),
                  {environment});
    if (!numbers)
        return numbers.error();
    QHash<QString, int> shared;
    while (numbers.value().next())
        shared.insert(numbers.value().value(0).toString(), numbers.value().value(1).toInt());
    QList<AreaDemand> result;
    for (auto it = byArea.cbegin(); it != byArea.cend(); ++it) {
        AreaDemand area;
        area.areaCode = it.key();
        for (auto hour = it->secondsByHour.cbegin(); hour != it->secondsByHour.cend(); ++hour) {
            const double erlangs = double(hour.value()) / 3600.0;
            if (erlangs > area.busiestErlangs) {
                area.busiestErlangs = erlangs;
                area.busiestHour = hour.key() * 3600;
            }
        }
        for (const qint64 count : it->callsByDay)
            area.busiestDayCalls = std::max(area.busiestDayCalls, count);
        area.sharedNumbers = shared.value(it.key());
        result.append(area);
    }
    std::sort(result.begin(), result.end(), [](const AreaDemand &a, const AreaDemand &b) {
        return a.busiestErlangs != b.busiestErlangs ? a.busiestErlangs > b.busiestErlangs
                                                    : a.areaCode < b.areaCode;
    });
    return result;
}

AreaNeed need(const AreaDemand &area, double blockingTarget, int dailyCap) {
    AreaNeed needed;
    needed.forTraffic = area.busiestErlangs > 0 ? ErlangB::linesFor(area.busiestErlangs, blockingTarget) : 0;
    if (dailyCap > 0)
        needed.forCaps = int((area.busiestDayCalls + dailyCap - 1) / dailyCap);
    return needed;
}

} // namespace PoolDesk::AreaSizing
