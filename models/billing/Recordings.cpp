#include "billing/Recordings.h"

#include "storage/AuditLog.h"
#include "storage/Database.h"
#include "storage/SqlHelpers.h"
#include "storage/Transaction.h"

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QJsonObject>
#include <QRandomGenerator>

namespace PoolDesk {

namespace {

// A recording and its call. The call may be missing (a recording synced before its call, or of a
// call PoolDesk never placed): the recording then has no company and only administrators reach it,
// by the same rule on both engines (row-level security on PostgreSQL, the company check here).
const QString SelectRecordings = QStringLiteral(
    "SELECT r.sid, r.call_sid, r.environment, r.status, r.duration_seconds, r.channels, r.created_at, "
    "r.price_micros, c.company_id, co.name, c.started_at, c.e164 FROM call_recordings r "
    "LEFT JOIN call_records c ON c.call_sid = r.call_sid "
    "LEFT JOIN companies co ON co.id = c.company_id ");

RecordingRow rowFrom(const QSqlQuery &q) {
    RecordingRow r;
    r.sid = q.value(0).toString();
    r.callSid = q.value(1).toString();
    r.environment = q.value(2).toString();
    r.status = q.value(3).toString();
    r.durationSeconds = q.value(4).toLongLong();
    r.channels = q.value(5).isNull() ? 1 : q.value(5).toInt();
    r.createdAt = Sql::optionalInt(q.value(6));
    r.price = Sql::optionalInt(q.value(7));
    r.companyId = Sql::optionalInt(q.value(8));
    r.companyName = q.value(9).toString();
    r.callStartedAt = Sql::optionalInt(q.value(10));
    r.e164 = q.value(11).toString();
    return r;
}

// A person's access, under the login the database knows them by (AuditLog::write).
Status audit(Database &db, const QString &action, const QString &sid, std::optional<qint64> companyId,
             const QJsonObject &after) {
    return AuditLog::write(db, Actor::currentUser(), action, sid, companyId, {}, after);
}

} // namespace

QString toString(RecordingAccess access) {
    switch (access) {
    case RecordingAccess::Play:
        return QStringLiteral("play");
    case RecordingAccess::Download:
        return QStringLiteral("download");
    case RecordingAccess::Delete:
        return QStringLiteral("delete");
    }
    return {};
}

Recordings::Recordings(Database &db, Principal principal)
    : m_db(db)
    , m_principal(std::move(principal)) {}

Result<QList<RecordingRow>> Recordings::list(const RecordingFilter &filter) {
    if (!allows(m_principal, Permission::ListenToRecordings))
        return makeError(Error::Code::Refused,
                         tr("Call recordings are not shown to your role. %1")
                             .arg(neededRoleText(Permission::ListenToRecordings)),
                         QStringLiteral("role_required"));
    QStringList where;
    QVariantList bindings;
    if (!allows(m_principal, Permission::ReadEveryCompany)) {
        // A manager's companies; the database's policy says the same on PostgreSQL.
        QStringList ids;
        for (qint64 id : m_principal.companyIds)
            ids.append(QString::number(id));
        where.append(QStringLiteral("c.company_id IN (%1)")
                         .arg(ids.isEmpty() ? QStringLiteral("NULL") : ids.join(u',')));
    }
    if (filter.companyId) {
        where.append(QStringLiteral("c.company_id = ?"));
        bindings.append(*filter.companyId);
    }
    if (!filter.callSid.isEmpty()) {
        where.append(QStringLiteral("r.call_sid = ?"));
        bindings.append(filter.callSid);
    }
    QString sql = SelectRecordings;
    if (!where.isEmpty())
        sql += QStringLiteral("WHERE ") + where.join(QStringLiteral(" AND "));
    sql += QStringLiteral(" ORDER BY r.created_at DESC, r.sid LIMIT %1").arg(std::max(1, filter.limit));
    auto query = Sql::exec(m_db.connection(), sql, bindings);
    if (!query)
        return query.error();
    QList<RecordingRow> rows;
    while (query.value().next())
        rows.append(rowFrom(query.value()));
    return rows;
}

Result<QHash<QString, int>> Recordings::countByCall(const QStringList &callSids) {
    QHash<QString, int> counts;
    if (!allows(m_principal, Permission::ListenToRecordings) || callSids.isEmpty())
        return counts;
    QVariantList bindings;
    QStringList marks;
    for (const QString &sid : callSids) {
        if (sid.isEmpty())
            continue;
        bindings.append(sid);
        marks.append(QStringLiteral("?"));
    }
    if (marks.isEmpty())
        return counts;
    QString sql = QStringLiteral("SELECT r.call_sid, COUNT(*) FROM call_recordings r ");
    if (!allows(m_principal, Permission::ReadEveryCompany))
        sql += QStringLiteral("JOIN call_records c ON c.call_sid = r.call_sid AND ") + companyScope();
    sql += QStringLiteral(" WHERE r.call_sid IN (%1) GROUP BY r.call_sid").arg(marks.join(u','));
    auto query = Sql::exec(m_db.connection(), sql, bindings);
    if (!query)
        return query.error();
    while (query.value().next())
        counts.insert(query.value().value(0).toString(), query.value().value(1).toInt());
    return counts;
}

QString Recordings::companyScope() const {
    // A manager's companies; the database's policy says the same on PostgreSQL.
    QStringList ids;
    for (qint64 id : m_principal.companyIds)
        ids.append(QString::number(id));
    return QStringLiteral("c.company_id IN (%1)")
        .arg(ids.isEmpty() ? QStringLiteral("NULL") : ids.join(u','));
}

Result<std::optional<RecordingRow>> Recordings::find(const QString &sid) {
    auto query = Sql::exec(m_db.connection(), SelectRecordings + QStringLiteral("WHERE r.sid = ?"), {sid});
    if (!query)
        return query.error();
    if (!query.value().next())
        return std::optional<RecordingRow>();
    RecordingRow row = rowFrom(query.value());
    if (!allows(m_principal, Permission::ReadEveryCompany) &&
        (!row.companyId || !m_principal.companyIds.contains(*row.companyId)))
        return std::optional<RecordingRow>();
    return std::optional<RecordingRow>(row);
}

Result<RecordingRow> Recordings::authorize(const QString &sid, RecordingAccess access) {
    const QString action = QStringLiteral("recording.") + toString(access);
    const Permission needed =
        access == RecordingAccess::Delete ? Permission::DeleteRecordings : Permission::ListenToRecordings;
    const auto refuse = [&](std::optional<qint64> companyId, const QString &why, Error error) -> Error {
        // The refusal is recorded even though nothing happens; if even that fails, say so.
        if (auto audited = audit(
                m_db, action, sid, companyId,
                {{QStringLiteral("outcome"), QStringLiteral("refused")}, {QStringLiteral("reason"), why}});
            !audited)
            return audited.error();
        return error;
    };
    if (!allows(m_principal, needed))
        return refuse(
            std::nullopt, QStringLiteral("role_required"),
            makeError(Error::Code::Refused,
                      (access == RecordingAccess::Delete ? tr("Your role may not delete call recordings.")
                       : access == RecordingAccess::Play
                           ? tr("Your role may not play call recordings.")
                           : tr("Your role may not download call recordings.")) +
                          QLatin1Char(' ') + neededRoleText(needed),
                      QStringLiteral("role_required")));
    auto found = find(sid);
    if (!found)
        return found.error();
    if (!found.value())
        return refuse(
            std::nullopt, QStringLiteral("not_found"),
            makeError(Error::Code::NotFound,
                      tr("No recording %1 within your reach. A new recording appears here after the next "
                         "call sync (Twilio ▸ Sync Calls, run by an administrator).")
                          .arg(sid)));
    const RecordingRow row = *found.value();
    if (auto audited = audit(m_db, action, sid, row.companyId,
                             {{QStringLiteral("outcome"), QStringLiteral("allowed")},
                              {QStringLiteral("call_sid"), row.callSid},
                              {QStringLiteral("environment"), row.environment}});
        !audited)
        return audited.error();
    return row;
}

QByteArray Recordings::ticketHash(const QByteArray &token) {
    return QCryptographicHash::hash(token, QCryptographicHash::Sha256).toHex();
}

Result<QByteArray> Recordings::issueTicket(const RecordingRow &recording, RecordingAccess access,
                                           int ttlSeconds) {
    if (!m_db.isPostgreSql() || access == RecordingAccess::Delete)
        return makeError(Error::Code::InvalidInput,
                         tr("Recordings are served by the pool service only for PostgreSQL workspaces."));
    QByteArray random(32, Qt::Uninitialized);
    QRandomGenerator::system()->generate(reinterpret_cast<quint32 *>(random.data()),
                                         reinterpret_cast<quint32 *>(random.data() + random.size()));
    const QByteArray token = random.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
    auto issued =
        Sql::exec(m_db.connection(), QStringLiteral("SELECT pooldesk_recording_ticket(?, ?, ?, ?)"),
                  {recording.sid, toString(access), QString::fromLatin1(ticketHash(token)), ttlSeconds});
    if (!issued) {
        if (issued.error().nativeCode == QLatin1String("P0002"))
            return makeError(Error::Code::NotFound,
                             tr("No recording %1 within your reach.").arg(recording.sid));
        return issued.error();
    }
    return token;
}

Status Recordings::forget(Database &db, const RecordingRow &recording) {
    Transaction transaction(db);
    if (auto begun = transaction.begin(); !begun)
        return begun;
    if (auto removed = Sql::exec(db.connection(), QStringLiteral("DELETE FROM call_recordings WHERE sid = ?"),
                                 {recording.sid});
        !removed)
        return removed.error();
    if (auto audited = audit(db, QStringLiteral("recording.deleted"), recording.sid, recording.companyId,
                             {{QStringLiteral("call_sid"), recording.callSid},
                              {QStringLiteral("environment"), recording.environment}});
        !audited)
        return audited;
    return transaction.commit();
}

} // namespace PoolDesk
