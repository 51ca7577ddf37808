// Closing a month and the billing time zone, on SQLite and PostgreSQL: a replayed Tokyo autumn
// where a closed month's report stays byte for byte what it was while calls arrive late, Twilio
// changes a price and numbers go, and each correction is charged once, in the next open month.
#include "Replay.h"
#include "TestDatabases.h"

#include "billing/ClosedMonths.h"
#include "domain/Clock.h"
#include "pool/Allocator.h"
#include "pool/Companies.h"
#include "pool/Numbers.h"
#include "security/Identity.h"
#include "storage/Database.h"
#include "storage/Settings.h"
#include "storage/SqlHelpers.h"

#include <QTest>

using namespace PoolDesk;
using namespace PoolDesk::Test;

namespace {

const QString Dev = QStringLiteral("development");
constexpr Micros Fee = 1'150'000;
constexpr Micros PerMinute = 13'000; // the default US outbound tariff

const CompanyCost *line(const CostReport &report, const QString &name) {
    for (const CompanyCost &c : report.companies)
        if (c.name == name)
            return &c;
    return nullptr;
}

} // namespace

class TestClosedMonths : public QObject {
    Q_OBJECT

    std::unique_ptr<Database> m_db;
    const Actor m_actor{QStringLiteral("user:test")};
    Principal m_admin;

    void open(const QString &engine) {
        auto db = Database::open(freshDatabaseUrl(engine));
        QVERIFY(db.ok());
        m_db = std::move(db).value();
        m_admin = Identity::whoAmI(*m_db).value();
        QVERIFY(Settings::set(*m_db, m_actor, SettingKeys::BillingTimeZone, QStringLiteral("Asia/Tokyo")));
        QVERIFY(Companies(*m_db).add(m_actor, QStringLiteral("Acme"), Plan::Hybrid));
        QVERIFY(Companies(*m_db).add(m_actor, QStringLiteral("Beta"), Plan::Hybrid));
    }
    void buy(const QString &e164, const char *when, const std::optional<qint64> &holder) {
        buyAt(*m_db, m_actor, e164, when, holder);
    }
    // A call that ends at `when`, released through the pool with its SID.
    void call(const QString &company, const char *when, qint64 seconds, const QString &sid) {
        asIf(when, [&] {
            Allocator allocator(*m_db);
            QVERIFY(allocator.allocate({company, QStringLiteral("op"), sid, std::nullopt, Dev}));
            ReleaseRequest release;
            release.session = sid;
            release.durationSeconds = seconds;
            release.callSid = sid;
            QVERIFY(allocator.release(release));
        });
    }
    void price(const QString &sid, Micros micros) {
        QVERIFY(
            Sql::exec(m_db->connection(),
                      QStringLiteral("UPDATE call_records SET twilio_price_micros = ? WHERE call_sid = ?"),
                      {micros, sid}));
    }
    CostReport report(const QString &month) {
        auto built = ClosedMonths(*m_db, m_admin).report(month);
        if (!built)
            qFatal("%s", qPrintable(built.error().message));
        return built.value();
    }

private slots:
    void cleanup() {
        Clock::setOffsetForTesting(0);
        m_db.reset();
    }

    void closedMonthNeverChanges_data() { addEngineRows(); }
    void closedMonthNeverChanges() {
        QFETCH(QString, engine);
        open(engine);
        const qint64 acme = Companies(*m_db).find(QStringLiteral("Acme"))->id;
        buy(QStringLiteral("+16075550001"), "2026-10-05T10:00:00Z", acme);
        buy(QStringLiteral("+16075550002"), "2026-09-15T12:00:00Z", {});
        call(QStringLiteral("Acme"), "2026-10-10T01:01:01Z", 61, QStringLiteral("CA1"));
        // 01:00 on 1 November in Tokyo: November's, though still October in UTC.
        call(QStringLiteral("Beta"), "2026-10-31T16:01:01Z", 61, QStringLiteral("CA2"));

        const CostReport october = report(QStringLiteral("2026-10"));
        QCOMPARE(october.timeZone, QStringLiteral("Asia/Tokyo"));
        QCOMPARE(october.fromSecs, at("2026-09-30T15:00:00Z"));
        QCOMPARE(line(october, QStringLiteral("Acme"))->outbound, 2 * PerMinute);
        QCOMPARE(line(october, QStringLiteral("Beta"))->outbound, 0);
        QCOMPARE(line(report(QStringLiteral("2026-11")), QStringLiteral("Beta"))->outbound, 2 * PerMinute);
        QVERIFY(!october.closing);

        auto closed = ClosedMonths(*m_db, m_admin).close(QStringLiteral("2026-10"));
        if (!closed)
            QFAIL(qPrintable(closed.error().message));
        const QByteArray stored = ClosedMonths::document(closed.value());
        QCOMPARE(closed->total, october.total);
        QCOMPARE(closed->closing->sha256.size(), 64);

        // After closing: a call of 20 October synced late (3 minutes), Twilio's price for CA1, and
        // Acme's number removed.
        call(QStringLiteral("Acme"), "2026-10-20T00:02:05Z", 125, QStringLiteral("CA3"));
        price(QStringLiteral("CA1"), 30'000);
        asIf("2026-11-03T00:00:00Z",
             [&] { QVERIFY(Numbers(*m_db).remove(m_actor, QStringLiteral("+16075550001"), Dev)); });

        const CostReport again = report(QStringLiteral("2026-10"));
        QCOMPARE(ClosedMonths::document(again), stored);
        QVERIFY(again.closing);
        QCOMPARE(again.closing->verified, std::optional<bool>(true));
        QCOMPARE(line(again, QStringLiteral("Acme"))->outbound, 2 * PerMinute);

        // November carries October's corrections, labelled: 3 minutes, and CA1's price less its
        // estimate.
        const Micros firstCorrection = 3 * PerMinute + (30'000 - 2 * PerMinute);
        CostReport november = report(QStringLiteral("2026-11"));
        const CompanyCost *acmeNovember = line(november, QStringLiteral("Acme"));
        QCOMPARE(acmeNovember->adjustments.size(), 1);
        QCOMPARE(acmeNovember->adjustments[0].month, QStringLiteral("2026-10"));
        QCOMPARE(acmeNovember->adjustments[0].outbound, firstCorrection);
        QCOMPARE(acmeNovember->adjustments[0].dedicatedRental, 0);
        QCOMPARE(acmeNovember->total, acmeNovember->dedicatedRental + acmeNovember->sharedRentalShare +
                                          acmeNovember->outbound + acmeNovember->inbound + firstCorrection);
        QCOMPARE(november.adjustments, firstCorrection);

        // November closed with that adjustment; a second correction to October goes to December,
        // and the first is not charged again.
        QVERIFY(ClosedMonths(*m_db, m_admin).close(QStringLiteral("2026-11")));
        price(QStringLiteral("CA3"), 50'000);
        const CostReport december = report(QStringLiteral("2026-12"));
        const CompanyCost *acmeDecember = line(december, QStringLiteral("Acme"));
        QVERIFY(acmeDecember);
        QCOMPARE(acmeDecember->adjustments.size(), 1);
        QCOMPARE(acmeDecember->adjustments[0].month, QStringLiteral("2026-10"));
        QCOMPARE(acmeDecember->adjustments[0].outbound, 50'000 - 3 * PerMinute);
        QCOMPARE(ClosedMonths::document(report(QStringLiteral("2026-10"))), stored);

        // October cannot be re-opened under a closed November (whose adjustments rest on it); the
        // newest first, and October is worked out again from the history.
        auto underNovember = ClosedMonths(*m_db, m_admin).reopen(QStringLiteral("2026-10"));
        QVERIFY(!underNovember);
        QCOMPARE(underNovember.error().code, Error::Code::Conflict);
        QVERIFY(ClosedMonths(*m_db, m_admin).reopen(QStringLiteral("2026-11")));
        QVERIFY(ClosedMonths(*m_db, m_admin).reopen(QStringLiteral("2026-10")));
        const CostReport reopened = report(QStringLiteral("2026-10"));
        QVERIFY(!reopened.closing);
        QCOMPARE(line(reopened, QStringLiteral("Acme"))->outbound, 30'000 + 50'000);
        auto audit =
            Sql::exec(m_db->connection(),
                      QStringLiteral("SELECT action, target FROM audit_log WHERE action LIKE 'month.%' "
                                     "ORDER BY id"));
        QVERIFY(audit);
        QStringList actions;
        while (audit.value().next())
            actions << audit.value().value(0).toString() + QLatin1Char(' ') +
                           audit.value().value(1).toString();
        QCOMPARE(actions,
                 (QStringList{QStringLiteral("month.closed 2026-10"), QStringLiteral("month.closed 2026-11"),
                              QStringLiteral("month.reopened 2026-11"),
                              QStringLiteral("month.reopened 2026-10")}));
    }

    void closingIsRefusedWhenItShouldBe_data() { addEngineRows(); }
    void closingIsRefusedWhenItShouldBe() {
        QFETCH(QString, engine);
        open(engine);
        ClosedMonths months(*m_db, m_admin);
        asIf("2026-11-30T14:00:00Z", [&] {
            // Still November in Tokyo for another hour.
            auto early = months.close(QStringLiteral("2026-11"));
            QVERIFY(!early);
            QCOMPARE(early.error().code, Error::Code::Refused);
        });
        asIf("2026-11-30T15:00:01Z", [&] { QVERIFY(months.close(QStringLiteral("2026-11"))); });
        auto twice = months.close(QStringLiteral("2026-11"));
        QVERIFY(!twice);
        QCOMPARE(twice.error().code, Error::Code::Conflict);

        Principal finance = m_admin;
        finance.role = Role::Finance;
        QVERIFY(ClosedMonths(*m_db, finance).close(QStringLiteral("2026-10")));
        auto reopen = ClosedMonths(*m_db, finance).reopen(QStringLiteral("2026-10"));
        QVERIFY(!reopen);
        QCOMPARE(reopen.error().code, Error::Code::Refused);
        Principal manager = m_admin;
        manager.role = Role::Manager;
        auto byManager = ClosedMonths(*m_db, manager).close(QStringLiteral("2026-09"));
        QVERIFY(!byManager);
        QCOMPARE(byManager.error().code, Error::Code::Refused);

        // The database itself refuses to change a stored month, whoever asks.
        for (const char *sql :
             {"UPDATE closed_months SET sha256 = 'x'", "UPDATE closed_month_documents SET document = '{}'",
              "UPDATE closed_month_companies SET line = '{}'"})
            QVERIFY2(!Sql::exec(m_db->connection(), QString::fromLatin1(sql)), sql);
        auto kept = months.find(QStringLiteral("2026-11"));
        QVERIFY(kept && *kept);
        QCOMPARE((*kept)->sha256.size(), 64);
    }

    // October closed in UTC, then the zone becomes Tokyo: November starts where the closed October
    // ended, so the nine hours both would claim are counted once.
    void aZoneChangeAfterClosingCountsNothingTwice_data() { addEngineRows(); }
    void aZoneChangeAfterClosingCountsNothingTwice() {
        QFETCH(QString, engine);
        open(engine);
        QVERIFY(Settings::set(*m_db, m_actor, SettingKeys::BillingTimeZone, QStringLiteral("UTC")));
        buy(QStringLiteral("+16075550002"), "2026-09-15T12:00:00Z", {});
        call(QStringLiteral("Acme"), "2026-10-31T20:01:01Z", 61,
             QStringLiteral("CA1")); // 1 Nov 05:00 in Tokyo
        QVERIFY(ClosedMonths(*m_db, m_admin).close(QStringLiteral("2026-10")));
        QVERIFY(Settings::set(*m_db, m_actor, SettingKeys::BillingTimeZone, QStringLiteral("Asia/Tokyo")));
        const CostReport november = report(QStringLiteral("2026-11"));
        QCOMPARE(november.fromSecs, at("2026-11-01T00:00:00Z"));
        QCOMPARE(november.toSecs, at("2026-11-30T15:00:00Z"));
        QCOMPARE(november.calls, 0);
        QCOMPARE(line(report(QStringLiteral("2026-10")), QStringLiteral("Acme"))->outbound, 2 * PerMinute);
    }

    // A late call takes an unallocated shared rental of a closed month: the company's share is an
    // adjustment, and so is the pool's unallocated rental, with the opposite sign; the workspace's
    // total grows only by the call.
    void lateSharedUseMovesUnallocatedRentalOnce_data() { addEngineRows(); }
    void lateSharedUseMovesUnallocatedRentalOnce() {
        QFETCH(QString, engine);
        open(engine);
        buy(QStringLiteral("+16075550002"), "2026-09-15T12:00:00Z", {});
        QCOMPARE(report(QStringLiteral("2026-10")).unallocatedSharedRental, Fee);
        QVERIFY(ClosedMonths(*m_db, m_admin).close(QStringLiteral("2026-10")));
        const Micros before = report(QStringLiteral("2026-11")).total;
        call(QStringLiteral("Acme"), "2026-10-20T00:01:01Z", 61, QStringLiteral("CA1"));
        const CostReport november = report(QStringLiteral("2026-11"));
        QCOMPARE(november.total - before, 2 * PerMinute);
        const CompanyCost *acme = line(november, QStringLiteral("Acme"));
        QCOMPARE(acme->adjustments.size(), 1);
        QCOMPARE(acme->adjustments[0].sharedRentalShare, Fee);
        QCOMPARE(november.poolAdjustments.size(), 1);
        QCOMPARE(november.poolAdjustments[0].sharedRentalShare, -Fee);
        QCOMPARE(november.poolAdjustments[0].month, QStringLiteral("2026-10"));
    }

    void usageMonthsFollowTheZone_data() { addEngineRows(); }
    void usageMonthsFollowTheZone() {
        QFETCH(QString, engine);
        open(engine);
        buy(QStringLiteral("+16075550009"), "2026-09-15T12:00:00Z", {});
        // 01:01 on 1 December in Tokyo: the budget limits count it in December.
        call(QStringLiteral("Acme"), "2026-11-30T16:01:01Z", 61, QStringLiteral("CA9"));
        auto months =
            Sql::exec(m_db->connection(), QStringLiteral("SELECT month, calls FROM company_usage_months"));
        QVERIFY(months && months.value().next());
        QCOMPARE(months.value().value(0).toString(), QStringLiteral("2026-12"));
        QCOMPARE(months.value().value(1).toLongLong(), 1);

        // An unknown zone is refused, and the setting stays.
        QVERIFY(!Settings::set(*m_db, m_actor, SettingKeys::BillingTimeZone, QStringLiteral("Mars/Base")));
        QCOMPARE(Settings::billingZone(*m_db).id(), QStringLiteral("Asia/Tokyo"));
    }
};

QTEST_GUILESS_MAIN(TestClosedMonths)
#include "tst_closedmonths.moc"
