// Per-key token buckets: a burst goes through, the next request waits, tokens come back with time.

#include "security/RateLimiter.h"

#include <QTest>

using namespace PoolDesk;

namespace {
constexpr qint64 Second = 1'000'000'000;
}

class TestRateLimiter : public QObject {
    Q_OBJECT
private slots:
    void burstThenRefuse() {
        TokenBucket bucket({10, 3}, 0);
        QCOMPARE(bucket.take(0), 0);
        QCOMPARE(bucket.take(0), 0);
        QCOMPARE(bucket.take(0), 0);
        // Empty: one token takes a tenth of a second at 10 per second.
        QCOMPARE(bucket.take(0), Second / 10);
        QCOMPARE(bucket.take(Second / 20), Second / 20);
        QCOMPARE(bucket.take(Second / 10), 0);
    }

    void waitingTakesNothing() {
        // The service looks before a key lookup and charges only a refused one.
        TokenBucket bucket({10, 1}, 0);
        for (int i = 0; i < 5; ++i)
            QCOMPARE(bucket.wait(0), 0);
        QCOMPARE(bucket.take(0), 0);
        QCOMPARE(bucket.wait(0), Second / 10);
        QCOMPARE(bucket.wait(Second / 10), 0);
        RateLimiter limiter({1, 1});
        QCOMPARE(limiter.wait(7), 0); // an address never seen is not limited
        QCOMPARE(limiter.acquire(7, std::nullopt, std::nullopt), 0);
        QVERIFY(limiter.wait(7) > 0);
    }

    void refillsUpToTheBurstOnly() {
        TokenBucket bucket({100, 2}, 0);
        QCOMPARE(bucket.take(0), 0);
        QCOMPARE(bucket.take(0), 0);
        // A long quiet spell refills to the burst, not beyond.
        const qint64 later = 3600 * Second;
        QCOMPARE(bucket.take(later), 0);
        QCOMPARE(bucket.take(later), 0);
        QVERIFY(bucket.take(later) > 0);
    }

    void sustainedRate() {
        TokenBucket bucket({50, 1}, 0);
        int allowed = 0;
        // One request every millisecond for two seconds: 50 per second get through (+1 initial).
        for (qint64 t = 0; t < 2 * Second; t += Second / 1000) {
            if (bucket.take(t) == 0)
                ++allowed;
        }
        QVERIFY2(allowed >= 100 && allowed <= 101, qPrintable(QString::number(allowed)));
    }

    void keysAreIndependentAndOverridable() {
        RateLimiter limiter({1, 1});
        QCOMPARE(limiter.acquire(1, std::nullopt, std::nullopt, 0), 0);
        const qint64 waitMs = limiter.acquire(1, std::nullopt, std::nullopt, 0);
        QCOMPARE(waitMs, 1000);
        QCOMPARE(limiter.acquire(2, std::nullopt, std::nullopt, 0), 0); // another key has its own bucket
        // A key's own limit replaces the default.
        QCOMPARE(limiter.acquire(3, 1000, 5, 0), 0);
        for (int i = 0; i < 4; ++i)
            QCOMPARE(limiter.acquire(3, 1000, 5, 0), 0);
        QCOMPARE(limiter.acquire(3, 1000, 5, 0), 1);
    }
};

QTEST_GUILESS_MAIN(TestRateLimiter)
#include "tst_ratelimiter.moc"
