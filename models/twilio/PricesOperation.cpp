#include "twilio/PricesOperation.h"

#include "storage/Database.h"
#include "storage/Transaction.h"

#include <QJsonObject>
#include <QRegularExpression>

namespace PoolDesk::Twilio {

namespace {
QJsonObject toJson(const Tariff &t) {
    return {{QStringLiteral("number_monthly"), Money::toPlainString(t.numberMonthly, 6)},
            {QStringLiteral("outbound_minute"), Money::toPlainString(t.outboundPerMinute, 6)},
            {QStringLiteral("inbound_minute"), Money::toPlainString(t.inboundPerMinute, 6)},
            {QStringLiteral("source"), t.source}};
}
} // namespace

void PricesOperation::run() {
    static const QRegularExpression iso(QStringLiteral("^[A-Z]{2}$"));
    if (!iso.match(m_country).hasMatch())
        return finish(
            makeError(Error::Code::InvalidInput,
                      tr("\"%1\" is not a country code: use two letters, like US or JP.").arg(m_country)));
    report(0, 2, tr("Fetching %1 prices from Twilio…").arg(m_country));
    Api::fetchPrices(client(), m_country, this, [this](Result<VoicePrices> prices) {
        if (!prices)
            return finish(prices.error());
        finish(store(prices.value()));
    });
}

Status PricesOperation::store(const VoicePrices &prices) {
    if (!prices.priceUnit.isEmpty() &&
        prices.priceUnit.compare(QLatin1String("USD"), Qt::CaseInsensitive) != 0)
        return makeError(
            Error::Code::Conflict,
            tr("Twilio reports %1 prices in %2; PoolDesk keeps amounts in USD, so they were not stored.")
                .arg(m_country, prices.priceUnit));
    Transaction transaction(db());
    if (auto begun = transaction.begin(); !begun)
        return begun;
    auto current = Tariffs::load(db(), m_country);
    if (!current)
        return current.error();
    m_before = current.value();
    m_after = m_before;
    m_after.country = m_country;
    if (prices.numberMonthlyLocal)
        m_after.numberMonthly = *prices.numberMonthlyLocal;
    if (prices.outboundPerMinute)
        m_after.outboundPerMinute = *prices.outboundPerMinute;
    if (prices.inboundLocalPerMinute)
        m_after.inboundPerMinute = *prices.inboundLocalPerMinute;
    m_after.source = QStringLiteral("twilio");
    if (auto stored = Tariffs::store(db(), m_after); !stored)
        return stored;
    if (auto audited = AuditLog::write(db(), m_context.actor, QStringLiteral("tariffs.update"), m_country,
                                       std::nullopt, toJson(m_before), toJson(m_after));
        !audited)
        return audited;
    return transaction.commit();
}

} // namespace PoolDesk::Twilio
