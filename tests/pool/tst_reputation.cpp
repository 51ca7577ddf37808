// A number's health from its own calls, beside its peers, and the automatic rest of numbers
// significantly worse than them. Both engines.
#include "PoolTestSupport.h"
#include "pool/Reputation.h"

using namespace PoolDesk;
using namespace PoolDesk::Test;

namespace {

// Stores finished outbound calls of a number as the pool would have recorded them.
void addCalls(Database &db, const QString &e164, int answered, int unanswered, int blocked = 0) {
    const qint64 now = Clock::nowSecs();
    auto number = Sql::exec(
        db.connection(), QStringLiteral("SELECT id, dedicated_company_id FROM phone_numbers WHERE e164 = ?"),
        {e164});
    QVERIFY(number && number.value().next());
    const qint64 id = number.value().value(0).toLongLong();
    static int serial = 0;
    const auto add = [&](const QString &outcome, qint64 seconds, const QVariant &sip) {
        const QString session = QStringLiteral("call-%1").arg(++serial);
        QVERIFY(Sql::exec(
            db.connection(),
            QStringLiteral("INSERT INTO call_records (session, number_id, e164, company_id, operator, "
                           "direction, started_at, ended_at, duration_seconds, billed_minutes, "
                           "estimated_cost_micros, environment, outcome, sip_code) VALUES (?, ?, ?, "
                           "(SELECT id FROM companies LIMIT 1), 'op', 'outbound', ?, ?, ?, 1, 13000, "
                           "'production', ?, ?)"),
            {session, id, e164, now - 3600, now - 3600 + seconds, seconds, outcome, sip}));
    };
    const QVariant noSip(QMetaType(QMetaType::LongLong));
    for (int i = 0; i < answered; ++i)
        add(QStringLiteral("completed"), 45, noSip);
    for (int i = 0; i < unanswered; ++i)
        add(i % 2 ? QStringLiteral("no-answer") : QStringLiteral("busy"), 0, noSip);
    for (int i = 0; i < blocked; ++i)
        add(QStringLiteral("failed"), 0, 608);
}

const NumberHealth *find(const QList<NumberHealth> &all, const QString &e164) {
    for (const NumberHealth &h : all) {
        if (h.e164 == e164)
            return &h;
    }
    return nullptr;
}

} // namespace

class TestReputation : public QObject {
    Q_OBJECT

private slots:
    void healthBesidePeers_data() { addEngineRows(); }
    void healthBesidePeers();
    void reviewRestsTheWorstAndAuditsWhy_data() { addEngineRows(); }
    void reviewRestsTheWorstAndAuditsWhy();
    void releaseRecordsHowTheCallEnded_data() { addEngineRows(); }
    void releaseRecordsHowTheCallEnded();
    void healthyNumbersFirstAmongEquals_data() { addEngineRows(); }
    void healthyNumbersFirstAmongEquals();
};

void TestReputation::healthBesidePeers() {
    QFETCH(QString, engine);
    PoolFixture f(engine);
    f.addCompany(QStringLiteral("Sakura Dental"), Plan::Standard);
    const QString bad = QStringLiteral("+14155550101"), fine = QStringLiteral("+14155550102"),
                  also = QStringLiteral("+14155550103"), fresh = QStringLiteral("+14155550104"),
                  elsewhere = QStringLiteral("+12125550105");
    for (const QString &e164 : {bad, fine, also, fresh, elsewhere})
        f.addNumber(e164);
    addCalls(*f.db, bad, 5, 35);
    addCalls(*f.db, fine, 20, 20);
    addCalls(*f.db, also, 22, 18);
    addCalls(*f.db, fresh, 0, 2);
    addCalls(*f.db, elsewhere, 1, 0, 1);
    auto health = Reputation::health(*f.db, ProductionEnvironment);
    POOL_VERIFY_OK(health);
    QCOMPARE(health->size(), 5);

    const NumberHealth *worst = find(*health, bad);
    QVERIFY(worst);
    QCOMPARE(worst->calls, 40);
    QCOMPARE(worst->answered, 5);
    // Its peers are the other San Francisco numbers: 42 of 82 answered (the fresh one's 2 count).
    QVERIFY2(qAbs(worst->peerRate - 42.0 / 82.0) < 1e-9, qPrintable(QString::number(worst->peerRate)));
    QVERIFY(worst->zScore < Reputation::RestZ);
    QCOMPARE(worst->state, NumberHealth::State::Watch);
    // Pulled towards its peers by the prior, but still far below them.
    QVERIFY(worst->answerRate > 5.0 / 40.0 && worst->answerRate < worst->peerRate);

    QCOMPARE(find(*health, fine)->state, NumberHealth::State::Good);
    // Two unanswered calls prove nothing: the estimate stays near the peers'.
    const NumberHealth *young = find(*health, fresh);
    QCOMPARE(young->state, NumberHealth::State::Good);
    QVERIFY2(young->answerRate > 0.3, qPrintable(QString::number(young->answerRate)));
    // A call a carrier rejected as spam puts a number on watch at once.
    QCOMPARE(find(*health, elsewhere)->blocked, 1);
    QCOMPARE(find(*health, elsewhere)->state, NumberHealth::State::Watch);

    // One number alone.
    auto one = Reputation::health(*f.db, ProductionEnvironment, fine);
    POOL_VERIFY_OK(one);
    QCOMPARE(one->size(), 1);
    QCOMPARE(one->first().answered, 20);
}

void TestReputation::reviewRestsTheWorstAndAuditsWhy() {
    QFETCH(QString, engine);
    PoolFixture f(engine);
    f.addCompany(QStringLiteral("Sakura Dental"), Plan::Standard);
    const QString bad = QStringLiteral("+14155550101"), fine = QStringLiteral("+14155550102"),
                  also = QStringLiteral("+14155550103"), spam = QStringLiteral("+14155550104");
    for (const QString &e164 : {bad, fine, also, spam})
        f.addNumber(e164);
    addCalls(*f.db, bad, 5, 35);
    addCalls(*f.db, fine, 20, 20);
    addCalls(*f.db, also, 22, 18);
    addCalls(*f.db, spam, 2, 0, Reputation::RestBlocked);
    auto rested = Reputation::review(*f.db, ProductionEnvironment);
    POOL_VERIFY_OK(rested);
    QCOMPARE(rested->size(), 2);
    QCOMPARE(text(*f.db,
                  QStringLiteral("SELECT actor FROM audit_log WHERE action = 'number.rest' AND target = ?"),
                  {bad}),
             QStringLiteral("policy:reputation"));
    // The audit entry carries the figures that decided it.
    const QString after = text(
        *f.db, QStringLiteral("SELECT after_json FROM audit_log WHERE action = 'number.rest' AND target = ?"),
        {bad});
    QVERIFY2(after.contains(QStringLiteral("\"calls\":40")) &&
                 after.contains(QStringLiteral("\"answered\":5")),
             qPrintable(after));
    // Resting, they are not allocated; a second review changes nothing.
    for (int i = 0; i < 2; ++i) {
        auto held = f.allocate(QStringLiteral("Sakura Dental"), QStringLiteral("s%1").arg(i));
        POOL_VERIFY_OK(held);
        QVERIFY(held->e164 == fine || held->e164 == also);
    }
    auto again = Reputation::review(*f.db, ProductionEnvironment);
    POOL_VERIFY_OK(again);
    QCOMPARE(again->size(), 0);
    auto health = Reputation::health(*f.db, ProductionEnvironment, bad);
    POOL_VERIFY_OK(health);
    QCOMPARE(health->first().state, NumberHealth::State::Resting);
    QVERIFY(health->first().restingUntil > Clock::nowUtc().addDays(6));
    // Back in the pool, it starts afresh: the calls that rested it were judged already, so the
    // next review does not rest it again at once.
    POOL_VERIFY_OK(f.numbers.unrest(tester(), bad, ProductionEnvironment));
    QCOMPARE(text(*f.db,
                  QStringLiteral("SELECT action FROM audit_log WHERE target = ? ORDER BY id DESC LIMIT 1"),
                  {bad}),
             QStringLiteral("number.unrest"));
    auto afresh = Reputation::health(*f.db, ProductionEnvironment, bad);
    POOL_VERIFY_OK(afresh);
    QCOMPARE(afresh->first().calls, 0);
    QCOMPARE(afresh->first().state, NumberHealth::State::Good);
    auto third = Reputation::review(*f.db, ProductionEnvironment);
    POOL_VERIFY_OK(third);
    QCOMPARE(third->size(), 0);
}

void TestReputation::releaseRecordsHowTheCallEnded() {
    QFETCH(QString, engine);
    PoolFixture f(engine);
    f.addCompany(QStringLiteral("Sakura Dental"), Plan::Standard);
    f.addNumber(QStringLiteral("+14155550101"));
    POOL_VERIFY_OK(f.allocate(QStringLiteral("Sakura Dental"), QStringLiteral("s1")));
    ReleaseRequest release;
    release.session = QStringLiteral("s1");
    release.outcome = QStringLiteral("failed");
    release.sipCode = 608;
    POOL_VERIFY_OK(f.allocator->release(release));
    QCOMPARE(text(*f.db,
                  QStringLiteral("SELECT outcome || ' ' || sip_code FROM call_records WHERE session = 's1'")),
             QStringLiteral("failed 608"));
}

void TestReputation::healthyNumbersFirstAmongEquals() {
    QFETCH(QString, engine);
    PoolFixture f(engine);
    f.addCompany(QStringLiteral("Sakura Dental"), Plan::Standard);
    const QString watched = QStringLiteral("+14155550101"), good = QStringLiteral("+14155550102"),
                  peer = QStringLiteral("+14155550103");
    for (const QString &e164 : {watched, good, peer})
        f.addNumber(e164);
    // Answered 2 of 16 beside peers at a half: watched (too few calls to rest).
    addCalls(*f.db, watched, 2, 14);
    addCalls(*f.db, good, 10, 10);
    addCalls(*f.db, peer, 10, 10);
    // The watched number has been idle longest, so without its health it would go first.
    const auto idleOrder = [&] {
        int order = 0;
        for (const QString &e164 : {watched, good, peer})
            QVERIFY(Sql::exec(f.db->connection(),
                              QStringLiteral("UPDATE phone_numbers SET last_used_at = ? WHERE e164 = ?"),
                              {1'000'000 + 1000 * ++order, e164}));
    };
    const auto call = [&](const QString &session, const QString &to) {
        return f.allocator->allocate({QStringLiteral("Sakura Dental"), QStringLiteral("op-1"), session,
                                      std::nullopt, ProductionEnvironment, to});
    };
    const QString sanFrancisco = QStringLiteral("+14155550199"), denver = QStringLiteral("+13035550199");
    idleOrder();
    // (Another callee: this one would be given the same number again, as sticky caller ID.)
    auto before = call(QStringLiteral("s0"), QStringLiteral("+14155550198"));
    POOL_VERIFY_OK(before);
    QCOMPARE(before->e164, watched);
    POOL_VERIFY_OK(f.release(QStringLiteral("s0")));

    auto rested = Reputation::review(*f.db, ProductionEnvironment);
    POOL_VERIFY_OK(rested);
    QCOMPARE(rested->size(), 0);
    QCOMPARE(text(*f.db, QStringLiteral("SELECT health_watch FROM phone_numbers WHERE e164 = ?"), {watched}),
             QStringLiteral("1"));
    idleOrder();
    // Among numbers that match no better than "any", a good one first.
    auto any = call(QStringLiteral("s1"), denver);
    POOL_VERIFY_OK(any);
    QCOMPARE(any->e164, good);
    QCOMPARE(any->match, PickMatch::Any);
    // In the callee's area code, the good one left first; the watched one still before a number
    // from elsewhere would be, since it is local.
    auto local = call(QStringLiteral("s2"), sanFrancisco);
    POOL_VERIFY_OK(local);
    QCOMPARE(local->e164, peer);
    auto last = call(QStringLiteral("s3"), sanFrancisco);
    POOL_VERIFY_OK(last);
    QCOMPARE(last->e164, watched);
    QCOMPARE(last->match, PickMatch::AreaCode);
    for (const char *s : {"s1", "s2", "s3"})
        POOL_VERIFY_OK(f.release(QString::fromLatin1(s)));

    // Its calls improve: the next review lifts the watch, and idle longest it goes first again.
    addCalls(*f.db, watched, 30, 0);
    POOL_VERIFY_OK(Reputation::review(*f.db, ProductionEnvironment));
    QCOMPARE(text(*f.db, QStringLiteral("SELECT health_watch FROM phone_numbers WHERE e164 = ?"), {watched}),
             QStringLiteral("0"));
    idleOrder();
    auto again = call(QStringLiteral("s4"), QStringLiteral("+13035550198"));
    POOL_VERIFY_OK(again);
    QCOMPARE(again->e164, watched);
}

QTEST_GUILESS_MAIN(TestReputation)
#include "tst_reputation.moc"
