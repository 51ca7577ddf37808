// pooldeskctl env end to end with a real keychain (run under run-with-keyring.sh): set an
// environment, store its secret from standard input, test the connection against the fake Twilio
// server. The secret must reach Twilio, and appear nowhere else: not in the database file, not in
// any output.
#include "FakeTwilioServer.h"
#include "TwilioTestSupport.h"

#include <QDeadlineTimer>
#include <QFile>
#include <QProcess>
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

    // Runs pooldeskctl without blocking the event loop (the fake server answers meanwhile).
    Run ctl(const QStringList &args, const QByteArray &input = {}) {
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        for (const char *name : {"TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_API_KEY",
                                 "TWILIO_API_SECRET", "POOLDESK_TWILIO_BASE_URL"})
            env.remove(QString::fromLatin1(name));
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
        runs.append(ctl({QStringLiteral("env"), QStringLiteral("set"), QStringLiteral("development"),
                         QStringLiteral("--account-sid"), TestAccountSid, QStringLiteral("--api-base-url"),
                         server.baseUrl().toString()}));
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
};

QTEST_GUILESS_MAIN(TestEnvCli)
#include "tst_envcli.moc"
