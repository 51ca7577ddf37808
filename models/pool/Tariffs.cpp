#include "pool/Tariffs.h"

#include "domain/Clock.h"
#include "storage/Database.h"
#include "storage/SqlHelpers.h"

namespace PoolDesk::Tariffs {

Result<Tariff> load(Database &db, const QString &country) {
    auto query = Sql::exec(
        db.connection(),
        QStringLiteral("SELECT category, price_micros, source FROM tariffs WHERE country = ?"), {country});
    if (!query)
        return query.error();
    Tariff tariff;
    tariff.country = country;
    bool fromTwilio = false;
    while (query.value().next()) {
        const QString category = query.value().value(0).toString();
        const Micros price = query.value().value(1).toLongLong();
        fromTwilio = fromTwilio || query.value().value(2).toString() == QLatin1String("twilio");
        if (category == QLatin1String("number_monthly"))
            tariff.numberMonthly = price;
        else if (category == QLatin1String("outbound_minute"))
            tariff.outboundPerMinute = price;
        else if (category == QLatin1String("inbound_minute"))
            tariff.inboundPerMinute = price;
    }
    tariff.source = fromTwilio ? QStringLiteral("twilio") : QStringLiteral("default");
    return tariff;
}

Status store(Database &db, const Tariff &tariff) {
    const QString sql = QStringLiteral(
        "INSERT INTO tariffs (country, category, price_micros, source, updated_at) VALUES (?, ?, ?, ?, ?) "
        "ON CONFLICT (country, category) DO UPDATE SET price_micros = excluded.price_micros, "
        "source = excluded.source, updated_at = excluded.updated_at");
    const std::pair<const char *, Micros> rows[] = {{"number_monthly", tariff.numberMonthly},
                                                    {"outbound_minute", tariff.outboundPerMinute},
                                                    {"inbound_minute", tariff.inboundPerMinute}};
    for (const auto &[category, price] : rows) {
        if (auto done = Sql::exec(
                db.connection(), sql,
                {tariff.country, QString::fromLatin1(category), price, tariff.source, Clock::nowSecs()});
            !done)
            return done.error();
    }
    return success();
}

} // namespace PoolDesk::Tariffs
