#pragma once

#include "domain/Result.h"
#include "storage/AuditChain.h"
#include "storage/AuditCheckpoint.h"

#include <QJsonObject>
#include <QStringList>

namespace PoolDesk {

class Database;

// What `pooldeskctl audit verify` and the Audit view report: the chain walked from its first entry,
// every checkpoint stored in the database and every one given from a witness checked for its
// signature and against the chain, and the head record against the newest entry.
struct AuditReport {
    QString logId;
    AuditChain::Verdict verdict;
    qint64 checkpoints = 0; // this log's signed checkpoints checked, stored and witnessed
    qint64 witnessed = 0;   // of which from witnesses
    qint64 otherLogs = 0;   // witness files of another workspace's log, set aside
    QStringList keys;       // fingerprints of the signing keys the log registered

    bool intact() const { return verdict.intact(); }
    QJsonObject toJson() const;
    // One line per finding, or one line saying the log is intact; translated.
    QStringList describe() const;
    static QString describe(const AuditChain::Finding &finding);
};

namespace AuditVerification {
// Needs a login that reads every company's entries (on PostgreSQL a manager's view of the log has
// gaps by design): the caller checks Permission::ReadEveryCompany first.
Result<AuditReport> run(Database &db, const QList<AuditCheckpoint> &witnessed = {});
} // namespace AuditVerification

} // namespace PoolDesk
