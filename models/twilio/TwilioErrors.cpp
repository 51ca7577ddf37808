#include "twilio/TwilioErrors.h"

#include <QCoreApplication>
#include <QJsonDocument>
#include <QJsonObject>

namespace PoolDesk::Twilio {

namespace {} // namespace

QString Reason::forCode(int twilioCode) {
    return QStringLiteral("twilio_%1").arg(twilioCode);
}

int Reason::codeOf(const Error &error) {
    if (!error.reason.startsWith(QLatin1String("twilio_")))
        return 0;
    bool ok = false;
    const int code = error.reason.mid(7).toInt(&ok);
    return ok ? code : 0;
}

ApiError ApiError::parse(int httpStatus, const QByteArray &body) {
    ApiError error;
    error.httpStatus = httpStatus;
    const QJsonObject object = QJsonDocument::fromJson(body).object();
    error.code = object.value(QStringLiteral("code")).toInt();
    error.message = object.value(QStringLiteral("message")).toString();
    error.moreInfo = object.value(QStringLiteral("more_info")).toString();
    if (error.code == 0) {
        // Not a Twilio error body (a proxy, a load balancer): fall back to the HTTP status.
        error.code = httpStatus == 401 ? 20003 : httpStatus == 404 ? 20404 : httpStatus == 429 ? 20429 : 0;
        if (error.message.isEmpty())
            error.message = QString::fromUtf8(body.left(200)).simplified();
    }
    return error;
}

Error ApiError::toError() const {
    QString hint;
    Error::Code kind = Error::Code::Network;
    switch (code) {
    case 20003:
        hint = QCoreApplication::translate(
            "Twilio",
            "Check the Account SID and secret of this environment (and that they belong to this region "
            "and account, not a subaccount).");
        kind = Error::Code::Unavailable;
        break;
    case 20404:
        hint = QCoreApplication::translate(
            "Twilio",
            "Twilio does not know this resource: it may have been released or belong to another account.");
        kind = Error::Code::NotFound;
        break;
    case 21422:
        hint = QCoreApplication::translate(
            "Twilio",
            "The number was taken by someone else after the search: search again and pick another one.");
        kind = Error::Code::Conflict;
        break;
    case 20429:
        hint = QCoreApplication::translate(
            "Twilio", "Twilio is rate limiting this account: wait a moment and try again.");
        break;
    default:
        if (httpStatus >= 400 && httpStatus < 500)
            kind = Error::Code::InvalidInput;
        break;
    }
    QString text = code ? QCoreApplication::translate("Twilio", "Twilio error %1 (HTTP %2): %3")
                              .arg(code)
                              .arg(httpStatus)
                              .arg(message)
                        : QCoreApplication::translate("Twilio", "Twilio answered HTTP %1: %2")
                              .arg(httpStatus)
                              .arg(message);
    if (!moreInfo.isEmpty())
        text += QLatin1Char(' ') + QCoreApplication::translate("Twilio", "More: %1").arg(moreInfo);
    if (!hint.isEmpty())
        text += QLatin1Char(' ') + hint;
    return makeError(kind, text,
                     code ? Reason::forCode(code) : QStringLiteral("twilio_http_%1").arg(httpStatus));
}

} // namespace PoolDesk::Twilio
