#include "pool/PoolStatus.h"

#include "storage/Database.h"
#include "storage/Settings.h"
#include "storage/SqlHelpers.h"

namespace PoolDesk::PoolStatus {

Result<PoolSnapshot> snapshot(Database &db, const QString &environment) {
    PoolSnapshot snapshot;
    snapshot.environment = environment;
    snapshot.threshold = int(Settings::intValue(db, SettingKeys::MinAvailableThreshold, 2));
    snapshot.perNumberConcurrency = int(Settings::intValue(db, SettingKeys::PerNumberConcurrency, 1));
    auto counts =
        Sql::exec(db.connection(),
                  QStringLiteral("SELECT status, dedicated_company_id IS NULL, COUNT(*) FROM phone_numbers "
                                 "WHERE environment = ? GROUP BY status, dedicated_company_id IS NULL"),
                  {environment});
    if (!counts)
        return counts.error();
    while (counts.value().next()) {
        const QString status = counts.value().value(0).toString();
        const bool shared = counts.value().value(1).toBool();
        const int count = counts.value().value(2).toInt();
        snapshot.total += count;
        (shared ? snapshot.shared : snapshot.dedicated) += count;
        if (status == QLatin1String("available")) {
            snapshot.available += count;
            if (shared)
                snapshot.availableShared += count;
        } else if (status == QLatin1String("reserved")) {
            snapshot.reserved += count;
        } else {
            snapshot.inUse += count;
        }
    }
    snapshot.belowThreshold = snapshot.availableShared < snapshot.threshold;

    auto companies = Sql::exec(
        db.connection(),
        QStringLiteral("SELECT c.name, "
                       "(SELECT COUNT(*) FROM reservations r JOIN phone_numbers n ON n.id = r.number_id "
                       " WHERE r.company_id = c.id AND n.environment = ?), "
                       "(SELECT COUNT(*) FROM phone_numbers n WHERE n.dedicated_company_id = c.id AND "
                       "n.environment = ?) "
                       "FROM companies c ORDER BY c.name"),
        {environment, environment});
    if (!companies)
        return companies.error();
    while (companies.value().next())
        snapshot.companies.append({companies.value().value(0).toString(), companies.value().value(1).toInt(),
                                   companies.value().value(2).toInt()});
    return snapshot;
}

} // namespace PoolDesk::PoolStatus
