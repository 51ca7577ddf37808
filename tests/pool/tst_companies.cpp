// Companies (tenants) and their limits: validated first, audited with before and after in the
// same transaction, and bad input changes nothing.
#include "PoolTestSupport.h"

#include <QJsonDocument>
#include <QJsonObject>

using namespace PoolDesk;
using namespace PoolDesk::Test;

Q_DECLARE_METATYPE(PoolDesk::CompanyLimits)

namespace {

struct Audit {
    QString actor;
    QString action;
    QString target;
    qint64 companyId = -1;
    QJsonObject before;
    QJsonObject after;
};

Audit lastAudit(Database &db) {
    Audit audit;
    auto query =
        Sql::exec(db.connection(), QStringLiteral("SELECT actor, action, target, company_id, before_json, "
                                                  "after_json FROM audit_log ORDER BY id DESC LIMIT 1"));
    if (!query || !query.value().next())
        return audit;
    audit.actor = query.value().value(0).toString();
    audit.action = query.value().value(1).toString();
    audit.target = query.value().value(2).toString();
    audit.companyId = query.value().value(3).isNull() ? -1 : query.value().value(3).toLongLong();
    audit.before = QJsonDocument::fromJson(query.value().value(4).toString().toUtf8()).object();
    audit.after = QJsonDocument::fromJson(query.value().value(5).toString().toUtf8()).object();
    return audit;
}

CompanyLimits limits(std::optional<int> concurrent, std::optional<qint64> minutes,
                     std::optional<Micros> budget) {
    CompanyLimits result;
    result.maxConcurrentCalls = concurrent;
    result.monthlyMinutes = minutes;
    result.monthlyBudget = budget;
    return result;
}

} // namespace

class TestCompanies : public QObject {
    Q_OBJECT

private slots:
    void addAndFind_data() { addEngineRows(); }
    void addAndFind();
    void addIsAudited_data() { addEngineRows(); }
    void addIsAudited();
    void invalidInputChangesNothing_data();
    void invalidInputChangesNothing();
    void duplicateRefused_data() { addEngineRows(); }
    void duplicateRefused();
    void listIsSortedByName_data() { addEngineRows(); }
    void listIsSortedByName();
    void setLimitsAuditsBeforeAndAfter_data() { addEngineRows(); }
    void setLimitsAuditsBeforeAndAfter();
    void setLimitsRejectsBadInput_data() { addEngineRows(); }
    void setLimitsRejectsBadInput();
    void setPlanIsAudited_data() { addEngineRows(); }
    void setPlanIsAudited();
    void unknownCompany_data() { addEngineRows(); }
    void unknownCompany();
};

void TestCompanies::addAndFind() {
    QFETCH(QString, engine);
    PoolFixture f(engine);
    auto added = f.companies.add(tester(), QStringLiteral("  Sakura Dental  "), Plan::Hybrid,
                                 limits(4, 6000, 150 * MicrosPerDollar));
    POOL_VERIFY_OK(added);
    QVERIFY(added->id > 0);
    QCOMPARE(added->name, QStringLiteral("Sakura Dental")); // trimmed
    QVERIFY(added->plan == Plan::Hybrid);
    QCOMPARE(added->limits.maxConcurrentCalls, std::optional<int>(4));
    QCOMPARE(added->limits.monthlyMinutes, std::optional<qint64>(6000));
    QCOMPARE(added->limits.monthlyBudget, std::optional<Micros>(150'000'000));
    QVERIFY(qAbs(added->createdAt.secsTo(Clock::nowUtc())) < 60);

    auto found = f.companies.find(QStringLiteral("Sakura Dental"));
    POOL_VERIFY_OK(found);
    QCOMPARE(found->id, added->id);
    QCOMPARE(found->limits.monthlyBudget, added->limits.monthlyBudget);
    auto byId = f.companies.findById(added->id);
    POOL_VERIFY_OK(byId);
    QCOMPARE(byId->name, QStringLiteral("Sakura Dental"));

    // No limits at all is a valid company: unlimited.
    auto open = f.companies.add(tester(), QStringLiteral("Hikari Insurance"), Plan::Standard);
    POOL_VERIFY_OK(open);
    QVERIFY(!open->limits.maxConcurrentCalls);
    QVERIFY(!open->limits.monthlyMinutes);
    QVERIFY(!open->limits.monthlyBudget);
    // Zero minutes or a zero budget are allowed (a company paused for the month).
    POOL_VERIFY_OK(f.companies.add(tester(), QStringLiteral("Paused Co"), Plan::Standard, limits(1, 0, 0)));
}

void TestCompanies::addIsAudited() {
    QFETCH(QString, engine);
    PoolFixture f(engine);
    const qint64 before = f.auditEntries();
    auto added = f.companies.add(Actor{QStringLiteral("user:alice")}, QStringLiteral("Tanaka Logistics"),
                                 Plan::Enterprise, limits(3, std::nullopt, 500 * MicrosPerDollar));
    POOL_VERIFY_OK(added);
    QCOMPARE(f.auditEntries(), before + 1);
    const Audit audit = lastAudit(*f.db);
    QCOMPARE(audit.actor, QStringLiteral("user:") + f.db->login());
    QCOMPARE(audit.action, QStringLiteral("company.add"));
    QCOMPARE(audit.target, QStringLiteral("Tanaka Logistics"));
    QCOMPARE(audit.companyId, added->id);
    QVERIFY(audit.before.isEmpty());
    QCOMPARE(audit.after.value(QStringLiteral("name")).toString(), QStringLiteral("Tanaka Logistics"));
    QCOMPARE(audit.after.value(QStringLiteral("plan")).toString(), QStringLiteral("enterprise"));
    QCOMPARE(audit.after.value(QStringLiteral("max_concurrent")).toInt(), 3);
    QVERIFY(audit.after.value(QStringLiteral("monthly_minutes")).isNull());
    QCOMPARE(audit.after.value(QStringLiteral("monthly_budget")).toString(), QStringLiteral("500.00"));
}

void TestCompanies::invalidInputChangesNothing_data() {
    QTest::addColumn<QString>("engine");
    QTest::addColumn<QString>("name");
    QTest::addColumn<CompanyLimits>("limits");
    for (const QString &engine : engines()) {
        const auto row = [&](const char *label) {
            return &QTest::addRow("%s: %s", qPrintable(engine), label);
        };
        *row("empty name") << engine << QString() << CompanyLimits{};
        *row("blank name") << engine << QStringLiteral("   ") << CompanyLimits{};
        *row("101 characters") << engine << QStringLiteral("x").repeated(101) << CompanyLimits{};
        *row("zero concurrent calls")
            << engine << QStringLiteral("Co") << limits(0, std::nullopt, std::nullopt);
        *row("negative concurrent calls")
            << engine << QStringLiteral("Co") << limits(-2, std::nullopt, std::nullopt);
        *row("negative minutes") << engine << QStringLiteral("Co") << limits(std::nullopt, -1, std::nullopt);
        *row("negative budget") << engine << QStringLiteral("Co") << limits(std::nullopt, std::nullopt, -1);
    }
}

void TestCompanies::invalidInputChangesNothing() {
    QFETCH(QString, engine);
    QFETCH(QString, name);
    QFETCH(CompanyLimits, limits);
    PoolFixture f(engine);
    const qint64 audit = f.auditEntries();
    auto added = f.companies.add(tester(), name, Plan::Standard, limits);
    QVERIFY(!added.ok());
    QCOMPARE(added.error().code, Error::Code::InvalidInput);
    QVERIFY(!added.error().message.isEmpty());
    QCOMPARE(scalar(*f.db, QStringLiteral("SELECT COUNT(*) FROM companies")), 0);
    QCOMPARE(f.auditEntries(), audit);
}

void TestCompanies::duplicateRefused() {
    QFETCH(QString, engine);
    PoolFixture f(engine);
    POOL_VERIFY_OK(
        f.companies.add(tester(), QStringLiteral("Sakura Dental"), Plan::Standard, limits(2, 100, 0)));
    const qint64 audit = f.auditEntries();
    auto duplicate = f.companies.add(tester(), QStringLiteral(" Sakura Dental "), Plan::Enterprise);
    QVERIFY(!duplicate.ok());
    QCOMPARE(duplicate.error().code, Error::Code::Conflict);
    QVERIFY(duplicate.error().message.contains(QStringLiteral("Sakura Dental")));
    // The existing company is untouched and nothing was logged.
    QCOMPARE(scalar(*f.db, QStringLiteral("SELECT COUNT(*) FROM companies")), 1);
    auto existing = f.companies.find(QStringLiteral("Sakura Dental"));
    POOL_VERIFY_OK(existing);
    QVERIFY(existing->plan == Plan::Standard);
    QCOMPARE(existing->limits.maxConcurrentCalls, std::optional<int>(2));
    QCOMPARE(f.auditEntries(), audit);
    // The connection still works after the failed statement (PostgreSQL aborts the transaction).
    POOL_VERIFY_OK(f.companies.add(tester(), QStringLiteral("Blue Ocean Realty"), Plan::Standard));
}

void TestCompanies::listIsSortedByName() {
    QFETCH(QString, engine);
    PoolFixture f(engine);
    for (const char *name : {"Tanaka Logistics", "Aoba Clinic Group", "Maple Tutoring"})
        POOL_VERIFY_OK(f.companies.add(tester(), QString::fromUtf8(name), Plan::Standard));
    auto list = f.companies.list();
    POOL_VERIFY_OK(list);
    QCOMPARE(list->size(), 3);
    QCOMPARE(list->at(0).name, QStringLiteral("Aoba Clinic Group"));
    QCOMPARE(list->at(1).name, QStringLiteral("Maple Tutoring"));
    QCOMPARE(list->at(2).name, QStringLiteral("Tanaka Logistics"));
}

void TestCompanies::setLimitsAuditsBeforeAndAfter() {
    QFETCH(QString, engine);
    PoolFixture f(engine);
    auto added = f.companies.add(tester(), QStringLiteral("Maple Tutoring"), Plan::Standard,
                                 limits(2, 3000, std::nullopt));
    POOL_VERIFY_OK(added);
    auto changed = f.companies.setLimits(Actor{QStringLiteral("user:bob")}, QStringLiteral("Maple Tutoring"),
                                         limits(5, std::nullopt, 25 * MicrosPerDollar));
    POOL_VERIFY_OK(changed);
    QCOMPARE(changed->limits.maxConcurrentCalls, std::optional<int>(5));
    QVERIFY(!changed->limits.monthlyMinutes); // unset means no limit
    QCOMPARE(changed->limits.monthlyBudget, std::optional<Micros>(25'000'000));
    auto reread = f.companies.find(QStringLiteral("Maple Tutoring"));
    POOL_VERIFY_OK(reread);
    QCOMPARE(reread->limits.maxConcurrentCalls, std::optional<int>(5));
    QVERIFY(!reread->limits.monthlyMinutes);

    const Audit audit = lastAudit(*f.db);
    QCOMPARE(audit.actor, QStringLiteral("user:") + f.db->login());
    QCOMPARE(audit.action, QStringLiteral("company.set_limits"));
    QCOMPARE(audit.companyId, added->id);
    QCOMPARE(audit.before.value(QStringLiteral("max_concurrent")).toInt(), 2);
    QCOMPARE(audit.before.value(QStringLiteral("monthly_minutes")).toInteger(), 3000);
    QVERIFY(audit.before.value(QStringLiteral("monthly_budget")).isNull());
    QCOMPARE(audit.after.value(QStringLiteral("max_concurrent")).toInt(), 5);
    QVERIFY(audit.after.value(QStringLiteral("monthly_minutes")).isNull());
    QCOMPARE(audit.after.value(QStringLiteral("monthly_budget")).toString(), QStringLiteral("25.00"));
}

void TestCompanies::setLimitsRejectsBadInput() {
    QFETCH(QString, engine);
    PoolFixture f(engine);
    POOL_VERIFY_OK(
        f.companies.add(tester(), QStringLiteral("Maple Tutoring"), Plan::Standard, limits(2, 3000, 0)));
    const qint64 audit = f.auditEntries();
    auto refused = f.companies.setLimits(tester(), QStringLiteral("Maple Tutoring"), limits(0, 10, 10));
    QVERIFY(!refused.ok());
    QCOMPARE(refused.error().code, Error::Code::InvalidInput);
    auto company = f.companies.find(QStringLiteral("Maple Tutoring"));
    POOL_VERIFY_OK(company);
    QCOMPARE(company->limits.maxConcurrentCalls, std::optional<int>(2));
    QCOMPARE(company->limits.monthlyMinutes, std::optional<qint64>(3000));
    QCOMPARE(f.auditEntries(), audit);
}

void TestCompanies::setPlanIsAudited() {
    QFETCH(QString, engine);
    PoolFixture f(engine);
    POOL_VERIFY_OK(f.companies.add(tester(), QStringLiteral("Nimbus Telecom"), Plan::Standard));
    auto changed = f.companies.setPlan(tester(), QStringLiteral("Nimbus Telecom"), Plan::Enterprise);
    POOL_VERIFY_OK(changed);
    QVERIFY(changed->plan == Plan::Enterprise);
    const Audit audit = lastAudit(*f.db);
    QCOMPARE(audit.action, QStringLiteral("company.set_plan"));
    QCOMPARE(audit.before.value(QStringLiteral("plan")).toString(), QStringLiteral("standard"));
    QCOMPARE(audit.after.value(QStringLiteral("plan")).toString(), QStringLiteral("enterprise"));
}

void TestCompanies::unknownCompany() {
    QFETCH(QString, engine);
    PoolFixture f(engine);
    const qint64 audit = f.auditEntries();
    auto found = f.companies.find(QStringLiteral("Nobody Inc"));
    QVERIFY(!found.ok());
    QCOMPARE(found.error().code, Error::Code::NotFound);
    QCOMPARE(found.error().reason, QStringLiteral("unknown_company"));
    auto limited = f.companies.setLimits(tester(), QStringLiteral("Nobody Inc"), limits(1, 1, 1));
    QVERIFY(!limited.ok());
    QCOMPARE(limited.error().code, Error::Code::NotFound);
    auto planned = f.companies.setPlan(tester(), QStringLiteral("Nobody Inc"), Plan::Hybrid);
    QVERIFY(!planned.ok());
    QCOMPARE(planned.error().code, Error::Code::NotFound);
    QCOMPARE(scalar(*f.db, QStringLiteral("SELECT COUNT(*) FROM companies")), 0);
    QCOMPARE(f.auditEntries(), audit);
}

QTEST_GUILESS_MAIN(TestCompanies)
#include "tst_companies.moc"
