#include "storage/AuditCheckpoint.h"

#include "storage/Database.h"
#include "storage/SqlHelpers.h"

#include <QCoreApplication>
#include <QSqlQuery>

// The checkpoints kept in the database (audit_checkpoints); AuditCheckpoint.cpp reads and writes
// their files.
namespace PoolDesk {

namespace {

AuditCheckpoint checkpointOf(const QSqlQuery &row) {
    AuditCheckpoint checkpoint;
    checkpoint.logId = row.value(0).toString();
    checkpoint.seq = row.value(1).toLongLong();
    checkpoint.hash = QByteArray::fromHex(row.value(2).toString().toLatin1());
    checkpoint.at = row.value(3).toLongLong();
    checkpoint.publicKey = QByteArray::fromBase64(row.value(4).toString().toLatin1());
    checkpoint.signature = QByteArray::fromBase64(row.value(5).toString().toLatin1());
    checkpoint.source = QCoreApplication::translate("AuditCheckpoint", "database, checkpoint %1")
                            .arg(row.value(6).toLongLong());
    return checkpoint;
}

} // namespace

namespace AuditCheckpoints {

Status store(Database &db, const AuditCheckpoint &checkpoint) {
    auto done = Sql::exec(db.connection(),
                          QStringLiteral("INSERT INTO audit_checkpoints (log_id, seq, hash, at, public_key, "
                                         "signature) VALUES (?, ?, ?, ?, ?, ?)"),
                          {checkpoint.logId, checkpoint.seq, QString::fromLatin1(checkpoint.hash.toHex()),
                           checkpoint.at, QString::fromLatin1(checkpoint.publicKey.toBase64()),
                           QString::fromLatin1(checkpoint.signature.toBase64())});
    if (!done)
        return done.error();
    return success();
}

Result<QList<AuditCheckpoint>> stored(Database &db) {
    auto rows =
        Sql::exec(db.connection(), QStringLiteral("SELECT log_id, seq, hash, at, public_key, signature, id "
                                                  "FROM audit_checkpoints ORDER BY seq, id"));
    if (!rows)
        return rows.error();
    QList<AuditCheckpoint> checkpoints;
    while (rows.value().next())
        checkpoints.append(checkpointOf(rows.value()));
    return checkpoints;
}

Result<Latest> latest(Database &db) {
    auto row =
        Sql::exec(db.connection(),
                  QStringLiteral("SELECT seq, at FROM audit_checkpoints ORDER BY seq DESC, id DESC LIMIT 1"));
    if (!row)
        return row.error();
    if (!row.value().next())
        return Latest{};
    return Latest{row.value().value(0).toLongLong(), row.value().value(1).toLongLong()};
}

} // namespace AuditCheckpoints
} // namespace PoolDesk
