#include "service/RecordingRelay.h"

#include "credentials/Environments.h"
#include "credentials/SecretStore.h"
#include "credentials/TwilioCredentials.h"
#include "storage/Database.h"
#include "twilio/TwilioApi.h"
#include "twilio/TwilioClient.h"

#include <QCoreApplication>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QPointer>

namespace PoolDesk {

RecordingRelay::RecordingRelay(std::function<Database *()> database, QString ownEnvironment, QObject *parent)
    : QObject(parent)
    , m_database(std::move(database))
    , m_ownEnvironment(std::move(ownEnvironment))
    , m_secrets(new SecretStore(this))
    , m_network(new QNetworkAccessManager(this)) {
    m_secrets->setTimeout(5000);
}

RecordingRelay::~RecordingRelay() = default;

void RecordingRelay::fetch(const QString &environment, const QString &recordingSid,
                           std::function<void(Result<QByteArray>)> done) {
    Database *db = m_database();
    if (!db)
        return done(
            makeError(Error::Code::Unavailable,
                      QCoreApplication::translate("RecordingRelay", "The pool database is not reachable.")));
    auto profile = Environments(*db).find(environment);
    if (!profile)
        return done(profile.error());
    QPointer<RecordingRelay> self(this);
    CredentialResolver::resolve(
        profile.value(), *m_secrets, this,
        [self, environment, recordingSid, done](Result<TwilioCredentials> credentials) {
            if (!self)
                return;
            if (!credentials)
                return done(credentials.error());
            Twilio::Client *&client = self->m_clients[environment];
            if (!client) {
                client = new Twilio::Client(self->m_network, self);
                Twilio::Client::Options options;
                options.timeoutMs = 20000;
                options.maxAttempts = 2;
                client->setOptions(options);
            }
            client->setCredentials(credentials.value());
            Twilio::Api::fetchRecordingMedia(*client, recordingSid, self, done);
        },
        environment == m_ownEnvironment ? QProcessEnvironment::systemEnvironment() : QProcessEnvironment());
}

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
