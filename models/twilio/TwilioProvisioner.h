#pragma once

#include "pool/NumberProvisioner.h"
#include "twilio/Operation.h"

#include <QHash>
#include <QObject>

#include <functional>
#include <optional>

namespace PoolDesk::Twilio {

// The allocator's "buy when exhausted" path: when the pool has no free number, the allocator asks
// for a purchase and refuses the caller with "purchase pending"; this starts one (asynchronously)
// unless the scaling policy's maximum pool size or budget cap forbids it. One purchase at a time
// per environment; each is audited with actor policy:buy_when_exhausted and the reason.
class TwilioProvisioner final : public QObject, public NumberProvisioner {
    Q_OBJECT
public:
    // Gives the operation context (database, client, profile) for an environment, or nullopt when
    // it has no usable credentials.
    using ContextProvider = std::function<std::optional<OperationContext>(const QString &environment)>;
    explicit TwilioProvisioner(ContextProvider provider, QObject *parent = nullptr);

    bool requestPurchase(const QString &environment, const QString &reason) override;
    bool isPurchasing(const QString &environment) const { return m_running.contains(environment); }

signals:
    void purchaseFinished(const QString &environment, bool ok, const QString &numberOrError);

private:
    ContextProvider m_provider;
    QHash<QString, Operation *> m_running;
};

} // namespace PoolDesk::Twilio
