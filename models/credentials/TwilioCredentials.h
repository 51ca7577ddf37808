#pragma once

#include "credentials/EnvironmentProfile.h"
#include "domain/Result.h"

#include <QProcessEnvironment>
#include <QString>
#include <QUrl>

#include <functional>
#include <optional>

namespace PoolDesk {

class SecretStore;

// What the Twilio client authenticates with. `username` is the API key SID (or the Account SID
// with an auth token); `password` is the secret and is never printed: use describe().
struct TwilioCredentials {
    QString environment;
    QString accountSid;
    QString username;
    QString password;
    QUrl apiBaseUrl = EnvironmentProfile::defaultApiBaseUrl();
    QString source; // where the secret came from: "keychain" or "environment"

    bool isComplete() const { return !accountSid.isEmpty() && !username.isEmpty() && !password.isEmpty(); }
    // "AC1234… via API key SK12… (keychain)": for messages and logs, no secret.
    QString describe() const;
};

namespace CredentialResolver {

// The process environment with the secrets systemd hands over as credentials
// (LoadCredential=twilio-auth-token:..., twilio-api-secret), so a service never needs them in its
// environment or an environment file. A variable already set wins over the credential file.
QProcessEnvironment processEnvironment();

// The automation overrides (like twilio-cli): TWILIO_ACCOUNT_SID, TWILIO_API_KEY + TWILIO_API_SECRET
// or TWILIO_AUTH_TOKEN, and POOLDESK_TWILIO_BASE_URL, applied over the stored profile.
// Returns the profile with the overrides and, when the environment variables carry a secret, the
// complete credentials (no keychain needed).
struct Overridden {
    EnvironmentProfile profile;
    std::optional<TwilioCredentials> credentials;
};
Result<Overridden> applyEnvironment(const EnvironmentProfile &profile,
                                    const QProcessEnvironment &env = processEnvironment());

// Resolves credentials for the profile: environment variables first, then the keychain.
// Asynchronous; `done` runs unless `context` is destroyed first.
void resolve(const EnvironmentProfile &profile, SecretStore &store, QObject *context,
             std::function<void(Result<TwilioCredentials>)> done,
             const QProcessEnvironment &env = processEnvironment());

} // namespace CredentialResolver

} // namespace PoolDesk
