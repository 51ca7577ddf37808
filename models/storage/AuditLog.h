#pragma once

#include "domain/Result.h"

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
namespace AuditLog {
Status write(Database &db, const Actor &actor, const QString &action, const QString &target,
             std::optional<qint64> companyId, const QJsonObject &before, const QJsonObject &after);
} // namespace AuditLog

} // namespace PoolDesk
