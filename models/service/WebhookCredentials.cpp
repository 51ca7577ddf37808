#include "service/WebhookCredentials.h"

#include "credentials/TwilioCredentials.h"

namespace PoolDesk {

FixedWebhookCredentials::FixedWebhookCredentials(QByteArray authToken, QString webhookBaseUrl)
    : m_authToken(std::move(authToken))
    , m_webhookBaseUrl(std::move(webhookBaseUrl)) {
    while (m_webhookBaseUrl.endsWith(QLatin1Char('/')))
        m_webhookBaseUrl.chop(1);
}

FixedWebhookCredentials FixedWebhookCredentials::fromEnvironment(const QString &publicUrl) {
    const QProcessEnvironment env = CredentialResolver::processEnvironment();
    return FixedWebhookCredentials(env.value(QStringLiteral("TWILIO_AUTH_TOKEN")).trimmed().toUtf8(),
                                   publicUrl.isEmpty() ? qEnvironmentVariable("POOLDESK_PUBLIC_URL").trimmed()
                                                       : publicUrl.trimmed());
}

QByteArray FixedWebhookCredentials::authToken(const QString &) const {
    return m_authToken;
}

QString FixedWebhookCredentials::webhookBaseUrl(const QString &) const {
    return m_webhookBaseUrl;
}

} // namespace PoolDesk
