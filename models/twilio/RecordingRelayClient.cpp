#include "twilio/RecordingRelayClient.h"

#include <QCoreApplication>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>

namespace PoolDesk {

namespace RecordingRelayClient {

void fetch(QNetworkAccessManager &network, const QUrl &serviceUrl, const QString &recordingSid,
           const QByteArray &ticket, QObject *context, std::function<void(Result<QByteArray>)> done) {
    QUrl url = serviceUrl;
    url.setPath(url.path().chopped(url.path().endsWith(QLatin1Char('/')) ? 1 : 0) +
                QStringLiteral("/v1/recordings/%1.wav").arg(recordingSid));
    QNetworkRequest request(url);
    request.setRawHeader("Authorization", "Bearer " + ticket);
    request.setTransferTimeout(60000);
    // The ticket goes to the address asked, never where a redirect points.
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
    QNetworkReply *reply = network.get(request);
    QObject::connect(context, &QObject::destroyed, reply, [reply] {
        reply->abort();
        reply->deleteLater();
    });
    QObject::connect(reply, &QNetworkReply::finished, context, [reply, url, done] {
        reply->deleteLater();
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        const QByteArray body = reply->readAll();
        if (status == 200 && !body.isEmpty())
            return done(body);
        if (status == 0)
            return done(
                makeError(Error::Code::Unavailable,
                          QCoreApplication::translate("RecordingRelay",
                                                      "The pool service at %1 cannot be reached (%2). Check "
                                                      "the address in Settings ▸ Pool and that it runs.")
                              .arg(url.host(), reply->errorString())));
        const QString message = QJsonDocument::fromJson(body)
                                    .object()
                                    .value(QStringLiteral("error"))
                                    .toObject()
                                    .value(QStringLiteral("message"))
                                    .toString();
        done(makeError(status == 401 || status == 404 ? Error::Code::NotFound : Error::Code::Network,
                       QCoreApplication::translate("RecordingRelay", "The pool service answered %1: %2")
                           .arg(status)
                           .arg(message.isEmpty() ? reply->errorString() : message)));
    });
}

} // namespace RecordingRelayClient

} // namespace PoolDesk
