#include "twilio/PricesOperation.h"

#include "storage/Database.h"

#include <QRegularExpression>

namespace PoolDesk::Twilio {

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
    auto changed = Tariffs::update(db(), m_context.actor, m_country, [&prices](Tariff &tariff) {
        if (prices.numberMonthlyLocal)
            tariff.numberMonthly = *prices.numberMonthlyLocal;
        if (prices.outboundPerMinute)
            tariff.outboundPerMinute = *prices.outboundPerMinute;
        if (prices.inboundLocalPerMinute)
            tariff.inboundPerMinute = *prices.inboundLocalPerMinute;
        tariff.source = QStringLiteral("twilio");
    });
    if (!changed)
        return changed.error();
    m_before = changed->before;
    m_after = changed->after;
    return success();
}

} // namespace PoolDesk::Twilio
