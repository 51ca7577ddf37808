#pragma once

#include <QString>

namespace PoolDesk {

// Buys a number when the pool is exhausted. The allocator never waits for a purchase: it asks
// for one and refuses the current request with "pool exhausted, purchase pending". The Twilio
// layer implements this; it must itself respect the scaling policy's maximum pool size and
// budget cap, and record who triggered the purchase.
class NumberProvisioner {
public:
    virtual ~NumberProvisioner() = default;
    // Returns true when a purchase was started (or one is already under way) for the environment.
    virtual bool requestPurchase(const QString &environment, const QString &reason) = 0;
};

} // namespace PoolDesk
