#pragma once

#include "domain/Result.h"
#include "storage/AuditChain.h"

#include <QDateTime>
#include <QJsonObject>
#include <QString>

#include <optional>

namespace PoolDesk {

class Database;

// Who made a change: a person at a console or CLI, a service key, or an automatic policy. A
// person's entry always names the database login (see AuditLog::write).
struct Actor {
    QString name; // "user:alice", "key:backend-1", "policy:autoscale", "system:lease-reaper"
    static Actor currentUser();
    static Actor policy(const QString &policyName) { return {QStringLiteral("policy:") + policyName}; }
    static Actor system(const QString &what) { return {QStringLiteral("system:") + what}; }
};

struct AuditEntry {
    qint64 id = 0;
    QDateTime at;
    QString actor;
    QString action; // "company.add", "number.assign", "settings.set", ...
    QString target; // the thing changed: a company name, an E.164 number, a setting key
    std::optional<qint64> companyId;
    QJsonObject before;
    QJsonObject after;
};

// Writes audit entries. Callers write inside the transaction that makes the change, so the log
// and the change commit (or roll back) together.
//
// Every entry is a link of the log's hash chain (AuditChain): numbered without gaps in commit order
// and hashed with the entry before it. On PostgreSQL the server's trigger numbers and links each
// entry, so no login can choose either; on SQLite write() does.
namespace AuditLog {
Status write(Database &db, const Actor &actor, const QString &action, const QString &target,
             std::optional<qint64> companyId, const QJsonObject &before, const QJsonObject &after);

// A sensitive read (an export, a report, a recording played): recorded like a change. A database
// that takes no writes (read-only, or its disk full: Sql::isWriteRefused) cannot record it, and the
// read goes ahead unrecorded, as the read-only console promises: whoever can read the database
// then can read it without PoolDesk too.
Status recordRead(Database &db, const Actor &actor, const QString &action, const QString &target,
                  std::optional<qint64> companyId, const QJsonObject &details);

// The chain's head: the log's identity (random, made with the chain) and its newest link.
struct Head {
    QString logId;
    qint64 seq = 0;
    QByteArray hash; // 32 bytes; thirty-two zeros before the first entry
};
Result<Head> head(Database &db);

// Every entry the login may read, in chain order, as the verifier reads them.
Result<QList<AuditChain::Entry>> chainEntries(Database &db);

// SQLite: links the entries written before the log was a chain, in id order (Migrations, once).
Status chainUnlinkedEntries(Database &db);
} // namespace AuditLog

} // namespace PoolDesk
