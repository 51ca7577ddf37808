// CallIngest on SQLite and PostgreSQL: pages larger than one statement (100 calls), calls seen
// again, late prices, duplicates inside a page, unknown numbers, and the usage a new call adds to
// its number and to the month of the company the number is dedicated to.
#include "TestDatabases.h"
#include "TwilioTestSupport.h"

#include "pool/Companies.h"
#include "pool/Numbers.h"
#include "storage/Database.h"
#include "storage/SqlHelpers.h"
#include "storage/Transaction.h"
#include "twilio/CallIngest.h"

#include <QJsonArray>
#include <QTest>

using namespace PoolDesk;
using namespace PoolDesk::Test;

namespace {

const QString Dedicated = QStringLiteral("+16076950001");
const QString Shared = QStringLiteral("+16076950002");

// Call n: outbound from the dedicated number when n is even, else inbound to the shared one;
// n seconds long (so n/60 rounded up billed minutes); priced at 0.013 a minute when `priced`.
QJsonObject call(int n, bool priced, const QString &status = QStringLiteral("completed")) {
    const bool outbound = n % 2 == 0;
    const qint64 minutes = (n + 59) / 60;
    return {
        {QStringLiteral("sid"), caSid(n)},
        {QStringLiteral("from"), outbound ? Dedicated : QStringLiteral("+14155550100")},
        {QStringLiteral("to"), outbound ? QStringLiteral("+14155550100") : Shared},
        {QStringLiteral("direction"), outbound ? QStringLiteral("outbound-api") : QStringLiteral("inbound")},
        {QStringLiteral("status"), status},
        {QStringLiteral("start_time"), QStringLiteral("Mon, 02 Nov 2026 10:00:00 +0000")},
        {QStringLiteral("end_time"), QStringLiteral("Mon, 02 Nov 2026 10:30:00 +0000")},
        {QStringLiteral("duration"), QString::number(n)},
        {QStringLiteral("price"),
         priced ? QJsonValue(QStringLiteral("-%1").arg(0.013 * double(minutes), 0, 'f', 5)) : QJsonValue()},
        {QStringLiteral("price_unit"), QStringLiteral("USD")}};
}

} // namespace

class TestCallIngest : public QObject {
    Q_OBJECT

    std::unique_ptr<Database> m_db;

    Result<Twilio::IngestStats> ingest(const QJsonArray &calls) {
        Twilio::CallIngest ingest(*m_db, QStringLiteral("development"));
        if (auto prepared = ingest.prepare(); !prepared)
            return prepared.error();
        Transaction transaction(*m_db);
        if (auto begun = transaction.begin(); !begun)
            return begun.error();
        auto stats = ingest.ingest(calls);
        if (!stats)
            return stats;
        if (auto committed = transaction.commit(); !committed)
            return committed.error();
        return stats;
    }

private slots:
    void cleanup() { m_db.reset(); }

    void storesLargePagesOnceWithUsage_data() { addEngineRows(); }
    void storesLargePagesOnceWithUsage() {
        QFETCH(QString, engine);
        auto db = Database::open(freshDatabaseUrl(engine));
        QVERIFY2(db.ok(), qPrintable(db.ok() ? QString() : db.error().message));
        m_db = std::move(db).value();
        const Actor actor{QStringLiteral("user:test")};
        auto acme = Companies(*m_db).add(actor, QStringLiteral("Acme"), Plan::Enterprise);
        QVERIFY(acme);
        NewNumber dedicated;
        dedicated.e164 = Dedicated;
        dedicated.environment = QStringLiteral("development");
        dedicated.dedicatedTo = acme->id;
        QVERIFY(Numbers(*m_db).add(actor, dedicated));
        NewNumber shared;
        shared.e164 = Shared;
        shared.environment = QStringLiteral("development");
        QVERIFY(Numbers(*m_db).add(actor, shared));

        // 250 finished calls (three statements: 100, 100, 50), call 7 twice, one still ringing
        // and one from a number that is not in the pool. Odd calls have no price yet.
        QJsonArray page;
        for (int n = 1; n <= 250; ++n)
            page.append(call(n, n % 2 == 0));
        page.append(call(7, false));
        page.append(call(251, false, QStringLiteral("ringing")));
        QJsonObject stranger = call(252, true);
        stranger.insert(QStringLiteral("from"), QStringLiteral("+19995550000"));
        page.append(stranger);

        auto first = ingest(page);
        QVERIFY2(first.ok(), qPrintable(first.ok() ? QString() : first.error().message));
        QCOMPARE(first->added, 251);   // 1..250 and the stranger's call
        QCOMPARE(first->unchanged, 1); // the repeated call 7
        QCOMPARE(first->pending, 1);
        QCOMPARE(scalar(*m_db, QStringLiteral("SELECT COUNT(*) FROM call_records")), 251);
        QCOMPARE(scalar(*m_db, QStringLiteral("SELECT COUNT(*) FROM call_records WHERE number_id IS NULL")),
                 1);

        // Usage: the dedicated number made the 125 even calls, the shared one took 125 odd ones.
        qint64 evenMinutes = 0, oddMinutes = 0, evenSeconds = 0, evenPrice = 0;
        for (int n = 1; n <= 250; ++n) {
            (n % 2 ? oddMinutes : evenMinutes) += (n + 59) / 60;
            if (n % 2 == 0) {
                evenSeconds += n;
                evenPrice += 13000 * ((n + 59) / 60);
            }
        }
        auto d = Numbers(*m_db).find(Dedicated, QStringLiteral("development"));
        QCOMPARE(d->totalCalls, 125);
        QCOMPARE(
            scalar(*m_db, QStringLiteral("SELECT total_seconds FROM phone_numbers WHERE id = ?"), {d->id}),
            evenSeconds);
        QCOMPARE(d->totalMinutes, evenMinutes);
        auto s = Numbers(*m_db).find(Shared, QStringLiteral("development"));
        QCOMPARE(s->totalCalls, 125);
        QCOMPARE(s->totalMinutes, oddMinutes);
        // Only the dedicated number's company is charged, at Twilio's price.
        QCOMPARE(scalar(*m_db,
                        QStringLiteral("SELECT calls FROM company_usage_months WHERE company_id = ? AND "
                                       "month = '2026-11'"),
                        {acme->id}),
                 125);
        QCOMPARE(scalar(*m_db,
                        QStringLiteral("SELECT cost_micros FROM company_usage_months WHERE company_id = ?"),
                        {acme->id}),
                 evenPrice);
        QCOMPARE(scalar(*m_db, QStringLiteral("SELECT company_id FROM call_records WHERE call_sid = ?"),
                        {caSid(2)}),
                 acme->id);

        // The same page again, now with every price: nothing new, the 125 missing prices filled in,
        // usage unchanged; the call that ended meanwhile is added.
        QJsonArray again;
        for (int n = 1; n <= 250; ++n)
            again.append(call(n, true));
        again.append(call(251, true));
        auto second = ingest(again);
        QVERIFY(second.ok());
        QCOMPARE(second->added, 1);
        QCOMPARE(second->priced, 125);
        QCOMPARE(second->unchanged, 125);
        QCOMPARE(scalar(*m_db, QStringLiteral("SELECT COUNT(*) FROM call_records")), 252);
        QCOMPARE(scalar(*m_db, QStringLiteral(
                                   "SELECT COUNT(*) FROM call_records WHERE twilio_price_micros IS NULL")),
                 0);
        QCOMPARE(Numbers(*m_db).find(Dedicated, QStringLiteral("development"))->totalCalls, 125);
        QCOMPARE(Numbers(*m_db).find(Shared, QStringLiteral("development"))->totalCalls, 126);
        QCOMPARE(scalar(*m_db, QStringLiteral("SELECT calls FROM company_usage_months WHERE company_id = ?"),
                        {acme->id}),
                 125);
    }
};

QTEST_GUILESS_MAIN(TestCallIngest)
#include "tst_callingest.moc"
