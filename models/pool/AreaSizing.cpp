#include "pool/AreaSizing.h"

#include "domain/PhoneNumber.h"
#include "pool/Allocator.h"
#include "pool/CallerPolicy.h"
#include "pool/ErlangB.h"
#include "storage/Database.h"
#include "storage/SqlHelpers.h"

#include <QHash>

#include <algorithm>

namespace PoolDesk {

QString UnmetArea::nationalAreaCode() const {
    // Twilio's AreaCode applies to the United States and Canada only, whose area codes follow
    // calling code 1.
    const bool northAmerica = country == QLatin1String("US") || country == QLatin1String("CA");
    return northAmerica && areaCode.size() == 4 && areaCode.startsWith(QLatin1Char('1')) ? areaCode.mid(1)
                                                                                         : QString();
}

namespace AreaSizing {

namespace {

struct Tally {
    QString region;
    QHash<qint64, qint64> secondsByHour;
    QHash<qint64, qint64> callsByDay;
    qint64 withoutLocal = 0;
};

} // namespace

Result<QList<AreaDemand>> demand(Database &db, qint64 fromSecs, qint64 toSecs, const QString &environment) {
    // A call went out "without a local number" when the allocator's record of its pick (pick_match,
    // PickOrder's rule) says the number matched only the callee's region or nothing, and the number
    // is shared (or gone from the pool since). The record, not whether the pool has a number in the
    // area code: it is what the callee saw, and it counts the area codes whose few local numbers
    // were busy, capped or resting as well as those with none. A sticky pick is left out (the callee
    // was given the number they saw before, on purpose), and so is a dedicated number's call: a
    // company's dedicated numbers come before every shared one, so a shared local number would not
    // have changed it.
    auto calls = Sql::exec(
        db.connection(),
        QStringLiteral("SELECT c.callee, c.started_at, c.ended_at, CASE WHEN c.pick_match IN (?, ?) AND NOT "
                       "EXISTS (SELECT 1 FROM phone_numbers n WHERE n.id = c.number_id AND "
                       "n.dedicated_company_id IS NOT NULL) THEN 1 ELSE 0 END FROM call_records c WHERE "
                       "c.environment = ? AND c.direction = 'outbound' AND c.callee IS NOT NULL AND "
                       "c.started_at >= ? AND c.started_at < ?"),
        {PickMatch::Region, PickMatch::Any, environment, fromSecs, toSecs});
    if (!calls)
        return calls.error();
    QHash<QString, Tally> byArea;
    while (calls.value().next()) {
        const PhoneNumber::Locality where = PhoneNumber::locality(calls.value().value(0).toString());
        if (where.areaCode.isEmpty())
            continue;
        const qint64 start = calls.value().value(1).toLongLong();
        const qint64 end = std::max(start, calls.value().value(2).toLongLong());
        Tally &tally = byArea[where.areaCode];
        if (tally.region.isEmpty())
            tally.region = where.region;
        tally.withoutLocal += calls.value().value(3).toInt();
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
        area.region = it->region;
        area.callsWithoutLocal = it->withoutLocal;
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

Result<QList<UnmetArea>> unmet(Database &db, const QString &environment, qint64 nowSecs) {
    auto areas = demand(db, nowSecs - qint64(UnmetDays) * 86400, nowSecs, environment);
    if (!areas)
        return areas.error();
    const int dailyCap = CallerPolicy::load(db).dailyCap;
    QList<UnmetArea> result;
    for (const AreaDemand &area : areas.value()) {
        if (area.callsWithoutLocal == 0)
            continue;
        UnmetArea unmet;
        unmet.areaCode = area.areaCode;
        unmet.country = area.region.section(QLatin1Char('-'), 0, 0);
        unmet.callsWithoutLocal = area.callsWithoutLocal;
        unmet.sharedNumbers = area.sharedNumbers;
        unmet.shortfall =
            std::max(0, need(area, UnmetBlockingTarget, dailyCap).numbers() - area.sharedNumbers);
        result.append(unmet);
    }
    std::sort(result.begin(), result.end(), [](const UnmetArea &a, const UnmetArea &b) {
        return a.callsWithoutLocal != b.callsWithoutLocal ? a.callsWithoutLocal > b.callsWithoutLocal
                                                          : a.areaCode < b.areaCode;
    });
    return result;
}

} // namespace AreaSizing

} // namespace PoolDesk
