// pooldesk-service --autoscale-every: the real service buys numbers under the threshold on its own,
// through Twilio (an in-process fake server here), with the credentials from TWILIO_* variables.
#include "ServiceTestSupport.h"
#include "TestDatabases.h"
#include "TwilioTestSupport.h"

#include "storage/AuditLog.h"
#include "storage/Database.h"
#include "storage/Settings.h"
#include "storage/SqlHelpers.h"

#include <QJsonArray>
#include <QTest>

using namespace PoolDesk;
using namespace PoolDesk::Test;

class TestServiceAutoscale : public QObject {
    Q_OBJECT
private slots:
    void buysUnderTheThreshold_data() { addEngineRows(); }
    void buysUnderTheThreshold();
};

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
    server.on(
        "GET", accountPath("AvailablePhoneNumbers/US/Local.json"), [](const FakeTwilioServer::Request &) {
            QJsonArray list{QJsonObject{{QStringLiteral("phone_number"), QStringLiteral("+15005550006")}},
                            QJsonObject{{QStringLiteral("phone_number"), QStringLiteral("+15005550007")}},
                            QJsonObject{{QStringLiteral("phone_number"), QStringLiteral("+15005550008")}}};
            return FakeTwilioServer::Response::json(200, {{QStringLiteral("available_phone_numbers"), list}});
        });
    FakeTwilioAccount account; // buys, lists and releases the account's numbers
    account.install(server);

    ServiceProcess service;
    QVERIFY2(service.start(url, {QStringLiteral("--autoscale-every"), QStringLiteral("1")},
                           {QStringLiteral("TWILIO_ACCOUNT_SID=") + TestAccountSid,
                            QStringLiteral("TWILIO_API_KEY=") + TestApiKey,
                            QStringLiteral("TWILIO_API_SECRET=") + TestApiSecret,
                            QStringLiteral("POOLDESK_TWILIO_BASE_URL=") + server.baseUrl().toString()}),
             service.output().constData());

    const auto count = [&](const QString &sql) {
        auto query = Sql::exec(db.connection(), sql);
        return query && query.value().next() ? query.value().value(0).toInt() : -1;
    };
    // The test's event loop serves the fake Twilio while it waits.
    QTRY_COMPARE_WITH_TIMEOUT(
        count(QStringLiteral("SELECT COUNT(*) FROM phone_numbers WHERE environment = 'development'")), 2,
        30000);
    QCOMPARE(count(QStringLiteral("SELECT COUNT(*) FROM audit_log WHERE action = 'twilio.buy' AND actor = "
                                  "'policy:autoscale'")),
             2);
    // At the maximum pool size it buys no more on later passes.
    QTest::qWait(2500);
    QCOMPARE(account.numbers.size(), 2);
    QCOMPARE(service.terminate(), 0);
}

QTEST_GUILESS_MAIN(TestServiceAutoscale)
#include "tst_serviceautoscale.moc"
