#pragma once

#include "domain/Result.h"

#include <QByteArray>
#include <QString>

#include <optional>

namespace PoolDesk {

class Database;

// A ticket the database issued to a console (Recordings::issueTicket, migration 016), redeemed
// once by the service that then serves the recording's audio.
struct RedeemedTicket {
    QString recordingSid;
    QString environment;
    QString access; // "play" or "download"
    QString login;  // who the ticket was issued to
    std::optional<qint64> companyId;
};

namespace RecordingTickets {
// Spends the ticket for this recording and records "recording.served" in the audit log, in one
// transaction. NotFound for a token that is unknown, spent, expired or for another recording (the
// caller cannot tell which); InvalidInput on SQLite, which issues no tickets.
Result<RedeemedTicket> redeem(Database &db, const QString &recordingSid, const QByteArray &token);
} // namespace RecordingTickets

} // namespace PoolDesk
