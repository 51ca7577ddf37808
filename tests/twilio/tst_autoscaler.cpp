// The scaling policy (threshold, maximum pool size, budget cap, idle numbers released shortly
// before their billing day, purchases in the callee area codes that calls went to without a local
// number) and the allocator's buy-when-exhausted path wired to a real purchase through
// TwilioProvisioner, against the fake server, on SQLite and PostgreSQL.
#include "FakeTwilioServer.h"
#include "TestDatabases.h"
#include "TwilioTestSupport.h"

#include "credentials/Environments.h"
#include "domain/Clock.h"
#include "pool/Allocator.h"
#include "pool/CallerPolicy.h"
#include "pool/Companies.h"
#include "pool/Numbers.h"
#include "storage/Database.h"
#include "storage/Settings.h"
#include "storage/SqlHelpers.h"
#include "twilio/AutoScaler.h"
#include "twilio/AutoscaleScheduler.h"
#include "twilio/TwilioProvisioner.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QSignalSpy>
#include <QTest>

using namespace PoolDesk;
using namespace PoolDesk::Test;
using Server = FakeTwilioServer;

class TestAutoScaler : public QObject {
    Q_OBJECT

    std::unique_ptr<Database> m_db;
    const Actor m_actor{QStringLiteral("user:test")};

    void openDb(const QString &engine) {
        auto db = Database::open(freshDatabaseUrl(engine));
        QVERIFY2(db.ok(), qPrintable(db.ok() ? QString() : db.error().message));
        m_db = std::move(db).value();
    }
    void addNumber(const QString &e164, const QDateTime &bought, const QDateTime &lastUsed = {}) {
        NewNumber n;
        n.e164 = e164;
        n.environment = QStringLiteral("development");
        n.boughtAt = bought;
        QVERIFY(Numbers(*m_db).add(m_actor, n));
        if (lastUsed.isValid())
            QVERIFY(Sql::exec(m_db->connection(),
                              QStringLiteral("UPDATE phone_numbers SET last_used_at = ? WHERE e164 = ?"),
                              {lastUsed.toSecsSinceEpoch(), e164}));
    }

    // An outbound call yesterday at `hour` (UTC), from a number no longer in the pool, as the
    // allocator recorded its pick for the callee.
    void addCall(const QString &callee, const QString &pickMatch, int hour) {
        const qint64 start = (Clock::nowSecs() / 86400 - 1) * 86400 + hour * 3600;
        QVERIFY(Sql::exec(
            m_db->connection(),
            QStringLiteral("INSERT INTO call_records (session, e164, operator, direction, "
                           "started_at, ended_at, duration_seconds, billed_minutes, "
                           "estimated_cost_micros, environment, callee, pick_match) VALUES (?, "
                           "'+16076956099', 'op', 'outbound', ?, ?, 10, 1, 0, 'development', ?, ?)"),
            {QStringLiteral("call-%1").arg(++m_calls), start, start + 10, callee, pickMatch}));
    }
    // Yesterday six calls to San Francisco, three to Manhattan and two to London went out without
    // a local number. At most three calls per number a day: San Francisco is two numbers short,
    // Manhattan one.
    void addLocalDemand() {
        for (int i = 0; i < 6; ++i)
            addCall(QStringLiteral("+1415555200%1").arg(i), PickMatch::Any, i);
        for (int i = 0; i < 3; ++i)
            addCall(QStringLiteral("+1212555300%1").arg(i), PickMatch::Region, i);
        for (int i = 0; i < 2; ++i)
            addCall(QStringLiteral("+44207946000%1").arg(i), PickMatch::Any, i);
        QVERIFY(CallerPolicy::set(*m_db, m_actor, QStringLiteral("daily_cap"), QStringLiteral("3")));
    }
    // What each area code of a plan gets, as "1415:2".
    static QStringList areaPurchases(const Twilio::ScalingPlan &plan) {
        QStringList list;
        for (const Twilio::AreaPurchase &a : plan.areas)
            list << QStringLiteral("%1:%2").arg(a.area.areaCode).arg(a.toBuy);
        return list;
    }
    // The audit entries of purchases: the number's after_json.
    QHash<QString, QJsonObject> purchases() {
        QHash<QString, QJsonObject> bought;
        auto rows =
            Sql::exec(m_db->connection(),
                      QStringLiteral("SELECT target, after_json FROM audit_log WHERE action = 'twilio.buy'"));
        while (rows && rows.value().next())
            bought.insert(rows.value().value(0).toString(),
                          QJsonDocument::fromJson(rows.value().value(1).toString().toUtf8()).object());
        return bought;
    }

    // Twilio for one test: the fake server, an account that offers `offered` to buy, a client.
    struct FakeTwilio {
        QNetworkAccessManager network;
        Server server;
        FakeTwilioAccount account;
        Twilio::Client client{&network};

        explicit FakeTwilio(const QStringList &offered) {
            account.offered = offered;
            account.install(server);
            account.offer(server);
            client.setCredentials(testCredentials(server.baseUrl()));
        }
        // The AreaCode of each search, in order ("" for a search anywhere).
        QStringList searches() const {
            QStringList list;
            for (const Server::Request &r : server.requestsTo("GET", accountPath("AvailablePhoneNumbers/")))
                list << r.queryField("AreaCode");
            return list;
        }
    };
    // Carries the plan out as the pool service does.
    void runPlan(FakeTwilio &twilio, const Twilio::ScalingPlan &plan, const Twilio::ScalingPolicy &policy,
                 std::unique_ptr<Twilio::AutoScaleOperation> &op) {
        auto profile = Environments(*m_db).find(QStringLiteral("development"));
        QVERIFY(profile);
        op = std::make_unique<Twilio::AutoScaleOperation>(
            Twilio::OperationContext{m_db.get(), &twilio.client, profile.value(),
                                     Actor::policy(QStringLiteral("autoscale"))},
            plan, policy);
        QSignalSpy finished(op.get(), &Twilio::Operation::finished);
        op->start();
        QVERIFY(!finished.isEmpty() || finished.wait(20000));
        QVERIFY2(!op->error(), qPrintable(op->error() ? op->error()->message : QString()));
    }

    int m_calls = 0;

private slots:
    void cleanup() {
        m_db.reset();
        Clock::setOffsetForTesting(0);
    }

    void buysUpToThresholdWithinLimits_data() { addEngineRows(); }
    void buysUpToThresholdWithinLimits() {
        QFETCH(QString, engine);
        openDb(engine);
        const QDateTime now = Clock::nowUtc();
        addNumber(QStringLiteral("+16076956080"), now.addDays(-5));
        Twilio::ScalingPolicy policy;
        policy.minAvailable = 4;
        auto plan = Twilio::AutoScaler::plan(*m_db, QStringLiteral("development"), policy, now);
        QVERIFY(plan);
        QCOMPARE(plan->availableShared, 1);
        QCOMPARE(plan->toBuy, 3);
        QVERIFY(plan->limits.isEmpty());

        policy.maxPoolSize = 3; // one number now: at most two more
        plan = Twilio::AutoScaler::plan(*m_db, QStringLiteral("development"), policy, now);
        QCOMPARE(plan->toBuy, 2);
        QCOMPARE(plan->limits.size(), 1);

        policy.monthlyBudgetCap = 2'400'000; // $1.15 rented now; room for one more at $1.15
        plan = Twilio::AutoScaler::plan(*m_db, QStringLiteral("development"), policy, now);
        QCOMPARE(plan->toBuy, 1);
        QCOMPARE(plan->limits.size(), 2);
    }

    void idleNumbersAreDueShortlyBeforeTheirBillingDay_data() { addEngineRows(); }
    void idleNumbersAreDueShortlyBeforeTheirBillingDay() {
        QFETCH(QString, engine);
        openDb(engine);
        const QDateTime now(QDate(2026, 11, 24), QTime(9, 0), Qt::UTC);
        // Bought on the 26th (billed in 2 days), idle 40 days: due.
        addNumber(QStringLiteral("+16076956081"), QDateTime(QDate(2026, 5, 26), QTime(8, 0), Qt::UTC),
                  now.addDays(-40));
        // Bought on the 10th (billed in 16 days), never used: idle but not due yet.
        addNumber(QStringLiteral("+16076956082"), QDateTime(QDate(2026, 6, 10), QTime(8, 0), Qt::UTC));
        // Used yesterday: not idle.
        addNumber(QStringLiteral("+16076956083"), QDateTime(QDate(2026, 6, 25), QTime(8, 0), Qt::UTC),
                  now.addDays(-1));
        Twilio::ScalingPolicy policy;
        policy.minAvailable = 1;
        auto plan = Twilio::AutoScaler::plan(*m_db, QStringLiteral("development"), policy, now);
        QVERIFY(plan);
        QCOMPARE(plan->idle.size(), 2);
        QCOMPARE(plan->idle.at(0).e164, QStringLiteral("+16076956081"));
        QVERIFY(plan->idle.at(0).due);
        QCOMPARE(plan->idle.at(0).nextBillingAt.date(), QDate(2026, 11, 26));
        QVERIFY(!plan->idle.at(1).due);

        // Releasing must not take the pool under its threshold.
        policy.minAvailable = 2;
        plan = Twilio::AutoScaler::plan(*m_db, QStringLiteral("development"), policy, now);
        QCOMPARE(plan->idle.size(), 1);
    }

    // The callee area codes that calls went to without a local number, most such calls first, take
    // the purchases the threshold calls for, each up to its shortfall; the rest is bought anywhere.
    // With local presence buying on, each area code's shortfall is bought even when the threshold
    // does not call for numbers, within the maximum pool size and the budget cap.
    void planSteersPurchasesToCalleeAreaCodes_data() { addEngineRows(); }
    void planSteersPurchasesToCalleeAreaCodes() {
        QFETCH(QString, engine);
        openDb(engine);
        const QDateTime now = Clock::nowUtc();
        addNumber(QStringLiteral("+16076956080"), now.addDays(-5));
        addLocalDemand();
        const QString dev = QStringLiteral("development");
        Twilio::ScalingPolicy policy;
        policy.minAvailable = 4; // one free: three needed
        auto plan = Twilio::AutoScaler::plan(*m_db, dev, policy, now);
        QVERIFY(plan);
        QCOMPARE(plan->toBuy, 3);
        QCOMPARE(plan->needed, 3);
        QCOMPARE(areaPurchases(plan.value()),
                 (QStringList{QStringLiteral("1415:2"), QStringLiteral("1212:1")}));
        QCOMPARE(plan->areas.at(0).area.callsWithoutLocal, 6);
        QCOMPARE(plan->areas.at(0).area.shortfall, 2);
        QCOMPARE(plan->areas.at(1).area.callsWithoutLocal, 3);
        QCOMPARE(plan->areasElsewhere, 1); // London: Twilio searches area codes in +1 only
        QVERIFY(plan->limits.isEmpty());

        policy.minAvailable = 2; // one needed: the busiest area code
        plan = Twilio::AutoScaler::plan(*m_db, dev, policy, now);
        QCOMPARE(areaPurchases(plan.value()),
                 (QStringList{QStringLiteral("1415:1"), QStringLiteral("1212:0")}));
        QCOMPARE(plan->toBuy, 1);

        policy.minAvailable = 1; // none needed, and local presence buying is off: nothing
        plan = Twilio::AutoScaler::plan(*m_db, dev, policy, now);
        QCOMPARE(plan->toBuy, 0);
        QCOMPARE(areaPurchases(plan.value()),
                 (QStringList{QStringLiteral("1415:0"), QStringLiteral("1212:0")}));

        policy.localPresenceBuy = true; // each area code's shortfall
        plan = Twilio::AutoScaler::plan(*m_db, dev, policy, now);
        QCOMPARE(plan->toBuy, 3);
        QCOMPARE(plan->needed, 0);
        QCOMPARE(areaPurchases(plan.value()),
                 (QStringList{QStringLiteral("1415:2"), QStringLiteral("1212:1")}));

        policy.maxPoolSize = 3; // one number now: two more
        plan = Twilio::AutoScaler::plan(*m_db, dev, policy, now);
        QCOMPARE(plan->toBuy, 2);
        QCOMPARE(plan->limits.size(), 1);
        QCOMPARE(areaPurchases(plan.value()),
                 (QStringList{QStringLiteral("1415:2"), QStringLiteral("1212:0")}));

        policy.maxPoolSize = 0;
        policy.monthlyBudgetCap = 2'400'000; // $1.15 rented now: room for one more
        plan = Twilio::AutoScaler::plan(*m_db, dev, policy, now);
        QCOMPARE(plan->toBuy, 1);
        QCOMPARE(plan->limits.size(), 1);
        QCOMPARE(areaPurchases(plan.value()),
                 (QStringList{QStringLiteral("1415:1"), QStringLiteral("1212:0")}));

        // Without local presence the allocator does not prefer local numbers: nothing is steered.
        QVERIFY(CallerPolicy::set(*m_db, m_actor, QStringLiteral("local_presence"), QStringLiteral("off")));
        policy.monthlyBudgetCap = 0;
        plan = Twilio::AutoScaler::plan(*m_db, dev, policy, now);
        QVERIFY(!plan->localPresence);
        QVERIFY(plan->areas.isEmpty());
        QCOMPARE(plan->toBuy, 0);
        policy.minAvailable = 4;
        plan = Twilio::AutoScaler::plan(*m_db, dev, policy, now);
        QCOMPARE(plan->toBuy, 3);
        QVERIFY(plan->areas.isEmpty());
    }

    // Carried out: San Francisco first (Twilio has one number there), then Manhattan (none), then
    // anywhere for what the threshold still needs. The audit names the area code and why.
    void buysInAreaCodesFirstThenAnywhere_data() { addEngineRows(); }
    void buysInAreaCodesFirstThenAnywhere() {
        QFETCH(QString, engine);
        openDb(engine);
        const QDateTime now = Clock::nowUtc();
        addNumber(QStringLiteral("+16076956080"), now.addDays(-5));
        addLocalDemand();
        FakeTwilio twilio({QStringLiteral("+15005550006"), QStringLiteral("+14155550100"),
                           QStringLiteral("+15005550007"), QStringLiteral("+15005550008")});
        Twilio::ScalingPolicy policy;
        policy.minAvailable = 4;
        auto plan = Twilio::AutoScaler::plan(*m_db, QStringLiteral("development"), policy, now);
        QVERIFY(plan);
        std::unique_ptr<Twilio::AutoScaleOperation> op;
        runPlan(twilio, plan.value(), policy, op);
        if (QTest::currentTestFailed())
            return;
        QCOMPARE(op->bought(), (QStringList{QStringLiteral("+14155550100"), QStringLiteral("+15005550006"),
                                            QStringLiteral("+15005550007")}));
        QCOMPARE(op->notOffered(), QStringList{QStringLiteral("1212")});
        QCOMPARE(twilio.searches(), (QStringList{QStringLiteral("415"), QStringLiteral("212"), QString()}));

        const QHash<QString, QJsonObject> bought = purchases();
        QCOMPARE(bought.size(), 3);
        const QJsonObject local = bought.value(QStringLiteral("+14155550100"));
        QCOMPARE(local.value(QStringLiteral("area_code")).toString(), QStringLiteral("1415"));
        const QString why = local.value(QStringLiteral("local_demand")).toString();
        QVERIFY2(why.contains(QLatin1String("6 call")) && why.contains(QLatin1String("1415")) &&
                     why.contains(QLatin1String("no local number")),
                 qPrintable(why));
        QVERIFY(local.value(QStringLiteral("trigger")).toString().contains(QLatin1String("threshold")));
        QVERIFY(!bought.value(QStringLiteral("+15005550006")).contains(QStringLiteral("area_code")));
    }

    // Local presence buying is off by default: with enough free numbers nothing is bought. On, each
    // area code gets its shortfall, only there (never a number anywhere instead), within the budget.
    void localPresenceBuyingStaysInItsAreaCodes_data() { addEngineRows(); }
    void localPresenceBuyingStaysInItsAreaCodes() {
        QFETCH(QString, engine);
        openDb(engine);
        const QDateTime now = Clock::nowUtc();
        const QString dev = QStringLiteral("development");
        addNumber(QStringLiteral("+16076956080"), now.addDays(-5));
        addLocalDemand();
        FakeTwilio twilio({QStringLiteral("+15005550006"), QStringLiteral("+14155550100")});
        Twilio::ScalingPolicy policy = Twilio::ScalingPolicy::load(*m_db);
        QVERIFY(!policy.localPresenceBuy);
        policy.minAvailable = 1;
        auto plan = Twilio::AutoScaler::plan(*m_db, dev, policy, now);
        QVERIFY(plan);
        QCOMPARE(plan->toBuy, 0);
        std::unique_ptr<Twilio::AutoScaleOperation> op;
        runPlan(twilio, plan.value(), policy, op);
        QVERIFY(op->bought().isEmpty());
        QVERIFY(twilio.searches().isEmpty());

        QVERIFY(
            Settings::set(*m_db, m_actor, Twilio::ScalingPolicy::localPresenceBuyKey(), QStringLiteral("1")));
        policy = Twilio::ScalingPolicy::load(*m_db);
        QVERIFY(policy.localPresenceBuy);
        policy.minAvailable = 1;
        plan = Twilio::AutoScaler::plan(*m_db, dev, policy, now);
        QCOMPARE(plan->toBuy, 3);
        runPlan(twilio, plan.value(), policy, op);
        if (QTest::currentTestFailed())
            return;
        QCOMPARE(op->bought(), QStringList{QStringLiteral("+14155550100")});
        QCOMPARE(op->notOffered(), QStringList{QStringLiteral("1212")});
        QCOMPARE(twilio.searches(), (QStringList{QStringLiteral("415"), QStringLiteral("212")}));
        const QJsonObject audited = purchases().value(QStringLiteral("+14155550100"));
        QCOMPARE(audited.value(QStringLiteral("area_code")).toString(), QStringLiteral("1415"));
        QVERIFY(audited.value(QStringLiteral("trigger"))
                    .toString()
                    .contains(QLatin1String("local_presence_buy")));

        // San Francisco is one short now; the budget cap leaves room for one number of the two
        // still short.
        twilio.account.offered << QStringLiteral("+14155550101") << QStringLiteral("+12125550100");
        twilio.server.clear();
        policy.monthlyBudgetCap = 3'450'000; // $2.30 rented now
        plan = Twilio::AutoScaler::plan(*m_db, dev, policy, now);
        QCOMPARE(areaPurchases(plan.value()),
                 (QStringList{QStringLiteral("1415:1"), QStringLiteral("1212:0")}));
        QCOMPARE(plan->limits.size(), 1);
        runPlan(twilio, plan.value(), policy, op);
        QCOMPARE(op->bought(), QStringList{QStringLiteral("+14155550101")});
        QCOMPARE(twilio.searches(), QStringList{QStringLiteral("415")});
        QCOMPARE(scalar(*m_db, QStringLiteral("SELECT SUM(monthly_price_micros) FROM phone_numbers")),
                 qint64(3'450'000));
    }

    // An exhausted pool's one number goes to the area code with the most calls without a local
    // number, or to the next one when Twilio has none there.
    void exhaustedPoolBuysInTheBusiestAreaCode_data() { addEngineRows(); }
    void exhaustedPoolBuysInTheBusiestAreaCode() {
        QFETCH(QString, engine);
        openDb(engine);
        addLocalDemand();
        FakeTwilio twilio(
            {QStringLiteral("+15005550006"), QStringLiteral("+12125550100"), QStringLiteral("+14155550100")});
        Twilio::TwilioProvisioner provisioner(
            [&](const QString &environment) -> std::optional<Twilio::OperationContext> {
                auto profile = Environments(*m_db).find(environment);
                if (!profile)
                    return std::nullopt;
                return Twilio::OperationContext{m_db.get(), &twilio.client, profile.value(), Actor{}};
            });
        QVERIFY(Settings::set(*m_db, m_actor, SettingKeys::BuyWhenExhausted, QStringLiteral("1")));
        QVERIFY(Companies(*m_db).add(m_actor, QStringLiteral("Acme"), Plan::Standard));
        Allocator allocator(*m_db);
        allocator.setProvisioner(&provisioner);
        AllocationRequest request{QStringLiteral("Acme"), QStringLiteral("op1"), QStringLiteral("s1"),
                                  std::nullopt, QStringLiteral("development")};
        QSignalSpy finished(&provisioner, &Twilio::TwilioProvisioner::purchaseFinished);
        auto refused = allocator.allocate(request);
        QVERIFY(!refused);
        QCOMPARE(refused.error().reason, RefusalReason::PurchasePending);
        QVERIFY(finished.wait(20000));
        QCOMPARE(finished.at(0).at(2).toString(), QStringLiteral("+14155550100"));
        QVERIFY(allocator.allocate(request)); // s1 holds it

        request.session = QStringLiteral("s2");
        refused = allocator.allocate(request);
        QVERIFY(!refused);
        QCOMPARE(refused.error().reason, RefusalReason::PurchasePending);
        QVERIFY(finished.wait(20000));
        QCOMPARE(finished.at(1).at(2).toString(), QStringLiteral("+12125550100"));
        QCOMPARE(twilio.searches(),
                 (QStringList{QStringLiteral("415"), QStringLiteral("415"), QStringLiteral("212")}));
        const QHash<QString, QJsonObject> bought = purchases();
        QCOMPARE(bought.value(QStringLiteral("+14155550100")).value(QStringLiteral("area_code")).toString(),
                 QStringLiteral("1415"));
        QCOMPARE(bought.value(QStringLiteral("+12125550100")).value(QStringLiteral("area_code")).toString(),
                 QStringLiteral("1212"));
    }

    void exhaustedPoolBuysThroughTheProvisioner_data() { addEngineRows(); }
    void exhaustedPoolBuysThroughTheProvisioner() {
        QFETCH(QString, engine);
        openDb(engine);
        QNetworkAccessManager network;
        Server server;
        server.on("GET", accountPath("AvailablePhoneNumbers/US/Local.json"), [](const Server::Request &) {
            QJsonArray list{QJsonObject{{QStringLiteral("phone_number"), QStringLiteral("+15005550000")}},
                            QJsonObject{{QStringLiteral("phone_number"), QStringLiteral("+15005550006")}}};
            return Server::Response::json(200, {{QStringLiteral("available_phone_numbers"), list}});
        });
        server.on("POST", accountPath("IncomingPhoneNumbers.json"), [](const Server::Request &request) {
            if (request.field("PhoneNumber") == QLatin1String("+15005550000"))
                return Server::Response::error(400, 21422,
                                               QStringLiteral("PhoneNumber requested is not available"));
            return Server::Response::json(201, incomingNumberJson(pnSid(6), request.field("PhoneNumber")));
        });
        Twilio::Client client(&network);
        client.setCredentials(testCredentials(server.baseUrl()));
        Twilio::TwilioProvisioner provisioner(
            [&](const QString &environment) -> std::optional<Twilio::OperationContext> {
                auto profile = Environments(*m_db).find(environment);
                if (!profile)
                    return std::nullopt;
                return Twilio::OperationContext{m_db.get(), &client, profile.value(), Actor{}};
            });
        QVERIFY(Settings::set(*m_db, m_actor, SettingKeys::BuyWhenExhausted, QStringLiteral("1")));
        QVERIFY(Companies(*m_db).add(m_actor, QStringLiteral("Acme"), Plan::Standard));
        Allocator allocator(*m_db);
        allocator.setProvisioner(&provisioner);
        AllocationRequest request;
        request.company = QStringLiteral("Acme");
        request.operatorId = QStringLiteral("op1");
        request.session = QStringLiteral("s1");
        request.environment = QStringLiteral("development");

        QSignalSpy finished(&provisioner, &Twilio::TwilioProvisioner::purchaseFinished);
        auto refused = allocator.allocate(request);
        QVERIFY(!refused);
        QCOMPARE(refused.error().reason, RefusalReason::PurchasePending);
        QVERIFY(provisioner.isPurchasing(QStringLiteral("development")));
        QVERIFY(finished.wait(20000));
        QVERIFY2(finished.first().at(1).toBool(), qPrintable(finished.first().at(2).toString()));
        QCOMPARE(finished.first().at(2).toString(), QStringLiteral("+15005550006")); // the first was taken

        auto allocated = allocator.allocate(request);
        QVERIFY2(allocated, qPrintable(allocated ? QString() : allocated.error().message));
        QCOMPARE(allocated->e164, QStringLiteral("+15005550006"));
        QCOMPARE(Sql::exec(m_db->connection(),
                           QStringLiteral("SELECT actor FROM audit_log WHERE action = 'twilio.buy'"))
                     .value()
                     .next(),
                 true);
        auto actor =
            Sql::exec(m_db->connection(), QStringLiteral("SELECT actor, after_json FROM audit_log WHERE "
                                                         "action = 'twilio.buy'"));
        QVERIFY(actor && actor.value().next());
        QCOMPARE(actor.value().value(0).toString(), QStringLiteral("policy:buy_when_exhausted"));
        QVERIFY(actor.value().value(1).toString().contains(QLatin1String("pool exhausted")));

        // The policy's maximum pool size stops further purchases.
        QVERIFY(Settings::set(*m_db, m_actor, SettingKeys::MaxPoolSize, QStringLiteral("1")));
        request.session = QStringLiteral("s2");
        auto capped = allocator.allocate(request);
        QVERIFY(!capped);
        QCOMPARE(capped.error().reason, RefusalReason::PoolExhausted);
        QVERIFY(!provisioner.isPurchasing(QStringLiteral("development")));
    }

    // The pool service's timer: buys under the threshold, then releases an idle number shortly
    // before its billing day, each audited as policy:autoscale with the scheduler as the trigger.
    void schedulerBuysAndReleasesOnItsTimer_data() { addEngineRows(); }
    void schedulerBuysAndReleasesOnItsTimer() {
        QFETCH(QString, engine);
        openDb(engine);
        // Today is 2026-11-24 09:00 UTC for the policy.
        const QDateTime today(QDate(2026, 11, 24), QTime(9, 0), Qt::UTC);
        Clock::setOffsetForTesting(QDateTime::currentDateTimeUtc().secsTo(today));
        const QDateTime now = Clock::nowUtc();
        // Bought on the 26th (billed in 2 days), idle for 40 days.
        addNumber(QStringLiteral("+16076956081"), QDateTime(QDate(2026, 5, 26), QTime(8, 0), Qt::UTC),
                  now.addDays(-40));
        QNetworkAccessManager network;
        Server server;
        QList<QJsonObject> owned{incomingNumberJson(pnSid(1), QStringLiteral("+16076956081"))};
        server.on("GET", accountPath("AvailablePhoneNumbers/US/Local.json"), [](const Server::Request &) {
            QJsonArray list{QJsonObject{{QStringLiteral("phone_number"), QStringLiteral("+15005550000")}},
                            QJsonObject{{QStringLiteral("phone_number"), QStringLiteral("+15005550006")}},
                            QJsonObject{{QStringLiteral("phone_number"), QStringLiteral("+15005550007")}}};
            return Server::Response::json(200, {{QStringLiteral("available_phone_numbers"), list}});
        });
        server.on("POST", accountPath("IncomingPhoneNumbers.json"), [&](const Server::Request &request) {
            if (request.field("PhoneNumber") == QLatin1String("+15005550000"))
                return Server::Response::error(400, 21422,
                                               QStringLiteral("PhoneNumber requested is not available"));
            QJsonObject n = incomingNumberJson(pnSid(10 + int(owned.size())), request.field("PhoneNumber"));
            n.insert(QStringLiteral("date_created"),
                     QString(QLocale::c().toString(now, QStringLiteral("ddd, dd MMM yyyy HH:mm:ss")) +
                             QStringLiteral(" +0000")));
            owned.append(n);
            return Server::Response::json(201, n);
        });
        server.on("GET", accountPath("IncomingPhoneNumbers.json"), [&](const Server::Request &request) {
            QJsonArray list;
            for (const QJsonObject &n : std::as_const(owned))
                if (n.value(QStringLiteral("phone_number")).toString() == request.queryField("PhoneNumber"))
                    list.append(n);
            return Server::Response::json(200, {{QStringLiteral("incoming_phone_numbers"), list}});
        });
        server.on("DELETE", accountPath("IncomingPhoneNumbers/"), [&](const Server::Request &) {
            Server::Response gone;
            gone.status = 204;
            return gone;
        });
        Twilio::Client client(&network);
        client.setCredentials(testCredentials(server.baseUrl()));
        auto provider = [&](const QString &environment) -> std::optional<Twilio::OperationContext> {
            auto profile = Environments(*m_db).find(environment);
            if (!profile || environment != QLatin1String("development")) // no credentials elsewhere
                return std::nullopt;
            return Twilio::OperationContext{m_db.get(), &client, profile.value(), Actor{}};
        };
        QVERIFY(Settings::set(*m_db, m_actor, SettingKeys::MinAvailableThreshold, QStringLiteral("3")));
        QVERIFY(Settings::set(*m_db, m_actor, SettingKeys::MaxPoolSize, QStringLiteral("3")));

        Twilio::AutoscaleScheduler::Options options;
        options.interval = std::chrono::milliseconds(50);
        options.environments = {QStringLiteral("development"), QStringLiteral("production")};
        options.runAtStart = false;
        Twilio::AutoscaleScheduler scheduler(provider, options);
        QSignalSpy passes(&scheduler, &Twilio::AutoscaleScheduler::passFinished);
        scheduler.start();
        QVERIFY(scheduler.isActive());
        auto passIn = [&](const QString &environment) -> std::optional<Twilio::AutoscalePass> {
            for (int waited = 0; waited < 200; ++waited) {
                for (const QList<QVariant> &args : std::as_const(passes)) {
                    auto pass = args.at(0).value<Twilio::AutoscalePass>();
                    if (pass.environment == environment)
                        return pass;
                }
                passes.wait(100);
            }
            return std::nullopt;
        };
        // Pass 1: one free shared number, threshold 3, room for two more: buys two (the first
        // candidate was taken meanwhile), releases nothing (that would go under the threshold).
        auto first = passIn(QStringLiteral("development"));
        QVERIFY(first);
        QVERIFY2(first->ok, qPrintable(first->error));
        QCOMPARE(first->bought,
                 (QStringList{QStringLiteral("+15005550006"), QStringLiteral("+15005550007")}));
        QVERIFY(first->released.isEmpty());
        // The production environment has no credentials: said so, nothing else happens.
        auto production = passIn(QStringLiteral("production"));
        QVERIFY(production);
        QVERIFY(!production->ok);
        QVERIFY(production->error.contains(QLatin1String("credentials")));

        auto buys =
            Sql::exec(m_db->connection(),
                      QStringLiteral("SELECT actor, after_json FROM audit_log WHERE action = 'twilio.buy'"));
        QVERIFY(buys);
        int audited = 0;
        while (buys.value().next()) {
            ++audited;
            QCOMPARE(buys.value().value(0).toString(), QStringLiteral("policy:autoscale"));
            QVERIFY(buys.value().value(1).toString().contains(QLatin1String("pool service")));
        }
        QCOMPARE(audited, 2);

        // Pass 2 (a later tick): threshold 2 now, releasing allowed: the idle number due for billing
        // goes; the new ones stay; nothing more is bought (the pool is at its maximum size).
        QVERIFY(Settings::set(*m_db, m_actor, SettingKeys::MinAvailableThreshold, QStringLiteral("2")));
        QVERIFY(Settings::set(*m_db, m_actor, Twilio::ScalingPolicy::releaseIdleKey(), QStringLiteral("1")));
        passes.clear();
        std::optional<Twilio::AutoscalePass> second;
        for (int tries = 0; tries < 5 && !(second && !second->released.isEmpty()); ++tries)
            second = passIn(QStringLiteral("development"));
        QVERIFY(second);
        QVERIFY2(second->ok, qPrintable(second->error));
        QCOMPARE(second->released, QStringList{QStringLiteral("+16076956081")});
        QVERIFY(!Numbers(*m_db).find(QStringLiteral("+16076956081"), QStringLiteral("development")));
        QCOMPARE(server.requestsTo("DELETE", accountPath("IncomingPhoneNumbers/")).size(), 1);
        auto release = Sql::exec(m_db->connection(),
                                 QStringLiteral("SELECT actor, after_json FROM audit_log WHERE action = "
                                                "'twilio.release'"));
        QVERIFY(release && release.value().next());
        QCOMPARE(release.value().value(0).toString(), QStringLiteral("policy:autoscale"));
        QVERIFY(release.value().value(1).toString().contains(QLatin1String("2026-11-26")));
        QCOMPARE(Numbers(*m_db).list({QStringLiteral("development"), std::nullopt, std::nullopt, {}})->size(),
                 2);

        scheduler.stop();
        QVERIFY(!scheduler.isActive());
    }
};

QTEST_GUILESS_MAIN(TestAutoScaler)
#include "tst_autoscaler.moc"
