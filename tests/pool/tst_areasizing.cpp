// How many numbers each callee area code needs for local presence: by its busiest hour's traffic,
// and by its busiest day's calls when a daily cap is set. Both engines.
#include "PoolTestSupport.h"
#include "pool/AreaSizing.h"
#include "pool/CallerPolicy.h"
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

    // The callee area codes calls went to without a local number, as the allocator recorded each
    // pick: a shared number outside the callee's area code (any, or only their region) counts; a
    // local one, the number the callee saw before, a company's own number and calls before the
    // last seven days do not. Most such calls first, each with what sizing finds it short of.
    void unmetAreas_data() { addEngineRows(); }
    void unmetAreas() {
        QFETCH(QString, engine);
        PoolFixture f(engine);
        ClockShift clock; // noon UTC, so every call falls on one day
        const qint64 now = Clock::nowSecs();
        clock.set((now / 86400) * 86400 + 12 * 3600 - now);
        f.addCompany(QStringLiteral("Sakura Dental"), Plan::Standard);
        const qint64 acme = f.addCompany(QStringLiteral("Acme"), Plan::Enterprise);
        f.addNumber(QStringLiteral("+12125550101")); // shared, Manhattan
        f.addNumber(QStringLiteral("+16076956080")); // shared, upstate New York
        f.addNumber(QStringLiteral("+13055550101"), acme);
        int serial = 0;
        const auto call = [&](const QString &company, const QString &callee) {
            const QString session = QStringLiteral("s%1").arg(++serial);
            AllocationRequest request{company,      QStringLiteral("op-1"), session,
                                      std::nullopt, ProductionEnvironment,  callee};
            auto allocated = f.allocator->allocate(request);
            if (!allocated)
                qFatal("allocation to %s refused: %s", qPrintable(callee),
                       qPrintable(describe(allocated.error())));
            if (!f.release(session, 10))
                qFatal("release of %s failed", qPrintable(session));
            return allocated->match;
        };
        const QString sakura = QStringLiteral("Sakura Dental");
        for (int i = 0; i < 4; ++i)
            QCOMPARE(call(sakura, QStringLiteral("+1415555200%1").arg(i)), PickMatch::Any);
        QCOMPARE(call(sakura, QStringLiteral("+14155552000")), PickMatch::Sticky);
        for (int i = 0; i < 3; ++i) // Albany: a New York number, not a local one
            QCOMPARE(call(sakura, QStringLiteral("+1518555010%1").arg(i)), PickMatch::Region);
        for (int i = 0; i < 2; ++i)
            QCOMPARE(call(sakura, QStringLiteral("+1212555300%1").arg(i)), PickMatch::AreaCode);
        for (int i = 0; i < 2; ++i) // London
            QCOMPARE(call(sakura, QStringLiteral("+44207946000%1").arg(i)), PickMatch::Any);
        QCOMPARE(call(sakura, QStringLiteral("+14165550100")), PickMatch::Any); // Toronto
        for (int i = 0; i < 5; ++i) // Las Vegas, from Acme's own Miami number
            QCOMPARE(call(QStringLiteral("Acme"), QStringLiteral("+1702555010%1").arg(i)), PickMatch::Any);
        QVERIFY(Sql::exec(
            f.db->connection(),
            QStringLiteral(
                "INSERT INTO call_records (session, e164, number_id, operator, direction, started_at, "
                "ended_at, duration_seconds, billed_minutes, estimated_cost_micros, environment, "
                "callee, pick_match) VALUES ('old', '+16076956080', NULL, 'op', 'outbound', ?, ?, "
                "10, 1, 0, ?, '+17025550999', 'any')"),
            {Clock::nowSecs() - 10 * 86400, Clock::nowSecs() - 10 * 86400 + 10, ProductionEnvironment}));
        // A cap of one call per number a day makes each area code need one number per call.
        QVERIFY(CallerPolicy::set(*f.db, tester(), QStringLiteral("daily_cap"), QStringLiteral("1")));

        auto unmet = AreaSizing::unmet(*f.db, ProductionEnvironment, Clock::nowSecs() + 60);
        QVERIFY(unmet);
        QStringList codes;
        for (const UnmetArea &area : unmet.value())
            codes << QStringLiteral("%1:%2").arg(area.areaCode).arg(area.callsWithoutLocal);
        QCOMPARE(codes, (QStringList{QStringLiteral("1415:4"), QStringLiteral("1518:3"),
                                     QStringLiteral("4420:2"), QStringLiteral("1416:1")}));
        const UnmetArea &sanFrancisco = unmet->at(0);
        QCOMPARE(sanFrancisco.country, QStringLiteral("US"));
        QCOMPARE(sanFrancisco.nationalAreaCode(), QStringLiteral("415"));
        QCOMPARE(sanFrancisco.sharedNumbers, 0);
        QCOMPARE(sanFrancisco.shortfall, 5); // five calls that day, the sticky one too
        QCOMPARE(unmet->at(1).shortfall, 3);
        QCOMPARE(unmet->at(2).country, QStringLiteral("GB"));
        QVERIFY(unmet->at(2).nationalAreaCode().isEmpty()); // Twilio searches area codes in +1 only
        QCOMPARE(unmet->at(3).country, QStringLiteral("CA"));
        QCOMPARE(unmet->at(3).nationalAreaCode(), QStringLiteral("416"));

        // Manhattan's calls had a local number: none of them counts.
        auto demand = AreaSizing::demand(*f.db, 0, Clock::nowSecs() + 60, ProductionEnvironment);
        QVERIFY(demand);
        for (const AreaDemand &area : demand.value()) {
            if (area.areaCode == QLatin1String("1212")) {
                QCOMPARE(area.callsWithoutLocal, 0);
                QCOMPARE(area.sharedNumbers, 1);
            }
        }
    }
};

QTEST_GUILESS_MAIN(TestAreaSizing)
#include "tst_areasizing.moc"
