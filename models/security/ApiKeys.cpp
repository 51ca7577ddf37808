#include "security/ApiKeys.h"

#include "domain/Clock.h"
#include "storage/Database.h"
#include "storage/SqlHelpers.h"
#include "storage/Transaction.h"

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QJsonObject>
#include <QRandomGenerator>

namespace PoolDesk {

namespace {

const QString SecretPrefix = QStringLiteral("pdk_");
constexpr int PrefixLength = 12; // "pdk_" + 8 characters: enough to tell keys apart in a list

const QString SelectColumns =
    QStringLiteral("SELECT k.id, k.name, k.key_prefix, k.company_id, c.name, k.rate_per_second, k.burst, "
                   "k.created_at, k.created_by, k.revoked_at, k.last_used_at FROM api_keys k "
                   "LEFT JOIN companies c ON c.id = k.company_id ");

ApiKey keyFrom(const QSqlQuery &query) {
    ApiKey key;
    key.id = query.value(0).toLongLong();
    key.name = query.value(1).toString();
    key.prefix = query.value(2).toString();
    key.companyId = Sql::optionalInt(query.value(3));
    key.companyName = query.value(4).toString();
    if (const auto rate = Sql::optionalInt(query.value(5)))
        key.ratePerSecond = int(*rate);
    if (const auto burst = Sql::optionalInt(query.value(6)))
        key.burst = int(*burst);
    key.createdAt = Clock::fromSecs(query.value(7).toLongLong());
    key.createdBy = query.value(8).toString();
    if (!query.value(9).isNull())
        key.revokedAt = Clock::fromSecs(query.value(9).toLongLong());
    if (!query.value(10).isNull())
        key.lastUsedAt = Clock::fromSecs(query.value(10).toLongLong());
    return key;
}

QJsonObject describe(const ApiKey &key) {
    QJsonObject object{{QStringLiteral("id"), key.id},
                       {QStringLiteral("name"), key.name},
                       {QStringLiteral("prefix"), key.prefix}};
    if (key.companyId)
        object.insert(QStringLiteral("company_id"), *key.companyId);
    if (key.ratePerSecond)
        object.insert(QStringLiteral("rate_per_second"), *key.ratePerSecond);
    if (key.burst)
        object.insert(QStringLiteral("burst"), *key.burst);
    if (key.isRevoked())
        object.insert(QStringLiteral("revoked_at"), key.revokedAt.toSecsSinceEpoch());
    return object;
}

QString newSecret() {
    QByteArray random(32, Qt::Uninitialized);
    QRandomGenerator::system()->generate(reinterpret_cast<quint32 *>(random.data()),
                                         reinterpret_cast<quint32 *>(random.data() + random.size()));
    return SecretPrefix + QString::fromLatin1(random.toBase64(QByteArray::Base64UrlEncoding |
                                                              QByteArray::OmitTrailingEquals));
}

} // namespace

ApiKeys::ApiKeys(Database &db)
    : m_db(db) {}

ApiKeys::~ApiKeys() = default;

QString ApiKeys::hashOf(const QString &secret) {
    return QString::fromLatin1(QCryptographicHash::hash(secret.toUtf8(), QCryptographicHash::Sha256).toHex());
}

Result<CreatedApiKey> ApiKeys::create(const Actor &actor, const NewApiKey &request) {
    const QString name = request.name.trimmed();
    if (name.isEmpty() || name.size() > 100)
        return makeError(
            Error::Code::InvalidInput,
            QCoreApplication::translate("ApiKeys", "A key name of 1 to 100 characters is required."));
    if (request.ratePerSecond && (*request.ratePerSecond < 1 || *request.ratePerSecond > MaxRatePerSecond))
        return makeError(Error::Code::InvalidInput,
                         QCoreApplication::translate(
                             "ApiKeys", "The rate limit must be between 1 and %1 requests per second.")
                             .arg(MaxRatePerSecond));
    if (request.burst && (*request.burst < 1 || *request.burst > MaxRatePerSecond))
        return makeError(
            Error::Code::InvalidInput,
            QCoreApplication::translate("ApiKeys", "The burst must be between 1 and %1 requests.")
                .arg(MaxRatePerSecond));

    Transaction transaction(m_db);
    if (auto begun = transaction.begin(); !begun)
        return begun.error();
    if (request.companyId) {
        auto company = Sql::exec(m_db.connection(), QStringLiteral("SELECT id FROM companies WHERE id = ?"),
                                 {*request.companyId});
        if (!company)
            return company.error();
        if (!company.value().next())
            return makeError(
                Error::Code::NotFound,
                QCoreApplication::translate("ApiKeys", "The company the key is for no longer exists."));
    }
    const QString secret = newSecret();
    const qint64 now = Clock::nowSecs();
    auto inserted =
        Sql::exec(m_db.connection(),
                  QStringLiteral("INSERT INTO api_keys (name, key_prefix, key_hash, company_id, "
                                 "rate_per_second, burst, created_at, created_by) "
                                 "VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id"),
                  {name, secret.left(PrefixLength), hashOf(secret), Sql::nullable(request.companyId),
                   Sql::nullable(request.ratePerSecond), Sql::nullable(request.burst), now, actor.name});
    if (!inserted)
        return inserted.error();
    inserted.value().next();
    const qint64 id = inserted.value().value(0).toLongLong();
    inserted.value().finish();
    auto created = Sql::exec(m_db.connection(), SelectColumns + QStringLiteral("WHERE k.id = ?"), {id});
    if (!created)
        return created.error();
    if (!created.value().next())
        return makeError(Error::Code::Storage,
                         QCoreApplication::translate("ApiKeys", "The new key could not be read back."));
    const ApiKey key = keyFrom(created.value());
    created.value().finish();
    if (auto audited = AuditLog::write(m_db, actor, QStringLiteral("service.key.create"), key.name,
                                       key.companyId, {}, describe(key));
        !audited)
        return audited.error();
    if (auto committed = transaction.commit(); !committed)
        return committed.error();
    return CreatedApiKey{key, secret};
}

Result<ApiKey> ApiKeys::revoke(const Actor &actor, qint64 id) {
    Transaction transaction(m_db);
    if (auto begun = transaction.begin(); !begun)
        return begun.error();
    auto found = Sql::exec(m_db.connection(), SelectColumns + QStringLiteral("WHERE k.id = ?"), {id});
    if (!found)
        return found.error();
    if (!found.value().next())
        return makeError(
            Error::Code::NotFound,
            QCoreApplication::translate(
                "ApiKeys",
                "There is no API key with the ID %1. List the keys with: pooldeskctl service key list")
                .arg(id));
    ApiKey key = keyFrom(found.value());
    found.value().finish();
    if (key.isRevoked())
        return key; // revoking twice changes nothing
    const qint64 now = Clock::nowSecs();
    if (auto updated = Sql::exec(
            m_db.connection(), QStringLiteral("UPDATE api_keys SET revoked_at = ? WHERE id = ?"), {now, id});
        !updated)
        return updated.error();
    const QJsonObject before = describe(key);
    key.revokedAt = Clock::fromSecs(now);
    if (auto audited = AuditLog::write(m_db, actor, QStringLiteral("service.key.revoke"), key.name,
                                       key.companyId, before, describe(key));
        !audited)
        return audited.error();
    if (auto committed = transaction.commit(); !committed)
        return committed.error();
    return key;
}

Result<QList<ApiKey>> ApiKeys::list() {
    auto query = Sql::exec(m_db.connection(), SelectColumns + QStringLiteral("ORDER BY k.id"));
    if (!query)
        return query.error();
    QList<ApiKey> keys;
    while (query.value().next())
        keys.append(keyFrom(query.value()));
    return keys;
}

Result<ApiKey> ApiKeys::find(qint64 id) {
    auto query = Sql::exec(m_db.connection(), SelectColumns + QStringLiteral("WHERE k.id = ?"), {id});
    if (!query)
        return query.error();
    if (!query.value().next())
        return makeError(
            Error::Code::NotFound,
            QCoreApplication::translate("ApiKeys", "There is no API key with the ID %1.").arg(id));
    return keyFrom(query.value());
}

Result<ApiKey> ApiKeys::authenticate(const QString &secret) {
    if (!secret.startsWith(SecretPrefix) || secret.size() > 200)
        return makeError(Error::Code::NotFound,
                         QCoreApplication::translate("ApiKeys", "The API key is not valid."));
    if (!m_authenticate) {
        m_authenticate = std::make_unique<QSqlQuery>(m_db.connection());
        if (!m_authenticate->prepare(SelectColumns +
                                     QStringLiteral("WHERE k.key_hash = ? AND k.revoked_at IS NULL"))) {
            Error error = Sql::storageError(*m_authenticate);
            m_authenticate.reset();
            return error;
        }
    }
    QSqlQuery &query = *m_authenticate;
    if (auto ran = Sql::run(query, {hashOf(secret)}); !ran)
        return ran.error();
    if (!query.next()) {
        query.finish();
        return makeError(
            Error::Code::NotFound,
            QCoreApplication::translate("ApiKeys", "The API key is not valid or has been revoked."));
    }
    ApiKey key = keyFrom(query);
    query.finish();
    return key;
}

Status ApiKeys::touch(qint64 id, qint64 atSecs) {
    auto updated = Sql::exec(
        m_db.connection(), QStringLiteral("UPDATE api_keys SET last_used_at = ? WHERE id = ?"), {atSecs, id});
    if (!updated)
        return updated.error();
    return success();
}

} // namespace PoolDesk
