// SecretStore against a real Secret Service (gnome-keyring, unlocked, in a private D-Bus session:
// see run-with-keyring.sh), and CredentialResolver's order: environment variables, then keychain.
#include "credentials/EnvironmentProfile.h"
#include "credentials/SecretStore.h"
#include "credentials/TwilioCredentials.h"

#include <QDeadlineTimer>
#include <QTest>
#include <QUuid>

#include <optional>

using namespace PoolDesk;

namespace {
template <typename T>
std::optional<T> await(const std::function<void(std::function<void(T)>)> &start, int ms = 30000) {
    std::optional<T> result;
    start([&](T value) { result.emplace(std::move(value)); });
    QDeadlineTimer deadline(ms);
    while (!result && !deadline.hasExpired())
        QTest::qWait(5);
    return result;
}

EnvironmentProfile profile(const QString &name, const QString &accountSid) {
    EnvironmentProfile p;
    p.name = name;
    p.accountSid = accountSid;
    return p;
}
} // namespace

class TestSecretStore : public QObject {
    Q_OBJECT

    SecretStore m_store;
    // Unique per run so a developer's own keychain (if the test ever ran outside the wrapper)
    // never mixes with test entries.
    QString m_suffix = QUuid::createUuid().toString(QUuid::Id128).left(8);

    QString key(const QString &what) const {
        return QStringLiteral("pooldesk-test/%1/%2").arg(m_suffix, what);
    }

private slots:
    void initTestCase() {
        if (qEnvironmentVariableIsEmpty("POOLDESK_IN_KEYRING_SESSION"))
            QFAIL("needs a private Secret Service: run through run-with-keyring.sh (ctest does)");
        m_store.setTimeout(15000);
    }

    void writeReadRemove() {
        const QString k = key(QStringLiteral("a"));
        auto written =
            await<Status>([&](auto done) { m_store.write(k, QStringLiteral("s3cr3t-value"), this, done); });
        QVERIFY(written);
        QVERIFY2(written->ok(), qPrintable(written->ok() ? QString() : written->error().message));
        auto read = await<Result<QString>>([&](auto done) { m_store.read(k, this, done); });
        QVERIFY(read && read->ok());
        QVERIFY(read->value() ==
                QLatin1String("s3cr3t-value")); // QVERIFY: a mismatch must not print the value
        auto removed = await<Status>([&](auto done) { m_store.remove(k, this, done); });
        QVERIFY(removed && removed->ok());
        auto gone = await<Result<QString>>([&](auto done) { m_store.read(k, this, done); });
        QVERIFY(gone && !gone->ok());
        QCOMPARE(gone->error().code, Error::Code::NotFound);
    }

    void keysAreScopedPerEnvironmentAndAccount() {
        EnvironmentProfile dev =
            profile(QStringLiteral("development"), QStringLiteral("AC0123456789abcdef0123456789abcdef"));
        EnvironmentProfile prod = profile(QStringLiteral("production"), dev.accountSid);
        EnvironmentProfile other =
            profile(QStringLiteral("development"), QStringLiteral("ACffffffffffffffffffffffffffffffff"));
        QVERIFY(dev.secretKey() != prod.secretKey());
        QVERIFY(dev.secretKey() != other.secretKey());
        dev.apiKeySid = QStringLiteral("SK0123456789abcdef0123456789abcdef");
        QVERIFY(dev.secretKey().contains(dev.apiKeySid));

        dev.name = QStringLiteral("dev-") + m_suffix.toLower();
        prod.name = QStringLiteral("prod-") + m_suffix.toLower();
        auto written = await<Status>(
            [&](auto done) { m_store.write(dev.secretKey(), QStringLiteral("dev-secret"), this, done); });
        QVERIFY(written && written->ok());
        // The production profile of the same account sees nothing: a secret never leaks across.
        auto crossed = await<Result<TwilioCredentials>>([&](auto done) {
            CredentialResolver::resolve(prod, m_store, this, done, QProcessEnvironment());
        });
        QVERIFY(crossed && !crossed->ok());
        QCOMPARE(crossed->error().code, Error::Code::NotFound);
        QVERIFY(crossed->error().message.contains(QLatin1String("env set-secret")));

        auto resolved = await<Result<TwilioCredentials>>(
            [&](auto done) { CredentialResolver::resolve(dev, m_store, this, done, QProcessEnvironment()); });
        QVERIFY(resolved && resolved->ok());
        QCOMPARE(resolved->value().username, dev.apiKeySid);
        QVERIFY(resolved->value().password == QLatin1String("dev-secret"));
        QCOMPARE(resolved->value().source, QStringLiteral("keychain"));
        QVERIFY(!resolved->value().describe().contains(QLatin1String("dev-secret")));
        await<Status>([&](auto done) { m_store.remove(dev.secretKey(), this, done); });
    }

    void environmentVariablesWinWithoutTouchingTheKeychain() {
        // No keychain entry exists for this profile; the variables are enough.
        EnvironmentProfile p = profile(QStringLiteral("ci-") + m_suffix.toLower(), QString());
        QProcessEnvironment env;
        env.insert(QStringLiteral("TWILIO_ACCOUNT_SID"),
                   QStringLiteral("AC0123456789abcdef0123456789abcdef"));
        env.insert(QStringLiteral("TWILIO_AUTH_TOKEN"), QStringLiteral("token-from-env"));
        env.insert(QStringLiteral("POOLDESK_TWILIO_BASE_URL"), QStringLiteral("http://127.0.0.1:4010"));
        auto resolved = await<Result<TwilioCredentials>>(
            [&](auto done) { CredentialResolver::resolve(p, m_store, this, done, env); });
        QVERIFY(resolved && resolved->ok());
        QCOMPARE(resolved->value().username, QStringLiteral("AC0123456789abcdef0123456789abcdef"));
        QCOMPARE(resolved->value().source, QStringLiteral("environment"));
        QCOMPARE(resolved->value().apiBaseUrl, QUrl(QStringLiteral("http://127.0.0.1:4010")));
    }
};

QTEST_GUILESS_MAIN(TestSecretStore)
#include "tst_secretstore.moc"
