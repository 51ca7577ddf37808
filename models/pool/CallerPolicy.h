#pragma once

#include "domain/Result.h"

#include <QStringList>
#include <QTime>

#include <optional>

namespace PoolDesk {

class Database;
struct Actor;

// How the pool chooses a caller ID (see PickOrder): stickiness, local presence, calling hours,
// and the caps that keep numbers from being labelled spam. Stored as settings `policy.<key>`; the
// keys are what `pooldeskctl policy set` takes.
struct CallerPolicy {
    int stickyDays = 30; // 0: a callee is not given the number they saw before
    bool localPresence = true;
    std::optional<std::pair<QTime, QTime>> callingHours; // the callee's local [from, to); none: any time
    int dailyCap = 0;                                    // calls per number per day; 0: none
    int hourlyCap = 0;                                   // calls per number per hour; 0: none
    int minGapSeconds = 0;                               // between two calls from one number
    int warmupDays = 0;                                  // a new number's daily cap rises over these days
    int restDays = 7;           // how long `number rest` (and the reputation policy) rests a number
    int tenantCooldownDays = 0; // a shared number stays with the company that last called from it

    static const QStringList &keys();
    static CallerPolicy load(Database &db);
    // The value of a key as `policy show` prints it and `policy set` reads it.
    QString text(const QString &key) const;
    // Checks and stores one key (audited as settings.set); an unknown key or a value out of range is
    // InvalidInput saying what is accepted.
    static Status set(Database &db, const Actor &actor, const QString &key, const QString &value);

    // Calling hours in the callee's zones: the first zone whose local time is outside them, with
    // that time, or nothing when the call may be placed (no window, or no known zone).
    struct OutsideHours {
        QString zone;
        QTime localTime;
    };
    std::optional<OutsideHours> outsideCallingHours(const QStringList &zones, qint64 nowSecs) const;
};

} // namespace PoolDesk
