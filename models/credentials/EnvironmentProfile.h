#pragma once

#include "domain/Result.h"

#include <QDateTime>
#include <QString>
#include <QUrl>

namespace PoolDesk {

// One Twilio environment (development, production, ...): everything except the secret, which
// lives in the OS keychain (SecretStore).
struct EnvironmentProfile {
    QString name;
    QString accountSid; // AC + 32 hex
    QString apiKeySid;  // SK + 32 hex; empty when the secret is the account's auth token
    QUrl apiBaseUrl = defaultApiBaseUrl();
    QUrl webhookBaseUrl; // the ngrok address in development, the deployed address in production
    QString voicePath = QStringLiteral("/twilio/voice");
    QString statusCallbackPath = QStringLiteral("/twilio/status");
    QDateTime updatedAt;

    static QUrl defaultApiBaseUrl() { return QUrl(QStringLiteral("https://api.twilio.com")); }

    bool usesApiKey() const { return !apiKeySid.isEmpty(); }
    // The webhook base URL with the voice / status-callback path appended; empty without a base.
    QUrl voiceUrl() const;
    QUrl statusCallbackUrl() const;
    // The keychain key of this environment's secret: scoped per environment and account.
    QString secretKey() const;
    // What the secret is, for prompts: "auth token" or "API key secret" (translated).
    QString secretKind() const;

    static Status validateAccountSid(const QString &sid);
    static Status validateApiKeySid(const QString &sid);
    // What an environment may store: Twilio's own HTTPS API host (api.twilio.com or a regional
    // api.EDGE.REGION.twilio.com), no path beyond "/", no query. The profile lives in the shared
    // database and the keychain's credentials go wherever it points, so nothing else is stored.
    static Status validateApiBaseUrl(const QUrl &url);
    // POOLDESK_TWILIO_BASE_URL, set by whoever starts the process (tests, a mock server): any
    // https host, or http on a loopback host.
    static Status validateApiBaseUrlOverride(const QUrl &url);
    // http or https with a host.
    static Status validateWebhookBaseUrl(const QUrl &url);
    static Status validatePath(const QString &path);
    Status validate() const;
};

// Joins a base URL and a path without doubling or losing the slash.
QUrl joinUrl(const QUrl &base, const QString &path);

} // namespace PoolDesk
