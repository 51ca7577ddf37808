#pragma once

#include "domain/Result.h"
#include "storage/AuditLog.h"

#include <QDateTime>
#include <QList>
#include <QSqlQuery>
#include <QString>

#include <memory>
#include <optional>

namespace PoolDesk {

class Database;

// A call backend's credential for the pool service. Only a hash of the secret is stored.
struct ApiKey {
    qint64 id = 0;
    QString name;
    QString prefix;                  // the first characters of the secret, to recognise it in lists
    std::optional<qint64> companyId; // set: the key may allocate only for this company
    QString companyName;
    std::optional<int> ratePerSecond; // per-key override of the service's rate limit
    std::optional<int> burst;
    QDateTime createdAt;
    QString createdBy;
    QDateTime revokedAt; // invalid while the key is active
    QDateTime lastUsedAt;

    bool isRevoked() const { return revokedAt.isValid(); }
};

struct NewApiKey {
    QString name;
    std::optional<qint64> companyId;
    std::optional<int> ratePerSecond;
    std::optional<int> burst;
};

struct CreatedApiKey {
    ApiKey key;
    QString secret; // shown to the user once, never stored
};

// Creates, lists, revokes and checks the pool service's API keys. Keys are 256-bit random
// secrets ("pdk_" + base64url), so a plain SHA-256 is a sound way to store them: there is nothing
// to guess. One object per connection and thread; authenticate() keeps its statement prepared.
class ApiKeys final {
public:
    explicit ApiKeys(Database &db);
    ~ApiKeys();
    ApiKeys(const ApiKeys &) = delete;
    ApiKeys &operator=(const ApiKeys &) = delete;

    Result<CreatedApiKey> create(const Actor &actor, const NewApiKey &key);
    Result<ApiKey> revoke(const Actor &actor, qint64 id);
    Result<QList<ApiKey>> list();
    Result<ApiKey> find(qint64 id);

    // The active key whose secret this is; NotFound when the secret is unknown or revoked.
    Result<ApiKey> authenticate(const QString &secret);
    // Records when a key was last used (callers throttle this: it is a write).
    Status touch(qint64 id, qint64 atSecs);

    static QString hashOf(const QString &secret);
    static constexpr int MaxRatePerSecond = 1'000'000;

private:
    Database &m_db;
    std::unique_ptr<QSqlQuery> m_authenticate;
};

} // namespace PoolDesk
