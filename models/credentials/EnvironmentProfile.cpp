#include "credentials/EnvironmentProfile.h"

#include "domain/Types.h"

#include <QCoreApplication>
#include <QRegularExpression>

namespace PoolDesk {

namespace {

bool isSid(const QString &sid, QLatin1String prefix) {
    static const QRegularExpression hex(QStringLiteral("^[0-9a-fA-F]{32}$"));
    return sid.size() == 34 && sid.startsWith(prefix) && hex.match(sid.mid(2)).hasMatch();
}

bool isLoopback(const QString &host) {
    return host == QLatin1String("localhost") || host == QLatin1String("127.0.0.1") ||
           host == QLatin1String("::1");
}

} // namespace

QUrl joinUrl(const QUrl &base, const QString &path) {
    if (base.isEmpty())
        return {};
    QUrl url = base;
    QString basePath = url.path();
    while (basePath.endsWith(QLatin1Char('/')))
        basePath.chop(1);
    QString tail = path;
    if (!tail.isEmpty() && !tail.startsWith(QLatin1Char('/')))
        tail.prepend(QLatin1Char('/'));
    url.setPath(basePath + tail);
    return url;
}

QUrl EnvironmentProfile::voiceUrl() const {
    return joinUrl(webhookBaseUrl, voicePath);
}
QUrl EnvironmentProfile::statusCallbackUrl() const {
    return joinUrl(webhookBaseUrl, statusCallbackPath);
}

QString EnvironmentProfile::secretKey() const {
    return QStringLiteral("twilio/%1/%2/%3")
        .arg(name, accountSid, usesApiKey() ? apiKeySid : QStringLiteral("auth-token"));
}

QString EnvironmentProfile::secretKind() const {
    return usesApiKey() ? QCoreApplication::translate("EnvironmentProfile", "API key secret")
                        : QCoreApplication::translate("EnvironmentProfile", "auth token");
}

Status EnvironmentProfile::validateAccountSid(const QString &sid) {
    if (!isSid(sid, QLatin1String("AC")))
        return makeError(
            Error::Code::InvalidInput,
            QCoreApplication::translate(
                "EnvironmentProfile",
                "\"%1\" is not a Twilio Account SID: it starts with AC followed by 32 hexadecimal "
                "digits (see the Twilio console's account dashboard).")
                .arg(sid));
    return success();
}

Status EnvironmentProfile::validateApiKeySid(const QString &sid) {
    if (!isSid(sid, QLatin1String("SK")))
        return makeError(
            Error::Code::InvalidInput,
            QCoreApplication::translate(
                "EnvironmentProfile",
                "\"%1\" is not a Twilio API key SID: it starts with SK followed by 32 hexadecimal "
                "digits.")
                .arg(sid));
    return success();
}

Status EnvironmentProfile::validateApiBaseUrl(const QUrl &url) {
    static const QRegularExpression twilioHost(
        QStringLiteral("^api(\\.[a-z0-9-]+\\.[a-z0-9-]+)?\\.twilio\\.com$"));
    if (!url.isValid() || url.scheme() != QLatin1String("https") ||
        !twilioHost.match(url.host()).hasMatch() || (url.port() != -1 && url.port() != 443) ||
        (!url.path().isEmpty() && url.path() != QLatin1String("/")) || url.hasQuery() || url.hasFragment() ||
        !url.userInfo().isEmpty())
        return makeError(Error::Code::InvalidInput,
                         QCoreApplication::translate(
                             "EnvironmentProfile",
                             "\"%1\" is not Twilio's API address: give https://api.twilio.com or a regional "
                             "one such as https://api.dublin.ie1.twilio.com. Credentials are sent only to "
                             "Twilio; for a mock server, start PoolDesk with POOLDESK_TWILIO_BASE_URL set.")
                             .arg(url.toString()));
    return success();
}

Status EnvironmentProfile::validateApiBaseUrlOverride(const QUrl &url) {
    const bool https = url.scheme() == QLatin1String("https");
    const bool localHttp = url.scheme() == QLatin1String("http") && isLoopback(url.host());
    if (!url.isValid() || url.host().isEmpty() || !(https || localHttp) ||
        (!url.path().isEmpty() && url.path() != QLatin1String("/")) || url.hasQuery() ||
        !url.userInfo().isEmpty())
        return makeError(Error::Code::InvalidInput,
                         QCoreApplication::translate(
                             "EnvironmentProfile",
                             "\"%1\" is not a usable Twilio API base URL: give an https address, or http "
                             "only on this computer, for a mock server.")
                             .arg(url.toString()));
    return success();
}

Status EnvironmentProfile::validateWebhookBaseUrl(const QUrl &url) {
    if (!url.isValid() || url.host().isEmpty() ||
        (url.scheme() != QLatin1String("https") && url.scheme() != QLatin1String("http")) || url.hasQuery() ||
        !url.userInfo().isEmpty())
        return makeError(
            Error::Code::InvalidInput,
            QCoreApplication::translate(
                "EnvironmentProfile",
                "\"%1\" is not a usable webhook base URL: give the public http(s) address Twilio "
                "should call, such as https://example.ngrok-free.app.")
                .arg(url.toString()));
    return success();
}

Status EnvironmentProfile::validatePath(const QString &path) {
    if (!path.startsWith(QLatin1Char('/')) || path.contains(QLatin1Char(' ')) ||
        path.contains(QLatin1Char('?')))
        return makeError(
            Error::Code::InvalidInput,
            QCoreApplication::translate(
                "EnvironmentProfile",
                "\"%1\" is not a usable webhook path: it starts with / and has no spaces or query.")
                .arg(path));
    return success();
}

Status EnvironmentProfile::validate() const {
    if (!isValidEnvironmentName(name))
        return makeError(
            Error::Code::InvalidInput,
            QCoreApplication::translate(
                "EnvironmentProfile",
                "\"%1\" is not a valid environment name: use lower-case letters, digits and dashes.")
                .arg(name));
    if (!accountSid.isEmpty())
        if (auto ok = validateAccountSid(accountSid); !ok)
            return ok;
    if (!apiKeySid.isEmpty())
        if (auto ok = validateApiKeySid(apiKeySid); !ok)
            return ok;
    if (auto ok = validateApiBaseUrl(apiBaseUrl); !ok)
        return ok;
    if (!webhookBaseUrl.isEmpty())
        if (auto ok = validateWebhookBaseUrl(webhookBaseUrl); !ok)
            return ok;
    if (auto ok = validatePath(voicePath); !ok)
        return ok;
    return validatePath(statusCallbackPath);
}

} // namespace PoolDesk
