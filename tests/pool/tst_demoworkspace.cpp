// The demo workspace is what a new user sees first: it must be the same every time, realistic
// (each plan, dedicated and shared numbers, 90 days of calls) and internally consistent, so the
// usage counters agree with the call records exactly.
#include "PoolTestSupport.h"
#include "pool/DemoWorkspace.h"

using namespace PoolDesk;
using namespace PoolDesk::Test;

namespace {

struct Counts {
    qint64 companies = 0;
    qint64 numbers = 0;
    qint64 calls = 0;
    qint64 seconds = 0;
    qint64 minutes = 0;
    qint64 cost = 0;
    qint64 reservations = 0;
    QString perCompany;
    bool operator==(const Counts &) const = default;
};

Counts countsOf(Database &db) {
    Counts counts;
    counts.companies = scalar(db, QStringLiteral("SELECT COUNT(*) FROM companies"));
    counts.numbers = scalar(db, QStringLiteral("SELECT COUNT(*) FROM phone_numbers"));
    counts.calls = scalar(db, QStringLiteral("SELECT COUNT(*) FROM call_records"));
    counts.seconds = scalar(db, QStringLiteral("SELECT SUM(duration_seconds) FROM call_records"));
    counts.minutes = scalar(db, QStringLiteral("SELECT SUM(billed_minutes) FROM call_records"));
    counts.cost = scalar(db, QStringLiteral("SELECT SUM(estimated_cost_micros) FROM call_records"));
    counts.reservations = scalar(db, QStringLiteral("SELECT COUNT(*) FROM reservations"));
    auto query =
        Sql::exec(db.connection(), QStringLiteral("SELECT c.name, c.plan, COUNT(cr.id) FROM companies c "
                                                  "LEFT JOIN call_records cr ON cr.company_id = c.id "
                                                  "GROUP BY c.name, c.plan ORDER BY c.name"));
    QStringList rows;
    while (query && query.value().next())
        rows.append(query.value().value(0).toString() + QLatin1Char('/') + query.value().value(1).toString() +
                    QLatin1Char('/') + query.value().value(2).toString());
    counts.perCompany = rows.join(QLatin1Char(';'));
    return counts;
}

// Mismatching rows of a query that must return none.
qint64 violations(Database &db, const QString &sql) {
    return scalar(db, QStringLiteral("SELECT COUNT(*) FROM (") + sql + QStringLiteral(") v"));
}

// The demo plans calls up to "now" during the UTC working day; pinning now to 20:00 UTC (after
// the last planned call of the day) makes two runs a few seconds apart see the same calls.
qint64 eveningOffset() {
    const qint64 realNow = QDateTime::currentSecsSinceEpoch();
    return realNow / 86400 * 86400 + 20 * 3600 - realNow;
}

} // namespace

class TestDemoWorkspace : public QObject {
    Q_OBJECT

private slots:
    void cleanup() { Clock::setOffsetForTesting(0); }
    void deterministicAndConsistent_data() { addEngineRows(); }
    void deterministicAndConsistent();
    void refusesNonEmptyDatabase_data() { addEngineRows(); }
    void refusesNonEmptyDatabase();
    void cancelKeepsNothing_data() { addEngineRows(); }
    void cancelKeepsNothing();

private:
    Counts m_reference;
};

void TestDemoWorkspace::deterministicAndConsistent() {
    // Two runs on fresh SQLite databases give the same workspace; the PostgreSQL run gives the
    // same again (one 90-day run there keeps the suite fast).
    QFETCH(QString, engine);
    Clock::setOffsetForTesting(eveningOffset());
    if (engine == QLatin1String("sqlite")) {
        auto earlier = freshDatabase(engine);
        POOL_VERIFY_OK(DemoWorkspace::create(*earlier, tester()));
        m_reference = countsOf(*earlier);
    }
    auto db = freshDatabase(engine);
    int lastPercent = -1;
    bool monotonic = true;
    auto summary = DemoWorkspace::create(*db, tester(), 90, [&](int percent) {
        monotonic = monotonic && percent >= lastPercent;
        lastPercent = percent;
        return true;
    });
    POOL_VERIFY_OK(summary);
    QVERIFY(monotonic);
    QCOMPARE(lastPercent, 100);
    const Counts counts = countsOf(*db);
    QCOMPARE(counts.companies, qint64(summary->companies));
    QCOMPARE(counts.numbers, qint64(summary->numbers));
    QCOMPARE(counts.calls, summary->calls);
    QVERIFY2(m_reference.companies > 0, "the SQLite row runs first and records the reference workspace");
    QCOMPARE(counts.perCompany, m_reference.perCompany);
    QCOMPARE(counts.calls, m_reference.calls);
    QCOMPARE(counts.seconds, m_reference.seconds);
    QCOMPARE(counts.minutes, m_reference.minutes);
    QCOMPARE(counts.cost, m_reference.cost);
    QCOMPARE(counts.reservations, m_reference.reservations);

    // Realistic: every plan, several companies of each, dedicated and shared numbers, 90 days.
    for (const char *plan : {"standard", "enterprise", "hybrid"})
        QVERIFY2(scalar(*db, QStringLiteral("SELECT COUNT(*) FROM companies WHERE plan = ?"),
                        {QString::fromLatin1(plan)}) >= 2,
                 plan);
    QVERIFY(scalar(*db, QStringLiteral(
                            "SELECT COUNT(*) FROM phone_numbers WHERE dedicated_company_id IS NULL")) > 0);
    QVERIFY(scalar(*db, QStringLiteral(
                            "SELECT COUNT(*) FROM phone_numbers WHERE dedicated_company_id IS NOT NULL")) >
            0);
    QVERIFY(summary->calls > 1000);
    const qint64 now = Clock::nowSecs();
    const qint64 first = scalar(*db, QStringLiteral("SELECT MIN(started_at) FROM call_records"));
    const qint64 last = scalar(*db, QStringLiteral("SELECT MAX(ended_at) FROM call_records"));
    QVERIFY(first >= now - 90 * 86400);
    QVERIFY(first < now - 85 * 86400);
    QVERIFY(last <= now);
    QVERIFY(last > now - 2 * 86400);

    // Usage per company and month equals the sums over its call records.
    const QString usageMismatch = QStringLiteral(
        "SELECT u.company_id FROM company_usage_months u LEFT JOIN ("
        " SELECT company_id, month, COUNT(*) AS calls, SUM(billed_minutes) AS minutes, "
        " SUM(COALESCE(twilio_price_micros, estimated_cost_micros)) AS cost FROM ("
        "  SELECT company_id, billed_minutes, twilio_price_micros, estimated_cost_micros, %1 AS month "
        "  FROM call_records) m GROUP BY company_id, month) r "
        "ON r.company_id = u.company_id AND r.month = u.month "
        "WHERE r.calls IS NULL OR r.calls <> u.calls OR r.minutes <> u.billed_minutes OR r.cost <> "
        "u.cost_micros");
    const QString monthExpression =
        db->isPostgreSql() ? QStringLiteral("to_char(to_timestamp(ended_at) AT TIME ZONE 'UTC', 'YYYY-MM')")
                           : QStringLiteral("strftime('%Y-%m', ended_at, 'unixepoch')");
    QCOMPARE(violations(*db, usageMismatch.arg(monthExpression)), 0);
    QCOMPARE(scalar(*db, QStringLiteral("SELECT SUM(calls) FROM company_usage_months")),
             scalar(*db, QStringLiteral("SELECT COUNT(*) FROM call_records")));
    QCOMPARE(scalar(*db, QStringLiteral("SELECT SUM(billed_minutes) FROM company_usage_months")),
             scalar(*db, QStringLiteral("SELECT SUM(billed_minutes) FROM call_records")));

    // Per number: totals equal its call records.
    QCOMPARE(
        violations(*db,
                   QStringLiteral(
                       "SELECT n.id FROM phone_numbers n LEFT JOIN (SELECT number_id, COUNT(*) AS calls, "
                       "SUM(duration_seconds) AS seconds, SUM(billed_minutes) AS minutes FROM call_records "
                       "GROUP BY number_id) r ON r.number_id = n.id WHERE COALESCE(r.calls, 0) <> "
                       "n.total_calls OR COALESCE(r.seconds, 0) <> n.total_seconds OR "
                       "COALESCE(r.minutes, 0) <> n.total_minutes")),
        0);
    // Billed minutes are the durations rounded up, and costs follow the tariff.
    QCOMPARE(violations(*db, QStringLiteral("SELECT id FROM call_records WHERE billed_minutes <> "
                                            "(duration_seconds + 59) / 60")),
             0);
    QCOMPARE(violations(*db, QStringLiteral(
                                 "SELECT id FROM call_records WHERE estimated_cost_micros <> "
                                 "billed_minutes * CASE direction WHEN 'inbound' THEN 8500 ELSE 13000 END")),
             0);
    // The demo obeys the pool's rules: no number carries two calls at once, enterprise calls
    // only from their own numbers.
    QCOMPARE(violations(*db, QStringLiteral(
                                 "SELECT id FROM (SELECT id, started_at, LAG(ended_at) OVER (PARTITION BY "
                                 "number_id ORDER BY started_at, id) AS previous_end FROM call_records) o "
                                 "WHERE previous_end > started_at")),
             0);
    QCOMPARE(violations(*db, QStringLiteral("SELECT cr.id FROM call_records cr JOIN companies c ON c.id = "
                                            "cr.company_id JOIN phone_numbers n ON n.id = cr.number_id WHERE "
                                            "c.plan = 'enterprise' AND (n.dedicated_company_id IS NULL OR "
                                            "n.dedicated_company_id <> c.id)")),
             0);
    // Live calls: numbers' active calls equal their reservations.
    QVERIFY(scalar(*db, QStringLiteral("SELECT COUNT(*) FROM reservations")) > 0);
    QCOMPARE(violations(
                 *db, QStringLiteral("SELECT n.id FROM phone_numbers n LEFT JOIN (SELECT number_id, COUNT(*) "
                                     "AS held FROM reservations GROUP BY number_id) r ON r.number_id = n.id "
                                     "WHERE COALESCE(r.held, 0) <> n.active_calls")),
             0);
}

void TestDemoWorkspace::refusesNonEmptyDatabase() {
    QFETCH(QString, engine);
    PoolFixture f(engine);
    f.addCompany(QStringLiteral("Real Customer"), Plan::Standard);
    f.addNumber(QStringLiteral("+14155550101"));
    const qint64 audit = f.auditEntries();
    auto refused = DemoWorkspace::create(*f.db, tester());
    QVERIFY(!refused.ok());
    QCOMPARE(refused.error().code, Error::Code::Conflict);
    QVERIFY(!refused.error().message.isEmpty());
    QCOMPARE(scalar(*f.db, QStringLiteral("SELECT COUNT(*) FROM companies")), 1);
    QCOMPARE(scalar(*f.db, QStringLiteral("SELECT COUNT(*) FROM phone_numbers")), 1);
    QCOMPARE(f.callRecords(), 0);
    QCOMPARE(f.auditEntries(), audit);
}

void TestDemoWorkspace::cancelKeepsNothing() {
    QFETCH(QString, engine);
    auto db = freshDatabase(engine);
    auto cancelled = DemoWorkspace::create(*db, tester(), 30, [](int percent) { return percent < 40; });
    QVERIFY(!cancelled.ok());
    QCOMPARE(cancelled.error().code, Error::Code::Cancelled);
    QCOMPARE(scalar(*db, QStringLiteral("SELECT COUNT(*) FROM companies")), 0);
    QCOMPARE(scalar(*db, QStringLiteral("SELECT COUNT(*) FROM call_records")), 0);
    QCOMPARE(scalar(*db, QStringLiteral("SELECT COUNT(*) FROM phone_numbers")), 0);
    // And the demo can then be created for real.
    POOL_VERIFY_OK(DemoWorkspace::create(*db, tester(), 7));
}

QTEST_GUILESS_MAIN(TestDemoWorkspace)
#include "tst_demoworkspace.moc"
