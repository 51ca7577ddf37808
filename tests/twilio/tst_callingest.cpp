// CallIngest on SQLite and PostgreSQL: pages larger than one statement (100 calls), calls seen
// again, late prices, duplicates inside a page, unknown numbers, and the usage a new call adds to
// its number and to the month of the company the number is dedicated to.
#include "TestDatabases.h"
#include "TwilioTestSupport.h"

#include "domain/Clock.h"
#include "pool/Allocator.h"
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

    // Calls the pool released (with and without their CallSid) and then read from Twilio's list,
    // twice: each is counted once, those without a SID get it (and Twilio's price) from the list,
    // and the month's usage that limits read follows Twilio's price as it arrives.
    void poolCallsAreMatchedNotCountedTwice_data() { addEngineRows(); }
    void poolCallsAreMatchedNotCountedTwice() {
        QFETCH(QString, engine);
        auto db = Database::open(freshDatabaseUrl(engine));
        QVERIFY(db.ok());
        m_db = std::move(db).value();
        const Actor actor{QStringLiteral("user:test")};
        const qint64 acme = Companies(*m_db).add(actor, QStringLiteral("Acme"), Plan::Standard)->id;
        NewNumber shared;
        shared.e164 = Shared;
        shared.environment = QStringLiteral("development");
        QVERIFY(Numbers(*m_db).add(actor, shared));
        // Three calls through the pool, one after the other: the first released with its SID.
        Allocator allocator(*m_db);
        const QList<int> durations{61, 125, 30};
        QList<qint64> starts;
        for (int i = 0; i < durations.size(); ++i) {
            const QString session = QStringLiteral("s%1").arg(i);
            QVERIFY(allocator.allocate({QStringLiteral("Acme"), QStringLiteral("op"), session, std::nullopt,
                                        QStringLiteral("development")}));
            ReleaseRequest release;
            release.session = session;
            release.durationSeconds = durations.at(i);
            release.callSid = i == 0 ? caSid(100) : QString();
            release.companyId = acme;
            auto released = allocator.release(release);
            QVERIFY(released);
            starts.append(released->record.startedAt.toSecsSinceEpoch());
            Clock::setOffsetForTesting(600 * (i + 1)); // the next call ten minutes later
        }
        Clock::setOffsetForTesting(0);
        const auto usageCost = [&] {
            return scalar(
                *m_db,
                QStringLiteral("SELECT SUM(cost_micros) FROM company_usage_months WHERE company_id = ?"),
                {acme});
        };
        const qint64 estimates = usageCost(); // 2 + 3 + 1 billed minutes at the tariff
        QCOMPARE(estimates, 6 * 13000);

        // Twilio's list: the same three calls (started a few seconds before the pool's records say,
        // lasting a second longer), and one the pool never saw. Prices for some.
        const auto twilioCall = [](int sid, qint64 start, int duration, const QJsonValue &price) {
            QJsonObject c = call(sid, false);
            c.insert(QStringLiteral("from"), Shared);
            c.insert(QStringLiteral("to"), QStringLiteral("+14155550100"));
            c.insert(QStringLiteral("direction"), QStringLiteral("outbound-api"));
            const QDateTime at = QDateTime::fromSecsSinceEpoch(start, Qt::UTC);
            c.insert(QStringLiteral("start_time"), at.toString(Qt::RFC2822Date));
            c.insert(QStringLiteral("end_time"), at.addSecs(duration).toString(Qt::RFC2822Date));
            c.insert(QStringLiteral("duration"), QString::number(duration));
            c.insert(QStringLiteral("price"), price);
            return c;
        };
        QJsonArray page{twilioCall(100, starts.at(0) - 4, 62, QStringLiteral("-0.02600")),
                        twilioCall(101, starts.at(1) - 4, 126, QStringLiteral("-0.04000")),
                        twilioCall(102, starts.at(2) - 4, 31, QJsonValue()),
                        twilioCall(103, starts.at(2) + 3600, 20, QStringLiteral("-0.01300"))};
        auto first = ingest(page);
        QVERIFY2(first.ok(), qPrintable(first.ok() ? QString() : first.error().message));
        QCOMPARE(first->added, 1);   // the call the pool never saw
        QCOMPARE(first->matched, 2); // released without their SID
        QCOMPARE(first->priced, 1);  // released with it
        QCOMPARE(scalar(*m_db, QStringLiteral("SELECT COUNT(*) FROM call_records")), 4);
        QCOMPARE(scalar(*m_db, QStringLiteral("SELECT COUNT(*) FROM call_records WHERE call_sid IS NULL")),
                 0);
        // The SID went onto the pool's own record (its session and operator kept).
        QCOMPARE(
            scalar(*m_db,
                   QStringLiteral("SELECT COUNT(*) FROM call_records WHERE call_sid = ? AND session = 's1' "
                                  "AND operator = 'op'"),
                   {caSid(101)}),
            1);
        QCOMPARE(scalar(*m_db,
                        QStringLiteral("SELECT twilio_price_micros FROM call_records WHERE call_sid = ?"),
                        {caSid(101)}),
                 40000);
        QCOMPARE(Numbers(*m_db).find(Shared, QStringLiteral("development"))->totalCalls, 4);
        // Acme's month: three calls, Twilio's prices where known (0.026 + 0.040), the estimate for
        // the third (1 minute). The unknown call was on the shared pool, not Acme's.
        QCOMPARE(scalar(*m_db,
                        QStringLiteral("SELECT SUM(calls) FROM company_usage_months WHERE company_id = ?"),
                        {acme}),
                 3);
        QCOMPARE(usageCost(), 26000 + 40000 + 13000);

        // Again, with the third call's price now known: nothing is added or matched twice.
        page[2] = twilioCall(102, starts.at(2) - 4, 31, QStringLiteral("-0.01500"));
        auto second = ingest(page);
        QVERIFY(second.ok());
        QCOMPARE(second->added, 0);
        QCOMPARE(second->matched, 0);
        QCOMPARE(second->priced, 1);
        QCOMPARE(second->unchanged, 3);
        QCOMPARE(scalar(*m_db, QStringLiteral("SELECT COUNT(*) FROM call_records")), 4);
        QCOMPARE(Numbers(*m_db).find(Shared, QStringLiteral("development"))->totalCalls, 4);
        QCOMPARE(usageCost(), 26000 + 40000 + 15000);
    }
};

QTEST_GUILESS_MAIN(TestCallIngest)
#include "tst_callingest.moc"
