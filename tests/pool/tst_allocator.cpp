// The allocator is the heart of the pool: which number a call gets, when it is refused and why,
// and that releasing writes exactly one call record and exact usage. Every case runs on SQLite
// and PostgreSQL.
#include "PoolTestSupport.h"
#include "storage/Settings.h"

#include <QJsonDocument>
#include <QJsonObject>

using namespace PoolDesk;
using namespace PoolDesk::Test;

class TestAllocator : public QObject {
    Q_OBJECT

private slots:
    void cleanup() { Clock::setOffsetForTesting(0); }

    void dedicatedFirst_data() { addEngineRows(); }
    void dedicatedFirst();
    void hybridFallsBackToShared_data() { addEngineRows(); }
    void hybridFallsBackToShared();
    void enterpriseNeverFallsBack_data() { addEngineRows(); }
    void enterpriseNeverFallsBack();
    void othersDedicatedNumbersAreNotShared_data() { addEngineRows(); }
    void othersDedicatedNumbersAreNotShared();
    void standardSpreadsCallsAcrossShared_data() { addEngineRows(); }
    void standardSpreadsCallsAcrossShared();
    void leastRecentlyUsedBreaksTies_data() { addEngineRows(); }
    void leastRecentlyUsedBreaksTies();
    void fewestCallsTodayBeatsLeastRecentlyUsed_data() { addEngineRows(); }
    void fewestCallsTodayBeatsLeastRecentlyUsed();
    void yesterdaysCallsDoNotCount_data() { addEngineRows(); }
    void yesterdaysCallsDoNotCount();
    void everyFreeSharedNumberIsReached_data() { addEngineRows(); }
    void everyFreeSharedNumberIsReached();
    void environmentsAreSeparatePools_data() { addEngineRows(); }
    void environmentsAreSeparatePools();

    void poolExhausted_data() { addEngineRows(); }
    void poolExhausted();
    void maxConcurrentCalls_data() { addEngineRows(); }
    void maxConcurrentCalls();
    void monthlyMinutes_data() { addEngineRows(); }
    void monthlyMinutes();
    void monthlyBudget_data() { addEngineRows(); }
    void monthlyBudget();
    void unknownCompany_data() { addEngineRows(); }
    void unknownCompany();
    void invalidRequests_data() { addEngineRows(); }
    void invalidRequests();

    void releaseWritesRecordAndUsage_data() { addEngineRows(); }
    void releaseWritesRecordAndUsage();
    void releaseUsesTwilioPriceWhenKnown_data() { addEngineRows(); }
    void releaseUsesTwilioPriceWhenKnown();
    void failedReleaseChangesNothing_data() { addEngineRows(); }
    void failedReleaseChangesNothing();
    void repeatedReleaseIsIdempotent_data() { addEngineRows(); }
    void repeatedReleaseIsIdempotent();
    void releaseRejectsBadInput_data() { addEngineRows(); }
    void releaseRejectsBadInput();
    void sameSessionIsResumed_data() { addEngineRows(); }
    void sameSessionIsResumed();
    void sessionsBelongToTheirCompany_data() { addEngineRows(); }
    void sessionsBelongToTheirCompany();
    void endedSessionIsNotReused_data() { addEngineRows(); }
    void endedSessionIsNotReused();

    void expiredLeasesAreReaped_data() { addEngineRows(); }
    void expiredLeasesAreReaped();
    void allocationReapsExpiredLeases_data() { addEngineRows(); }
    void allocationReapsExpiredLeases();
    void renewExtendsLease_data() { addEngineRows(); }
    void renewExtendsLease();
    void perNumberConcurrency_data() { addEngineRows(); }
    void perNumberConcurrency();
    void attachCallAndFindSession_data() { addEngineRows(); }
    void attachCallAndFindSession();
    void allocatorsOnTwoConnectionsNeverShare_data() { addEngineRows(); }
    void allocatorsOnTwoConnectionsNeverShare();
};

void TestAllocator::dedicatedFirst() {
    QFETCH(QString, engine);
    PoolFixture f(engine);
    const qint64 hybrid = f.addCompany(QStringLiteral("Fujiyama Travel"), Plan::Hybrid);
    // Shared numbers first in id order, so picking the dedicated one is not an accident of order.
    f.addNumber(QStringLiteral("+14155550101"));
    f.addNumber(QStringLiteral("+14155550102"));
    f.addNumber(QStringLiteral("+14155550199"), hybrid);
    auto first = f.allocate(QStringLiteral("Fujiyama Travel"), QStringLiteral("s1"));
    POOL_VERIFY_OK(first);
    QCOMPARE(first->e164, QStringLiteral("+14155550199"));
    QVERIFY(first->dedicated);
    QVERIFY(!first->resumed);
    QCOMPARE(first->companyId, hybrid);
    QCOMPARE(first->session, QStringLiteral("s1"));
    QCOMPARE(f.status(QStringLiteral("+14155550199")), QStringLiteral("reserved"));
    QCOMPARE(f.activeCalls(QStringLiteral("+14155550199")), 1);
    QCOMPARE(f.reservations(), 1);

    // Released, it is the first choice again.
    POOL_VERIFY_OK(f.release(QStringLiteral("s1")));
    auto again = f.allocate(QStringLiteral("Fujiyama Travel"), QStringLiteral("s2"));
    POOL_VERIFY_OK(again);
    QCOMPARE(again->e164, QStringLiteral("+14155550199"));
}

void TestAllocator::hybridFallsBackToShared() {
    QFETCH(QString, engine);
    PoolFixture f(engine);
    const qint64 hybrid = f.addCompany(QStringLiteral("Aoba Clinic"), Plan::Hybrid);
    f.addNumber(QStringLiteral("+14155550199"), hybrid);
    f.addNumber(QStringLiteral("+14155550101"));
    POOL_VERIFY_OK(f.allocate(QStringLiteral("Aoba Clinic"), QStringLiteral("s1")));
    auto second = f.allocate(QStringLiteral("Aoba Clinic"), QStringLiteral("s2"));
    POOL_VERIFY_OK(second);
    QCOMPARE(second->e164, QStringLiteral("+14155550101"));
    QVERIFY(!second->dedicated);
    // Both busy now.
    POOL_VERIFY_REFUSED(f.allocate(QStringLiteral("Aoba Clinic"), QStringLiteral("s3")),
                        RefusalReason::PoolExhausted);
    QCOMPARE(f.reservations(), 2);
}

void TestAllocator::enterpriseNeverFallsBack() {
    QFETCH(QString, engine);
    PoolFixture f(engine);
    const qint64 enterprise = f.addCompany(QStringLiteral("Tanaka Logistics"), Plan::Enterprise);
    f.addCompany(QStringLiteral("Nimbus Telecom"), Plan::Enterprise);
    f.addNumber(QStringLiteral("+14155550101"));
    f.addNumber(QStringLiteral("+14155550102"));
    f.addNumber(QStringLiteral("+14155550199"), enterprise);
    auto first = f.allocate(QStringLiteral("Tanaka Logistics"), QStringLiteral("s1"));
    POOL_VERIFY_OK(first);
    QCOMPARE(first->e164, QStringLiteral("+14155550199"));
    // Shared numbers are free, but an enterprise company's caller ID is its own.
    POOL_VERIFY_REFUSED(f.allocate(QStringLiteral("Tanaka Logistics"), QStringLiteral("s2")),
                        RefusalReason::DedicatedBusy);
    // A company with no dedicated numbers at all is refused the same way.
    POOL_VERIFY_REFUSED(f.allocate(QStringLiteral("Nimbus Telecom"), QStringLiteral("s3")),
                        RefusalReason::DedicatedBusy);
    QCOMPARE(f.reservations(), 1);
    QCOMPARE(f.status(QStringLiteral("+14155550101")), QStringLiteral("available"));
    QCOMPARE(f.status(QStringLiteral("+14155550102")), QStringLiteral("available"));
}

void TestAllocator::othersDedicatedNumbersAreNotShared() {
    QFETCH(QString, engine);
    PoolFixture f(engine);
    const qint64 enterprise = f.addCompany(QStringLiteral("Tanaka Logistics"), Plan::Enterprise);
    f.addCompany(QStringLiteral("Sakura Dental"), Plan::Standard);
    f.addCompany(QStringLiteral("Fujiyama Travel"), Plan::Hybrid);
    f.addNumber(QStringLiteral("+14155550199"), enterprise);
    POOL_VERIFY_REFUSED(f.allocate(QStringLiteral("Sakura Dental"), QStringLiteral("s1")),
                        RefusalReason::PoolExhausted);
    POOL_VERIFY_REFUSED(f.allocate(QStringLiteral("Fujiyama Travel"), QStringLiteral("s2")),
                        RefusalReason::PoolExhausted);
    QCOMPARE(f.status(QStringLiteral("+14155550199")), QStringLiteral("available"));
    QCOMPARE(f.reservations(), 0);
}

void TestAllocator::standardSpreadsCallsAcrossShared() {
    QFETCH(QString, engine);
    PoolFixture f(engine);
    f.addCompany(QStringLiteral("Sakura Dental"), Plan::Standard);
    const QStringList pool{QStringLiteral("+14155550101"), QStringLiteral("+14155550102"),
                           QStringLiteral("+14155550103")};
    for (const QString &e164 : pool)
        f.addNumber(e164);
    // One call at a time: a pool that always picked the first free number would use one number.
    QHash<QString, int> uses;
    for (int i = 0; i < 9; ++i) {
        const QString session = QStringLiteral("call-%1").arg(i);
        auto allocation = f.allocate(QStringLiteral("Sakura Dental"), session);
        POOL_VERIFY_OK(allocation);
        QVERIFY(!allocation->dedicated);
        ++uses[allocation->e164];
        POOL_VERIFY_OK(f.release(session, 45));
    }
    for (const QString &e164 : pool) {
        QCOMPARE(uses.value(e164), 3);
        QCOMPARE(
            scalar(*f.db, QStringLiteral("SELECT total_calls FROM phone_numbers WHERE e164 = ?"), {e164}), 3);
    }
}

void TestAllocator::leastRecentlyUsedBreaksTies() {
    QFETCH(QString, engine);
    PoolFixture f(engine);
    f.addCompany(QStringLiteral("Sakura Dental"), Plan::Standard);
    const QString a = QStringLiteral("+14155550101"), b = QStringLiteral("+14155550102"),
                  c = QStringLiteral("+14155550103");
    for (const QString &e164 : {a, b, c})
        f.addNumber(e164);
    // Pinned to noon UTC so every step below happens on one day.
    const qint64 realNow = QDateTime::currentSecsSinceEpoch();
    const qint64 noon = realNow / 86400 * 86400 + 12 * 3600;
    ClockShift clock;
    const auto callAt = [&](const QString &session, qint64 at) -> QString {
        clock.set(at - realNow);
        auto allocation = f.allocate(QStringLiteral("Sakura Dental"), session);
        if (!allocation)
            return describe(allocation.error());
        auto released = f.release(session, 20);
        if (!released)
            return describe(released.error());
        return allocation->e164;
    };
    // Untouched numbers first (lowest id among equals), then, with one call each, the one idle
    // longest: the calls go round the pool.
    const QStringList expected{a, b, c, a, b, c, a, b, c};
    for (int i = 0; i < expected.size(); ++i)
        QCOMPARE(callAt(QStringLiteral("t%1").arg(i), noon + 60 * i), expected.at(i));
}

void TestAllocator::fewestCallsTodayBeatsLeastRecentlyUsed() {
    QFETCH(QString, engine);
    PoolFixture f(engine);
    f.addCompany(QStringLiteral("Sakura Dental"), Plan::Standard);
    const QString a = QStringLiteral("+14155550101"), b = QStringLiteral("+14155550102"),
                  c = QStringLiteral("+14155550103");
    for (const QString &e164 : {a, b, c})
        f.addNumber(e164);
    const qint64 realNow = QDateTime::currentSecsSinceEpoch();
    const qint64 noon = realNow / 86400 * 86400 + 12 * 3600;
    ClockShift clock;
    const auto at = [&](qint64 seconds) { clock.set(noon + seconds - realNow); };
    at(0);
    auto s1 = f.allocate(QStringLiteral("Sakura Dental"), QStringLiteral("s1"));
    POOL_VERIFY_OK(s1);
    QCOMPARE(s1->e164, a);
    POOL_VERIFY_OK(f.release(QStringLiteral("s1"), 20));
    at(60);
    auto s2 = f.allocate(QStringLiteral("Sakura Dental"), QStringLiteral("s2"));
    auto s3 = f.allocate(QStringLiteral("Sakura Dental"), QStringLiteral("s3"));
    POOL_VERIFY_OK(s2);
    POOL_VERIFY_OK(s3);
    QCOMPARE(s2->e164, b);
    QCOMPARE(s3->e164, c);
    at(120);
    auto s4 = f.allocate(QStringLiteral("Sakura Dental"), QStringLiteral("s4"));
    POOL_VERIFY_OK(s4);
    QCOMPARE(s4->e164, a);
    POOL_VERIFY_OK(f.release(QStringLiteral("s4"), 20)); // a: 2 calls today, last used at +120
    at(180);
    POOL_VERIFY_OK(f.release(QStringLiteral("s2"), 20)); // b: 1 call, last used at +180
    at(240);
    POOL_VERIFY_OK(f.release(QStringLiteral("s3"), 20)); // c: 1 call, last used at +240
    // a has been idle longest, but it carried more calls today than b and c.
    at(300);
    auto next = f.allocate(QStringLiteral("Sakura Dental"), QStringLiteral("s5"));
    POOL_VERIFY_OK(next);
    QCOMPARE(next->e164, b);
    auto after = f.allocate(QStringLiteral("Sakura Dental"), QStringLiteral("s6"));
    POOL_VERIFY_OK(after);
    QCOMPARE(after->e164, c);
}

void TestAllocator::yesterdaysCallsDoNotCount() {
    QFETCH(QString, engine);
    PoolFixture f(engine);
    f.addCompany(QStringLiteral("Sakura Dental"), Plan::Standard);
    const QString a = QStringLiteral("+14155550101"), b = QStringLiteral("+14155550102");
    f.addNumber(a);
    f.addNumber(b);
    const qint64 realNow = QDateTime::currentSecsSinceEpoch();
    const qint64 noon = realNow / 86400 * 86400 + 12 * 3600;
    ClockShift clock;
    // Yesterday: a carries three calls while b carries one that ends last.
    clock.set(noon - 86400 - realNow);
    auto first = f.allocate(QStringLiteral("Sakura Dental"), QStringLiteral("y0"));
    POOL_VERIFY_OK(first);
    QCOMPARE(first->e164, a);
    auto hold = f.allocate(QStringLiteral("Sakura Dental"), QStringLiteral("hold"));
    POOL_VERIFY_OK(hold);
    QCOMPARE(hold->e164, b);
    POOL_VERIFY_OK(f.release(QStringLiteral("y0"), 20));
    for (const QString &session : {QStringLiteral("y1"), QStringLiteral("y2")}) {
        auto allocation = f.allocate(QStringLiteral("Sakura Dental"), session);
        POOL_VERIFY_OK(allocation);
        QCOMPARE(allocation->e164, a);
        POOL_VERIFY_OK(f.release(session, 20));
    }
    clock.set(noon - 86400 + 60 - realNow);
    POOL_VERIFY_OK(f.release(QStringLiteral("hold"), 20));
    QCOMPARE(scalar(*f.db, QStringLiteral("SELECT total_calls FROM phone_numbers WHERE e164 = ?"), {a}), 3);
    QCOMPARE(scalar(*f.db, QStringLiteral("SELECT total_calls FROM phone_numbers WHERE e164 = ?"), {b}), 1);
    // Today both have no calls: a, idle longest, is next (counting yesterday's calls would pick b).
    clock.set(noon - realNow);
    auto today = f.allocate(QStringLiteral("Sakura Dental"), QStringLiteral("m1"));
    POOL_VERIFY_OK(today);
    QCOMPARE(today->e164, a);
}

// The shared pick reads ranges of an index rather than the whole pool: never used, idle since before
// today, used today, and used today according to a Twilio sync only (last use moved, calls today
// not). Every free shared number lies in one of them, in that order of preference.
void TestAllocator::everyFreeSharedNumberIsReached() {
    QFETCH(QString, engine);
    PoolFixture f(engine);
    f.addCompany(QStringLiteral("Sakura Dental"), Plan::Standard);
    const QString synced = QStringLiteral("+14155550101"), usedToday = QStringLiteral("+14155550102"),
                  idle = QStringLiteral("+14155550103"), fresh = QStringLiteral("+14155550104");
    for (const QString &e164 : {synced, usedToday, idle, fresh})
        f.addNumber(e164);
    const qint64 realNow = QDateTime::currentSecsSinceEpoch();
    const qint64 today = realNow / 86400, noon = today * 86400 + 12 * 3600;
    ClockShift clock;
    clock.set(noon - realNow);
    const auto set = [&](const QString &e164, const QVariant &lastUsed, qint64 day, int calls) {
        QVERIFY(Sql::exec(f.db->connection(),
                          QStringLiteral("UPDATE phone_numbers SET last_used_at = ?, calls_today_day = ?, "
                                         "calls_today = ? WHERE e164 = ?"),
                          {lastUsed, day, calls, e164}));
    };
    set(synced, noon - 600, today - 3, 5); // a call Twilio's sync recorded this morning
    set(usedToday, noon - 300, today, 1);
    set(idle, noon - 2 * 86400, today - 2, 9);
    set(fresh, QVariant(), 0, 0);
    QStringList order;
    for (int i = 0; i < 4; ++i) {
        auto allocation = f.allocate(QStringLiteral("Sakura Dental"), QStringLiteral("s%1").arg(i));
        POOL_VERIFY_OK(allocation);
        order << allocation->e164;
    }
    QCOMPARE(order, (QStringList{fresh, idle, usedToday, synced}));
    auto none = f.allocate(QStringLiteral("Sakura Dental"), QStringLiteral("s4"));
    QVERIFY(!none);
}

void TestAllocator::environmentsAreSeparatePools() {
    QFETCH(QString, engine);
    PoolFixture f(engine);
    f.addCompany(QStringLiteral("Sakura Dental"), Plan::Standard);
    f.addNumber(QStringLiteral("+16076956082"), std::nullopt, DevelopmentEnvironment);
    f.addNumber(QStringLiteral("+14179224538"), std::nullopt, ProductionEnvironment);
    auto dev = f.allocate(QStringLiteral("Sakura Dental"), QStringLiteral("d1"), std::nullopt,
                          DevelopmentEnvironment);
    POOL_VERIFY_OK(dev);
    QCOMPARE(dev->e164, QStringLiteral("+16076956082"));
    POOL_VERIFY_REFUSED(f.allocate(QStringLiteral("Sakura Dental"), QStringLiteral("d2"), std::nullopt,
                                   DevelopmentEnvironment),
                        RefusalReason::PoolExhausted);
    auto prod = f.allocate(QStringLiteral("Sakura Dental"), QStringLiteral("p1"));
    POOL_VERIFY_OK(prod);
    QCOMPARE(prod->e164, QStringLiteral("+14179224538"));
    auto released = f.release(QStringLiteral("d1"), 10);
    POOL_VERIFY_OK(released);
    QCOMPARE(released->record.environment, DevelopmentEnvironment);
}

void TestAllocator::poolExhausted() {
    QFETCH(QString, engine);
    PoolFixture f(engine);
    f.addCompany(QStringLiteral("Sakura Dental"), Plan::Standard);
    f.addCompany(QStringLiteral("Blue Ocean Realty"), Plan::Standard);
    POOL_VERIFY_REFUSED(f.allocate(QStringLiteral("Sakura Dental"), QStringLiteral("s0")),
                        RefusalReason::PoolExhausted);
    f.addNumber(QStringLiteral("+14155550101"));
    POOL_VERIFY_OK(f.allocate(QStringLiteral("Sakura Dental"), QStringLiteral("s1")));
    const qint64 audit = f.auditEntries();
    POOL_VERIFY_REFUSED(f.allocate(QStringLiteral("Blue Ocean Realty"), QStringLiteral("s2")),
                        RefusalReason::PoolExhausted);
    QCOMPARE(f.reservations(), 1);
    QCOMPARE(f.activeCalls(QStringLiteral("+14155550101")), 1);
    QCOMPARE(f.auditEntries(), audit);
    // The refused session is not remembered: it can try again once a number is free.
    POOL_VERIFY_OK(f.release(QStringLiteral("s1")));
    POOL_VERIFY_OK(f.allocate(QStringLiteral("Blue Ocean Realty"), QStringLiteral("s2")));
}

void TestAllocator::maxConcurrentCalls() {
    QFETCH(QString, engine);
    PoolFixture f(engine);
    CompanyLimits limits;
    limits.maxConcurrentCalls = 2;
    f.addCompany(QStringLiteral("Maple Tutoring"), Plan::Standard, limits);
    for (int i = 0; i < 4; ++i)
        f.addNumber(QStringLiteral("+1415555010%1").arg(i));
    POOL_VERIFY_OK(f.allocate(QStringLiteral("Maple Tutoring"), QStringLiteral("s1")));
    POOL_VERIFY_OK(f.allocate(QStringLiteral("Maple Tutoring"), QStringLiteral("s2")));
    auto third = f.allocate(QStringLiteral("Maple Tutoring"), QStringLiteral("s3"));
    POOL_VERIFY_REFUSED(third, RefusalReason::MaxConcurrentCalls);
    QVERIFY2(third.error().message.contains(QStringLiteral("Maple Tutoring")),
             qPrintable(third.error().message));
    QCOMPARE(f.reservations(), 2);
    // A retried request of a session that holds a number is not a new call.
    auto retried = f.allocate(QStringLiteral("Maple Tutoring"), QStringLiteral("s2"));
    POOL_VERIFY_OK(retried);
    QVERIFY(retried->resumed);
    POOL_VERIFY_OK(f.release(QStringLiteral("s1")));
    POOL_VERIFY_OK(f.allocate(QStringLiteral("Maple Tutoring"), QStringLiteral("s3")));
}

void TestAllocator::monthlyMinutes() {
    QFETCH(QString, engine);
    PoolFixture f(engine);
    CompanyLimits limits;
    limits.monthlyMinutes = 3;
    f.addCompany(QStringLiteral("Maple Tutoring"), Plan::Standard, limits);
    f.addNumber(QStringLiteral("+14155550101"));
    // Pinned to the 10th so the month does not end during the test.
    const qint64 realNow = QDateTime::currentSecsSinceEpoch();
    const QDate today = QDateTime::fromSecsSinceEpoch(realNow, Qt::UTC).date();
    const qint64 tenth =
        QDateTime(QDate(today.year(), today.month(), 10), QTime(12, 0), Qt::UTC).toSecsSinceEpoch();
    ClockShift clock;
    clock.set(tenth - realNow);
    POOL_VERIFY_OK(f.allocate(QStringLiteral("Maple Tutoring"), QStringLiteral("s1")));
    POOL_VERIFY_OK(f.release(QStringLiteral("s1"), 61)); // 2 billed minutes
    POOL_VERIFY_OK(f.allocate(QStringLiteral("Maple Tutoring"), QStringLiteral("s2")));
    POOL_VERIFY_OK(f.release(QStringLiteral("s2"), 1)); // 1 more: 3 of 3 used
    auto refused = f.allocate(QStringLiteral("Maple Tutoring"), QStringLiteral("s3"));
    POOL_VERIFY_REFUSED(refused, RefusalReason::MonthlyMinutes);
    QCOMPARE(f.reservations(), 0);
    // A new month starts afresh.
    clock.set(tenth + 31 * 86400 - realNow);
    POOL_VERIFY_OK(f.allocate(QStringLiteral("Maple Tutoring"), QStringLiteral("s3")));
}

void TestAllocator::monthlyBudget() {
    QFETCH(QString, engine);
    PoolFixture f(engine);
    CompanyLimits limits;
    limits.monthlyBudget = 39'000; // three outbound minutes at $0.013
    f.addCompany(QStringLiteral("Blue Ocean Realty"), Plan::Standard, limits);
    f.addNumber(QStringLiteral("+14155550101"));
    const qint64 realNow = QDateTime::currentSecsSinceEpoch();
    const QDate today = QDateTime::fromSecsSinceEpoch(realNow, Qt::UTC).date();
    const qint64 tenth =
        QDateTime(QDate(today.year(), today.month(), 10), QTime(12, 0), Qt::UTC).toSecsSinceEpoch();
    ClockShift clock;
    clock.set(tenth - realNow);
    POOL_VERIFY_OK(f.allocate(QStringLiteral("Blue Ocean Realty"), QStringLiteral("s1")));
    POOL_VERIFY_OK(f.release(QStringLiteral("s1"), 120)); // $0.026
    POOL_VERIFY_OK(f.allocate(QStringLiteral("Blue Ocean Realty"), QStringLiteral("s2")));
    POOL_VERIFY_OK(f.release(QStringLiteral("s2"), 50)); // $0.013: $0.039 spent
    POOL_VERIFY_REFUSED(f.allocate(QStringLiteral("Blue Ocean Realty"), QStringLiteral("s3")),
                        RefusalReason::MonthlyBudget);
    QCOMPARE(f.reservations(), 0);
    // Raising the budget lets calls through again.
    limits.monthlyBudget = 1'000'000;
    POOL_VERIFY_OK(f.companies.setLimits(tester(), QStringLiteral("Blue Ocean Realty"), limits));
    POOL_VERIFY_OK(f.allocate(QStringLiteral("Blue Ocean Realty"), QStringLiteral("s3")));
}

void TestAllocator::unknownCompany() {
    QFETCH(QString, engine);
    PoolFixture f(engine);
    f.addNumber(QStringLiteral("+14155550101"));
    auto refused = f.allocate(QStringLiteral("Nobody Inc"), QStringLiteral("s1"));
    POOL_VERIFY_REFUSED(refused, RefusalReason::UnknownCompany);
    QVERIFY(refused.error().message.contains(QStringLiteral("Nobody Inc")));
    QCOMPARE(f.reservations(), 0);
    QCOMPARE(f.status(QStringLiteral("+14155550101")), QStringLiteral("available"));
}

void TestAllocator::invalidRequests() {
    QFETCH(QString, engine);
    PoolFixture f(engine);
    f.addCompany(QStringLiteral("Sakura Dental"), Plan::Standard);
    f.addNumber(QStringLiteral("+14155550101"));
    const auto expectInvalid = [&](const AllocationRequest &request) {
        auto result = f.allocator->allocate(request);
        if (result)
            return QStringLiteral("accepted");
        return result.error().code == Error::Code::InvalidInput ? QString() : describe(result.error());
    };
    const QString company = QStringLiteral("Sakura Dental");
    QCOMPARE(expectInvalid({company, QStringLiteral("op"), QString(), std::nullopt, ProductionEnvironment}),
             QString());
    QCOMPARE(expectInvalid(
                 {company, QStringLiteral("op"), QStringLiteral("   "), std::nullopt, ProductionEnvironment}),
             QString());
    QCOMPARE(expectInvalid({company, QString(), QStringLiteral("s"), std::nullopt, ProductionEnvironment}),
             QString());
    QCOMPARE(expectInvalid(
                 {QString(), QStringLiteral("op"), QStringLiteral("s"), std::nullopt, ProductionEnvironment}),
             QString());
    QCOMPARE(expectInvalid({company, QStringLiteral("op"), QStringLiteral("s"), 0, ProductionEnvironment}),
             QString());
    QCOMPARE(expectInvalid({company, QStringLiteral("op"), QStringLiteral("s"), -5, ProductionEnvironment}),
             QString());
    QCOMPARE(
        expectInvalid({company, QStringLiteral("op"), QStringLiteral("s"), 8 * 86400, ProductionEnvironment}),
        QString());
    QCOMPARE(expectInvalid(
                 {company, QStringLiteral("op"), QStringLiteral("s"), std::nullopt, QStringLiteral("Prod")}),
             QString());
    QCOMPARE(expectInvalid({company, QStringLiteral("op"), QStringLiteral("x").repeated(201), std::nullopt,
                            ProductionEnvironment}),
             QString());
    QCOMPARE(f.reservations(), 0);
    QCOMPARE(f.status(QStringLiteral("+14155550101")), QStringLiteral("available"));
}

void TestAllocator::releaseWritesRecordAndUsage() {
    QFETCH(QString, engine);
    PoolFixture f(engine);
    const qint64 company = f.addCompany(QStringLiteral("Hikari Insurance"), Plan::Standard);
    const qint64 number = f.addNumber(QStringLiteral("+14155550101"));
    auto allocation = f.allocator->allocate({QStringLiteral("Hikari Insurance"), QStringLiteral("op-7"),
                                             QStringLiteral("call-1"), 600, ProductionEnvironment});
    POOL_VERIFY_OK(allocation);
    const qint64 before = Clock::nowSecs();
    auto released = f.release(QStringLiteral("call-1"), 61, Direction::Outbound);
    POOL_VERIFY_OK(released);
    QVERIFY(!released->alreadyReleased);
    const CallRecord &record = released->record;
    QVERIFY(record.id > 0);
    QCOMPARE(record.session, QStringLiteral("call-1"));
    QCOMPARE(record.e164, QStringLiteral("+14155550101"));
    QCOMPARE(record.numberId, number);
    QCOMPARE(record.companyId, company);
    QCOMPARE(record.companyName, QStringLiteral("Hikari Insurance"));
    QCOMPARE(record.operatorId, QStringLiteral("op-7"));
    QVERIFY(record.direction == Direction::Outbound);
    QCOMPARE(record.durationSeconds, 61);
    QCOMPARE(record.billedMinutes, 2); // rounded up to the whole minute
    QCOMPARE(record.estimatedCost, Micros(26'000));
    QCOMPARE(record.startedAt.secsTo(record.endedAt), 61);
    QVERIFY(record.endedAt.toSecsSinceEpoch() >= before);

    // What the database holds, in the same shape.
    QCOMPARE(f.callRecords(), 1);
    QCOMPARE(
        scalar(*f.db, QStringLiteral("SELECT billed_minutes FROM call_records WHERE session = 'call-1'")), 2);
    QCOMPARE(scalar(*f.db, QStringLiteral(
                               "SELECT estimated_cost_micros FROM call_records WHERE session = 'call-1'")),
             26'000);
    QCOMPARE(scalar(*f.db, QStringLiteral("SELECT COUNT(*) FROM call_records WHERE session = 'call-1' AND "
                                          "twilio_price_micros IS NULL")),
             1);
    QCOMPARE(f.reservations(), 0);
    QCOMPARE(f.status(QStringLiteral("+14155550101")), QStringLiteral("available"));
    QCOMPARE(f.activeCalls(QStringLiteral("+14155550101")), 0);
    QCOMPARE(scalar(*f.db, QStringLiteral("SELECT total_calls FROM phone_numbers WHERE id = ?"), {number}),
             1);
    QCOMPARE(scalar(*f.db, QStringLiteral("SELECT total_minutes FROM phone_numbers WHERE id = ?"), {number}),
             2);
    QCOMPARE(scalar(*f.db, QStringLiteral("SELECT total_seconds FROM phone_numbers WHERE id = ?"), {number}),
             61);
    QVERIFY(scalar(*f.db, QStringLiteral("SELECT last_used_at FROM phone_numbers WHERE id = ?"), {number}) >=
            before);
    const QString month = Clock::nowUtc().toString(QStringLiteral("yyyy-MM"));
    QCOMPARE(
        scalar(*f.db,
               QStringLiteral("SELECT calls FROM company_usage_months WHERE company_id = ? AND month = ?"),
               {company, month}),
        1);
    QCOMPARE(scalar(*f.db,
                    QStringLiteral(
                        "SELECT billed_minutes FROM company_usage_months WHERE company_id = ? AND month = ?"),
                    {company, month}),
             2);
    QCOMPARE(scalar(*f.db,
                    QStringLiteral(
                        "SELECT cost_micros FROM company_usage_months WHERE company_id = ? AND month = ?"),
                    {company, month}),
             26'000);
    // The operator is kept with the call for reports.
    QCOMPARE(text(*f.db, QStringLiteral("SELECT operator FROM call_records WHERE session = 'call-1'")),
             QStringLiteral("op-7"));

    // An inbound call is priced at the inbound tariff and adds to the same month.
    POOL_VERIFY_OK(f.allocate(QStringLiteral("Hikari Insurance"), QStringLiteral("call-2")));
    auto inbound = f.release(QStringLiteral("call-2"), 120, Direction::Inbound);
    POOL_VERIFY_OK(inbound);
    QCOMPARE(inbound->record.billedMinutes, 2);
    QCOMPARE(inbound->record.estimatedCost, Micros(17'000));
    QCOMPARE(text(*f.db, QStringLiteral("SELECT direction FROM call_records WHERE session = 'call-2'")),
             QStringLiteral("inbound"));
    QCOMPARE(scalar(*f.db,
                    QStringLiteral(
                        "SELECT cost_micros FROM company_usage_months WHERE company_id = ? AND month = ?"),
                    {company, month}),
             43'000);
    // An unanswered call (0 s) costs nothing but is still a call.
    POOL_VERIFY_OK(f.allocate(QStringLiteral("Hikari Insurance"), QStringLiteral("call-3")));
    auto unanswered = f.release(QStringLiteral("call-3"), 0);
    POOL_VERIFY_OK(unanswered);
    QCOMPARE(unanswered->record.billedMinutes, 0);
    QCOMPARE(unanswered->record.estimatedCost, Micros(0));
    QCOMPARE(
        scalar(*f.db,
               QStringLiteral("SELECT calls FROM company_usage_months WHERE company_id = ? AND month = ?"),
               {company, month}),
        3);
}

void TestAllocator::releaseUsesTwilioPriceWhenKnown() {
    QFETCH(QString, engine);
    PoolFixture f(engine);
    const qint64 company = f.addCompany(QStringLiteral("Hikari Insurance"), Plan::Standard);
    f.addNumber(QStringLiteral("+14155550101"));
    POOL_VERIFY_OK(f.allocate(QStringLiteral("Hikari Insurance"), QStringLiteral("call-1")));
    ReleaseRequest request;
    request.session = QStringLiteral("call-1");
    request.durationSeconds = 61;
    request.callSid = QStringLiteral("CA0123456789abcdef0123456789abcdef");
    request.twilioPrice = 27'000;
    auto released = f.allocator->release(request);
    POOL_VERIFY_OK(released);
    QCOMPARE(released->record.estimatedCost, Micros(26'000));
    QCOMPARE(released->record.twilioPrice, std::optional<Micros>(27'000));
    QCOMPARE(released->record.callSid, request.callSid);
    QCOMPARE(scalar(*f.db,
                    QStringLiteral("SELECT twilio_price_micros FROM call_records WHERE session = 'call-1'")),
             27'000);
    // Usage counts what Twilio charged when it is known.
    QCOMPARE(scalar(*f.db,
                    QStringLiteral("SELECT SUM(cost_micros) FROM company_usage_months WHERE company_id = ?"),
                    {company}),
             27'000);
}

void TestAllocator::failedReleaseChangesNothing() {
    // Release is one transaction: when its last statements fail, the number, the totals and the
    // usage are as they were and the session still holds its number.
    QFETCH(QString, engine);
    PoolFixture f(engine);
    const qint64 company = f.addCompany(QStringLiteral("Hikari Insurance"), Plan::Standard);
    f.addNumber(QStringLiteral("+14155550101"));
    f.addNumber(QStringLiteral("+14155550102"));
    const QString sid = QStringLiteral("CA0123456789abcdef0123456789abcdef");
    POOL_VERIFY_OK(f.allocate(QStringLiteral("Hikari Insurance"), QStringLiteral("first")));
    ReleaseRequest request;
    request.session = QStringLiteral("first");
    request.durationSeconds = 30;
    request.callSid = sid;
    POOL_VERIFY_OK(f.allocator->release(request));

    auto second = f.allocate(QStringLiteral("Hikari Insurance"), QStringLiteral("second"));
    POOL_VERIFY_OK(second);
    const QString held = second->e164;
    const qint64 totalsBefore = scalar(*f.db, QStringLiteral("SELECT SUM(total_calls) FROM phone_numbers"));
    request.session = QStringLiteral("second");
    request.durationSeconds = 90;
    // The same CallSid again: the call record cannot be written.
    auto failed = f.allocator->release(request);
    QVERIFY(!failed.ok());
    QCOMPARE(failed.error().code, Error::Code::Conflict);
    QCOMPARE(f.callRecords(), 1);
    QCOMPARE(f.reservations(), 1);
    QCOMPARE(f.status(held), QStringLiteral("reserved"));
    QCOMPARE(f.activeCalls(held), 1);
    QCOMPARE(scalar(*f.db, QStringLiteral("SELECT SUM(total_calls) FROM phone_numbers")), totalsBefore);
    QCOMPARE(scalar(*f.db, QStringLiteral("SELECT SUM(calls) FROM company_usage_months WHERE company_id = ?"),
                    {company}),
             1);
    // The connection is usable afterwards, and the proper release goes through.
    request.callSid.clear();
    POOL_VERIFY_OK(f.allocator->release(request));
    QCOMPARE(f.callRecords(), 2);
    QCOMPARE(f.reservations(), 0);
}

void TestAllocator::repeatedReleaseIsIdempotent() {
    QFETCH(QString, engine);
    PoolFixture f(engine);
    const qint64 company = f.addCompany(QStringLiteral("Hikari Insurance"), Plan::Standard);
    f.addNumber(QStringLiteral("+14155550101"));
    POOL_VERIFY_OK(f.allocate(QStringLiteral("Hikari Insurance"), QStringLiteral("call-1")));
    auto first = f.release(QStringLiteral("call-1"), 61);
    POOL_VERIFY_OK(first);
    QVERIFY(!first->alreadyReleased);
    for (int i = 0; i < 2; ++i) {
        // A status callback retried by Twilio, or a backend that released twice.
        auto again = f.release(QStringLiteral("call-1"), 300);
        POOL_VERIFY_OK(again);
        QVERIFY(again->alreadyReleased);
        QCOMPARE(again->record.id, first->record.id);
        QCOMPARE(again->record.durationSeconds, 61);
        QCOMPARE(again->record.billedMinutes, 2);
    }
    QCOMPARE(f.callRecords(), 1);
    QCOMPARE(scalar(*f.db, QStringLiteral("SELECT total_calls FROM phone_numbers")), 1);
    QCOMPARE(scalar(*f.db, QStringLiteral("SELECT total_minutes FROM phone_numbers")), 2);
    QCOMPARE(scalar(*f.db, QStringLiteral("SELECT SUM(calls) FROM company_usage_months WHERE company_id = ?"),
                    {company}),
             1);
    QCOMPARE(scalar(*f.db, QStringLiteral("SELECT SUM(billed_minutes) FROM company_usage_months")), 2);
    QCOMPARE(f.activeCalls(QStringLiteral("+14155550101")), 0);
    // A session that never existed is refused, not invented.
    POOL_VERIFY_REFUSED(f.release(QStringLiteral("never-allocated")), RefusalReason::UnknownSession);
    QCOMPARE(f.callRecords(), 1);
}

void TestAllocator::releaseRejectsBadInput() {
    QFETCH(QString, engine);
    PoolFixture f(engine);
    f.addCompany(QStringLiteral("Hikari Insurance"), Plan::Standard);
    f.addNumber(QStringLiteral("+14155550101"));
    POOL_VERIFY_OK(f.allocate(QStringLiteral("Hikari Insurance"), QStringLiteral("call-1")));
    for (const qint64 seconds : {qint64(-1), qint64(-3600), qint64(8 * 86400)}) {
        auto refused = f.release(QStringLiteral("call-1"), seconds);
        QVERIFY(!refused.ok());
        QCOMPARE(refused.error().code, Error::Code::InvalidInput);
    }
    auto empty = f.release(QString());
    QVERIFY(!empty.ok());
    QCOMPARE(empty.error().code, Error::Code::InvalidInput);
    // Nothing changed: the session still holds its number.
    QCOMPARE(f.callRecords(), 0);
    QCOMPARE(f.reservations(), 1);
    QCOMPARE(f.status(QStringLiteral("+14155550101")), QStringLiteral("reserved"));
}

void TestAllocator::sameSessionIsResumed() {
    QFETCH(QString, engine);
    PoolFixture f(engine);
    f.addCompany(QStringLiteral("Sakura Dental"), Plan::Standard);
    f.addCompany(QStringLiteral("Blue Ocean Realty"), Plan::Standard);
    f.addNumber(QStringLiteral("+14155550101"));
    f.addNumber(QStringLiteral("+14155550102"));
    auto first = f.allocate(QStringLiteral("Sakura Dental"), QStringLiteral("retry-me"));
    POOL_VERIFY_OK(first);
    QVERIFY(!first->resumed);
    auto second = f.allocate(QStringLiteral("Sakura Dental"), QStringLiteral("retry-me"));
    POOL_VERIFY_OK(second);
    QVERIFY(second->resumed);
    QCOMPARE(second->e164, first->e164);
    QCOMPARE(second->numberId, first->numberId);
    QCOMPARE(second->leaseExpiresAt, first->leaseExpiresAt);
    QCOMPARE(f.reservations(), 1);
    QCOMPARE(f.activeCalls(first->e164), 1);
}

void TestAllocator::sessionsBelongToTheirCompany() {
    // Two companies' backends may pick the same session name: each gets its own call, neither can
    // end, renew or detect the other's, and an unscoped caller must say which company it means.
    QFETCH(QString, engine);
    PoolFixture f(engine);
    const qint64 sakura = f.addCompany(QStringLiteral("Sakura Dental"), Plan::Standard);
    const qint64 blue = f.addCompany(QStringLiteral("Blue Ocean Realty"), Plan::Standard);
    const qint64 unused = f.addCompany(QStringLiteral("Kumo Travel"), Plan::Standard);
    f.addNumber(QStringLiteral("+14155550101"));
    f.addNumber(QStringLiteral("+14155550102"));
    auto first = f.allocate(QStringLiteral("Sakura Dental"), QStringLiteral("call-1"));
    POOL_VERIFY_OK(first);
    auto other = f.allocate(QStringLiteral("Blue Ocean Realty"), QStringLiteral("call-1"));
    POOL_VERIFY_OK(other);
    QVERIFY(!other->resumed);
    QVERIFY(other->e164 != first->e164);
    QCOMPARE(f.reservations(), 2);

    // A company that never used the name sees exactly what it sees for any unknown name.
    ReleaseRequest foreign;
    foreign.session = QStringLiteral("call-1");
    foreign.companyId = unused;
    foreign.durationSeconds = 5;
    auto refused = f.allocator->release(foreign);
    foreign.session = QStringLiteral("never-used");
    auto unknown = f.allocator->release(foreign);
    QVERIFY(!refused.ok() && !unknown.ok());
    QCOMPARE(refused.error().reason, RefusalReason::UnknownSession);
    QCOMPARE(
        refused.error().message,
        QString(unknown.error().message).replace(QStringLiteral("never-used"), QStringLiteral("call-1")));
    POOL_VERIFY_REFUSED(f.allocator->renew({QStringLiteral("call-1"), unused}, 600),
                        RefusalReason::UnknownSession);
    POOL_VERIFY_REFUSED(f.allocator->attachCall({QStringLiteral("call-1"), unused},
                                                QStringLiteral("CA0000000000000000000000000000c001")),
                        RefusalReason::UnknownSession);

    // Unscoped, the name is ambiguous, and nothing changes.
    POOL_VERIFY_REFUSED(f.release(QStringLiteral("call-1"), 5), RefusalReason::AmbiguousSession);
    POOL_VERIFY_REFUSED(f.allocator->renew(QStringLiteral("call-1"), 600), RefusalReason::AmbiguousSession);
    QCOMPARE(f.reservations(), 2);
    QCOMPARE(f.callRecords(), 0);

    // Scoped, each company ends its own call.
    ReleaseRequest own;
    own.session = QStringLiteral("call-1");
    own.companyId = blue;
    own.durationSeconds = 42;
    auto released = f.allocator->release(own);
    POOL_VERIFY_OK(released);
    QCOMPARE(released->record.companyName, QStringLiteral("Blue Ocean Realty"));
    QCOMPARE(released->record.e164, other->e164);
    QCOMPARE(f.reservations(), 1);
    // A repeat is recognised as that company's, not the other's live call.
    auto repeated = f.allocator->release(own);
    POOL_VERIFY_OK(repeated);
    QVERIFY(repeated->alreadyReleased);
    QCOMPARE(f.reservations(), 1);
    // Still ambiguous unscoped (one held, one ended): a retried release must not end Sakura's.
    POOL_VERIFY_REFUSED(f.release(QStringLiteral("call-1"), 5), RefusalReason::AmbiguousSession);
    QCOMPARE(f.reservations(), 1);
    // Blue Ocean may not reuse its ended name; Sakura's retry still resumes its own call.
    POOL_VERIFY_REFUSED(f.allocate(QStringLiteral("Blue Ocean Realty"), QStringLiteral("call-1")),
                        RefusalReason::SessionEnded);
    auto retried = f.allocate(QStringLiteral("Sakura Dental"), QStringLiteral("call-1"));
    POOL_VERIFY_OK(retried);
    QVERIFY(retried->resumed);
    QCOMPARE(retried->e164, first->e164);
    own.companyId = sakura;
    POOL_VERIFY_OK(f.allocator->release(own));
    QCOMPARE(f.reservations(), 0);
    // A name only one company has used needs no scope.
    POOL_VERIFY_OK(f.allocate(QStringLiteral("Kumo Travel"), QStringLiteral("solo")));
    auto solo = f.release(QStringLiteral("solo"), 5);
    POOL_VERIFY_OK(solo);
    QCOMPARE(solo->record.companyName, QStringLiteral("Kumo Travel"));
}

void TestAllocator::endedSessionIsNotReused() {
    QFETCH(QString, engine);
    PoolFixture f(engine);
    f.addCompany(QStringLiteral("Sakura Dental"), Plan::Standard);
    f.addNumber(QStringLiteral("+14155550101"));
    POOL_VERIFY_OK(f.allocate(QStringLiteral("Sakura Dental"), QStringLiteral("once")));
    POOL_VERIFY_OK(f.release(QStringLiteral("once"), 10));
    // A late retry of the allocation must not start a second call under the finished session.
    POOL_VERIFY_REFUSED(f.allocate(QStringLiteral("Sakura Dental"), QStringLiteral("once")),
                        RefusalReason::SessionEnded);
    QCOMPARE(f.reservations(), 0);
}

void TestAllocator::expiredLeasesAreReaped() {
    QFETCH(QString, engine);
    PoolFixture f(engine);
    f.addCompany(QStringLiteral("Sakura Dental"), Plan::Standard);
    f.addNumber(QStringLiteral("+14155550101"));
    f.addNumber(QStringLiteral("+14155550102"));
    auto shortLease = f.allocate(QStringLiteral("Sakura Dental"), QStringLiteral("crashed"), 60);
    POOL_VERIFY_OK(shortLease);
    auto longLease = f.allocate(QStringLiteral("Sakura Dental"), QStringLiteral("alive"), 3600);
    POOL_VERIFY_OK(longLease);
    QVERIFY(qAbs(shortLease->leaseExpiresAt.toSecsSinceEpoch() - (Clock::nowSecs() + 60)) <= 2);

    auto early = f.allocator->reapExpired();
    POOL_VERIFY_OK(early);
    QCOMPARE(early.value(), 0);
    ClockShift clock;
    clock.set(120);
    const qint64 audit = f.auditEntries();
    auto reaped = f.allocator->reapExpired();
    POOL_VERIFY_OK(reaped);
    QCOMPARE(reaped.value(), 1);
    QCOMPARE(f.reservations(), 1);
    QCOMPARE(f.status(shortLease->e164), QStringLiteral("available"));
    QCOMPARE(f.activeCalls(shortLease->e164), 0);
    QCOMPARE(f.status(longLease->e164), QStringLiteral("reserved"));
    // The log says why the number came back; no call record is invented.
    QCOMPARE(f.auditEntries(), audit + 1);
    QCOMPARE(text(*f.db, QStringLiteral("SELECT action FROM audit_log ORDER BY id DESC LIMIT 1")),
             QStringLiteral("allocation.lease_expired"));
    QCOMPARE(f.callRecords(), 0);
    // The crashed caller's late release finds nothing to release.
    POOL_VERIFY_REFUSED(f.release(QStringLiteral("crashed"), 30), RefusalReason::UnknownSession);
    QCOMPARE(f.callRecords(), 0);
    // Reaping again finds nothing.
    auto again = f.allocator->reapExpired();
    POOL_VERIFY_OK(again);
    QCOMPARE(again.value(), 0);
}

void TestAllocator::allocationReapsExpiredLeases() {
    // A crashed caller never leaves the pool stuck, even if nobody runs the reaper.
    QFETCH(QString, engine);
    PoolFixture f(engine);
    CompanyLimits limits;
    limits.maxConcurrentCalls = 1;
    f.addCompany(QStringLiteral("Sakura Dental"), Plan::Standard, limits);
    f.addNumber(QStringLiteral("+14155550101"));
    POOL_VERIFY_OK(f.allocate(QStringLiteral("Sakura Dental"), QStringLiteral("crashed"), 30));
    POOL_VERIFY_REFUSED(f.allocate(QStringLiteral("Sakura Dental"), QStringLiteral("next")),
                        RefusalReason::MaxConcurrentCalls);
    ClockShift clock;
    clock.set(31 + 1);
    auto next = f.allocate(QStringLiteral("Sakura Dental"), QStringLiteral("next"));
    POOL_VERIFY_OK(next);
    QCOMPARE(next->e164, QStringLiteral("+14155550101"));
    QCOMPARE(f.reservations(), 1);
    QCOMPARE(f.activeCalls(QStringLiteral("+14155550101")), 1);
}

void TestAllocator::renewExtendsLease() {
    QFETCH(QString, engine);
    PoolFixture f(engine);
    f.addCompany(QStringLiteral("Sakura Dental"), Plan::Standard);
    f.addNumber(QStringLiteral("+14155550101"));
    POOL_VERIFY_OK(f.allocate(QStringLiteral("Sakura Dental"), QStringLiteral("long-call"), 60));
    auto renewed = f.allocator->renew(QStringLiteral("long-call"), 600);
    POOL_VERIFY_OK(renewed);
    QVERIFY(qAbs(renewed->toSecsSinceEpoch() - (Clock::nowSecs() + 600)) <= 2);
    // Renewing means the call is under way.
    QCOMPARE(f.status(QStringLiteral("+14155550101")), QStringLiteral("in_use"));
    ClockShift clock;
    clock.set(120);
    auto reaped = f.allocator->reapExpired();
    POOL_VERIFY_OK(reaped);
    QCOMPARE(reaped.value(), 0);
    QCOMPARE(f.reservations(), 1);
    POOL_VERIFY_REFUSED(f.allocator->renew(QStringLiteral("no-such-session"), 600),
                        RefusalReason::UnknownSession);
    auto invalid = f.allocator->renew(QStringLiteral("long-call"), 0);
    QVERIFY(!invalid.ok());
    QCOMPARE(invalid.error().code, Error::Code::InvalidInput);
    clock.set(700);
    auto late = f.allocator->reapExpired();
    POOL_VERIFY_OK(late);
    QCOMPARE(late.value(), 1);
}

void TestAllocator::perNumberConcurrency() {
    QFETCH(QString, engine);
    PoolFixture f(engine);
    f.addCompany(QStringLiteral("Sakura Dental"), Plan::Standard);
    const QString only = QStringLiteral("+14155550101");
    f.addNumber(only);
    POOL_VERIFY_OK(Settings::set(*f.db, tester(), SettingKeys::PerNumberConcurrency, QStringLiteral("3")));
    f.renewAllocator();
    for (int i = 0; i < 3; ++i) {
        auto allocation = f.allocate(QStringLiteral("Sakura Dental"), QStringLiteral("c%1").arg(i));
        POOL_VERIFY_OK(allocation);
        QCOMPARE(allocation->e164, only);
        QCOMPARE(f.activeCalls(only), i + 1);
    }
    POOL_VERIFY_REFUSED(f.allocate(QStringLiteral("Sakura Dental"), QStringLiteral("c3")),
                        RefusalReason::PoolExhausted);
    POOL_VERIFY_OK(f.release(QStringLiteral("c0"), 10));
    QCOMPARE(f.activeCalls(only), 2);
    QVERIFY(f.status(only) != QStringLiteral("available"));
    POOL_VERIFY_OK(f.release(QStringLiteral("c1"), 10));
    POOL_VERIFY_OK(f.release(QStringLiteral("c2"), 10));
    QCOMPARE(f.activeCalls(only), 0);
    QCOMPARE(f.status(only), QStringLiteral("available"));
    QCOMPARE(scalar(*f.db, QStringLiteral("SELECT total_calls FROM phone_numbers")), 3);

    // Back to the default of one call per number.
    POOL_VERIFY_OK(Settings::set(*f.db, tester(), SettingKeys::PerNumberConcurrency, QStringLiteral("1")));
    f.renewAllocator();
    POOL_VERIFY_OK(f.allocate(QStringLiteral("Sakura Dental"), QStringLiteral("d0")));
    POOL_VERIFY_REFUSED(f.allocate(QStringLiteral("Sakura Dental"), QStringLiteral("d1")),
                        RefusalReason::PoolExhausted);
}

void TestAllocator::attachCallAndFindSession() {
    QFETCH(QString, engine);
    PoolFixture f(engine);
    f.addCompany(QStringLiteral("Sakura Dental"), Plan::Standard);
    f.addNumber(QStringLiteral("+14155550101"));
    f.addNumber(QStringLiteral("+14155550102"));
    auto a = f.allocate(QStringLiteral("Sakura Dental"), QStringLiteral("session-a"));
    POOL_VERIFY_OK(a);
    auto b = f.allocate(QStringLiteral("Sakura Dental"), QStringLiteral("session-b"));
    POOL_VERIFY_OK(b);
    const QString sid = QStringLiteral("CAaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
    POOL_VERIFY_OK(f.allocator->attachCall(QStringLiteral("session-a"), sid));
    QCOMPARE(f.status(a->e164), QStringLiteral("in_use"));
    QCOMPARE(f.status(b->e164), QStringLiteral("reserved"));
    auto found = f.allocator->sessionForCall(sid, QString(), std::nullopt, ProductionEnvironment);
    POOL_VERIFY_OK(found);
    QCOMPARE(found->session, QStringLiteral("session-a"));
    // Without a CallSid, an outbound call is found by its From number, when the session was
    // reserved before the call started: not when the start is unknown, nor when the session
    // began with the call or after it (the number went to it once the call ended).
    const qint64 reservedAt =
        scalar(*f.db, QStringLiteral("SELECT reserved_at FROM reservations WHERE session = 'session-b'"));
    auto byNumber = f.allocator->sessionForCall(QString(), b->e164, reservedAt + 1, ProductionEnvironment);
    POOL_VERIFY_OK(byNumber);
    QCOMPARE(byNumber->session, QStringLiteral("session-b"));
    POOL_VERIFY_REFUSED(f.allocator->sessionForCall(QString(), b->e164, std::nullopt, ProductionEnvironment),
                        RefusalReason::UnknownSession);
    POOL_VERIFY_REFUSED(f.allocator->sessionForCall(QString(), b->e164, reservedAt, ProductionEnvironment),
                        RefusalReason::UnknownSession);
    // One CallSid belongs to one session.
    auto duplicate = f.allocator->attachCall(QStringLiteral("session-b"), sid);
    QVERIFY(!duplicate.ok());
    QCOMPARE(duplicate.error().code, Error::Code::Conflict);
    POOL_VERIFY_REFUSED(f.allocator->attachCall(QStringLiteral("nobody"), QStringLiteral("CAbbbb")),
                        RefusalReason::UnknownSession);
    auto emptySid = f.allocator->attachCall(QStringLiteral("session-a"), QStringLiteral("  "));
    QVERIFY(!emptySid.ok());
    QCOMPARE(emptySid.error().code, Error::Code::InvalidInput);
    // The release keeps the attached CallSid, and the session is still found after the call.
    auto released = f.release(QStringLiteral("session-a"), 42);
    POOL_VERIFY_OK(released);
    QCOMPARE(released->record.callSid, sid);
    auto afterwards = f.allocator->sessionForCall(sid, QString(), std::nullopt, ProductionEnvironment);
    POOL_VERIFY_OK(afterwards);
    QCOMPARE(afterwards->session, QStringLiteral("session-a"));
    POOL_VERIFY_REFUSED(f.allocator->sessionForCall(QStringLiteral("CAunknown"), QString(), std::nullopt,
                                                    ProductionEnvironment),
                        RefusalReason::UnknownSession);
}

void TestAllocator::allocatorsOnTwoConnectionsNeverShare() {
    // Two connections interleaving allocations (as two processes would) get different numbers
    // until the pool is exhausted.
    QFETCH(QString, engine);
    PoolFixture f(engine);
    f.addCompany(QStringLiteral("Sakura Dental"), Plan::Standard);
    for (int i = 0; i < 4; ++i)
        f.addNumber(QStringLiteral("+1415555010%1").arg(i));
    auto other = f.db->openAnother();
    POOL_VERIFY_OK(other);
    Allocator second(*other.value());
    QSet<QString> held;
    for (int i = 0; i < 4; ++i) {
        Allocator &allocator = i % 2 ? second : *f.allocator;
        auto allocation =
            allocator.allocate({QStringLiteral("Sakura Dental"), QStringLiteral("op"),
                                QStringLiteral("s%1").arg(i), std::nullopt, ProductionEnvironment});
        POOL_VERIFY_OK(allocation);
        QVERIFY2(!held.contains(allocation->e164), qPrintable(allocation->e164));
        held.insert(allocation->e164);
    }
    POOL_VERIFY_REFUSED(second.allocate({QStringLiteral("Sakura Dental"), QStringLiteral("op"),
                                         QStringLiteral("s4"), std::nullopt, ProductionEnvironment}),
                        RefusalReason::PoolExhausted);
    // Released on one connection, allocated on the other.
    POOL_VERIFY_OK(f.release(QStringLiteral("s1"), 5));
    POOL_VERIFY_OK(second.allocate({QStringLiteral("Sakura Dental"), QStringLiteral("op"),
                                    QStringLiteral("s5"), std::nullopt, ProductionEnvironment}));
}

QTEST_GUILESS_MAIN(TestAllocator)
#include "tst_allocator.moc"
