// The right caller ID for each call: sticky for a callee, local to them, within the caller policy's
// caps, rests and calling hours. Every test runs on both engines, whose pick statements are built
// from the one PickOrder.
#include "PoolTestSupport.h"
#include "pool/CallerPolicy.h"
#include "pool/StickyCallees.h"
#include "storage/PickOrder.h"
#include "storage/Settings.h"

#include <QTimeZone>

using namespace PoolDesk;
using namespace PoolDesk::Test;

namespace {

const QString Sakura = QStringLiteral("Sakura Dental");

struct CallerIdFixture : PoolFixture {
    using PoolFixture::PoolFixture;

    Result<Allocation> call(const QString &company, const QString &session, const QString &to) {
        return allocator->allocate(
            {company, QStringLiteral("op-1"), session, std::nullopt, ProductionEnvironment, to});
    }
    // Allocates and releases at once: one finished call to the callee.
    Allocation callAndHangUp(const QString &company, const QString &session, const QString &to) {
        auto held = call(company, session, to);
        if (!held)
            qFatal("%s", qPrintable(describe(held.error())));
        if (auto released = release(session); !released)
            qFatal("%s", qPrintable(describe(released.error())));
        return held.value();
    }
    void setPolicy(const QString &key, const QString &value) {
        if (auto set = CallerPolicy::set(*db, tester(), key, value); !set)
            qFatal("%s", qPrintable(describe(set.error())));
        renewAllocator();
    }
};

// Pins the clock to an instant (UTC) for the life of the object.
struct PinnedClock {
    explicit PinnedClock(const QDateTime &at) {
        Clock::setOffsetForTesting(at.toSecsSinceEpoch() - QDateTime::currentSecsSinceEpoch());
    }
    ~PinnedClock() { Clock::setOffsetForTesting(0); }
    void advance(qint64 seconds) {
        Clock::setOffsetForTesting(Clock::nowSecs() + seconds - QDateTime::currentSecsSinceEpoch());
    }
};

// A winter weekday at 14:00 UTC: 09:00 in New York, 06:00 in Los Angeles.
QDateTime winterAfternoonUtc() {
    return QDateTime(QDate(2027, 1, 13), QTime(14, 0), QTimeZone::utc());
}

} // namespace

class TestCallerId : public QObject {
    Q_OBJECT

private slots:
    void cleanup() { Clock::setOffsetForTesting(0); }

    void stickyCalleeGetsTheSameNumber_data() { addEngineRows(); }
    void stickyCalleeGetsTheSameNumber();
    void stickinessBelongsToTheCompany_data() { addEngineRows(); }
    void stickinessBelongsToTheCompany();
    void localPresenceMatches_data() { addEngineRows(); }
    void localPresenceMatches();
    void dedicatedNumbersLocalFirst_data() { addEngineRows(); }
    void dedicatedNumbersLocalFirst();
    void callRecordKeepsCalleeAndMatch_data() { addEngineRows(); }
    void callRecordKeepsCalleeAndMatch();
    void badDestinationIsRefused_data() { addEngineRows(); }
    void badDestinationIsRefused();

    void dailyCapSkipsThenRefuses_data() { addEngineRows(); }
    void dailyCapSkipsThenRefuses();
    void hourlyCapAndMinimumGap_data() { addEngineRows(); }
    void hourlyCapAndMinimumGap();
    void warmupLowersANewNumbersCap_data() { addEngineRows(); }
    void warmupLowersANewNumbersCap();
    void restedNumbersAreNeverAllocated_data() { addEngineRows(); }
    void restedNumbersAreNeverAllocated();
    void cooldownBetweenCompanies_data() { addEngineRows(); }
    void cooldownBetweenCompanies();
    void callingHoursInTheCalleesZone_data() { addEngineRows(); }
    void callingHoursInTheCalleesZone();

    void staleCalleesAreForgotten_data() { addEngineRows(); }
    void staleCalleesAreForgotten();
    void policyKeysAreChecked_data() { addEngineRows(); }
    void policyKeysAreChecked();
    void postgresqlPicksInPickOrdersOrder();
};

void TestCallerId::stickyCalleeGetsTheSameNumber() {
    QFETCH(QString, engine);
    CallerIdFixture f(engine);
    f.addCompany(Sakura, Plan::Standard);
    for (const char *e164 : {"+13035550101", "+13035550102", "+13035550103"})
        f.addNumber(QString::fromLatin1(e164));
    const QString callee = QStringLiteral("+12125550199");
    const Allocation first = f.callAndHangUp(Sakura, QStringLiteral("s1"), callee);
    QCOMPARE(first.match, PickMatch::Any);
    // Three more calls to others: the first number has the most calls today now...
    f.callAndHangUp(Sakura, QStringLiteral("s2"), QStringLiteral("+12125550111"));
    f.callAndHangUp(Sakura, QStringLiteral("s3"), QStringLiteral("+12125550112"));
    QCOMPARE(f.callAndHangUp(Sakura, QStringLiteral("s3b"), QStringLiteral("+12125550113")).e164, first.e164);
    // ...so the least used is another, but the callee gets the number they saw.
    auto again = f.call(Sakura, QStringLiteral("s4"), callee);
    POOL_VERIFY_OK(again);
    QCOMPARE(again->e164, first.e164);
    QCOMPARE(again->match, PickMatch::Sticky);
    POOL_VERIFY_OK(f.release(QStringLiteral("s4")));

    // Busy, the sticky number gives way.
    auto holder = f.call(Sakura, QStringLiteral("s5"), callee);
    POOL_VERIFY_OK(holder);
    auto whileBusy = f.call(Sakura, QStringLiteral("s6"), callee);
    POOL_VERIFY_OK(whileBusy);
    QVERIFY(whileBusy->e164 != first.e164);
    QVERIFY(whileBusy->match != PickMatch::Sticky);
    POOL_VERIFY_OK(f.release(QStringLiteral("s5")));
    POOL_VERIFY_OK(f.release(QStringLiteral("s6")));

    // Past sticky_days the callee is a stranger again.
    f.setPolicy(QStringLiteral("sticky_days"), QStringLiteral("2"));
    ClockShift clock;
    clock.set(3 * 86400);
    auto later = f.call(Sakura, QStringLiteral("s7"), QStringLiteral("+12125550111"));
    POOL_VERIFY_OK(later);
    QCOMPARE(later->match, PickMatch::Any);
}

void TestCallerId::stickinessBelongsToTheCompany() {
    QFETCH(QString, engine);
    CallerIdFixture f(engine);
    f.addCompany(Sakura, Plan::Standard);
    f.addCompany(QStringLiteral("Aoba Clinic"), Plan::Standard);
    f.addNumber(QStringLiteral("+13035550101"));
    f.addNumber(QStringLiteral("+13035550102"));
    const QString callee = QStringLiteral("+12125550199");
    const Allocation sakura = f.callAndHangUp(Sakura, QStringLiteral("s1"), callee);
    // Aoba calling the same person is not given Sakura's number because of Sakura's call.
    auto aoba = f.call(QStringLiteral("Aoba Clinic"), QStringLiteral("s2"), callee);
    POOL_VERIFY_OK(aoba);
    QVERIFY(aoba->e164 != sakura.e164);
    QCOMPARE(aoba->match, PickMatch::Any);
    // A number becomes the callee's when the call ends, not when it is handed out: an abandoned
    // call showed them nothing.
    const QString count = QStringLiteral("SELECT COUNT(*) FROM callee_numbers WHERE callee = ?");
    QCOMPARE(scalar(*f.db, count, {callee}), 1);
    POOL_VERIFY_OK(f.release(QStringLiteral("s2")));
    QCOMPARE(scalar(*f.db, count, {callee}), 2);
}

void TestCallerId::localPresenceMatches() {
    QFETCH(QString, engine);
    CallerIdFixture f(engine);
    f.addCompany(Sakura, Plan::Standard);
    const QString manhattan = QStringLiteral("+12125550101");    // area code 212, New York
    const QString binghamton = QStringLiteral("+16075550102");   // area code 607, New York
    const QString sanFrancisco = QStringLiteral("+14155550103"); // area code 415, California
    for (const QString &e164 : {manhattan, binghamton, sanFrancisco})
        f.addNumber(e164);
    QCOMPARE(text(*f.db,
                  QStringLiteral("SELECT area_code || ' ' || region FROM phone_numbers WHERE e164 = ?"),
                  {sanFrancisco}),
             QStringLiteral("1415 US-CA"));

    auto area = f.call(Sakura, QStringLiteral("s1"), QStringLiteral("+1 212 555 0199"));
    POOL_VERIFY_OK(area);
    QCOMPARE(area->e164, manhattan);
    QCOMPARE(area->match, PickMatch::AreaCode);
    // Syracuse (315) has no number here; the state has two, one of them busy.
    auto region = f.call(Sakura, QStringLiteral("s2"), QStringLiteral("+13155550199"));
    POOL_VERIFY_OK(region);
    QCOMPARE(region->e164, binghamton);
    QCOMPARE(region->match, PickMatch::Region);
    // Los Angeles (310): California's number.
    auto california = f.call(Sakura, QStringLiteral("s3"), QStringLiteral("+13105550199"));
    POOL_VERIFY_OK(california);
    QCOMPARE(california->e164, sanFrancisco);
    QCOMPARE(california->match, PickMatch::Region);
    for (const char *s : {"s1", "s2", "s3"})
        POOL_VERIFY_OK(f.release(QString::fromLatin1(s)));

    // Denver has nothing local: any number, the one idle longest.
    auto any = f.call(Sakura, QStringLiteral("s4"), QStringLiteral("+13035550199"));
    POOL_VERIFY_OK(any);
    QCOMPARE(any->match, PickMatch::Any);
    QCOMPARE(any->e164, manhattan);
    POOL_VERIFY_OK(f.release(QStringLiteral("s4")));

    // Off, the area code is not looked at: the least used number, not Manhattan's.
    f.setPolicy(QStringLiteral("local_presence"), QStringLiteral("off"));
    auto off = f.call(Sakura, QStringLiteral("s5"), QStringLiteral("+12125550198"));
    POOL_VERIFY_OK(off);
    QCOMPARE(off->e164, binghamton);
    QCOMPARE(off->match, PickMatch::Any); // the rule that picked it, though it is in the callee's state
}

void TestCallerId::dedicatedNumbersLocalFirst() {
    QFETCH(QString, engine);
    CallerIdFixture f(engine);
    const qint64 hybrid = f.addCompany(Sakura, Plan::Hybrid);
    f.addNumber(QStringLiteral("+12125550101")); // shared, local to the callee
    f.addNumber(QStringLiteral("+13035550102"), hybrid);
    f.addNumber(QStringLiteral("+14155550103"), hybrid);
    // The company's own numbers come first; among them the local one.
    auto local = f.call(Sakura, QStringLiteral("s1"), QStringLiteral("+14155550199"));
    POOL_VERIFY_OK(local);
    QCOMPARE(local->e164, QStringLiteral("+14155550103"));
    QVERIFY(local->dedicated);
    QCOMPARE(local->match, PickMatch::AreaCode);
    auto other = f.call(Sakura, QStringLiteral("s2"), QStringLiteral("+14155550198"));
    POOL_VERIFY_OK(other);
    QCOMPARE(other->e164, QStringLiteral("+13035550102"));
    QCOMPARE(other->match, PickMatch::Any);
}

void TestCallerId::callRecordKeepsCalleeAndMatch() {
    QFETCH(QString, engine);
    CallerIdFixture f(engine);
    f.addCompany(Sakura, Plan::Standard);
    f.addNumber(QStringLiteral("+12125550101"));
    f.callAndHangUp(Sakura, QStringLiteral("s1"), QStringLiteral("+12125550199"));
    POOL_VERIFY_OK(f.allocate(Sakura, QStringLiteral("s2")));
    POOL_VERIFY_OK(f.release(QStringLiteral("s2")));
    QCOMPARE(text(*f.db, QStringLiteral(
                             "SELECT callee || ' ' || pick_match FROM call_records WHERE session = 's1'")),
             QStringLiteral("+12125550199 area_code"));
    // A request without a callee records neither.
    QCOMPARE(
        scalar(*f.db, QStringLiteral("SELECT COUNT(*) FROM call_records WHERE session = 's2' AND callee IS "
                                     "NULL AND pick_match IS NULL")),
        1);
}

void TestCallerId::badDestinationIsRefused() {
    QFETCH(QString, engine);
    CallerIdFixture f(engine);
    f.addCompany(Sakura, Plan::Standard);
    f.addNumber(QStringLiteral("+12125550101"));
    for (const char *to : {"2125550199", "+1212", "+1-800-FLOWERS", "tel:+12125550199"}) {
        auto refused = f.call(Sakura, QStringLiteral("s1"), QString::fromLatin1(to));
        QVERIFY2(!refused, to);
        QCOMPARE(refused.error().code, Error::Code::InvalidInput);
        QVERIFY(refused.error().message.contains(QString::fromLatin1(to)));
    }
    QCOMPARE(f.reservations(), 0);
}

void TestCallerId::dailyCapSkipsThenRefuses() {
    QFETCH(QString, engine);
    CallerIdFixture f(engine);
    f.addCompany(Sakura, Plan::Standard);
    const QString local = QStringLiteral("+12125550101"), other = QStringLiteral("+13035550102");
    f.addNumber(local);
    f.addNumber(other);
    PinnedClock clock(winterAfternoonUtc());
    f.setPolicy(QStringLiteral("daily_cap"), QStringLiteral("2"));
    const QString callee = QStringLiteral("+12125550199");
    // The local number carries two calls, then is skipped (not refused) for the other...
    for (int i = 0; i < 2; ++i)
        QCOMPARE(
            f.callAndHangUp(Sakura, QStringLiteral("a%1").arg(i), QStringLiteral("+1212555010%1").arg(i + 2))
                .e164,
            local);
    QCOMPARE(f.callAndHangUp(Sakura, QStringLiteral("a2"), callee).e164, other);
    QCOMPARE(f.callAndHangUp(Sakura, QStringLiteral("a3"), callee).e164, other);
    // ...and with both at their cap the refusal says so.
    POOL_VERIFY_REFUSED(f.call(Sakura, QStringLiteral("a4"), callee), RefusalReason::NumbersCapped);
    // A new day starts the count again.
    clock.advance(86400);
    f.renewAllocator();
    auto tomorrow = f.call(Sakura, QStringLiteral("a5"), callee);
    POOL_VERIFY_OK(tomorrow);
}

void TestCallerId::hourlyCapAndMinimumGap() {
    QFETCH(QString, engine);
    CallerIdFixture f(engine);
    f.addCompany(Sakura, Plan::Standard);
    f.addNumber(QStringLiteral("+12125550101"));
    PinnedClock clock(winterAfternoonUtc());
    f.setPolicy(QStringLiteral("hourly_cap"), QStringLiteral("1"));
    f.callAndHangUp(Sakura, QStringLiteral("h1"), QStringLiteral("+12125550199"));
    POOL_VERIFY_REFUSED(f.allocate(Sakura, QStringLiteral("h2")), RefusalReason::NumbersCapped);
    clock.advance(3600);
    f.renewAllocator();
    f.callAndHangUp(Sakura, QStringLiteral("h3"), QStringLiteral("+12125550199"));

    f.setPolicy(QStringLiteral("hourly_cap"), QStringLiteral("0"));
    f.setPolicy(QStringLiteral("min_gap_seconds"), QStringLiteral("90"));
    POOL_VERIFY_REFUSED(f.allocate(Sakura, QStringLiteral("g1")), RefusalReason::NumbersCapped);
    clock.advance(91);
    f.renewAllocator();
    POOL_VERIFY_OK(f.allocate(Sakura, QStringLiteral("g2")));
}

void TestCallerId::warmupLowersANewNumbersCap() {
    QFETCH(QString, engine);
    CallerIdFixture f(engine);
    f.addCompany(Sakura, Plan::Standard);
    const QString fresh = QStringLiteral("+12125550101");
    f.addNumber(fresh);
    f.setPolicy(QStringLiteral("daily_cap"), QStringLiteral("10"));
    f.setPolicy(QStringLiteral("warmup_days"), QStringLiteral("5"));
    // On its first day a number gets 10 * 1/5 = 2 calls.
    f.callAndHangUp(Sakura, QStringLiteral("w1"), QString());
    f.callAndHangUp(Sakura, QStringLiteral("w2"), QString());
    POOL_VERIFY_REFUSED(f.allocate(Sakura, QStringLiteral("w3")), RefusalReason::NumbersCapped);
    // Warmed up (added five days ago), it takes the full cap.
    POOL_VERIFY_OK(Sql::exec(f.db->connection(),
                             QStringLiteral("UPDATE phone_numbers SET created_at = created_at - 5 * 86400")));
    f.renewAllocator();
    POOL_VERIFY_OK(f.allocate(Sakura, QStringLiteral("w4")));
}

void TestCallerId::restedNumbersAreNeverAllocated() {
    QFETCH(QString, engine);
    CallerIdFixture f(engine);
    f.addCompany(Sakura, Plan::Standard);
    const QString rested = QStringLiteral("+12125550101"), other = QStringLiteral("+13035550102");
    f.addNumber(rested);
    f.addNumber(other);
    POOL_VERIFY_OK(f.numbers.rest(tester(), rested, ProductionEnvironment, Clock::nowUtc().addDays(7),
                                  QStringLiteral("complaints")));
    QCOMPARE(scalar(*f.db,
                    QStringLiteral("SELECT COUNT(*) FROM audit_log WHERE action = 'number.rest' AND "
                                   "target = ?"),
                    {rested}),
             1);
    // Even for its own area code, and even sticky, the rested number is passed over.
    for (int i = 0; i < 2; ++i)
        QCOMPARE(f.callAndHangUp(Sakura, QStringLiteral("r%1").arg(i), QStringLiteral("+12125550199")).e164,
                 other);
    auto holding = f.call(Sakura, QStringLiteral("r2"), QStringLiteral("+12125550199"));
    POOL_VERIFY_OK(holding);
    POOL_VERIFY_REFUSED(f.call(Sakura, QStringLiteral("r3"), QStringLiteral("+12125550199")),
                        RefusalReason::NumbersCapped);
    POOL_VERIFY_OK(f.numbers.unrest(tester(), rested, ProductionEnvironment));
    auto back = f.call(Sakura, QStringLiteral("r4"), QStringLiteral("+12125550199"));
    POOL_VERIFY_OK(back);
    QCOMPARE(back->e164, rested);
    POOL_VERIFY_OK(f.release(QStringLiteral("r4")));

    // A rest that has run out is over by itself.
    POOL_VERIFY_OK(f.numbers.rest(tester(), rested, ProductionEnvironment, Clock::nowUtc().addSecs(60),
                                  QStringLiteral("short")));
    f.renewAllocator();
    POOL_VERIFY_REFUSED(f.call(Sakura, QStringLiteral("r5"), QStringLiteral("+12125550199")),
                        RefusalReason::NumbersCapped);
    ClockShift clock;
    clock.set(61);
    POOL_VERIFY_OK(f.call(Sakura, QStringLiteral("r6"), QStringLiteral("+12125550199")));
}

void TestCallerId::cooldownBetweenCompanies() {
    QFETCH(QString, engine);
    CallerIdFixture f(engine);
    f.addCompany(Sakura, Plan::Standard);
    f.addCompany(QStringLiteral("Aoba Clinic"), Plan::Standard);
    f.addNumber(QStringLiteral("+12125550101"));
    f.setPolicy(QStringLiteral("tenant_cooldown_days"), QStringLiteral("1"));
    f.callAndHangUp(Sakura, QStringLiteral("c1"), QString());
    POOL_VERIFY_REFUSED(f.allocate(QStringLiteral("Aoba Clinic"), QStringLiteral("c2")),
                        RefusalReason::NumbersCapped);
    // The company that used it last may go on.
    f.callAndHangUp(Sakura, QStringLiteral("c3"), QString());
    ClockShift clock;
    clock.set(86400 + 1);
    f.renewAllocator();
    POOL_VERIFY_OK(f.allocate(QStringLiteral("Aoba Clinic"), QStringLiteral("c4")));
    // A number carrying one company's call is not shared with another meanwhile, even when it
    // may carry two calls at once.
    POOL_VERIFY_OK(Settings::set(*f.db, tester(), SettingKeys::PerNumberConcurrency, QStringLiteral("2")));
    f.renewAllocator();
    POOL_VERIFY_REFUSED(f.allocate(Sakura, QStringLiteral("c5")), RefusalReason::NumbersCapped);
    POOL_VERIFY_OK(f.allocate(QStringLiteral("Aoba Clinic"), QStringLiteral("c6")));
}

void TestCallerId::callingHoursInTheCalleesZone() {
    QFETCH(QString, engine);
    CallerIdFixture f(engine);
    f.addCompany(Sakura, Plan::Standard);
    f.addNumber(QStringLiteral("+12125550101"));
    f.addNumber(QStringLiteral("+14155550102"));
    PinnedClock clock(winterAfternoonUtc());
    // Off by default: any hour.
    POOL_VERIFY_OK(f.call(Sakura, QStringLiteral("k1"), QStringLiteral("+14155550199")));
    POOL_VERIFY_OK(f.release(QStringLiteral("k1")));
    f.setPolicy(QStringLiteral("calling_hours"), QStringLiteral("08:00-21:00"));
    // 09:00 in New York...
    POOL_VERIFY_OK(f.call(Sakura, QStringLiteral("k2"), QStringLiteral("+12125550199")));
    // ...but 06:00 in San Francisco.
    auto early = f.call(Sakura, QStringLiteral("k3"), QStringLiteral("+14155550199"));
    QVERIFY(!early);
    QCOMPARE(early.error().reason, RefusalReason::OutsideCallingHours);
    QVERIFY2(early.error().message.contains(QStringLiteral("06:00")), qPrintable(early.error().message));
    QVERIFY(early.error().message.contains(QStringLiteral("America/Los_Angeles")));
    POOL_VERIFY_OK(f.release(QStringLiteral("k2")));
    // Two hours later both are open; at 02:00 UTC New York's evening is over (21:00).
    clock.advance(2 * 3600);
    POOL_VERIFY_OK(f.call(Sakura, QStringLiteral("k4"), QStringLiteral("+14155550199")));
    POOL_VERIFY_OK(f.release(QStringLiteral("k4")));
    clock.advance(10 * 3600);
    POOL_VERIFY_REFUSED(f.call(Sakura, QStringLiteral("k5"), QStringLiteral("+12125550198")),
                        RefusalReason::OutsideCallingHours);
    // A call without a callee is not checked: the pool cannot know where it goes.
    POOL_VERIFY_OK(f.allocate(Sakura, QStringLiteral("k6")));
}

void TestCallerId::staleCalleesAreForgotten() {
    QFETCH(QString, engine);
    CallerIdFixture f(engine);
    f.addCompany(Sakura, Plan::Standard);
    f.addCompany(QStringLiteral("Kaede Clinic"), Plan::Standard);
    f.addNumber(QStringLiteral("+13035550101"));
    f.addNumber(QStringLiteral("+13035550102"));
    const QString recent = QStringLiteral("+12125550111"), old = QStringLiteral("+12125550112"),
                  gone = QStringLiteral("+12125550113");
    // Callees of two companies, in an order the batches below cut across.
    f.callAndHangUp(Sakura, QStringLiteral("s1"), recent);
    f.callAndHangUp(QStringLiteral("Kaede Clinic"), QStringLiteral("s2"), recent);
    f.callAndHangUp(Sakura, QStringLiteral("s3"), old);
    f.callAndHangUp(QStringLiteral("Kaede Clinic"), QStringLiteral("s4"), old);
    const Allocation toGone = f.callAndHangUp(Sakura, QStringLiteral("s5"), gone);
    const auto count = [&] { return text(*f.db, QStringLiteral("SELECT COUNT(*) FROM callee_numbers")); };
    QCOMPARE(count(), QStringLiteral("5"));
    // The old callee's last calls were 40 days ago; the other's number left the pool.
    QVERIFY(Sql::exec(f.db->connection(),
                      QStringLiteral("UPDATE callee_numbers SET last_called_at = last_called_at - 40 * 86400 "
                                     "WHERE callee = ?"),
                      {old}));
    QVERIFY(Sql::exec(
        f.db->connection(),
        QStringLiteral("UPDATE callee_numbers SET number_id = number_id + 1000 WHERE callee = ?"), {gone}));
    Q_UNUSED(toGone);

    // Two rows a batch: the walk takes three batches and keeps only the two recent rows.
    StickyCallees::Cursor cursor;
    int forgotten = 0, batches = 0;
    const qint64 before = Clock::nowSecs() - 30 * 86400;
    while (!cursor.done) {
        auto batch = StickyCallees::forgetStale(*f.db, before, cursor, 2);
        POOL_VERIFY_OK(batch);
        forgotten += batch.value();
        ++batches;
    }
    QCOMPARE(forgotten, 3);
    QCOMPARE(batches, 3);
    QCOMPARE(count(), QStringLiteral("2"));
    QCOMPARE(text(*f.db, QStringLiteral("SELECT MIN(callee) || ' ' || MAX(callee) FROM callee_numbers")),
             recent + QLatin1Char(' ') + recent);
    // The recent callee is still given the number they saw.
    auto again = f.call(Sakura, QStringLiteral("s6"), recent);
    POOL_VERIFY_OK(again);
    QCOMPARE(again->match, PickMatch::Sticky);
    POOL_VERIFY_OK(f.release(QStringLiteral("s6")));

    // sticky_days 0 (off) leaves nothing worth keeping.
    f.setPolicy(QStringLiteral("sticky_days"), QStringLiteral("0"));
    auto all = StickyCallees::forgetAllStale(*f.db);
    POOL_VERIFY_OK(all);
    QCOMPARE(all.value(), 2);
    QCOMPARE(count(), QStringLiteral("0"));
}

void TestCallerId::policyKeysAreChecked() {
    QFETCH(QString, engine);
    CallerIdFixture f(engine);
    const CallerPolicy defaults = CallerPolicy::load(*f.db);
    QCOMPARE(defaults.text(QStringLiteral("sticky_days")), QStringLiteral("30"));
    QCOMPARE(defaults.text(QStringLiteral("local_presence")), QStringLiteral("on"));
    QCOMPARE(defaults.text(QStringLiteral("calling_hours")), QStringLiteral("off"));
    QCOMPARE(defaults.text(QStringLiteral("daily_cap")), QStringLiteral("0"));
    QCOMPARE(CallerPolicy::keys().size(), 9);
    const std::pair<const char *, const char *> refused[] = {
        {"no_such_key", "1"},
        {"daily_cap", "-1"},
        {"daily_cap", "many"},
        {"local_presence", "yes"},
        {"calling_hours", "21:00-08:00"},
        {"calling_hours", "8-21"},
    };
    for (const auto &[key, value] : refused) {
        auto set = CallerPolicy::set(*f.db, tester(), QString::fromLatin1(key), QString::fromLatin1(value));
        QVERIFY2(!set, key);
        QCOMPARE(set.error().code, Error::Code::InvalidInput);
    }
    POOL_VERIFY_OK(CallerPolicy::set(*f.db, tester(), QStringLiteral("calling_hours"),
                                     QStringLiteral(" 09:30 - 20:00 ")));
    QCOMPARE(CallerPolicy::load(*f.db).text(QStringLiteral("calling_hours")), QStringLiteral("09:30-20:00"));
    QCOMPARE(scalar(*f.db, QStringLiteral("SELECT COUNT(*) FROM audit_log WHERE action = 'settings.set' AND "
                                          "target = 'policy.calling_hours'")),
             1);
}

// PostgreSQL's pick is spelled out when a migration creates pooldesk_allocate; SQLite's is built
// at every start. A change to PickOrder without a migration that re-creates the function would
// leave the engines picking differently: this fails first.
void TestCallerId::postgresqlPicksInPickOrdersOrder() {
    PoolFixture f(QStringLiteral("postgresql"));
    const QString body =
        text(*f.db, QStringLiteral("SELECT prosrc FROM pg_proc WHERE proname = 'pooldesk_allocate'"));
    QVERIFY2(body.contains(PickOrder::postgresqlPick()),
             "pooldesk_allocate does not pick in PickOrder's order: add a migration that re-creates it");
    QVERIFY(body.contains(PickOrder::postgresqlMatch()));
}

QTEST_GUILESS_MAIN(TestCallerId)
#include "tst_callerid.moc"
