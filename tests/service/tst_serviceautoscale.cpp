// pooldesk-service --autoscale-every: the real service buys numbers under the threshold on its own,
// through Twilio (an in-process fake server here), with the credentials from TWILIO_* variables, in
// the callee area codes that calls went to without a local number first.
#include "PrivatePostgres.h"
#include "ServiceTestSupport.h"
#include "TestDatabases.h"
#include "TwilioTestSupport.h"

#include "storage/AuditLog.h"
#include "storage/Database.h"
#include "storage/Settings.h"
#include "storage/SqlHelpers.h"

#include <QDateTime>
#include <QTest>

using namespace PoolDesk;
using namespace PoolDesk::Test;

class TestServiceAutoscale : public QObject {
    Q_OBJECT
private slots:
    void buysUnderTheThreshold_data() { addEngineRows(); }
    void buysUnderTheThreshold();
    void buysWhereCallsHadNoLocalNumber_data() { addEngineRows(); }
    void buysWhereCallsHadNoLocalNumber();
    void goesOnAfterTheDatabaseRestarted();
};

namespace {

// Like Twilio, offers only numbers the account does not already own.
void offerNumbers(FakeTwilioServer &server, FakeTwilioAccount &account) {
    account.offered = {QStringLiteral("+15005550006"), QStringLiteral("+15005550007"),
                       QStringLiteral("+15005550008")};
    account.offer(server);
}

QStringList twilioEnvironment(const FakeTwilioServer &server) {
    return {QStringLiteral("TWILIO_ACCOUNT_SID=") + TestAccountSid,
            QStringLiteral("TWILIO_API_KEY=") + TestApiKey,
            QStringLiteral("TWILIO_API_SECRET=") + TestApiSecret,
            QStringLiteral("POOLDESK_TWILIO_BASE_URL=") + server.baseUrl().toString()};
}

int count(Database &db, const QString &sql) {
    auto query = Sql::exec(db.connection(), sql);
    return query && query.value().next() ? query.value().value(0).toInt() : -1;
}

} // namespace

void TestServiceAutoscale::buysUnderTheThreshold() {
    QFETCH(QString, engine);
    const QString url = freshDatabaseUrl(engine);
    auto opened = Database::open(url);
    QVERIFY(opened);
    Database &db = *opened.value();
    const Actor admin{QStringLiteral("user:test")};
    QVERIFY(Settings::set(db, admin, SettingKeys::MinAvailableThreshold, QStringLiteral("2")));
    QVERIFY(Settings::set(db, admin, SettingKeys::MaxPoolSize, QStringLiteral("2")));

    FakeTwilioServer server;
    FakeTwilioAccount account; // buys, lists and releases the account's numbers
    offerNumbers(server, account);
    account.install(server);

    ServiceProcess service;
    QVERIFY2(service.start(url, {QStringLiteral("--autoscale-every"), QStringLiteral("1")},
                           twilioEnvironment(server)),
             service.output().constData());

    // The test's event loop serves the fake Twilio while it waits.
    QTRY_COMPARE_WITH_TIMEOUT(
        count(db, QStringLiteral("SELECT COUNT(*) FROM phone_numbers WHERE environment = 'development'")), 2,
        30000);
    QCOMPARE(
        count(db, QStringLiteral("SELECT COUNT(*) FROM audit_log WHERE action = 'twilio.buy' AND actor = "
                                 "'policy:autoscale'")),
        2);
    // At the maximum pool size it buys no more on later passes.
    QTest::qWait(2500);
    QCOMPARE(account.numbers.size(), 2);
    QCOMPARE(service.terminate(), 0);
}

// Calls to San Francisco and Manhattan went out without a local number yesterday: the service's
// purchases under the threshold go there, San Francisco (more such calls) first, rather than to the
// first numbers Twilio offers; each audit entry names its area code.
void TestServiceAutoscale::buysWhereCallsHadNoLocalNumber() {
    QFETCH(QString, engine);
    const QString url = freshDatabaseUrl(engine);
    auto opened = Database::open(url);
    QVERIFY(opened);
    Database &db = *opened.value();
    const Actor admin{QStringLiteral("user:test")};
    QVERIFY(Settings::set(db, admin, SettingKeys::MinAvailableThreshold, QStringLiteral("2")));
    QVERIFY(Settings::set(db, admin, SettingKeys::MaxPoolSize, QStringLiteral("2")));
    const qint64 yesterday = (QDateTime::currentSecsSinceEpoch() / 86400 - 1) * 86400;
    int serial = 0;
    for (const auto &[callee, match] : {std::pair{"+14155552000", "any"}, std::pair{"+14155552001", "any"},
                                        std::pair{"+14155552002", "region"}, std::pair{"+12125553000", "any"},
                                        std::pair{"+16175554000", "area_code"}}) {
        const qint64 start = yesterday + 3600 * ++serial;
        QVERIFY(Sql::exec(
            db.connection(),
            QStringLiteral("INSERT INTO call_records (session, e164, operator, direction, "
                           "started_at, ended_at, duration_seconds, billed_minutes, "
                           "estimated_cost_micros, environment, callee, pick_match) VALUES (?, "
                           "'+16076956099', 'op', 'outbound', ?, ?, 10, 1, 0, 'development', ?, ?)"),
            {QStringLiteral("call-%1").arg(serial), start, start + 10, QString::fromLatin1(callee),
             QString::fromLatin1(match)}));
    }

    FakeTwilioServer server;
    FakeTwilioAccount account;
    account.offered = {QStringLiteral("+15005550006"), QStringLiteral("+16175550100"),
                       QStringLiteral("+12125550100"), QStringLiteral("+14155550100")};
    account.offer(server);
    account.install(server);
    ServiceProcess service;
    QVERIFY2(service.start(url, {QStringLiteral("--autoscale-every"), QStringLiteral("1")},
                           twilioEnvironment(server)),
             service.output().constData());
    QTRY_COMPARE_WITH_TIMEOUT(
        count(db, QStringLiteral("SELECT COUNT(*) FROM audit_log WHERE action = 'twilio.buy' AND actor = "
                                 "'policy:autoscale'")),
        2, 30000);
    QCOMPARE(service.terminate(), 0);
    QStringList searched;
    for (const FakeTwilioServer::Request &r : server.requestsTo("GET", accountPath("AvailablePhoneNumbers/")))
        searched << r.queryField("AreaCode");
    QCOMPARE(searched, (QStringList{QStringLiteral("415"), QStringLiteral("212")}));
    auto bought =
        Sql::exec(db.connection(),
                  QStringLiteral("SELECT target, after_json FROM audit_log WHERE action = 'twilio.buy' "
                                 "ORDER BY id"));
    QVERIFY(bought);
    QStringList numbers;
    while (bought.value().next()) {
        numbers << bought.value().value(0).toString();
        QVERIFY(bought.value().value(1).toString().contains(QLatin1String("no local number")));
    }
    QCOMPARE(numbers, (QStringList{QStringLiteral("+14155550100"), QStringLiteral("+12125550100")}));
}

// The auto-scaler's connection is checked before each pass: after PostgreSQL restarted, the next
// pass buys again with no restart of the service.
void TestServiceAutoscale::goesOnAfterTheDatabaseRestarted() {
    PrivatePostgres postgres;
    QVERIFY2(postgres.start(), qPrintable(postgres.error()));
    const QString url = postgres.freshDatabaseUrl();
    const Actor admin{QStringLiteral("user:test")};
    {
        auto opened = Database::open(url);
        QVERIFY(opened);
        QVERIFY(
            Settings::set(*opened.value(), admin, SettingKeys::MinAvailableThreshold, QStringLiteral("2")));
        QVERIFY(Settings::set(*opened.value(), admin, SettingKeys::MaxPoolSize, QStringLiteral("1")));
    }
    FakeTwilioServer server;
    FakeTwilioAccount account;
    offerNumbers(server, account);
    account.install(server);
    ServiceProcess service;
    QVERIFY2(service.start(url, {QStringLiteral("--autoscale-every"), QStringLiteral("1")},
                           twilioEnvironment(server)),
             service.output().constData());
    QTRY_COMPARE_WITH_TIMEOUT(account.numbers.size(), 1, 30000);

    QVERIFY2(postgres.pause(), qPrintable(postgres.error()));
    QTest::qWait(3000); // passes fail meanwhile, and say why
    QVERIFY2(postgres.resume(), qPrintable(postgres.error()));
    auto opened = Database::open(url, Database::Migrate::No);
    QVERIFY(opened);
    QVERIFY(Settings::set(*opened.value(), admin, SettingKeys::MaxPoolSize, QStringLiteral("2")));
    QTRY_COMPARE_WITH_TIMEOUT(account.numbers.size(), 2, 30000);
    // Twilio answers the purchase before the service records it: wait for the record too.
    QTRY_COMPARE_WITH_TIMEOUT(
        count(*opened.value(), QStringLiteral("SELECT COUNT(*) FROM audit_log WHERE action = 'twilio.buy' "
                                              "AND actor = 'policy:autoscale'")),
        2, 10000);
    QCOMPARE(count(*opened.value(), QStringLiteral("SELECT COUNT(*) FROM phone_numbers")), 2);
    QCOMPARE(service.terminate(), 0);
    QVERIFY2(service.output().contains("The pool database cannot be reached"), service.output().constData());
}

QTEST_GUILESS_MAIN(TestServiceAutoscale)
#include "tst_serviceautoscale.moc"
