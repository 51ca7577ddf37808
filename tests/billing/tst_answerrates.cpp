// The Usage view's answer rate by number: rates per day or week of the billing zone, thin buckets
// left as gaps, the numbers worth a line, and a manager counting only their own calls. Both engines.
#include "CostSeed.h"
#include "billing/AnswerRates.h"
#include "domain/Clock.h"
#include "security/Identity.h"
#include "storage/Settings.h"

#include <QUrl>
#include <QUuid>

using namespace PoolDesk;

namespace {

const QString Prod = QStringLiteral("production");

struct Outcomes {
    int answered = 0;   // completed, 45 s
    int unanswered = 0; // busy and no-answer in turn
    int blocked = 0;    // failed with SIP 608
    int longWithoutOutcome = 0;
    int shortWithoutOutcome = 0; // says nothing: not counted
};

// Outbound calls of a number starting at `at`, a minute apart, as releases record them.
void addCalls(Database &db, qint64 numberId, const QString &e164, qint64 company, qint64 at,
              const Outcomes &o, const QString &environment = Prod) {
    const QVariant none(QMetaType(QMetaType::QString)), noSip(QMetaType(QMetaType::LongLong));
    const auto add = [&](const QVariant &outcome, qint64 seconds, const QVariant &sip) {
        QVERIFY(
            Sql::exec(db.connection(),
                      QStringLiteral("INSERT INTO call_records (number_id, e164, company_id, operator, "
                                     "direction, started_at, ended_at, duration_seconds, billed_minutes, "
                                     "estimated_cost_micros, environment, outcome, sip_code) VALUES (?, ?, "
                                     "?, 'op', 'outbound', ?, ?, ?, 1, 13000, ?, ?, ?)"),
                      {numberId, e164, company, at, at + seconds, seconds, environment, outcome, sip}));
        at += 60;
    };
    for (int i = 0; i < o.answered; ++i)
        add(QStringLiteral("completed"), 45, noSip);
    for (int i = 0; i < o.unanswered; ++i)
        add(i % 2 ? QStringLiteral("no-answer") : QStringLiteral("busy"), 0, noSip);
    for (int i = 0; i < o.blocked; ++i)
        add(QStringLiteral("failed"), 0, 608);
    for (int i = 0; i < o.longWithoutOutcome; ++i)
        add(none, 30, noSip);
    for (int i = 0; i < o.shortWithoutOutcome; ++i)
        add(none, 2, noSip);
}

struct Pool {
    std::unique_ptr<Database> db;
    QString url;
    qint64 acme = 0, beta = 0;
    QList<qint64> ids; // +14155550101 ... +14155550107, shared
    QString e164(int n) const { return QStringLiteral("+141555501%1").arg(n, 2, 10, QLatin1Char('0')); }
    qint64 id(int n) const { return ids.at(n - 1); }
};

Pool seedPool(const QString &engine, int numbers = 7) {
    Pool pool;
    pool.url = Test::freshDatabaseUrl(engine);
    auto opened = Database::open(pool.url);
    if (!opened)
        qFatal("cannot open a test database: %s", qPrintable(opened.error().message));
    pool.db = std::move(opened).value();
    const Actor actor{QStringLiteral("user:test")};
    pool.acme = Companies(*pool.db).add(actor, QStringLiteral("Acme"), Plan::Standard)->id;
    pool.beta = Companies(*pool.db).add(actor, QStringLiteral("Beta"), Plan::Hybrid)->id;
    for (int n = 1; n <= numbers; ++n)
        pool.ids.append(
            Test::seedNumber(*pool.db, pool.e164(n), Prod, std::nullopt, 1'150'000, Test::utc(2026, 1, 10)));
    return pool;
}

const AnswerRates::Line *lineOf(const AnswerRates::Series &series, const QString &e164) {
    for (const AnswerRates::Line &line : series.numbers) {
        if (line.e164 == e164)
            return &line;
    }
    return nullptr;
}

QList<qint64> callsPerBucket(const AnswerRates::Line &line) {
    QList<qint64> calls;
    for (const AnswerRates::Bucket &bucket : line.buckets)
        calls.append(bucket.calls);
    return calls;
}

} // namespace

class TestAnswerRates : public QObject {
    Q_OBJECT
private slots:
    void init() {
        // Health is worked out over the 14 days before "now": let now be 20 March 2026.
        Clock::setOffsetForTesting(Test::utc(2026, 3, 20, 12) - QDateTime::currentSecsSinceEpoch());
    }
    void cleanup() { Clock::setOffsetForTesting(0); }

    void ratesPerDayWithGaps_data() { Test::addEngineRows(); }
    void ratesPerDayWithGaps();
    void busiestAndFlaggedNumbers_data() { Test::addEngineRows(); }
    void busiestAndFlaggedNumbers();
    void daysAndWeeksAreTheBillingZones_data() { Test::addEngineRows(); }
    void daysAndWeeksAreTheBillingZones();
    void withoutOutcomesTheRatesSayNothing_data() { Test::addEngineRows(); }
    void withoutOutcomesTheRatesSayNothing();
    void managerCountsOnlyTheirCompanies();
};

void TestAnswerRates::ratesPerDayWithGaps() {
    QFETCH(QString, engine);
    Pool pool = seedPool(engine, 2);
    Database &db = *pool.db;
    // Number 1: 16 March 8 of 10 answered; 17 March only 4 calls (a gap, not 75 %); 18 March 1 of
    // 5 with an outcome plus a long call without one (answered by the rule) and a short one
    // without (not counted): 2 of 6.
    addCalls(db, pool.id(1), pool.e164(1), pool.acme, Test::utc(2026, 3, 16, 9), {8, 2});
    addCalls(db, pool.id(1), pool.e164(1), pool.acme, Test::utc(2026, 3, 17, 9), {3, 1});
    addCalls(db, pool.id(1), pool.e164(1), pool.acme, Test::utc(2026, 3, 18, 9), {1, 4, 0, 1, 1});
    // Number 2: 17 March 3 of 5, one of them blocked as spam.
    addCalls(db, pool.id(2), pool.e164(2), pool.acme, Test::utc(2026, 3, 17, 10), {3, 1, 1});
    // Inbound calls, calls outside the period and the other environment's say nothing here.
    Test::seedCall(db, pool.id(1), pool.e164(1), pool.acme, QStringLiteral("inbound"),
                   Test::utc(2026, 3, 16, 12), 60, 8'500);
    addCalls(db, pool.id(1), pool.e164(1), pool.acme, Test::utc(2026, 3, 14, 23, 50), {0, 5});
    addCalls(db, pool.id(2), pool.e164(2), pool.acme, Test::utc(2026, 3, 16, 9), {0, 9},
             QStringLiteral("development"));

    auto series = AnswerRates::byNumber(db, Test::utc(2026, 3, 15), Test::utc(2026, 3, 20), Prod);
    QVERIFY2(series, qPrintable(series ? QString() : series.error().message));
    QCOMPARE(series->bucketing, AnswerRates::Bucketing::Day);
    QCOMPARE(series->zoneId, QStringLiteral("UTC"));
    QCOMPARE(series->spans.size(), 5);
    QCOMPARE(series->spans.first().start, Test::utc(2026, 3, 15));
    QCOMPARE(series->spans.last().end, Test::utc(2026, 3, 20));
    QCOMPARE(series->numbersWithCalls, 2);
    QCOMPARE(series->withOutcome, 24); // 10 + 4 + 5 and 5; the calls without an outcome not
    QCOMPARE(series->numbers.size(), 2);

    const AnswerRates::Line *one = lineOf(*series, pool.e164(1));
    QVERIFY(one);
    QCOMPARE(one->numberId, pool.id(1));
    QCOMPARE(one->calls, 20);
    QCOMPARE(one->answered, 13);
    QCOMPARE(callsPerBucket(*one), (QList<qint64>{0, 10, 4, 6, 0}));
    QVERIFY(!one->buckets[0].rate);
    QCOMPARE(*one->buckets[1].rate, 0.8);
    QVERIFY(!one->buckets[2].rate); // 4 calls: a gap
    QCOMPARE(one->buckets[2].answered, 3);
    QCOMPARE(*one->buckets[3].rate, 2.0 / 6.0);
    QVERIFY(!one->buckets[4].rate);

    const AnswerRates::Line *two = lineOf(*series, pool.e164(2));
    QVERIFY(two);
    QCOMPARE(*two->buckets[2].rate, 0.6);

    // The pool: both numbers' calls, 17 March 6 of 9 now enough to rate.
    QVERIFY(series->pool.isPool());
    QCOMPARE(callsPerBucket(series->pool), (QList<qint64>{0, 10, 9, 6, 0}));
    QCOMPARE(*series->pool.buckets[2].rate, 6.0 / 9.0);
    QCOMPARE(series->pool.calls, 25);
    QCOMPARE(series->pool.answered, 16);

    QVERIFY(!AnswerRates::byNumber(db, Test::utc(2026, 3, 15), Test::utc(2026, 3, 15), Prod));
}

// The five numbers with the most calls, then those whose health is in question (resting first),
// however few calls they had.
void TestAnswerRates::busiestAndFlaggedNumbers() {
    QFETCH(QString, engine);
    Pool pool = seedPool(engine, 8);
    Database &db = *pool.db;
    const qint64 at = Test::utc(2026, 3, 18, 9);
    const QList<int> calls{20, 25, 15, 12, 11, 10, 6, 9}; // numbers 1..8
    for (int n = 1; n <= 8; ++n) {
        Outcomes o;
        o.answered = calls[n - 1] / 2;
        o.unanswered = calls[n - 1] - o.answered;
        if (n == 7) { // a carrier called one of its calls spam: watch
            o.unanswered -= 1;
            o.blocked = 1;
        }
        addCalls(db, pool.id(n), pool.e164(n), pool.acme, at, o);
    }
    // Number 6 was rested after its calls (an administrator's rest; no calls since).
    QVERIFY(Numbers(db).rest(Actor{QStringLiteral("user:test")}, pool.e164(6), Prod,
                             QDateTime::fromSecsSinceEpoch(Test::utc(2026, 3, 25), Qt::UTC),
                             QStringLiteral("spam reports")));

    auto series = AnswerRates::byNumber(db, Test::utc(2026, 3, 13, 12), Test::utc(2026, 3, 20, 12), Prod);
    QVERIFY2(series, qPrintable(series ? QString() : series.error().message));
    QCOMPARE(series->numbersWithCalls, 8);
    QStringList shown;
    for (const AnswerRates::Line &line : series->numbers)
        shown.append(line.e164);
    // 2, 1, 3, 4, 5 by calls; then 6 resting and 7 on watch; 8 (good, 9 calls) has no line.
    QCOMPARE(shown, (QStringList{pool.e164(2), pool.e164(1), pool.e164(3), pool.e164(4), pool.e164(5),
                                 pool.e164(6), pool.e164(7)}));
    QCOMPARE(series->numbers[5].state, NumberHealth::State::Resting);
    QCOMPARE(series->numbers[6].state, NumberHealth::State::Watch);
    QCOMPARE(series->numbers[0].state, NumberHealth::State::Good);
    // The pool line counts every number, those without a line too.
    QCOMPARE(series->pool.calls, 108);
    // Half-open days cut to the period: 13 March from noon to 20 March at noon.
    QCOMPARE(series->spans.size(), 8);
    QCOMPARE(series->spans.first().start, Test::utc(2026, 3, 13, 12));
    QCOMPARE(series->spans.first().end, Test::utc(2026, 3, 14));
    QCOMPARE(series->spans.last().start, Test::utc(2026, 3, 20));
    QCOMPARE(series->spans.last().end, Test::utc(2026, 3, 20, 12));
}

// Days begin at midnight in the billing zone, across a change of clocks (New York moves to summer
// time on 8 March 2026), and long periods are counted in the zone's weeks from Monday.
void TestAnswerRates::daysAndWeeksAreTheBillingZones() {
    QFETCH(QString, engine);
    Pool pool = seedPool(engine, 1);
    Database &db = *pool.db;
    QVERIFY(Settings::set(db, Actor{QStringLiteral("user:test")}, SettingKeys::BillingTimeZone,
                          QStringLiteral("America/New_York")));
    // 7 March 23:00 EST: all answered; 8 March 00:30 EST: none. The same UTC day (8 March).
    addCalls(db, pool.id(1), pool.e164(1), pool.acme, Test::utc(2026, 3, 8, 4), {5, 0});
    addCalls(db, pool.id(1), pool.e164(1), pool.acme, Test::utc(2026, 3, 8, 5, 30), {0, 5});
    // 8 March 23:30 EDT (9 March in UTC): 4 of 5.
    addCalls(db, pool.id(1), pool.e164(1), pool.acme, Test::utc(2026, 3, 9, 3, 30), {4, 1});

    auto days = AnswerRates::byNumber(db, Test::utc(2026, 3, 7, 5), Test::utc(2026, 3, 10, 4), Prod);
    QVERIFY2(days, qPrintable(days ? QString() : days.error().message));
    QCOMPARE(days->zoneId, QStringLiteral("America/New_York"));
    QCOMPARE(days->spans.size(), 3);
    QCOMPARE(days->spans[1].start, Test::utc(2026, 3, 8, 5)); // midnight EST
    QCOMPARE(days->spans[1].end, Test::utc(2026, 3, 9, 4));   // midnight EDT: a 23-hour day
    const AnswerRates::Line &line = days->numbers.first();
    QCOMPARE(callsPerBucket(line), (QList<qint64>{5, 10, 0}));
    QCOMPARE(*line.buckets[0].rate, 1.0);
    QCOMPARE(*line.buckets[1].rate, 0.4);

    // 60 days: weeks from Monday in New York. Sunday 8 March 23:30 EDT and Monday 9 March 00:30
    // EDT fall in different weeks; the first week is cut to the period's start.
    addCalls(db, pool.id(1), pool.e164(1), pool.acme, Test::utc(2026, 3, 9, 4, 30), {2, 3});
    const qint64 to = Test::utc(2026, 3, 20, 4);
    auto weeks = AnswerRates::byNumber(db, to - 60 * 86400, to, Prod);
    QVERIFY2(weeks, qPrintable(weeks ? QString() : weeks.error().message));
    QCOMPARE(weeks->bucketing, AnswerRates::Bucketing::Week);
    QCOMPARE(weeks->spans.first().start, to - 60 * 86400);
    for (qsizetype i = 1; i < weeks->spans.size(); ++i) {
        const QDateTime start = QDateTime::fromSecsSinceEpoch(
            weeks->spans[i].start, QTimeZone(QByteArrayLiteral("America/New_York")));
        QCOMPARE(start.date().dayOfWeek(), 1);
        QCOMPARE(start.time(), QTime(0, 0));
        QCOMPARE(weeks->spans[i - 1].end, weeks->spans[i].start);
    }
    const AnswerRates::Line &weekly = weeks->numbers.first();
    qsizetype sundayWeek = -1;
    for (qsizetype i = 0; i < weeks->spans.size(); ++i) {
        if (weeks->spans[i].start <= Test::utc(2026, 3, 9, 3, 30) &&
            Test::utc(2026, 3, 9, 3, 30) < weeks->spans[i].end)
            sundayWeek = i;
    }
    QVERIFY(sundayWeek >= 0 && sundayWeek + 1 < weeks->spans.size());
    QCOMPARE(weekly.buckets[sundayWeek].calls, 15);
    QCOMPARE(*weekly.buckets[sundayWeek].rate, 0.6);
    QCOMPARE(weekly.buckets[sundayWeek + 1].calls, 5);
    QCOMPARE(*weekly.buckets[sundayWeek + 1].rate, 0.4);
}

// Calls recorded before outcomes were (or by a backend that does not report them) are counted
// only when long enough to have been answered: 100 % that means nothing. The view says so.
void TestAnswerRates::withoutOutcomesTheRatesSayNothing() {
    QFETCH(QString, engine);
    Pool pool = seedPool(engine, 1);
    addCalls(*pool.db, pool.id(1), pool.e164(1), pool.acme, Test::utc(2026, 3, 18, 9), {0, 0, 0, 6, 3});
    auto series = AnswerRates::byNumber(*pool.db, Test::utc(2026, 3, 15), Test::utc(2026, 3, 20), Prod);
    QVERIFY(series);
    QCOMPARE(series->withOutcome, 0);
    QCOMPARE(series->pool.calls, 6);
}

// On PostgreSQL a manager reads their own companies' calls only (row-level security): a shared
// number shows their calls on it, and another company's dedicated number and calls are nowhere,
// the pool line included.
void TestAnswerRates::managerCountsOnlyTheirCompanies() {
    // Row-level security is PostgreSQL's: without the cluster this test cannot pass, and says so.
    QVERIFY2(Test::engines().contains(QStringLiteral("postgresql")),
             "run through ctest: this test needs the PostgreSQL cluster");
    Pool pool = seedPool(QStringLiteral("postgresql"), 1);
    Database &db = *pool.db;
    const qint64 betaOwn = Test::seedNumber(db, QStringLiteral("+14155550199"), Prod, pool.beta, 1'150'000,
                                            Test::utc(2026, 1, 10));
    const qint64 at = Test::utc(2026, 3, 18, 9);
    addCalls(db, pool.id(1), pool.e164(1), pool.acme, at, {10, 0});
    addCalls(db, pool.id(1), pool.e164(1), pool.beta, at + 3600, {0, 10});
    addCalls(db, betaOwn, QStringLiteral("+14155550199"), pool.beta, at, {2, 8});

    const QString password = QStringLiteral("test-password-not-a-real-one-9");
    const QString login = QStringLiteral("mgr_rates_") + QUuid::createUuid().toString(QUuid::Id128).left(10);
    auto added = Members(db).add({login, Role::Manager, {QStringLiteral("Acme")}, false}, password);
    QVERIFY2(added, qPrintable(added ? QString() : added.error().message));
    QUrl signedIn(pool.url);
    signedIn.setUserName(login);
    signedIn.setPassword(password);
    auto opened = Database::open(signedIn.toString());
    QVERIFY2(opened, qPrintable(opened ? QString() : opened.error().message));
    Database &asManager = *opened.value();

    const qint64 from = Test::utc(2026, 3, 15), to = Test::utc(2026, 3, 20);
    auto everyone = AnswerRates::byNumber(db, from, to, Prod);
    QVERIFY(everyone);
    QCOMPARE(everyone->numbersWithCalls, 2);
    QCOMPARE(everyone->pool.calls, 30);
    QCOMPARE(lineOf(*everyone, pool.e164(1))->answered, 10);
    QCOMPARE(lineOf(*everyone, pool.e164(1))->calls, 20);

    auto mine = AnswerRates::byNumber(asManager, from, to, Prod);
    QVERIFY2(mine, qPrintable(mine ? QString() : mine.error().message));
    QCOMPARE(mine->numbersWithCalls, 1);
    QCOMPARE(mine->numbers.size(), 1);
    QCOMPARE(mine->numbers.first().e164, pool.e164(1));
    QCOMPARE(mine->numbers.first().calls, 10);
    QCOMPARE(*mine->numbers.first().buckets[3].rate, 1.0);
    QCOMPARE(mine->pool.calls, 10);
    QCOMPARE(mine->pool.answered, 10);
    QVERIFY(!lineOf(*mine, QStringLiteral("+14155550199")));
}

QTEST_GUILESS_MAIN(TestAnswerRates)
#include "tst_answerrates.moc"
