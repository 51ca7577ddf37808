#include "pool/Companies.h"

#include "domain/Clock.h"
#include "storage/ChangeWatcher.h"
#include "storage/Database.h"
#include "storage/SqlHelpers.h"
#include "storage/Transaction.h"

#include <QCoreApplication>
#include <QJsonObject>

namespace PoolDesk {

namespace {

const QString SelectColumns = QStringLiteral("SELECT id, name, plan, max_concurrent, monthly_minutes, "
                                             "monthly_budget_micros, created_at, allocations_per_second, "
                                             "allocation_burst FROM companies ");

Company companyFrom(const QSqlQuery &query) {
    Company company;
    company.id = query.value(0).toLongLong();
    company.name = query.value(1).toString();
    company.plan = planFromString(query.value(2).toString()).value_or(Plan::Standard);
    if (!query.value(3).isNull())
        company.limits.maxConcurrentCalls = query.value(3).toInt();
    company.limits.monthlyMinutes = Sql::optionalInt(query.value(4));
    company.limits.monthlyBudget = Sql::optionalInt(query.value(5));
    company.createdAt = Clock::fromSecs(query.value(6).toLongLong());
    if (!query.value(7).isNull())
        company.limits.allocationsPerSecond = query.value(7).toInt();
    if (!query.value(8).isNull())
        company.limits.allocationBurst = query.value(8).toInt();
    return company;
}

} // namespace

QJsonObject Companies::toJson(const Company &company) {
    QJsonObject object{{QStringLiteral("name"), company.name},
                       {QStringLiteral("plan"), toString(company.plan)}};
    object.insert(QStringLiteral("max_concurrent"), company.limits.maxConcurrentCalls
                                                        ? QJsonValue(*company.limits.maxConcurrentCalls)
                                                        : QJsonValue());
    object.insert(QStringLiteral("monthly_minutes"), company.limits.monthlyMinutes
                                                         ? QJsonValue(qint64(*company.limits.monthlyMinutes))
                                                         : QJsonValue());
    object.insert(QStringLiteral("monthly_budget"),
                  company.limits.monthlyBudget
                      ? QJsonValue(Money::toPlainString(*company.limits.monthlyBudget))
                      : QJsonValue());
    const auto optional = [](const std::optional<int> &value) {
        return value ? QJsonValue(*value) : QJsonValue();
    };
    object.insert(QStringLiteral("allocations_per_second"), optional(company.limits.allocationsPerSecond));
    object.insert(QStringLiteral("allocation_burst"), optional(company.limits.allocationBurst));
    return object;
}

Status Companies::validateName(const QString &name) {
    const QString trimmed = name.trimmed();
    if (trimmed.isEmpty())
        return makeError(Error::Code::InvalidInput,
                         QCoreApplication::translate("Companies", "A company needs a name."));
    if (trimmed.size() > 100)
        return makeError(
            Error::Code::InvalidInput,
            QCoreApplication::translate("Companies", "A company name can be at most 100 characters long."));
    return success();
}

Status Companies::validateLimits(const CompanyLimits &limits) {
    if (limits.maxConcurrentCalls && *limits.maxConcurrentCalls < 1)
        return makeError(
            Error::Code::InvalidInput,
            QCoreApplication::translate(
                "Companies",
                "The maximum number of concurrent calls must be at least 1 (leave it empty for no limit)."));
    if (limits.monthlyMinutes && *limits.monthlyMinutes < 0)
        return makeError(Error::Code::InvalidInput,
                         QCoreApplication::translate("Companies", "Monthly minutes cannot be negative."));
    if (limits.monthlyBudget && *limits.monthlyBudget < 0)
        return makeError(Error::Code::InvalidInput,
                         QCoreApplication::translate("Companies", "The monthly budget cannot be negative."));
    if (limits.allocationsPerSecond &&
        (*limits.allocationsPerSecond < 1 || *limits.allocationsPerSecond > 100'000))
        return makeError(Error::Code::InvalidInput,
                         QCoreApplication::translate("Companies",
                                                     "Allocations per second must be between 1 and "
                                                     "100,000 (leave it empty for no limit)."));
    if (limits.allocationBurst && !limits.allocationsPerSecond)
        return makeError(Error::Code::InvalidInput,
                         QCoreApplication::translate("Companies", "A burst needs a rate: set allocations per "
                                                                  "second too."));
    if (limits.allocationBurst && (*limits.allocationBurst < 1 || *limits.allocationBurst > 100'000))
        return makeError(Error::Code::InvalidInput,
                         QCoreApplication::translate("Companies",
                                                     "The allocation burst must be between 1 and "
                                                     "100,000."));
    return success();
}

Result<Company> Companies::add(const Actor &actor, const QString &name, Plan plan,
                               const CompanyLimits &limits) {
    if (auto valid = validateName(name); !valid)
        return valid.error();
    if (auto valid = validateLimits(limits); !valid)
        return valid.error();
    const QString trimmed = name.trimmed();

    Transaction transaction(m_db);
    if (auto begun = transaction.begin(); !begun)
        return begun.error();
    QSqlQuery query(m_db.connection());
    query.prepare(
        QStringLiteral("INSERT INTO companies (name, plan, max_concurrent, monthly_minutes, "
                       "monthly_budget_micros, created_at, allocations_per_second, allocation_burst) "
                       "VALUES (?, ?, ?, ?, ?, ?, ?, ?)"));
    for (const QVariant &value :
         {QVariant(trimmed), QVariant(toString(plan)), Sql::nullable(limits.maxConcurrentCalls),
          Sql::nullable(limits.monthlyMinutes), Sql::nullable(limits.monthlyBudget),
          QVariant(Clock::nowSecs()), Sql::nullable(limits.allocationsPerSecond),
          Sql::nullable(limits.allocationBurst)})
        query.addBindValue(value);
    if (!query.exec()) {
        // Roll back while the statement still exists: PostgreSQL refuses to free it in an aborted
        // transaction, and Qt would print that on stderr.
        transaction.rollback();
        if (Sql::isUniqueViolation(query))
            return makeError(Error::Code::Conflict, QCoreApplication::translate(
                                                        "Companies", "A company named \"%1\" already exists.")
                                                        .arg(trimmed));
        return Sql::storageError(query);
    }
    auto company = find(trimmed);
    if (!company)
        return company.error();
    if (auto audited = AuditLog::write(m_db, actor, QStringLiteral("company.add"), trimmed, company->id, {},
                                       toJson(company.value()));
        !audited)
        return audited.error();
    ChangeWatcher::notify(m_db);
    if (auto committed = transaction.commit(); !committed)
        return committed.error();
    return company;
}

Result<QList<Company>> Companies::list() {
    auto query = Sql::exec(m_db.connection(), SelectColumns + QStringLiteral("ORDER BY name"));
    if (!query)
        return query.error();
    QList<Company> companies;
    while (query.value().next())
        companies.append(companyFrom(query.value()));
    return companies;
}

Result<Company> Companies::find(const QString &name) {
    auto query =
        Sql::exec(m_db.connection(), SelectColumns + QStringLiteral("WHERE name = ?"), {name.trimmed()});
    if (!query)
        return query.error();
    if (!query.value().next())
        return makeError(
            Error::Code::NotFound,
            QCoreApplication::translate(
                "Companies",
                "There is no company named \"%1\". See the list with \"pooldeskctl company list\".")
                .arg(name.trimmed()),
            QStringLiteral("unknown_company"));
    return companyFrom(query.value());
}

Result<Company> Companies::findById(qint64 id) {
    auto query = Sql::exec(m_db.connection(), SelectColumns + QStringLiteral("WHERE id = ?"), {id});
    if (!query)
        return query.error();
    if (!query.value().next())
        return makeError(Error::Code::NotFound,
                         QCoreApplication::translate("Companies", "The company no longer exists."),
                         QStringLiteral("unknown_company"));
    return companyFrom(query.value());
}

Result<Company> Companies::setLimits(const Actor &actor, const QString &name, const CompanyLimits &limits) {
    if (auto valid = validateLimits(limits); !valid)
        return valid.error();
    Transaction transaction(m_db);
    if (auto begun = transaction.begin(); !begun)
        return begun.error();
    auto before = find(name);
    if (!before)
        return before.error();
    // A new or cleared rate starts from a whole budget.
    const bool rateChanged = before->limits.allocationsPerSecond != limits.allocationsPerSecond ||
                             before->limits.allocationBurst != limits.allocationBurst;
    auto updated = Sql::exec(m_db.connection(),
                             QStringLiteral("UPDATE companies SET max_concurrent = ?, monthly_minutes = ?, "
                                            "monthly_budget_micros = ?, allocations_per_second = ?, "
                                            "allocation_burst = ?, allocation_tat_us = CASE WHEN ? = 1 THEN "
                                            "NULL ELSE allocation_tat_us END WHERE id = ?"),
                             {Sql::nullable(limits.maxConcurrentCalls), Sql::nullable(limits.monthlyMinutes),
                              Sql::nullable(limits.monthlyBudget), Sql::nullable(limits.allocationsPerSecond),
                              Sql::nullable(limits.allocationBurst), rateChanged ? 1 : 0, before->id});
    if (!updated)
        return updated.error();
    auto after = findById(before->id);
    if (!after)
        return after.error();
    if (auto audited = AuditLog::write(m_db, actor, QStringLiteral("company.set_limits"), before->name,
                                       before->id, toJson(before.value()), toJson(after.value()));
        !audited)
        return audited.error();
    ChangeWatcher::notify(m_db);
    if (auto committed = transaction.commit(); !committed)
        return committed.error();
    return after;
}

Result<Company> Companies::setPlan(const Actor &actor, const QString &name, Plan plan) {
    Transaction transaction(m_db);
    if (auto begun = transaction.begin(); !begun)
        return begun.error();
    auto before = find(name);
    if (!before)
        return before.error();
    auto updated = Sql::exec(m_db.connection(), QStringLiteral("UPDATE companies SET plan = ? WHERE id = ?"),
                             {toString(plan), before->id});
    if (!updated)
        return updated.error();
    auto after = findById(before->id);
    if (!after)
        return after.error();
    if (auto audited = AuditLog::write(m_db, actor, QStringLiteral("company.set_plan"), before->name,
                                       before->id, toJson(before.value()), toJson(after.value()));
        !audited)
        return audited.error();
    ChangeWatcher::notify(m_db);
    if (auto committed = transaction.commit(); !committed)
        return committed.error();
    return after;
}

} // namespace PoolDesk
