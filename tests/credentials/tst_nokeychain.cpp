// Without any keychain (no D-Bus session bus at all) the store answers with a clear, actionable
// error in bounded time instead of hanging.
#include "credentials/SecretStore.h"
#include "credentials/TwilioCredentials.h"

#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace PoolDesk;

class TestNoKeychain : public QObject {
    Q_OBJECT

private slots:
    void readFailsClearlyAndInBoundedTime() {
        SecretStore store;
        store.setTimeout(3000);
        std::optional<Result<QString>> result;
        store.read(QStringLiteral("pooldesk-test/none"), this,
                   [&](Result<QString> r) { result.emplace(std::move(r)); });
        QDeadlineTimer deadline(15000); // far beyond the store's own 3 s bound
        while (!result && !deadline.hasExpired())
            QTest::qWait(5);
        QVERIFY2(result.has_value(), "the store must answer within its timeout");
        QVERIFY(!result->ok());
        QCOMPARE(result->error().code, Error::Code::Unavailable);
        QVERIFY2(result->error().message.contains(QLatin1String("keychain")),
                 qPrintable(result->error().message));
    }

    void writeFailsClearly() {
        SecretStore store;
        store.setTimeout(3000);
        std::optional<Status> result;
        store.write(QStringLiteral("pooldesk-test/none"), QStringLiteral("value"), this,
                    [&](Status r) { result.emplace(std::move(r)); });
        QDeadlineTimer deadline(15000);
        while (!result && !deadline.hasExpired())
            QTest::qWait(5);
        QVERIFY(result.has_value());
        QVERIFY(!result->ok());
        QCOMPARE(result->error().code, Error::Code::Unavailable);
        // Says what to do, including the automation way around the keychain.
        QVERIFY2(result->error().message.contains(QLatin1String("TWILIO_")) ||
                     result->error().message.contains(QLatin1String("unlock")),
                 qPrintable(result->error().message));
    }

    void badOverridesAreRejected() {
        EnvironmentProfile p;
        p.name = QStringLiteral("development");
        QProcessEnvironment env;
        env.insert(QStringLiteral("TWILIO_ACCOUNT_SID"), QStringLiteral("AC123"));
        QVERIFY(!CredentialResolver::applyEnvironment(p, env));
        env.insert(QStringLiteral("TWILIO_ACCOUNT_SID"),
                   QStringLiteral("AC0123456789abcdef0123456789abcdef"));
        env.insert(QStringLiteral("TWILIO_API_KEY"), QStringLiteral("SK0123456789abcdef0123456789abcdef"));
        QVERIFY2(!CredentialResolver::applyEnvironment(p, env), "a key without its secret must be refused");
        env.insert(QStringLiteral("POOLDESK_TWILIO_BASE_URL"), QStringLiteral("http://example.com"));
        env.insert(QStringLiteral("TWILIO_API_SECRET"), QStringLiteral("x"));
        QVERIFY2(!CredentialResolver::applyEnvironment(p, env), "plain http is only for a local mock");
        env.insert(QStringLiteral("POOLDESK_TWILIO_BASE_URL"),
                   QStringLiteral("https://api.dublin.ie1.twilio.com"));
        auto ok = CredentialResolver::applyEnvironment(p, env);
        QVERIFY(ok);
        QVERIFY(ok->credentials);
        QCOMPARE(ok->credentials->username, QStringLiteral("SK0123456789abcdef0123456789abcdef"));
    }

    // Under systemd the token arrives as a credential file (LoadCredential=), never in the
    // environment: the service reads it as if TWILIO_AUTH_TOKEN were set, and a variable that is
    // set still wins.
    void systemdCredentialsStandInForTheVariables() {
        QTemporaryDir folder;
        QVERIFY(folder.isValid());
        QFile token(QDir(folder.path()).filePath(QStringLiteral("twilio-auth-token")));
        QVERIFY(token.open(QIODevice::WriteOnly));
        token.write("0123456789abcdef0123456789abcdef\n");
        token.close();
        qunsetenv("TWILIO_AUTH_TOKEN");
        qunsetenv("CREDENTIALS_DIRECTORY");
        QVERIFY(
            CredentialResolver::processEnvironment().value(QStringLiteral("TWILIO_AUTH_TOKEN")).isEmpty());
        qputenv("CREDENTIALS_DIRECTORY", QFile::encodeName(folder.path()));
        QCOMPARE(CredentialResolver::processEnvironment().value(QStringLiteral("TWILIO_AUTH_TOKEN")),
                 QStringLiteral("0123456789abcdef0123456789abcdef"));
        QVERIFY(!CredentialResolver::processEnvironment().contains(QStringLiteral("TWILIO_API_SECRET")));

        EnvironmentProfile p;
        p.name = QStringLiteral("production");
        p.accountSid = QStringLiteral("AC0123456789abcdef0123456789abcdef");
        auto resolved = CredentialResolver::applyEnvironment(p);
        QVERIFY(resolved && resolved->credentials);
        QCOMPARE(resolved->credentials->password, QStringLiteral("0123456789abcdef0123456789abcdef"));

        qputenv("TWILIO_AUTH_TOKEN", "fedcba9876543210fedcba9876543210");
        QCOMPARE(CredentialResolver::processEnvironment().value(QStringLiteral("TWILIO_AUTH_TOKEN")),
                 QStringLiteral("fedcba9876543210fedcba9876543210"));
        qunsetenv("TWILIO_AUTH_TOKEN");
        qunsetenv("CREDENTIALS_DIRECTORY");
    }
};

QTEST_GUILESS_MAIN(TestNoKeychain)
#include "tst_nokeychain.moc"
