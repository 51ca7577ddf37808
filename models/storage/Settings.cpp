#include "storage/Settings.h"

#include "storage/ChangeWatcher.h"
#include "storage/Database.h"
#include "storage/SqlHelpers.h"
#include "storage/Transaction.h"

#include <QCoreApplication>
#include <QJsonObject>

namespace PoolDesk::Settings {

static std::optional<QString> read(Database &db, const QString &key) {
    auto query =
        Sql::exec(db.connection(), QStringLiteral("SELECT value FROM settings WHERE key = ?"), {key});
    if (!query || !query.value().next())
        return std::nullopt;
    return query.value().value(0).toString();
}

QString value(Database &db, const QString &key, const QString &fallback) {
    return read(db, key).value_or(fallback);
}

qint64 intValue(Database &db, const QString &key, qint64 fallback) {
    const auto text = read(db, key);
    if (!text)
        return fallback;
    bool ok = false;
    const qint64 number = text->toLongLong(&ok);
    return ok ? number : fallback;
}

BillingZone billingZone(Database &db) {
    return BillingZone::fromId(value(db, SettingKeys::BillingTimeZone, QStringLiteral("UTC")))
        .value_or(BillingZone());
}

Status set(Database &db, const Actor &actor, const QString &key, const QString &newValue,
           bool inTransaction) {
    if (key == SettingKeys::BillingTimeZone && !BillingZone::fromId(newValue))
        return makeError(Error::Code::InvalidInput,
                         QCoreApplication::translate("Settings",
                                                     "\"%1\" is not a time zone this computer knows. Use an "
                                                     "IANA name such as Asia/Tokyo, Europe/London or UTC.")
                             .arg(newValue));
    Transaction transaction(db);
    if (!inTransaction) {
        if (auto begun = transaction.begin(); !begun)
            return begun;
    }
    const auto previous = read(db, key);
    auto written = Sql::exec(db.connection(),
                             QStringLiteral("INSERT INTO settings (key, value) VALUES (?, ?) "
                                            "ON CONFLICT (key) DO UPDATE SET value = excluded.value"),
                             {key, newValue});
    if (!written)
        return written.error();
    QJsonObject before;
    if (previous)
        before.insert(QStringLiteral("value"), *previous);
    if (auto audited = AuditLog::write(db, actor, QStringLiteral("settings.set"), key, std::nullopt, before,
                                       QJsonObject{{QStringLiteral("value"), newValue}});
        !audited)
        return audited;
    ChangeWatcher::notify(db);
    return inTransaction ? success() : transaction.commit();
}

} // namespace PoolDesk::Settings
