#pragma once

#include <QHash>
#include <QMutex>

#include <optional>

namespace PoolDesk {

struct RateLimit {
    int ratePerSecond = 200; // sustained requests per second
    int burst = 400;         // requests allowed at once after a quiet spell
};

// A token bucket in integer nano-tokens (no drift): it holds at most `burst` tokens, refills at
// `ratePerSecond`, and each request takes one.
class TokenBucket final {
public:
    explicit TokenBucket(RateLimit limit = {}, qint64 nowNs = 0);
    // 0 when the request may go ahead (a token was taken); else nanoseconds until one is available.
    qint64 take(qint64 nowNs);
    // What take() would answer, taking nothing.
    qint64 wait(qint64 nowNs) const;
    void setLimit(RateLimit limit);
    RateLimit limit() const { return m_limit; }

private:
    RateLimit m_limit;
    qint64 m_tokens = 0; // nano-tokens
    qint64 m_updatedNs = 0;
};

// Per-key token buckets shared by the service's threads. Limits are per process: with several
// service instances a key's effective limit is the sum of theirs.
class RateLimiter final {
public:
    explicit RateLimiter(RateLimit defaults = {})
        : m_defaults(defaults) {}

    RateLimit defaults() const { return m_defaults; }
    void setDefaults(RateLimit defaults) { m_defaults = defaults; }
    // 0 when allowed; else the wait in milliseconds (rounded up) before a retry can succeed.
    qint64 acquire(qint64 keyId, std::optional<int> ratePerSecond, std::optional<int> burst, qint64 nowNs);
    qint64 acquire(qint64 keyId, std::optional<int> ratePerSecond, std::optional<int> burst);
    // 0 when a request under `keyId` would be allowed now (with the default limit); else the wait in
    // milliseconds. Takes nothing: for limits charged only when a request turns out bad.
    qint64 wait(qint64 keyId);

    static qint64 monotonicNs();

private:
    RateLimit m_defaults;
    QMutex m_mutex;
    QHash<qint64, TokenBucket> m_buckets;
};

} // namespace PoolDesk
