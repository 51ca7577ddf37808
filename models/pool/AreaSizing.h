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
    QString region;            // its callees' state or province ("US-NY"), else their country
    double busiestErlangs = 0; // call time within its busiest hour / one hour
    qint64 busiestHour = 0;    // that hour's start, UTC seconds
    qint64 busiestDayCalls = 0;
    // The calls the shared pool placed without a local number (see demand()).
    qint64 callsWithoutLocal = 0;
    int sharedNumbers = 0; // shared numbers in the pool with this area code
};

struct AreaNeed {
    int forTraffic = 0;
    int forCaps = 0; // 0 without a daily cap
    int numbers() const { return std::max(forTraffic, forCaps); }
    bool capsDecide() const { return forCaps > forTraffic; }
};

// A callee area code that calls went to without a local number, and how many local numbers it is
// short of.
struct UnmetArea {
    QString areaCode; // "1415"
    QString country;  // ISO 3166-1 ("US"), from the callees' region; empty when unknown
    qint64 callsWithoutLocal = 0;
    int sharedNumbers = 0;
    int shortfall = 0; // need() less the shared numbers it has; 0 when sizing finds them enough
    // The area code as a national number's first digits ("415"), as Twilio's AreaCode takes it;
    // empty outside North America, where Twilio searches by area code do not apply.
    QString nationalAreaCode() const;
};

namespace AreaSizing {
// The outbound calls that named a callee (allocate --to) in [from, to), by the callee's area code,
// busiest first.
Result<QList<AreaDemand>> demand(Database &db, qint64 fromSecs, qint64 toSecs, const QString &environment);
AreaNeed need(const AreaDemand &area, double blockingTarget, int dailyCap);

// What the auto-scaler reads to buy where local numbers were missing: the last UnmetDays days.
inline constexpr int UnmetDays = 7;
static_assert(UnmetDays > 1, "the plan and the audit say \"in the last N days\"");
// The blocking target the shortfall is sized for (the Usage view's default).
inline constexpr double UnmetBlockingTarget = 0.01;
// The callee area codes that calls went to without a local number over the UnmetDays days before
// `nowSecs`, most such calls first (then by area code), each with its shortfall for the caller
// policy's daily cap.
Result<QList<UnmetArea>> unmet(Database &db, const QString &environment, qint64 nowSecs);
} // namespace AreaSizing

} // namespace PoolDesk
