#pragma once

#include "domain/Money.h"
#include "domain/Result.h"
#include "domain/Types.h"
#include "storage/AuditLog.h"

#include <functional>

namespace PoolDesk {

class Database;

// The prices PoolDesk estimates with: Twilio's live prices when fetched (source "twilio"), the
// seed's US prices otherwise ($1.15/month, $0.013/min outbound, $0.0085/min inbound).
struct Tariff {
    QString country = QStringLiteral("US");
    Micros numberMonthly = 1'150'000;
    Micros outboundPerMinute = 13'000;
    Micros inboundPerMinute = 8'500;
    QString source = QStringLiteral("default");

    Micros perMinute(Direction direction) const {
        return direction == Direction::Inbound ? inboundPerMinute : outboundPerMinute;
    }
    Micros callCost(Direction direction, qint64 billedMinutes) const {
        return perMinute(direction) * billedMinutes;
    }
};

struct TariffChange {
    Tariff before;
    Tariff after;
};

namespace Tariffs {
Result<Tariff> load(Database &db, const QString &country = QStringLiteral("US"));
// Loads the country's tariff, lets `change` edit it, and stores it with its audit entry
// ("tariffs.update", before and after) in one transaction. Every price change goes through here.
Result<TariffChange> update(Database &db, const Actor &actor, const QString &country,
                            const std::function<void(Tariff &)> &change);
} // namespace Tariffs

} // namespace PoolDesk
