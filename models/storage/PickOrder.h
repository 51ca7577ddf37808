#pragma once

#include <QList>
#include <QString>

namespace PoolDesk::PickOrder {

// What the pick depends on, named once; each engine's statement refers to them its own way
// (SQLite binds `?` in order, pooldesk_allocate reads its parameters and variables).
enum class Param {
    Environment,
    CompanyId,
    SharedAllowed,   // the company's plan allows shared numbers
    PerNumber,       // calls one number carries at once
    Now,             // seconds since the epoch
    Today,           // days since the epoch (UTC)
    DayStart,        // Today's first second
    Hour,            // hours since the epoch
    Callee,          // the destination (E.164), NULL when the caller gave none
    StickySince,     // the earliest last call that still makes a number sticky; NULL: off
    AreaCode,        // the callee's, NULL when local presence is off or unknown
    Region,          // the callee's, likewise
    DailyCap,        // 0: no cap
    HourlyCap,       // 0: no cap
    MinGapSeconds,   // 0: no gap
    WarmupDays,      // 0: no warm-up
    CooldownSeconds, // 0: a shared number passes between companies freely
};

// A statement and its parameters: named (`:Name`, see placeholder(), each bound once) or, when
// not, one `?` per use, in order.
struct Statement {
    QString sql;
    QList<Param> params;
    bool named = false;
};
QString placeholder(Param param);

// The order the allocator takes a free number in; the one definition both engines' statements
// are built from:
//  1. the number the callee was last called from by this company (sticky caller ID);
//  2. the company's dedicated numbers, local ones first (area code, then region), good before
//     watched (Reputation's health_watch), then those with the fewest calls today and idle longest;
//  3. unless the plan is enterprise, shared numbers: in the callee's area code, then in its
//     region (good before watched, idle longest first in each), then the good ones never used,
//     idle since before today (idle longest first), used today (fewest calls, then idle
//     longest), those only Twilio's call sync saw used today, and last the watched ones.
// Every step skips numbers that are busy, resting, over a cap, inside their minimum gap, or (for
// shared ones) cooling down after another company's call. The shared steps read their indexes
// (migrations 022-028) from the front to the first free number, so the pick does not grow with
// the pool.

// SQLite: one UPDATE that takes the first free number (COALESCE stops at the first step that
// finds one) and returns id, e164, dedicated_company_id and the rule it matched.
Statement sqliteTake();
// PostgreSQL: the body of pooldesk_allocate's pick (migrations 025 and 028 substitute it for
// {{PICK_NUMBER}}): sets v_id, locking the row, or leaves it NULL. Rows other transactions are
// taking are skipped; only when every step found nothing that way does it wait for them, on the
// company's numbers and then the shared numbers idle longest first.
QString postgresqlPick();
// Either engine: a free number the company may use that the caller policy passes over (resting,
// capped, inside its gap, cooling down), which makes a refusal numbers_capped rather than an
// exhausted pool. One row or none.
Statement passedOver(bool postgresql);
// PostgreSQL: which rule the taken number n matched for the callee (sticky, area_code, region or
// any; NULL without a callee), for pooldesk_allocate's {{PICK_MATCH}}. SQLite's take returns the
// same as its fourth column.
QString postgresqlMatch();

} // namespace PoolDesk::PickOrder
