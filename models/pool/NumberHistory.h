#pragma once

#include "domain/Money.h"
#include "domain/Result.h"

#include <QString>

#include <optional>

namespace PoolDesk {

class Database;

// Each number's life, as Twilio bills it (migration 017): Numbers records every change in the
// transaction that makes it, so a month's rental can be charged from history (billing/Rental).
namespace NumberHistory {
enum class Event { Added, Dedicated, Shared, Removed };
QString toString(Event event); // "added", "dedicated", "shared", "removed"

struct Change {
    Event event = Event::Added;
    qint64 numberId = 0;
    QString e164;
    QString environment;
    std::optional<qint64> companyId; // the holder from now on; none: the shared pool
    Micros monthlyPrice = 0;
    qint64 addedAt = 0; // the purchase (UTC seconds)
    qint64 at = 0;      // UTC seconds
};
Status record(Database &db, const Change &change);
} // namespace NumberHistory

} // namespace PoolDesk
