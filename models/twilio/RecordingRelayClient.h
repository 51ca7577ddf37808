#pragma once
// A console without Twilio credentials plays recordings through the pool service, which holds
// them (service/RecordingRelay). This is the console's side, kept out of the service library so the
// console links no server code.
#include "domain/Result.h"

#include <QByteArray>
#include <QString>
#include <QUrl>

#include <functional>

class QNetworkAccessManager;
class QObject;

namespace PoolDesk {

// The console's side: fetches a recording's audio from the pool service at `serviceUrl` with a
// ticket the database issued (Recordings::issueTicket). `done` runs unless `context` is destroyed
// first; destroying it aborts the request.
namespace RecordingRelayClient {
void fetch(QNetworkAccessManager &network, const QUrl &serviceUrl, const QString &recordingSid,
           const QByteArray &ticket, QObject *context, std::function<void(Result<QByteArray>)> done);
} // namespace RecordingRelayClient

} // namespace PoolDesk
