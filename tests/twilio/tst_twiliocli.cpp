// pooldeskctl twilio against the fake server: what a script asking for one number gets when
// someone else takes it first.
#include "FakeTwilioServer.h"
#include "TwilioTestSupport.h"

#include "TestDatabases.h"

#include "credentials/Environments.h"
#include "storage/Database.h"
#include "storage/SqlHelpers.h"

#include <QJsonArray>
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
};

QTEST_GUILESS_MAIN(TestTwilioCli)
#include "tst_twiliocli.moc"
