#include "credentials/TwilioCredentials.h"

#include "credentials/SecretStore.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>

namespace PoolDesk {

namespace {
QString shortSid(const QString &sid) {
    return sid.size() > 8 ? sid.left(8) + QStringLiteral("…") : sid;
}
} // namespace

QString TwilioCredentials::describe() const {
    const QString who =
        username.startsWith(QLatin1String("SK"))
            ? QCoreApplication::translate("TwilioCredentials", "account %1 via API key %2")
                  .arg(shortSid(accountSid), shortSid(username))
            : QCoreApplication::translate("TwilioCredentials", "account %1 with its auth token")
                  .arg(shortSid(accountSid));
    return QCoreApplication::translate("TwilioCredentials", "%1 (%2, %3)")
        .arg(who, source, apiBaseUrl.toString());
}

namespace CredentialResolver {

QProcessEnvironment processEnvironment() {
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    const QString folder = env.value(QStringLiteral("CREDENTIALS_DIRECTORY"));
    if (folder.isEmpty())
        return env;
    const std::pair<const char *, const char *> credentials[] = {
        {"twilio-auth-token", "TWILIO_AUTH_TOKEN"},
        {"twilio-api-secret", "TWILIO_API_SECRET"},
    };
    for (const auto &[file, variable] : credentials) {
        const QString name = QString::fromLatin1(variable);
        if (!env.value(name).isEmpty())
            continue;
        QFile credential(QDir(folder).filePath(QString::fromLatin1(file)));
        if (credential.open(QIODevice::ReadOnly))
            env.insert(name, QString::fromUtf8(credential.readAll().trimmed()));
    }
    return env;
}

Result<Overridden> applyEnvironment(const EnvironmentProfile &profile, const QProcessEnvironment &env) {
    Overridden result{profile, std::nullopt};
    EnvironmentProfile &p = result.profile;
    const QString accountSid = env.value(QStringLiteral("TWILIO_ACCOUNT_SID")).trimmed();
    const QString apiKey = env.value(QStringLiteral("TWILIO_API_KEY")).trimmed();
    const QString apiSecret = env.value(QStringLiteral("TWILIO_API_SECRET"));
    const QString authToken = env.value(QStringLiteral("TWILIO_AUTH_TOKEN"));
    const QString baseUrl = env.value(QStringLiteral("POOLDESK_TWILIO_BASE_URL")).trimmed();
    if (!accountSid.isEmpty()) {
        if (auto ok = EnvironmentProfile::validateAccountSid(accountSid); !ok)
            return makeError(Error::Code::InvalidInput,
                             QCoreApplication::translate("TwilioCredentials", "TWILIO_ACCOUNT_SID: %1")
                                 .arg(ok.error().message));
        p.accountSid = accountSid;
    }
    if (!baseUrl.isEmpty()) {
        const QUrl url(baseUrl);
        if (auto ok = EnvironmentProfile::validateApiBaseUrlOverride(url); !ok)
            return makeError(Error::Code::InvalidInput,
                             QCoreApplication::translate("TwilioCredentials", "POOLDESK_TWILIO_BASE_URL: %1")
                                 .arg(ok.error().message));
        p.apiBaseUrl = url;
    } else if (auto ok = EnvironmentProfile::validateApiBaseUrl(p.apiBaseUrl); !ok) {
        // Checked again here, not only when the profile is saved: anyone who can write the
        // shared database could point it elsewhere and collect the keychain's secret.
        return makeError(Error::Code::InvalidInput,
                         QCoreApplication::translate(
                             "TwilioCredentials",
                             "Environment \"%1\" points at %2, which is not Twilio's API, so its credentials "
                             "are not sent. Set it back with `pooldeskctl env set %1 --api-base-url "
                             "https://api.twilio.com`.")
                             .arg(p.name, p.apiBaseUrl.toString()));
    }
    if (apiKey.isEmpty() != apiSecret.isEmpty())
        return makeError(Error::Code::InvalidInput,
                         QCoreApplication::translate(
                             "TwilioCredentials",
                             "TWILIO_API_KEY and TWILIO_API_SECRET go together: set both, or neither."));
    if (p.accountSid.isEmpty())
        return makeError(
            Error::Code::InvalidInput,
            QCoreApplication::translate(
                "TwilioCredentials",
                "Environment \"%1\" has no Twilio Account SID. Set it with `pooldeskctl env set %1 "
                "--account-sid AC...` or the TWILIO_ACCOUNT_SID variable.")
                .arg(p.name));
    TwilioCredentials credentials;
    credentials.environment = p.name;
    credentials.accountSid = p.accountSid;
    credentials.apiBaseUrl = p.apiBaseUrl;
    credentials.source = QStringLiteral("environment");
    if (!apiKey.isEmpty()) {
        if (auto ok = EnvironmentProfile::validateApiKeySid(apiKey); !ok)
            return makeError(Error::Code::InvalidInput,
                             QCoreApplication::translate("TwilioCredentials", "TWILIO_API_KEY: %1")
                                 .arg(ok.error().message));
        p.apiKeySid = apiKey;
        credentials.username = apiKey;
        credentials.password = apiSecret;
        result.credentials = credentials;
    } else if (!authToken.isEmpty()) {
        p.apiKeySid.clear();
        credentials.username = p.accountSid;
        credentials.password = authToken;
        result.credentials = credentials;
    }
    return result;
}

void resolve(const EnvironmentProfile &profile, SecretStore &store, QObject *context,
             std::function<void(Result<TwilioCredentials>)> done, const QProcessEnvironment &env) {
    auto overridden = applyEnvironment(profile, env);
    if (!overridden)
        return done(overridden.error());
    if (overridden.value().credentials)
        return done(*overridden.value().credentials);
    const EnvironmentProfile p = overridden.value().profile;
    store.read(p.secretKey(), context, [p, done](Result<QString> secret) {
        if (!secret) {
            Error error = secret.error();
            if (error.code == Error::Code::NotFound)
                error.message =
                    QCoreApplication::translate(
                        "TwilioCredentials",
                        "No %1 is stored for environment \"%2\" (account %3). Store it with "
                        "`pooldeskctl env set-secret %2` (it reads the secret from standard input).")
                        .arg(p.secretKind(), p.name, p.accountSid);
            return done(error);
        }
        TwilioCredentials credentials;
        credentials.environment = p.name;
        credentials.accountSid = p.accountSid;
        credentials.username = p.usesApiKey() ? p.apiKeySid : p.accountSid;
        credentials.password = secret.value();
        credentials.apiBaseUrl = p.apiBaseUrl;
        credentials.source = QStringLiteral("keychain");
        done(credentials);
    });
}

} // namespace CredentialResolver
} // namespace PoolDesk
