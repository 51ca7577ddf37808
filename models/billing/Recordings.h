#pragma once

#include "domain/Money.h"
#include "domain/Result.h"
#include "security/Identity.h"

#include <QCoreApplication>
#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace PoolDesk {

class Database;

// A call recording as synced from Twilio (SyncCallsOperation), with the call it belongs to.
struct RecordingRow {
    QString sid; // RE...
    QString callSid;
    QString environment;
    QString status;
    qint64 durationSeconds = 0;
    int channels = 1;
    std::optional<qint64> createdAt; // UTC seconds
    std::optional<Micros> price;
    std::optional<qint64> companyId; // the call's company; none when the call is not in the history
    QString companyName;
    std::optional<qint64> callStartedAt;
    QString e164; // the pool number the call used
};

struct RecordingFilter {
    std::optional<qint64> companyId;
    QString callSid; // empty: every call
    int limit = 1000;
};

enum class RecordingAccess { Play, Download, Delete };
QString toString(RecordingAccess access); // "play", "download", "delete"

// Who may reach which recording, and the audit trail of every attempt. Listing and access are
// refused to roles without Permission::ListenToRecordings (finance), deleting to all but
// administrators; a recording outside the caller's companies is "not found", exactly like an
// unknown one. On PostgreSQL the database applies the same scope (row-level security on
// call_recordings, no grant to finance), so a login's own SQL reaches no more.
class Recordings final {
    Q_DECLARE_TR_FUNCTIONS(Recordings)
public:
    Recordings(Database &db, Principal principal);

    Result<QList<RecordingRow>> list(const RecordingFilter &filter);
    // How many recordings each call has, for the call SIDs given (the Calls view's mark). Empty,
    // without reading, for roles that may not listen.
    Result<QHash<QString, int>> countByCall(const QStringList &callSids);

    // Decides whether the principal may play, download or delete the recording, and records the
    // decision in the audit log ("recording.play" ... with the outcome) either way. The refusal
    // says which role would be needed, or that no such recording is in reach.
    Result<RecordingRow> authorize(const QString &sid, RecordingAccess access);
    // PostgreSQL: a single-use ticket with which the pool service serves this recording's audio to
    // the caller, for a console that holds no Twilio credentials. The database issues it only for
    // a recording within the caller's reach (migration 016). Returns the bearer token (256 random
    // bits); only its SHA-256 is stored.
    Result<QByteArray> issueTicket(const RecordingRow &recording, RecordingAccess access,
                                   int ttlSeconds = 60);
    static QByteArray ticketHash(const QByteArray &token); // hex SHA-256

    // After Twilio deleted it: removes the metadata and records "recording.deleted", together.
    static Status forget(Database &db, const RecordingRow &recording);

private:
    Result<std::optional<RecordingRow>> find(const QString &sid);
    QString companyScope() const; // an SQL condition on the call (c): the principal's companies

    Database &m_db;
    Principal m_principal;
};

} // namespace PoolDesk
