#pragma once

// Two companies, Acme and Beta, with something of each in every table that holds a company's data,
// on a fresh PostgreSQL database, and a login for each PoolDesk role. The tenant isolation tests
// sign in as these logins and look for the other company's rows.

#include "TestDatabases.h"

#include "billing/ClosedMonths.h"
#include "domain/Clock.h"
#include "pool/Allocator.h"
#include "pool/Companies.h"
#include "pool/Numbers.h"
#include "security/ApiKeys.h"
#include "security/Identity.h"
#include "storage/Database.h"
#include "storage/SqlHelpers.h"

#include <QUrl>
#include <QUuid>

#include <memory>

namespace PoolDesk::Test {

inline const QString GroupRoles =
    QStringLiteral("{pooldesk_administrator,pooldesk_finance,pooldesk_manager,pooldesk_service}");
inline const QString Password = QStringLiteral("test-password-not-a-real-one-7");

inline QString unique(const QString &prefix) {
    return prefix + QUuid::createUuid().toString(QUuid::Id128).left(10);
}

// The tables that hold a company's data, and how a row names its company. The catalog test checks
// that this list covers every table with a company column, so a new one cannot be forgotten here.
struct TenantTable {
    QString table;
    QString companyOf;        // an SQL expression giving the row's company id
    bool managersRead = true; // else not granted to managers at all
};
inline const QList<TenantTable> &tenantTables() {
    static const QList<TenantTable> tables{
        {QStringLiteral("companies"), QStringLiteral("id")},
        {QStringLiteral("operators"), QStringLiteral("company_id")},
        {QStringLiteral("phone_numbers"), QStringLiteral("dedicated_company_id")},
        {QStringLiteral("reservations"), QStringLiteral("company_id")},
        {QStringLiteral("call_records"), QStringLiteral("company_id")},
        {QStringLiteral("company_usage_months"), QStringLiteral("company_id")},
        {QStringLiteral("api_keys"), QStringLiteral("company_id"), false},
        {QStringLiteral("number_history"), QStringLiteral("company_id")},
        {QStringLiteral("callee_numbers"), QStringLiteral("company_id")},
        {QStringLiteral("closed_month_companies"), QStringLiteral("company_id")},
        {QStringLiteral("audit_log"), QStringLiteral("company_id"), false},
        {QStringLiteral("member_companies"), QStringLiteral("company_id"), false},
        // A recording belongs to its call's company; the subquery runs as whoever reads, so the
        // superuser's count is the truth and a manager's can only be smaller.
        {QStringLiteral("call_recordings"),
         QStringLiteral(
             "(SELECT c.company_id FROM call_records c WHERE c.call_sid = call_recordings.call_sid)")},
    };
    return tables;
}

// Two companies with something in every table: dedicated and shared numbers, finished and live
// calls, recordings, usage, keys, audit entries, and a manager for each.
struct TwoCompanies {
    std::unique_ptr<Database> db; // the suite's superuser, who created the database
    QString url;
    qint64 a = 0;
    qint64 b = 0;
    QString managerOfA;
    QString managerOfB;
    QString finance;
    QString administrator;
    QString service;

    explicit TwoCompanies() {
        url = freshDatabaseUrl(QStringLiteral("postgresql"));
        auto opened = Database::open(url);
        if (!opened)
            qFatal("%s", qPrintable(opened.error().message));
        db = std::move(opened).value();
        const Actor setup{QStringLiteral("user:setup")};
        a = Companies(*db).add(setup, QStringLiteral("Acme"), Plan::Hybrid)->id;
        b = Companies(*db).add(setup, QStringLiteral("Beta"), Plan::Hybrid)->id;
        Numbers numbers(*db);
        int n = 0;
        for (std::optional<qint64> owner : {std::optional<qint64>(a), std::optional<qint64>(b),
                                            std::optional<qint64>(), std::optional<qint64>()}) {
            NewNumber number;
            number.e164 = QStringLiteral("+1555010000%1").arg(++n);
            number.environment = ProductionEnvironment;
            number.dedicatedTo = owner;
            if (!numbers.add(setup, number))
                qFatal("cannot add a number");
        }
        Allocator allocator(*db);
        for (const QString &company : {QStringLiteral("Acme"), QStringLiteral("Beta")}) {
            for (const QString &session : {QStringLiteral("done"), QStringLiteral("live")}) {
                auto allocated =
                    allocator.allocate({company, QStringLiteral("op-") + company, session, std::nullopt,
                                        ProductionEnvironment, QStringLiteral("+12125550199")});
                if (!allocated)
                    qFatal("cannot allocate: %s", qPrintable(allocated.error().message));
            }
            ReleaseRequest release;
            release.session = QStringLiteral("done");
            release.durationSeconds = 61;
            release.callSid = QStringLiteral("CA") + company;
            release.companyId = company == QLatin1String("Acme") ? a : b;
            if (!allocator.release(release))
                qFatal("cannot release");
        }
        Sql::exec(
            db->connection(),
            QStringLiteral("INSERT INTO call_recordings (sid, call_sid, environment, status) "
                           "SELECT 'RE' || call_sid, call_sid, environment, 'completed' FROM call_records"));
        // Last month, closed: a stored line for each company.
        const QString lastMonth =
            BillingZone().monthKey(BillingZone().monthHolding(Clock::nowSecs()).first - 1);
        if (auto closed = ClosedMonths(*db, Identity::whoAmI(*db).value()).close(lastMonth); !closed)
            qFatal("cannot close %s: %s", qPrintable(lastMonth), qPrintable(closed.error().message));
        ApiKeys keys(*db);
        keys.create(setup, {QStringLiteral("acme-backend"), a, std::nullopt, std::nullopt});
        keys.create(setup, {QStringLiteral("beta-backend"), b, std::nullopt, std::nullopt});

        Members members(*db);
        managerOfA = unique(QStringLiteral("mgr_a_"));
        managerOfB = unique(QStringLiteral("mgr_b_"));
        finance = unique(QStringLiteral("fin_"));
        administrator = unique(QStringLiteral("adm_"));
        service = unique(QStringLiteral("svc_"));
        const auto add = [&](const QString &login, Role role, const QStringList &companies) {
            if (auto added = members.add({login, role, companies, false}, Password); !added)
                qFatal("cannot add %s: %s", qPrintable(login), qPrintable(added.error().message));
        };
        add(managerOfA, Role::Manager, {QStringLiteral("Acme")});
        add(managerOfB, Role::Manager, {QStringLiteral("Beta")});
        add(finance, Role::Finance, {});
        add(administrator, Role::Administrator, {});
        add(service, Role::Service, {});
    }

    QString as(const QString &login) const {
        QUrl signedIn(url);
        signedIn.setUserName(login);
        signedIn.setPassword(Password);
        return signedIn.toString();
    }

    // Rows of COMPANY in TABLE, as the superuser sees them.
    qint64 rowsOf(const TenantTable &table, qint64 company) {
        return scalar(*db, QStringLiteral("SELECT COUNT(*) FROM %1 WHERE %2 = %3")
                               .arg(table.table, table.companyOf)
                               .arg(company));
    }
    // Everything the superuser can see, to show that refused writes changed nothing.
    QString fingerprint() {
        QStringList parts;
        for (const TenantTable &table : tenantTables()) {
            auto query =
                Sql::exec(db->connection(),
                          QStringLiteral("SELECT md5(COALESCE(string_agg(t::text, '|' ORDER BY t::text), "
                                         "'')) FROM %1 t")
                              .arg(table.table));
            parts.append(query && query.value().next() ? query.value().value(0).toString()
                                                       : QStringLiteral("?"));
        }
        return parts.join(QLatin1Char(','));
    }
};

} // namespace PoolDesk::Test
