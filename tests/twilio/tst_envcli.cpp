// pooldeskctl env end to end with a real keychain (run under run-with-keyring.sh): set an
// environment, store its secret from standard input, test the connection against the fake Twilio
// server. The secret must reach Twilio, and appear nowhere else: not in the database file, not in
// any output. Then `twilio settle-releases` with those credentials.
#include "FakeTwilioServer.h"
#include "TwilioTestSupport.h"

#include <QDeadlineTimer>
#include <QFile>
#include <QProcess>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

using namespace PoolDesk;
using namespace PoolDesk::Test;
using Server = FakeTwilioServer;

namespace {
const QByteArray Secret = "env-cli-test-secret-7f3a";

struct Run {
    int exitCode = -1;
    QByteArray out, err;
};
} // namespace

class TestEnvCli : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_db;
    QString m_twilioBaseUrl; // POOLDESK_TWILIO_BASE_URL for the runs: the fake server

    // Runs pooldeskctl without blocking the event loop (the fake server answers meanwhile).
    Run ctl(const QStringList &args, const QByteArray &input = {}) {
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        for (const char *name : {"TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_API_KEY",
                                 "TWILIO_API_SECRET", "POOLDESK_TWILIO_BASE_URL"})
            env.remove(QString::fromLatin1(name));
        if (!m_twilioBaseUrl.isEmpty())
            env.insert(QStringLiteral("POOLDESK_TWILIO_BASE_URL"), m_twilioBaseUrl);
        env.insert(QStringLiteral("POOLDESK_KEYCHAIN_TIMEOUT_MS"), QStringLiteral("15000"));
        p.setProcessEnvironment(env);
        p.start(qEnvironmentVariable("POOLDESK_CTL"), QStringList{QStringLiteral("--db"), m_db} + args);
        p.write(input);
        p.closeWriteChannel();
        QDeadlineTimer deadline(60000);
        while (p.state() != QProcess::NotRunning && !deadline.hasExpired())
            QTest::qWait(10);
        if (p.state() != QProcess::NotRunning)
            p.kill();
        return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, p.readAllStandardOutput(),
                p.readAllStandardError()};
    }

private slots:
    void initTestCase() {
        if (qEnvironmentVariableIsEmpty("POOLDESK_IN_KEYRING_SESSION") ||
            qEnvironmentVariableIsEmpty("POOLDESK_CTL"))
            QFAIL("run through ctest: needs run-with-keyring.sh and POOLDESK_CTL");
        m_db = QStringLiteral("sqlite:") + m_dir.filePath(QStringLiteral("pool.sqlite"));
    }

    void secretGoesToTheKeychainAndOnlyThere() {
        Server server;
        const QByteArray expectedAuth =
            "Basic " + QByteArray(TestAccountSid.toLatin1() + ':' + Secret).toBase64();
        server.on("GET", "/2010-04-01/Accounts/", [&](const Server::Request &request) {
            if (request.headers.value("authorization") != expectedAuth)
                return Server::Response::error(401, 20003, QStringLiteral("Authenticate"));
            return Server::Response::json(200,
                                          {{QStringLiteral("sid"), TestAccountSid},
                                           {QStringLiteral("friendly_name"), QStringLiteral("Test account")},
                                           {QStringLiteral("status"), QStringLiteral("active")},
                                           {QStringLiteral("type"), QStringLiteral("Full")}});
        });
        QList<Run> runs;
        m_twilioBaseUrl = server.baseUrl().toString();
        runs.append(ctl({QStringLiteral("env"), QStringLiteral("set"), QStringLiteral("development"),
                         QStringLiteral("--account-sid"), TestAccountSid}));
        QCOMPARE(runs.last().exitCode, 0);

        // Before the secret is stored, the test says what to do.
        runs.append(ctl({QStringLiteral("env"), QStringLiteral("test"), QStringLiteral("development")}));
        QCOMPARE(runs.last().exitCode, 2);
        QVERIFY2(runs.last().err.contains("env set-secret"), runs.last().err.constData());

        // An argument is never taken as the secret.
        runs.append(ctl({QStringLiteral("env"), QStringLiteral("set-secret"), QStringLiteral("development"),
                         QString::fromLatin1(Secret)}));
        QCOMPARE(runs.last().exitCode, 2);

        runs.append(ctl({QStringLiteral("env"), QStringLiteral("set-secret"), QStringLiteral("development")},
                        Secret + '\n'));
        QVERIFY2(runs.last().exitCode == 0, runs.last().err.constData());

        runs.append(ctl({QStringLiteral("--json"), QStringLiteral("env"), QStringLiteral("test"),
                         QStringLiteral("development")}));
        QVERIFY2(runs.last().exitCode == 0, runs.last().err.constData());
        QVERIFY(runs.last().out.contains("\"ok\": true"));
        QVERIFY(!server.requests().isEmpty());

        // A wrong secret shows Twilio's error: code, message, link.
        runs.append(ctl({QStringLiteral("env"), QStringLiteral("set-secret"), QStringLiteral("development")},
                        "wrong-secret\n"));
        runs.append(ctl({QStringLiteral("env"), QStringLiteral("test"), QStringLiteral("development")}));
        QVERIFY(runs.last().exitCode != 0);
        QVERIFY(runs.last().err.contains("20003"));
        QVERIFY(runs.last().err.contains("https://www.twilio.com/docs/errors/20003"));

        for (const Run &run : std::as_const(runs)) {
            QVERIFY2(!run.out.contains(Secret), "the secret must not be printed");
            QVERIFY2(!run.err.contains(Secret), "the secret must not be printed");
        }
        // Not in the database (nor its WAL).
        for (const QString &file : {QStringLiteral("pool.sqlite"), QStringLiteral("pool.sqlite-wal")}) {
            QFile f(m_dir.filePath(file));
            if (f.open(QIODevice::ReadOnly))
                QVERIFY2(!f.readAll().contains(Secret), "the secret must not be stored in the database");
        }
    }

    void credentialsGoOnlyToTwilio() {
        // The environment's API address lives in the shared database; the keychain's secret must
        // not follow it anywhere but Twilio, whoever edited it.
        m_db = QStringLiteral("sqlite:") + m_dir.filePath(QStringLiteral("redirect.sqlite"));
        m_twilioBaseUrl.clear();
        Server server;
        const QString dev = QStringLiteral("development");
        const Run local =
            ctl({QStringLiteral("env"), QStringLiteral("set"), dev, QStringLiteral("--account-sid"),
                 TestAccountSid, QStringLiteral("--api-base-url"), server.baseUrl().toString()});
        QCOMPARE(local.exitCode, 2);
        QVERIFY2(local.err.contains("POOLDESK_TWILIO_BASE_URL"), local.err.constData());
        for (const QString &foreign : {QStringLiteral("https://api.twilio.com.example.net"),
                                       QStringLiteral("https://evil.example/api.twilio.com"),
                                       QStringLiteral("https://api.twilio.com:8443")})
            QCOMPARE(ctl({QStringLiteral("env"), QStringLiteral("set"), dev, QStringLiteral("--api-base-url"),
                          foreign})
                         .exitCode,
                     2);
        QCOMPARE(ctl({QStringLiteral("env"), QStringLiteral("set"), dev, QStringLiteral("--account-sid"),
                      TestAccountSid, QStringLiteral("--api-base-url"),
                      QStringLiteral("https://api.dublin.ie1.twilio.com")})
                     .exitCode,
                 0);
        QCOMPARE(ctl({QStringLiteral("env"), QStringLiteral("set-secret"), dev}, Secret + '\n').exitCode, 0);
        {
            auto sql = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("redirect"));
            sql.setDatabaseName(m_db.mid(7));
            QVERIFY(sql.open());
            QSqlQuery q(sql);
            QVERIFY(
                q.exec(QStringLiteral("UPDATE twilio_environments SET api_base_url = '%1' WHERE name = '%2'")
                           .arg(server.baseUrl().toString(), dev)));
        }
        QSqlDatabase::removeDatabase(QStringLiteral("redirect"));
        const Run redirected = ctl({QStringLiteral("env"), QStringLiteral("test"), dev});
        QCOMPARE(redirected.exitCode, 2);
        QVERIFY2(redirected.err.contains("not Twilio's API"), redirected.err.constData());
        QVERIFY2(server.requests().isEmpty(), "no request may reach a host the database names");
        QVERIFY(!redirected.out.contains(Secret) && !redirected.err.contains(Secret));
    }

    void interruptedReleasesAreSettledByHand() {
        // Three numbers whose releases began and never ended (their process died): two long ago,
        // one a minute ago. Twilio still has the first and no longer the second.
        m_db = QStringLiteral("sqlite:") + m_dir.filePath(QStringLiteral("settle.sqlite"));
        Server server;
        FakeTwilioAccount account;
        const QString kept = QStringLiteral("+16076956082");
        const QString gone = QStringLiteral("+16076956083");
        const QString recent = QStringLiteral("+16076956084");
        account.numbers = {incomingNumberJson(pnSid(1), kept), incomingNumberJson(pnSid(3), recent)};
        account.install(server);
        const QString dev = QStringLiteral("development");
        m_twilioBaseUrl = server.baseUrl().toString();
        QCOMPARE(ctl({QStringLiteral("env"), QStringLiteral("set"), dev, QStringLiteral("--account-sid"),
                      TestAccountSid})
                     .exitCode,
                 0);
        QCOMPARE(ctl({QStringLiteral("env"), QStringLiteral("set-secret"), dev}, Secret + '\n').exitCode, 0);
        int sid = 0;
        for (const QString &e164 : {kept, gone, recent})
            QCOMPARE(ctl({QStringLiteral("--env"), dev, QStringLiteral("number"), QStringLiteral("add"), e164,
                          QStringLiteral("--sid"), pnSid(++sid)})
                         .exitCode,
                     0);
        {
            auto sql = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("settle"));
            sql.setDatabaseName(m_db.mid(7));
            QVERIFY(sql.open());
            QSqlQuery q(sql);
            for (const auto &[e164, ageSecs] : {std::pair{kept, 3600}, {gone, 3600}, {recent, 60}}) {
                QVERIFY(q.exec(
                    QStringLiteral("UPDATE phone_numbers SET missing_from_twilio = 2 WHERE e164 = '%1'")
                        .arg(e164)));
                QVERIFY(q.exec(
                    QStringLiteral("INSERT INTO twilio_releases_in_flight (number_id, environment, e164, "
                                   "previous_missing, started_at, actor, trigger_reason) SELECT id, "
                                   "environment, e164, 0, CAST(strftime('%s', 'now') AS INTEGER) - %1, "
                                   "'user:test', 'manual' FROM phone_numbers WHERE e164 = '%2'")
                        .arg(ageSecs)
                        .arg(e164)));
            }
        }
        QSqlDatabase::removeDatabase(QStringLiteral("settle"));

        // A mistyped environment is an error, as for every twilio command, not "nothing to settle".
        const Run mistyped = ctl({QStringLiteral("--env"), QStringLiteral("developmnt"),
                                  QStringLiteral("twilio"), QStringLiteral("settle-releases")});
        QVERIFY2(mistyped.exitCode != 0, mistyped.out.constData());

        const Run settled = ctl({QStringLiteral("--env"), dev, QStringLiteral("--json"),
                                 QStringLiteral("twilio"), QStringLiteral("settle-releases")});
        QVERIFY2(settled.exitCode == 0, settled.err.constData());
        QVERIFY2(settled.out.contains("\"finished\": 1"), settled.out.constData());
        QVERIFY(settled.out.contains("\"undone\": 1"));
        QVERIFY(settled.out.contains("\"still_under_way\": 1"));
        // Nothing was deleted at Twilio: settling only asks.
        QVERIFY(server.requestsTo("DELETE", accountPath("IncomingPhoneNumbers/")).isEmpty());

        // The number Twilio kept is usable again, the gone one left the pool, and the recent release
        // is left alone (its number still out of use); a second run says so in words.
        {
            auto sql = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("check"));
            sql.setDatabaseName(m_db.mid(7));
            QVERIFY(sql.open());
            QSqlQuery q(sql);
            QVERIFY(
                q.exec(QStringLiteral("SELECT e164, missing_from_twilio FROM phone_numbers ORDER BY e164")));
            QStringList state;
            while (q.next())
                state << q.value(0).toString() + QLatin1Char('=') + q.value(1).toString();
            QCOMPARE(state, (QStringList{kept + QStringLiteral("=0"), recent + QStringLiteral("=2")}));
            QVERIFY(q.exec(QStringLiteral("SELECT e164 FROM twilio_releases_in_flight")));
            QVERIFY(q.next());
            QCOMPARE(q.value(0).toString(), recent);
            QVERIFY(!q.next());
        }
        QSqlDatabase::removeDatabase(QStringLiteral("check"));
        const Run again =
            ctl({QStringLiteral("--env"), dev, QStringLiteral("twilio"), QStringLiteral("settle-releases")});
        QVERIFY2(again.exitCode == 0, again.err.constData());
        QVERIFY2(again.out.contains("No interrupted release"), again.out.constData());
        QVERIFY2(again.out.contains("began less than 10 minutes ago"), again.out.constData());
        QVERIFY(!again.out.contains(Secret) && !settled.out.contains(Secret) &&
                !settled.err.contains(Secret));
    }
};

QTEST_GUILESS_MAIN(TestEnvCli)
#include "tst_envcli.moc"
