// Monthly rental from the numbers' history, on SQLite and PostgreSQL: a replayed autumn of numbers
// bought on different days, reassigned, unassigned and removed mid-month. Each month charges what
// was due on each number's purchase-day anniversary to whoever held it then, and a month already
// reported stays the same after later changes.
#include "Replay.h"
#include "TestDatabases.h"

#include "billing/CostReport.h"
#include "billing/Rental.h"
#include "domain/Clock.h"
#include "pool/Companies.h"
#include "pool/Numbers.h"
#include "storage/Database.h"

#include <QJsonDocument>
#include <QTest>

using namespace PoolDesk;
using namespace PoolDesk::Test;

namespace {

const QString Dev = QStringLiteral("development");
constexpr Micros Fee = 1'150'000;

struct Rentals {
    Micros acme = 0, beta = 0, shared = 0;
    bool operator==(const Rentals &) const = default;
};

} // namespace

class TestRental : public QObject {
    Q_OBJECT

    std::unique_ptr<Database> m_db;
    qint64 m_acme = 0, m_beta = 0;
    const Actor m_actor{QStringLiteral("user:test")};

    void buy(const QString &e164, const char *when, const std::optional<qint64> &holder) {
        buyAt(*m_db, m_actor, e164, when, holder);
    }
    Rentals rentals(const QString &month) {
        auto report = CostReports::build(*m_db, month);
        if (!report)
            qFatal("%s", qPrintable(report.error().message));
        Rentals r;
        for (const auto &c : report->companies)
            (c.companyId == m_acme ? r.acme : r.beta) += c.dedicatedRental;
        r.shared = report->sharedRental;
        return r;
    }

private slots:
    void cleanup() {
        Clock::setOffsetForTesting(0);
        m_db.reset();
    }

    void dueDates() {
        // The anniversary's day, or the month's last when it is shorter, at the purchase's time.
        const BillingZone z;
        QCOMPARE(Rental::dueIn(at("2026-11-01T00:00:00Z"), at("2026-01-31T09:30:00Z"), z),
                 at("2026-11-30T09:30:00Z"));
        QCOMPARE(Rental::dueIn(at("2027-02-01T00:00:00Z"), at("2026-01-31T09:30:00Z"), z),
                 at("2027-02-28T09:30:00Z"));
        QCOMPARE(Rental::dueIn(at("2026-11-01T00:00:00Z"), at("2026-11-12T23:59:59Z"), z),
                 at("2026-11-12T23:59:59Z"));
        // In Tokyo a number bought at 23:30 UTC on 31 October was bought on 1 November at 08:30:
        // its fee falls on the 1st of each Tokyo month, once in each.
        const BillingZone tokyo = *BillingZone::fromId(QStringLiteral("Asia/Tokyo"));
        QCOMPARE(Rental::dueIn(at("2026-11-30T15:00:00Z"), at("2026-10-31T23:30:00Z"), tokyo),
                 at("2026-11-30T23:30:00Z"));
        QCOMPARE(Rental::dueIn(at("2027-01-31T15:00:00Z"), at("2026-10-31T23:30:00Z"), tokyo),
                 at("2027-01-31T23:30:00Z"));
    }

    void replayedAutumn_data() { addEngineRows(); }
    void replayedAutumn() {
        QFETCH(QString, engine);
        auto db = Database::open(freshDatabaseUrl(engine));
        QVERIFY(db.ok());
        m_db = std::move(db).value();
        m_acme = Companies(*m_db).add(m_actor, QStringLiteral("Acme"), Plan::Hybrid)->id;
        m_beta = Companies(*m_db).add(m_actor, QStringLiteral("Beta"), Plan::Hybrid)->id;

        buy(QStringLiteral("+16075550001"), "2026-10-05T10:00:00Z", m_acme); // Acme's all along
        buy(QStringLiteral("+16075550002"), "2026-10-20T08:00:00Z", m_acme); // to Beta 11-10, shared 11-25
        buy(QStringLiteral("+16075550003"), "2026-09-15T12:00:00Z", {});     // removed 11-10, before its day
        buy(QStringLiteral("+16075550004"), "2026-08-03T07:00:00Z", m_beta); // removed 11-20, after its day
        buy(QStringLiteral("+16075550005"), "2026-11-12T16:00:00Z", {});     // bought in November
        buy(QStringLiteral("+16075550006"), "2026-12-02T09:00:00Z", {});     // bought after it
        buy(QStringLiteral("+16075550007"), "2026-01-31T11:00:00Z", {});     // due on the 30th

        // October as reported at the end of October.
        const Rentals october{2 * Fee, Fee, 2 * Fee};
        QCOMPARE(rentals(QStringLiteral("2026-10")), october);

        asIf("2026-11-10T09:00:00Z", [&] {
            QVERIFY(
                Numbers(*m_db).assign(m_actor, QStringLiteral("+16075550002"), Dev, QStringLiteral("Beta")));
            QVERIFY(Numbers(*m_db).remove(m_actor, QStringLiteral("+16075550003"), Dev));
        });
        asIf("2026-11-20T09:00:00Z",
             [&] { QVERIFY(Numbers(*m_db).remove(m_actor, QStringLiteral("+16075550004"), Dev)); });
        asIf("2026-11-25T09:00:00Z",
             [&] { QVERIFY(Numbers(*m_db).unassign(m_actor, QStringLiteral("+16075550002"), Dev)); });

        // November: Acme's 0001; Beta's 0002 (Beta's on the 20th) and 0004 (removed after its 3rd);
        // shared 0005 (bought on the 12th) and 0007 (due on the 30th). 0003 went before its 15th.
        QCOMPARE(rentals(QStringLiteral("2026-11")), (Rentals{Fee, 2 * Fee, 2 * Fee}));
        // October is what it was, though two of its numbers are gone and one changed hands.
        QCOMPARE(rentals(QStringLiteral("2026-10")), october);
        // December: 0001 Acme; 0002 now shared; 0005, 0006, 0007 shared.
        QCOMPARE(rentals(QStringLiteral("2026-12")), (Rentals{Fee, 0, 4 * Fee}));

        // The per-number rows name the removed number too, with its holder of the due date.
        auto november = CostReports::build(*m_db, QStringLiteral("2026-11"));
        QVERIFY(november);
        QStringList charged;
        for (const NumberCost &n : november->numbers)
            charged.append(
                n.e164 + QLatin1Char(':') +
                (n.dedicatedCompanyName.isEmpty() ? QStringLiteral("shared") : n.dedicatedCompanyName));
        QCOMPARE(charged,
                 (QStringList{QStringLiteral("+16075550001:Acme"), QStringLiteral("+16075550002:Beta"),
                              QStringLiteral("+16075550004:Beta"), QStringLiteral("+16075550005:shared"),
                              QStringLiteral("+16075550007:shared")}));
    }
};

QTEST_GUILESS_MAIN(TestRental)
#include "tst_rental.moc"
