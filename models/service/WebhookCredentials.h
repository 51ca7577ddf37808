#pragma once

#include <QByteArray>
#include <QString>

namespace PoolDesk {

// Where the service learns what it needs to check Twilio's webhook signatures: the auth token of
// an environment's Twilio account and the public URL Twilio calls. Today it comes from the
// process environment; the credentials store (QtKeychain environment profiles) can implement the
// same interface later without touching the service.
class WebhookCredentials {
public:
    virtual ~WebhookCredentials() = default;
    // The auth token Twilio signs with; empty when none is configured (callbacks are then refused).
    virtual QByteArray authToken(const QString &environment) const = 0;
    // The webhook base URL Twilio calls, e.g. "https://example.ngrok-free.app"; empty when unknown.
    virtual QString webhookBaseUrl(const QString &environment) const = 0;
};

// Fixed values, read once at start-up: TWILIO_AUTH_TOKEN and --public-url / POOLDESK_PUBLIC_URL.
class FixedWebhookCredentials final : public WebhookCredentials {
public:
    FixedWebhookCredentials(QByteArray authToken, QString webhookBaseUrl);
    // TWILIO_AUTH_TOKEN (or systemd's twilio-auth-token credential) and POOLDESK_PUBLIC_URL, unless
    // publicUrl overrides the latter.
    static FixedWebhookCredentials fromEnvironment(const QString &publicUrl = {});

    QByteArray authToken(const QString &environment) const override;
    QString webhookBaseUrl(const QString &environment) const override;

private:
    QByteArray m_authToken;
    QString m_webhookBaseUrl;
};

} // namespace PoolDesk
