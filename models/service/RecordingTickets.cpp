#include "service/RecordingTickets.h"

#include "billing/Recordings.h"
#include "storage/AuditLog.h"
#include "storage/Database.h"
#include "storage/SqlHelpers.h"
#include "storage/Transaction.h"

#include <QCoreApplication>
#include <QJsonObject>

namespace PoolDesk::RecordingTickets {

Result<RedeemedTicket> redeem(Database &db, const QString &recordingSid, const QByteArray &token) {
    if (!db.isPostgreSql())
        return makeError(Error::Code::InvalidInput,
                         QCoreApplication::translate("RecordingTickets",
                                                     "This pool serves no recordings: its consoles fetch "
                                                     "them from Twilio themselves."));
    const Error unknown = makeError(
        Error::Code::NotFound,
        QCoreApplication::translate("RecordingTickets",
                                    "The recording ticket is not valid: it is unknown, used or expired. Ask "
                                    "the console for a new one."));
    Transaction transaction(db);
    if (auto begun = transaction.begin(); !begun)
        return begun.error();
    // The database issued the ticket by its own clock, so it judges expiry by the same one.
    auto spent = Sql::exec(
        db.connection(),
        QStringLiteral("UPDATE recording_tickets SET redeemed_at = extract(epoch FROM "
                       "clock_timestamp())::BIGINT WHERE token_hash = ? AND recording_sid = ? AND "
                       "redeemed_at IS NULL AND expires_at >= extract(epoch FROM clock_timestamp()) "
                       "RETURNING access, login"),
        {QString::fromLatin1(Recordings::ticketHash(token)), recordingSid});
    if (!spent)
        return spent.error();
    if (!spent.value().next())
        return unknown;
    RedeemedTicket ticket;
    ticket.recordingSid = recordingSid;
    ticket.access = spent.value().value(0).toString();
    ticket.login = spent.value().value(1).toString();
    auto recording = Sql::exec(
        db.connection(),
        QStringLiteral("SELECT r.environment, c.company_id FROM call_recordings r LEFT JOIN call_records c "
                       "ON c.call_sid = r.call_sid WHERE r.sid = ?"),
        {recordingSid});
    if (!recording)
        return recording.error();
    if (!recording.value().next())
        return unknown;
    ticket.environment = recording.value().value(0).toString();
    ticket.companyId = Sql::optionalInt(recording.value().value(1));
    // Under the person the ticket was issued to; the service is only the courier.
    if (auto audited = AuditLog::write(db, Actor{QStringLiteral("ticket:") + ticket.login},
                                       QStringLiteral("recording.served"), recordingSid, ticket.companyId, {},
                                       {{QStringLiteral("access"), ticket.access},
                                        {QStringLiteral("login"), ticket.login},
                                        {QStringLiteral("environment"), ticket.environment}});
        !audited)
        return audited.error();
    if (auto committed = transaction.commit(); !committed)
        return committed.error();
    return ticket;
}

} // namespace PoolDesk::RecordingTickets
