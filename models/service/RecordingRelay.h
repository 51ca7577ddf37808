#pragma once

#include "domain/Result.h"

#include <QByteArray>
#include <QHash>
#include <QObject>
#include <QString>
#include <QUrl>

#include <functional>

class QNetworkAccessManager;

namespace PoolDesk {

class Database;
class SecretStore;
namespace Twilio {
class Client;
}

// The service's side of recordings for consoles without Twilio credentials: fetches a recording's
// audio from Twilio with its environment's credentials (variables, else the keychain), which only
// the service holds. Lives on the service's main thread; ServiceShared::recordingMedia hands it
// requests from the HTTP threads after a ticket was redeemed (ServiceApi).
class RecordingRelay final : public QObject {
    Q_OBJECT
public:
    // `database` gives the main thread's connection, or null while it is lost. The TWILIO_*
    // variables hold the credentials of the service's own environment, `ownEnvironment`; other
    // environments' come from the keychain.
    RecordingRelay(std::function<Database *()> database, QString ownEnvironment, QObject *parent = nullptr);
    ~RecordingRelay() override;

    void fetch(const QString &environment, const QString &recordingSid,
               std::function<void(Result<QByteArray>)> done);

private:
    std::function<Database *()> m_database;
    QString m_ownEnvironment;
    SecretStore *m_secrets;
    QNetworkAccessManager *m_network;
    QHash<QString, Twilio::Client *> m_clients;
};

} // namespace PoolDesk
