// How many numbers each callee area code needs for local presence: by its busiest hour's traffic,
// and by its busiest day's calls when a daily cap is set. Both engines.
#include "PoolTestSupport.h"
#include "pool/AreaSizing.h"
#include "pool/ErlangB.h"

using namespace PoolDesk;
using namespace PoolDesk::Test;

class TestAreaSizing : public QObject {
    Q_OBJECT

private slots:
    void needsByArea_data() { addEngineRows(); }
    void needsByArea() {
        QFETCH(QString, engine);
        PoolFixture f(engine);
        f.addCompany(QStringLiteral("Sakura Dental"), Plan::Standard);
        f.addNumber(QStringLiteral("+12125550101"));
        f.addNumber(QStringLiteral("+12125550102"));
        for (int i = 0; i < 5; ++i)
            f.addNumber(QStringLiteral("+1415555010%1").arg(i));
        const qint64 day = Clock::nowSecs() / 86400 - 2;
        int serial = 0;
        const auto call = [&](const QString &callee, qint64 start, qint64 seconds) {
            QVERIFY(Sql::exec(
                f.db->connection(),
                QStringLiteral("INSERT INTO call_records (session, e164, company_id, operator, direction, "
                               "started_at, ended_at, duration_seconds, billed_minutes, "
                               "estimated_cost_micros, environment, callee) VALUES (?, '+12125550101', "
                               "(SELECT id FROM companies LIMIT 1), 'op', 'outbound', ?, ?, ?, 1, 0, "
                               "'production', ?)"),
                {QStringLiteral("c%1").arg(++serial), start, start + seconds, seconds, callee}));
        };
        // Manhattan: six half-hour calls in one hour (3 erlangs), and one call across 11:00.
        for (int i = 0; i < 6; ++i)
            call(QStringLiteral("+1212555%1").arg(2000 + i), day * 86400 + 10 * 3600 + (i % 2) * 1800, 1800);
        call(QStringLiteral("+12125552999"), day * 86400 + 11 * 3600 - 600, 1200);
        // San Francisco: twenty one-minute calls, one an hour.
        for (int h = 0; h < 20; ++h)
            call(QStringLiteral("+1415555%1").arg(3000 + h), day * 86400 + h * 3600, 60);
        // Calls without a callee say nothing about areas.
        QVERIFY(Sql::exec(f.db->connection(),
                          QStringLiteral("UPDATE call_records SET callee = NULL WHERE session = 'c1'")));

        auto demand = AreaSizing::demand(*f.db, (day - 1) * 86400, (day + 1) * 86400, ProductionEnvironment);
        QVERIFY(demand);
        QCOMPARE(demand->size(), 2);
        const AreaDemand &manhattan = demand->at(0); // busiest first
        QCOMPARE(manhattan.areaCode, QStringLiteral("1212"));
        // Five half-hour calls (one lost its callee) and the part of the 10:50 call before 11:00.
        QCOMPARE(manhattan.busiestErlangs, (5 * 1800 + 600) / 3600.0);
        QCOMPARE(manhattan.busiestHour, day * 86400 + 10 * 3600);
        QCOMPARE(manhattan.busiestDayCalls, 6);
        QCOMPARE(manhattan.sharedNumbers, 2);
        const AreaNeed manhattanNeed = AreaSizing::need(manhattan, 0.01, 2);
        QCOMPARE(manhattanNeed.forTraffic, ErlangB::linesFor(manhattan.busiestErlangs, 0.01));
        QCOMPARE(manhattanNeed.forCaps, 3);
        QVERIFY(!manhattanNeed.capsDecide());

        const AreaDemand &sanFrancisco = demand->at(1);
        QCOMPARE(sanFrancisco.areaCode, QStringLiteral("1415"));
        QCOMPARE(sanFrancisco.busiestDayCalls, 20);
        QCOMPARE(sanFrancisco.sharedNumbers, 5);
        // Light traffic needs two numbers; a cap of five calls a day needs four.
        const AreaNeed capped = AreaSizing::need(sanFrancisco, 0.01, 5);
        QCOMPARE(capped.forTraffic, 2);
        QCOMPARE(capped.forCaps, 4);
        QVERIFY(capped.capsDecide());
        QCOMPARE(capped.numbers(), 4);
        QCOMPARE(AreaSizing::need(sanFrancisco, 0.01, 0).forCaps, 0);
    }
};

QTEST_GUILESS_MAIN(TestAreaSizing)
#include "tst_areasizing.moc"
