#include "security/RateLimiter.h"

#include <QMutexLocker>

#include <algorithm>
#include <chrono>

namespace PoolDesk {

namespace {
constexpr qint64 NanoPerToken = 1'000'000'000;
}

TokenBucket::TokenBucket(RateLimit limit, qint64 nowNs)
    : m_limit(limit)
    , m_tokens(qint64(std::max(1, limit.burst)) * NanoPerToken)
    , m_updatedNs(nowNs) {}

void TokenBucket::setLimit(RateLimit limit) {
    m_limit = limit;
    m_tokens = std::min(m_tokens, qint64(std::max(1, limit.burst)) * NanoPerToken);
}

qint64 TokenBucket::take(qint64 nowNs) {
    const qint64 rate = std::max(1, m_limit.ratePerSecond); // nano-tokens per nanosecond
    const qint64 capacity = qint64(std::max(1, m_limit.burst)) * NanoPerToken;
    if (nowNs > m_updatedNs) {
        // Cap the elapsed time so the product cannot overflow after a long quiet spell.
        const qint64 elapsed = std::min(nowNs - m_updatedNs, capacity / rate + 1);
        m_tokens = std::min(capacity, m_tokens + elapsed * rate);
        m_updatedNs = nowNs;
    }
    if (m_tokens >= NanoPerToken) {
        m_tokens -= NanoPerToken;
        return 0;
    }
    return (NanoPerToken - m_tokens + rate - 1) / rate;
}

qint64 TokenBucket::wait(qint64 nowNs) const {
    TokenBucket copy = *this;
    return copy.take(nowNs);
}

qint64 RateLimiter::wait(qint64 keyId) {
    QMutexLocker locker(&m_mutex);
    const auto it = m_buckets.constFind(keyId);
    if (it == m_buckets.constEnd())
        return 0;
    const qint64 waitNs = it->wait(monotonicNs());
    return waitNs == 0 ? 0 : std::max<qint64>(1, (waitNs + 999'999) / 1'000'000);
}

qint64 RateLimiter::monotonicNs() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

qint64 RateLimiter::acquire(qint64 keyId, std::optional<int> ratePerSecond, std::optional<int> burst) {
    return acquire(keyId, ratePerSecond, burst, monotonicNs());
}

qint64 RateLimiter::acquire(qint64 keyId, std::optional<int> ratePerSecond, std::optional<int> burst,
                            qint64 nowNs) {
    const RateLimit limit{ratePerSecond.value_or(m_defaults.ratePerSecond), burst.value_or(m_defaults.burst)};
    QMutexLocker locker(&m_mutex);
    auto it = m_buckets.find(keyId);
    if (it == m_buckets.end()) {
        // Keyed by client address too: many addresses must not grow the table without bound.
        if (m_buckets.size() >= 100'000)
            m_buckets.clear();
        it = m_buckets.insert(keyId, TokenBucket(limit, nowNs));
    } else if (it->limit().ratePerSecond != limit.ratePerSecond || it->limit().burst != limit.burst)
        it->setLimit(limit);
    const qint64 waitNs = it->take(nowNs);
    return waitNs == 0 ? 0 : std::max<qint64>(1, (waitNs + 999'999) / 1'000'000);
}

} // namespace PoolDesk
