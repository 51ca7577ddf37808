#include "pool/Tariffs.h"

#include "domain/Clock.h"
#include "storage/ChangeWatcher.h"
#include "storage/Database.h"
#include "storage/SqlHelpers.h"
#include "storage/Transaction.h"

#include <QJsonObject>

namespace PoolDesk::Tariffs {

Result<Tariff> load(Database &db, const QString &country) {
    auto query = Sql::exec(
        db.connection(),
        QStringLiteral("SELECT category, price_micros, source FROM tariffs WHERE country = ?"), {country});
    if (!query)
        return query.error();
    Tariff tariff;
    tariff.country = country;
    QString source = QStringLiteral("default");
    while (query.value().next()) {
        const QString category = query.value().value(0).toString();
        const Micros price = query.value().value(1).toLongLong();
        // A row not at the seed's default tells where the prices came from ("twilio", "manual").
        if (query.value().value(2).toString() != QLatin1String("default"))
            source = query.value().value(2).toString();
        if (category == QLatin1String("number_monthly"))
            tariff.numberMonthly = price;
        else if (category == QLatin1String("outbound_minute"))
            tariff.outboundPerMinute = price;
        else if (category == QLatin1String("inbound_minute"))
            tariff.inboundPerMinute = price;
    }
    tariff.source = source;
    return tariff;
}

static Status store(Database &db, const Tariff &tariff) {
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

static QJsonObject toJson(const Tariff &t) {
    return {{QStringLiteral("number_monthly"), Money::toPlainString(t.numberMonthly, 6)},
            {QStringLiteral("outbound_minute"), Money::toPlainString(t.outboundPerMinute, 6)},
            {QStringLiteral("inbound_minute"), Money::toPlainString(t.inboundPerMinute, 6)},
            {QStringLiteral("source"), t.source}};
}

Result<TariffChange> update(Database &db, const Actor &actor, const QString &country,
                            const std::function<void(Tariff &)> &change) {
    Transaction transaction(db);
    if (auto begun = transaction.begin(); !begun)
        return begun.error();
    auto current = load(db, country);
    if (!current)
        return current.error();
    TariffChange result{current.value(), current.value()};
    change(result.after);
    result.after.country = country;
    if (auto stored = store(db, result.after); !stored)
        return stored.error();
    if (auto audited = AuditLog::write(db, actor, QStringLiteral("tariffs.update"), country, std::nullopt,
                                       toJson(result.before), toJson(result.after));
        !audited)
        return audited.error();
    ChangeWatcher::notify(db);
    if (auto committed = transaction.commit(); !committed)
        return committed.error();
    return result;
}

} // namespace PoolDesk::Tariffs
