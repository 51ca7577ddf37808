#pragma once

#include "domain/Result.h"

#include <QByteArray>
#include <QList>
#include <QString>

namespace PoolDesk {

class Database;

// A signed statement that the audit log `logId` had `seq` entries, the last one hashing to `hash`,
// at time `at`. Kept in the database and, as a file, in witness folders outside it: a witness
// shows what the log was even after someone with the database's keys rewrote or cut it.
//
// What is signed (Ed25519) is the UTF-8 text
//     PoolDesk audit checkpoint 1\nlog <logId>\nseq <seq>\nhash <64 hex digits>\nat <unix seconds>\n
// The witness file is a JSON object with these fields, the public key and the signature (base64):
//     {"format": "pooldesk-audit-checkpoint-1", "log": ..., "seq": ..., "hash": ..., "at": ...,
//      "at_utc": "2026-12-06T04:29:16Z", "public_key": ..., "signature": ...}
struct AuditCheckpoint {
    QString logId;
    qint64 seq = 0;
    QByteArray hash;      // 32 bytes
    qint64 at = 0;        // seconds since the epoch, UTC
    QByteArray publicKey; // raw Ed25519, 32 bytes
    QByteArray signature; // 64 bytes
    QString source;       // where it was read from (a file, "database"), for reports; not stored

    QByteArray signedMessage() const;
    QByteArray toJson() const;
    // Reads a witness file's text. Anything but a well-formed checkpoint (wrong format name, field
    // missing or of the wrong type, hash or key of the wrong length) is an error saying which.
    static Result<AuditCheckpoint> fromJson(const QByteArray &json);
    // pooldesk-audit-<first 8 of log>-<seq, 12 digits>.json: sorts by sequence in a folder.
    QString fileName() const;
};

namespace AuditCheckpoints {
Status store(Database &db, const AuditCheckpoint &checkpoint);
Result<QList<AuditCheckpoint>> stored(Database &db);
// The newest stored checkpoint's sequence and time (0, 0 when there is none).
struct Latest {
    qint64 seq = 0;
    qint64 at = 0;
};
Result<Latest> latest(Database &db);

// Reads a witness: every *.json checkpoint file in a folder, or one file. A file that is not a
// checkpoint is an error naming it (a witness folder holds nothing else).
Result<QList<AuditCheckpoint>> readWitness(const QString &path);
// Writes the checkpoint into the folder (created if missing) atomically; returns the file's path.
Result<QString> writeWitness(const QString &folder, const AuditCheckpoint &checkpoint);
} // namespace AuditCheckpoints

} // namespace PoolDesk
