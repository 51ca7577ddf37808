#pragma once

#include "pool/Tariffs.h"
#include "twilio/Operation.h"
#include "twilio/TwilioApi.h"

namespace PoolDesk::Twilio {

// Fetches live voice and number prices from Twilio's Pricing API into the tariff table (source
// "twilio"). Prices Twilio does not report keep their stored value; offline, the seed's prices stay
// the defaults.
class PricesOperation final : public Operation {
    Q_OBJECT
public:
    PricesOperation(OperationContext context, QString country, QObject *parent = nullptr)
        : Operation(std::move(context), parent)
        , m_country(country.toUpper()) {}
    const Tariff &before() const { return m_before; }
    const Tariff &after() const { return m_after; }

protected:
    void run() override;

private:
    Status store(const VoicePrices &prices);

    QString m_country;
    Tariff m_before;
    Tariff m_after;
};

} // namespace PoolDesk::Twilio
