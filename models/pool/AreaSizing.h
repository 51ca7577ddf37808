#pragma once

#include "domain/Result.h"

#include <QList>
#include <QString>

#include <algorithm>

namespace PoolDesk {

class Database;

// How many shared numbers each callee area code needs for local presence: its busiest hour's
// traffic (Erlang B, as the pool's own sizing) and, when the caller policy caps calls per number
// per day, its busiest day's calls over that cap.
struct AreaDemand {
    QString areaCode;          // as PhoneNumber::Locality gives it ("1212")
    double busiestErlangs = 0; // call time within its busiest hour / one hour
    qint64 busiestHour = 0;    // that hour's start, UTC seconds
    qint64 busiestDayCalls = 0;
    int sharedNumbers = 0; // shared numbers in the pool with this area code
};

struct AreaNeed {
    int forTraffic = 0;
    int forCaps = 0; // 0 without a daily cap
    int numbers() const { return std::max(forTraffic, forCaps); }
    bool capsDecide() const { return forCaps > forTraffic; }
};

namespace AreaSizing {
// The outbound calls that named a callee (allocate --to) in [from, to), by the callee's area code,
// busiest first.
Result<QList<AreaDemand>> demand(Database &db, qint64 fromSecs, qint64 toSecs, const QString &environment);
AreaNeed need(const AreaDemand &area, double blockingTarget, int dailyCap);
} // namespace AreaSizing

} // namespace PoolDesk
