#pragma once

#include "credentials/EnvironmentProfile.h"
#include "domain/Result.h"
#include "storage/AuditLog.h"

#include <QList>
#include <optional>

namespace PoolDesk {

class Database;

// What `env set` changes: each field left empty keeps its stored value.
struct EnvironmentChange {
    std::optional<QString> accountSid;
    std::optional<QString> apiKeySid; // an empty string switches back to the auth token
    std::optional<QUrl> apiBaseUrl;
    std::optional<QUrl> webhookBaseUrl;
    std::optional<QString> voicePath;
    std::optional<QString> statusCallbackPath;
};

// The environments' non-secret fields, stored in the pool database so every console and CLI on
// the team agrees. development and production always exist; more can be added by setting them.
class Environments final {
public:
    explicit Environments(Database &db)
        : m_db(db) {}

    Result<QList<EnvironmentProfile>> list();
    Result<EnvironmentProfile> find(const QString &name);
    // Creates the environment when it does not exist; validates first (bad input changes nothing)
    // and audits in the same transaction.
    Result<EnvironmentProfile> set(const Actor &actor, const QString &name, const EnvironmentChange &change);

private:
    Database &m_db;
};

} // namespace PoolDesk
