// pooldeskctl twilio against the fake server: what a script asking for one number gets when
// someone else takes it first; what twilio autoscale shows of calls without a local number.
#include "FakeTwilioServer.h"
#include "TwilioTestSupport.h"

#include "TestDatabases.h"

#include "credentials/Environments.h"
#include "storage/Database.h"
#include "storage/Settings.h"
#include "storage/SqlHelpers.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QTest>

using namespace PoolDesk;
using namespace PoolDesk::Test;
using Server = FakeTwilioServer;

class TestTwilioCli : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() {
        if (qEnvironmentVariableIsEmpty("POOLDESK_CTL"))
            QFAIL("run through ctest: needs POOLDESK_CTL");
    }

    // The number asked for answers 21422 (taken meanwhile): a script that named it gets nothing
    // bought (exit 3) unless it allowed a similar one.
    void buyingANamedNumberNeverBuysAnother() {
        QTemporaryDir dir;
        const QString url = QStringLiteral("sqlite:") + dir.filePath(QStringLiteral("pool.db"));
        {
            auto db = Database::open(url);
            QVERIFY(db.ok());
            EnvironmentChange change;
            change.webhookBaseUrl = QUrl(QStringLiteral("https://dev.example.org"));
            QVERIFY(Environments(*db.value())
                        .set(Actor{QStringLiteral("user:test")}, QStringLiteral("development"), change));
        }
        Server server;
        FakeTwilioAccount account;
        account.unavailable = QStringLiteral("+16075550100");
        account.install(server);
        server.on("GET", accountPath("AvailablePhoneNumbers/US/Local.json"), [](const Server::Request &) {
            QJsonArray list;
            for (const char *n : {"+16075550100", "+16075550101"})
                list.append(QJsonObject{{QStringLiteral("phone_number"), QString::fromLatin1(n)}});
            return Server::Response::json(200, {{QStringLiteral("available_phone_numbers"), list}});
        });
        const QStringList buy{QStringLiteral("--db"),         url,
                              QStringLiteral("--env"),        QStringLiteral("development"),
                              QStringLiteral("twilio"),       QStringLiteral("buy"),
                              QStringLiteral("+16075550100"), QStringLiteral("--yes")};
        const auto poolSize = [&] {
            auto db = Database::open(url);
            return scalar(*db.value(), QStringLiteral("SELECT COUNT(*) FROM phone_numbers"));
        };

        const CtlRun refused = runCtl(server.baseUrl(), buy);
        QCOMPARE(refused.exitCode, 3);
        QVERIFY2(refused.err.contains("--or-similar"), refused.err.constData());
        QCOMPARE(server.requestsTo("POST", accountPath("IncomingPhoneNumbers.json")).size(), 1);
        QCOMPARE(poolSize(), 0);

        const CtlRun similar = runCtl(server.baseUrl(), buy + QStringList{QStringLiteral("--or-similar")});
        QVERIFY2(similar.exitCode == 0, similar.err.constData());
        QVERIFY(similar.out.contains("+16075550101"));
        QCOMPARE(poolSize(), 1);
    }

    // The plan names the callee area codes that calls went to without a local number, with their
    // counts; --apply buys in the busiest one first.
    void autoscaleShowsTheAreaCodesWithoutLocalNumbers() {
        QTemporaryDir dir;
        const QString url = QStringLiteral("sqlite:") + dir.filePath(QStringLiteral("pool.db"));
        {
            auto db = Database::open(url);
            QVERIFY(db.ok());
            const Actor admin{QStringLiteral("user:test")};
            EnvironmentChange change;
            change.webhookBaseUrl = QUrl(QStringLiteral("https://dev.example.org"));
            QVERIFY(Environments(*db.value()).set(admin, QStringLiteral("development"), change));
            QVERIFY(
                Settings::set(*db.value(), admin, SettingKeys::MinAvailableThreshold, QStringLiteral("1")));
            const qint64 yesterday = (QDateTime::currentSecsSinceEpoch() / 86400 - 1) * 86400;
            int serial = 0;
            for (const char *callee : {"+14155552000", "+14155552001", "+12125553000"}) {
                const qint64 start = yesterday + 3600 * ++serial;
                QVERIFY(Sql::exec(
                    db.value()->connection(),
                    QStringLiteral("INSERT INTO call_records (session, e164, operator, direction, "
                                   "started_at, ended_at, duration_seconds, billed_minutes, "
                                   "estimated_cost_micros, environment, callee, pick_match) "
                                   "VALUES (?, '+16076956099', 'op', 'outbound', ?, ?, 10, 1, 0, "
                                   "'development', ?, 'any')"),
                    {QStringLiteral("call-%1").arg(serial), start, start + 10, QString::fromLatin1(callee)}));
            }
        }
        Server server;
        FakeTwilioAccount account;
        account.offered = {QStringLiteral("+15005550006"), QStringLiteral("+14155550100")};
        account.install(server);
        account.offer(server);
        const QStringList autoscale{QStringLiteral("--db"), url, QStringLiteral("twilio"),
                                    QStringLiteral("autoscale")};

        const CtlRun plan = runCtl(server.baseUrl(), autoscale);
        QVERIFY2(plan.exitCode == 0, plan.err.constData());
        QVERIFY2(plan.out.contains("1415: 2 call") && plan.out.contains("1212: 1 call"),
                 plan.out.constData());
        QVERIFY(plan.out.indexOf("1415: 2 call") < plan.out.indexOf("1212: 1 call"));
        QVERIFY(server.requests().isEmpty()); // a plan asks Twilio nothing

        const CtlRun json = runCtl(server.baseUrl(), autoscale + QStringList{QStringLiteral("--json")});
        QVERIFY2(json.exitCode == 0, json.err.constData());
        const QJsonArray areas =
            QJsonDocument::fromJson(json.out).object().value(QStringLiteral("local_demand")).toArray();
        QCOMPARE(areas.size(), 2);
        const QJsonObject first = areas.at(0).toObject();
        QCOMPARE(first.value(QStringLiteral("area_code")).toString(), QStringLiteral("1415"));
        QCOMPARE(first.value(QStringLiteral("calls_without_local")).toInt(), 2);
        QCOMPARE(first.value(QStringLiteral("to_buy")).toInt(), 1);
        QCOMPARE(areas.at(1).toObject().value(QStringLiteral("to_buy")).toInt(), 0);

        const CtlRun applied = runCtl(
            server.baseUrl(), autoscale + QStringList{QStringLiteral("--apply"), QStringLiteral("--yes")});
        QVERIFY2(applied.exitCode == 0, applied.err.constData());
        QVERIFY2(applied.out.contains("+14155550100"), applied.out.constData());
        QCOMPARE(account.numbers.size(), 1);
    }
};

QTEST_GUILESS_MAIN(TestTwilioCli)
#include "tst_twiliocli.moc"
