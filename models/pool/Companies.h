#pragma once

#include "domain/Result.h"
#include "domain/Types.h"
#include "storage/AuditLog.h"

#include <QJsonObject>
#include <QList>

namespace PoolDesk {

class Database;

// Companies (tenants) and their limits. Every change is validated first and audited in the
// same transaction; bad input changes nothing.
class Companies final {
public:
    explicit Companies(Database &db)
        : m_db(db) {}

    Result<Company> add(const Actor &actor, const QString &name, Plan plan, const CompanyLimits &limits = {});
    Result<QList<Company>> list();
    Result<Company> find(const QString &name);
    Result<Company> findById(qint64 id);
    // Replaces the limits; a limit left unset (nullopt) means "no limit".
    Result<Company> setLimits(const Actor &actor, const QString &name, const CompanyLimits &limits);
    Result<Company> setPlan(const Actor &actor, const QString &name, Plan plan);

    static Status validateName(const QString &name);
    static Status validateLimits(const CompanyLimits &limits);
    // A company as the audit log and `pooldeskctl --json` show it: limits by name, null for none.
    static QJsonObject toJson(const Company &company);

private:
    Database &m_db;
};

} // namespace PoolDesk
