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
        environment == m_ownEnvironment ? CredentialResolver::processEnvironment() : QProcessEnvironment());
}

} // namespace PoolDesk
