// Tenant isolation enforced by PostgreSQL itself: people sign in with their own logins and plain
// SQL connections, as someone with psql would, and find only what their role allows. SQLite has no
// logins (whoever opens the file is administrator), so these tests are PostgreSQL's.

#include "TenantFixture.h"

#include "pool/Allocator.h"
#include "pool/Companies.h"
#include "pool/Numbers.h"
#include "security/ApiKeys.h"
#include "security/AuditVerification.h"
#include "security/Identity.h"
#include "storage/Database.h"
#include "storage/SqlHelpers.h"

#include <QDateTime>
#include <QSet>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTest>
#include <QUrl>
#include <QUuid>

#include <variant>

using namespace PoolDesk;
using namespace PoolDesk::Test;

namespace {

const QString InsufficientPrivilege = QStringLiteral("42501");

// A plain connection as LOGIN, closed and removed with the object.
class SignedIn {
public:
    SignedIn(const QString &url, const QString &login, const QString &password)
        : m_name(QUuid::createUuid().toString()) {
        const QUrl parsed(url);
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), m_name);
        db.setHostName(parsed.host());
        db.setPort(parsed.port(5432));
        db.setDatabaseName(parsed.path().mid(1));
        db.setUserName(login);
        db.setPassword(password);
        m_open = db.open();
        m_openError = db.lastError();
    }
    ~SignedIn() {
        {
            QSqlDatabase db = QSqlDatabase::database(m_name, false);
            db.close();
        }
        QSqlDatabase::removeDatabase(m_name);
    }
    bool isOpen() const { return m_open; }
    QSqlError openError() const { return m_openError; }
    // The number the statement answers, or the SQLSTATE it failed with.
    std::variant<qint64, QString> scalar(const QString &sql) const {
        QSqlQuery query(QSqlDatabase::database(m_name));
        if (!query.exec(sql))
            return query.lastError().nativeErrorCode();
        return query.next() ? query.value(0).toLongLong() : qint64(-1);
    }
    // "" when the statement succeeded, else its SQLSTATE.
    QString exec(const QString &sql) const {
        QSqlQuery query(QSqlDatabase::database(m_name));
        return query.exec(sql) ? QString() : query.lastError().nativeErrorCode();
    }

private:
    QString m_name;
    bool m_open = false;
    QSqlError m_openError;
};

} // namespace

class TestRowSecurity : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() {
        if (!engines().contains(QStringLiteral("postgresql")))
            QFAIL("needs the suite's PostgreSQL cluster (run through ctest)");
        m_pool = std::make_unique<TwoCompanies>();
    }
    void catalogForcesRowSecurity();
    void managerSeesOnlyTheirCompanies_data();
    void managerSeesOnlyTheirCompanies();
    void managerChangesNothing();
    void financeReadsEveryCompanyButNoRecordings();
    void auditLogIsAppendOnlyAndNamesTheLogin();
    void closedMonthsAreKeptByTheServer();
    void serviceAndAdministratorLoginsRunThePool();
    void usersOfAnotherDatabaseCannotConnect();

private:
    std::unique_ptr<TwoCompanies> m_pool;
};

void TestRowSecurity::catalogForcesRowSecurity() {
    Database &db = *m_pool->db;
    // Every table with a company column is in the list above, and every table in the list has
    // row-level security enabled and forced (so the owner obeys it too).
    auto companyTables = Sql::exec(
        db.connection(), QStringLiteral("SELECT DISTINCT table_name FROM information_schema.columns "
                                        "WHERE table_schema = current_schema() AND column_name IN "
                                        "('company_id', 'dedicated_company_id')"));
    QVERIFY(companyTables);
    QSet<QString> listed;
    for (const TenantTable &table : tenantTables())
        listed.insert(table.table);
    while (companyTables.value().next()) {
        const QString table = companyTables.value().value(0).toString();
        QVERIFY2(listed.contains(table), qPrintable(table + QStringLiteral(" holds company data: list it")));
    }
    for (const TenantTable &table : tenantTables()) {
        QCOMPARE(scalar(db,
                        QStringLiteral("SELECT COUNT(*) FROM pg_class WHERE oid = ?::regclass AND "
                                       "relrowsecurity AND relforcerowsecurity"),
                        {table.table}),
                 1);
        QVERIFY2(scalar(db, QStringLiteral("SELECT COUNT(*) FROM pg_policies WHERE tablename = ?"),
                        {table.table}) > 0,
                 qPrintable(table.table));
    }
    // The schema belongs to a role nobody signs in as, and no table is the signed-in login's.
    QCOMPARE(scalar(db, QStringLiteral("SELECT COUNT(DISTINCT tableowner) FROM pg_tables WHERE schemaname = "
                                       "current_schema()")),
             1);
    QCOMPARE(
        scalar(db,
               QStringLiteral("SELECT COUNT(*) FROM pg_tables t JOIN pg_roles r ON r.rolname = "
                              "t.tableowner WHERE t.schemaname = current_schema() AND NOT r.rolcanlogin")),
        scalar(db, QStringLiteral("SELECT COUNT(*) FROM pg_tables WHERE schemaname = current_schema()")));
    // No PoolDesk login, nor its groups, may bypass row-level security or be a superuser. (The
    // server's superuser who created the database is outside PoolDesk: superusers bypass everything.)
    QCOMPARE(scalar(db,
                    QStringLiteral("SELECT COUNT(*) FROM pg_roles r WHERE (r.rolbypassrls OR r.rolsuper) AND "
                                   "(r.rolname IN (SELECT login FROM members) OR r.rolname IN (SELECT "
                                   "unnest(?::text[])) OR r.oid IN (SELECT m.member FROM pg_auth_members m "
                                   "JOIN pg_roles g ON g.oid = m.roleid WHERE g.rolname IN (SELECT "
                                   "unnest(?::text[]))))"),
                    {GroupRoles, GroupRoles}),
             0);
    QVERIFY(scalar(db, QStringLiteral("SELECT COUNT(*) FROM members")) >= 5);
    // Views run with the caller's rights, so they cannot skip the caller's policies.
    QCOMPARE(scalar(db, QStringLiteral("SELECT COUNT(*) FROM pg_class WHERE relkind IN ('v', 'm') AND "
                                       "relnamespace = current_schema()::regnamespace AND NOT "
                                       "COALESCE(reloptions @> ARRAY['security_invoker=true'], false)")),
             0);
    // No PoolDesk role or login may rewrite or empty the audit log.
    QCOMPARE(scalar(db,
                    QStringLiteral("SELECT COUNT(*) FROM pg_roles r WHERE (r.rolname IN (SELECT "
                                   "unnest(?::text[])) OR r.rolname IN (SELECT login FROM members)) AND "
                                   "(has_table_privilege(r.oid, 'audit_log', 'UPDATE') OR "
                                   "has_table_privilege(r.oid, 'audit_log', 'DELETE') OR "
                                   "has_table_privilege(r.oid, 'audit_log', 'TRUNCATE'))"),
                    {GroupRoles}),
             0);
}

void TestRowSecurity::managerSeesOnlyTheirCompanies_data() {
    QTest::addColumn<QString>("table");
    QTest::addColumn<QString>("companyOf");
    QTest::addColumn<bool>("managersRead");
    for (const TenantTable &table : tenantTables())
        QTest::newRow(table.table.toUtf8().constData())
            << table.table << table.companyOf << table.managersRead;
}

void TestRowSecurity::managerSeesOnlyTheirCompanies() {
    QFETCH(QString, table);
    QFETCH(QString, companyOf);
    QFETCH(bool, managersRead);
    const TenantTable tenant{table, companyOf, managersRead};
    // Each company has rows here, so a zero below means isolation, not an empty table.
    QVERIFY(m_pool->rowsOf(tenant, m_pool->a) > 0);
    QVERIFY(m_pool->rowsOf(tenant, m_pool->b) > 0);
    for (const auto &[login, mine] :
         {std::pair{m_pool->managerOfA, m_pool->a}, std::pair{m_pool->managerOfB, m_pool->b}}) {
        const SignedIn manager(m_pool->url, login, Password);
        QVERIFY2(manager.isOpen(), qPrintable(manager.openError().text()));
        const auto all = manager.scalar(QStringLiteral("SELECT COUNT(*) FROM %1").arg(table));
        const auto foreign =
            manager.scalar(QStringLiteral("SELECT COUNT(*) FROM %1 WHERE %2 IS DISTINCT FROM %3")
                               .arg(table, companyOf)
                               .arg(mine));
        if (!managersRead) {
            // Not granted to managers at all: refused, so nothing of anyone's is read.
            QCOMPARE(std::get<QString>(all), InsufficientPrivilege);
            continue;
        }
        QCOMPARE(std::get<qint64>(foreign), qint64(0));
        // What is theirs they do see.
        QCOMPARE(std::get<qint64>(all), m_pool->rowsOf(tenant, mine));
    }
}

void TestRowSecurity::managerChangesNothing() {
    const QString before = m_pool->fingerprint();
    const SignedIn manager(m_pool->url, m_pool->managerOfA, Password);
    QVERIFY(manager.isOpen());
    const QString a = QString::number(m_pool->a), b = QString::number(m_pool->b);
    const QStringList attempts{
        // Their own company's limits and plan are read-only to them.
        QStringLiteral("UPDATE companies SET max_concurrent = 99 WHERE id = ") + a,
        QStringLiteral("UPDATE companies SET plan = 'enterprise' WHERE id = ") + b,
        QStringLiteral("INSERT INTO companies (name, plan, created_at) VALUES ('Evil', 'standard', 0)"),
        QStringLiteral("UPDATE phone_numbers SET dedicated_company_id = ") + a,
        QStringLiteral("INSERT INTO phone_numbers (e164, environment, monthly_price_micros, created_at) "
                       "VALUES ('+15550109999', 'production', 0, 0)"),
        QStringLiteral("DELETE FROM call_records"),
        QStringLiteral("UPDATE call_records SET estimated_cost_micros = 0"),
        QStringLiteral("TRUNCATE call_records"),
        QStringLiteral("DELETE FROM reservations"),
        QStringLiteral("UPDATE company_usage_months SET cost_micros = 0"),
        QStringLiteral("INSERT INTO member_companies (login, company_id) VALUES (session_user, ") + b +
            QStringLiteral(")"),
        QStringLiteral("UPDATE members SET role = 'administrator' WHERE login = session_user"),
        QStringLiteral("UPDATE settings SET value = 'x'"),
        QStringLiteral("DELETE FROM call_recordings"),
        QStringLiteral("UPDATE audit_log SET actor = 'nobody'"),
        QStringLiteral("DELETE FROM audit_log"),
        QStringLiteral(
            "SELECT * FROM pooldesk_allocate('Beta', 's', 'op', 'production', 1, 0, '2026-12', 0, 60, "
            "true, NULL, NULL, NULL, NULL, 0, 0, 0, 0, 0)"),
        QStringLiteral("SET ROLE pooldesk_administrator"),
    };
    for (const QString &attempt : attempts) {
        const QString state = manager.exec(attempt);
        QVERIFY2(state == InsufficientPrivilege,
                 qPrintable(attempt + QStringLiteral(" -> ") +
                            (state.isEmpty() ? QStringLiteral("allowed") : state)));
    }
    QCOMPARE(m_pool->fingerprint(), before);
}

// Last month is closed (the fixture closed it): finance reads the whole stored report but may not
// re-open it; a manager reads their own company's line only, never the document; nobody, not even
// the schema's owner, rewrites it.
void TestRowSecurity::closedMonthsAreKeptByTheServer() {
    const SignedIn finance(m_pool->url, m_pool->finance, Password);
    const SignedIn manager(m_pool->url, m_pool->managerOfA, Password);
    const SignedIn administrator(m_pool->url, m_pool->administrator, Password);
    QVERIFY(finance.isOpen() && manager.isOpen() && administrator.isOpen());
    QCOMPARE(std::get<qint64>(finance.scalar(QStringLiteral("SELECT COUNT(*) FROM closed_month_documents"))),
             1);
    QCOMPARE(finance.exec(QStringLiteral("DELETE FROM closed_months")), InsufficientPrivilege);
    QCOMPARE(std::get<qint64>(manager.scalar(QStringLiteral("SELECT COUNT(*) FROM closed_months"))), 1);
    QCOMPARE(std::get<QString>(manager.scalar(QStringLiteral("SELECT COUNT(*) FROM closed_month_documents"))),
             InsufficientPrivilege);
    QCOMPARE(std::get<qint64>(manager.scalar(QStringLiteral("SELECT COUNT(*) FROM closed_month_companies"))),
             1);
    QCOMPARE(std::get<qint64>(manager.scalar(
                 QStringLiteral("SELECT COUNT(*) FROM closed_month_companies WHERE company_id = %1")
                     .arg(m_pool->a))),
             1);
    for (const SignedIn *who : {&finance, &manager, &administrator})
        QCOMPARE(who->exec(QStringLiteral("UPDATE closed_month_companies SET line = '{}'")),
                 InsufficientPrivilege);
    QVERIFY(!Sql::exec(m_pool->db->connection(), QStringLiteral("UPDATE closed_months SET sha256 = 'x'")));
}

void TestRowSecurity::financeReadsEveryCompanyButNoRecordings() {
    const SignedIn finance(m_pool->url, m_pool->finance, Password);
    QVERIFY(finance.isOpen());
    for (const QString &table :
         {QStringLiteral("companies"), QStringLiteral("call_records"), QStringLiteral("company_usage_months"),
          QStringLiteral("phone_numbers"), QStringLiteral("audit_log")}) {
        QCOMPARE(std::get<qint64>(finance.scalar(QStringLiteral("SELECT COUNT(*) FROM ") + table)),
                 scalar(*m_pool->db, QStringLiteral("SELECT COUNT(*) FROM ") + table));
    }
    QCOMPARE(std::get<QString>(finance.scalar(QStringLiteral("SELECT COUNT(*) FROM call_recordings"))),
             InsufficientPrivilege);
    QCOMPARE(finance.exec(QStringLiteral("UPDATE companies SET monthly_budget_micros = 1")),
             InsufficientPrivilege);
    QCOMPARE(finance.exec(QStringLiteral("DELETE FROM phone_numbers")), InsufficientPrivilege);
    QCOMPARE(finance.exec(QStringLiteral("UPDATE tariffs SET price_micros = 0")), InsufficientPrivilege);
}

void TestRowSecurity::auditLogIsAppendOnlyAndNamesTheLogin() {
    // Even the administrator's login, and the server's superuser, cannot rewrite the log.
    const SignedIn administrator(m_pool->url, m_pool->administrator, Password);
    QVERIFY(administrator.isOpen());
    for (const QString &attempt :
         {QStringLiteral("UPDATE audit_log SET actor = 'nobody'"), QStringLiteral("DELETE FROM audit_log"),
          QStringLiteral("TRUNCATE audit_log"), QStringLiteral("UPDATE audit_chain SET seq = 0"),
          QStringLiteral("DELETE FROM audit_chain"), QStringLiteral("UPDATE audit_checkpoints SET seq = 0"),
          QStringLiteral("DELETE FROM audit_checkpoints"), QStringLiteral("TRUNCATE audit_checkpoints")})
        QCOMPARE(administrator.exec(attempt), InsufficientPrivilege);
    const qint64 entries = scalar(*m_pool->db, QStringLiteral("SELECT COUNT(*) FROM audit_log"));
    QVERIFY(!Sql::exec(m_pool->db->connection(), QStringLiteral("DELETE FROM audit_log")));
    QVERIFY(!Sql::exec(m_pool->db->connection(), QStringLiteral("TRUNCATE audit_log")));
    QCOMPARE(scalar(*m_pool->db, QStringLiteral("SELECT COUNT(*) FROM audit_log")), entries);

    // A manager's entry is in their own name, whatever actor the client wrote, and the server numbers
    // and links it, whatever sequence and hash the client wrote.
    const SignedIn manager(m_pool->url, m_pool->managerOfA, Password);
    QVERIFY(manager.isOpen());
    QCOMPARE(manager.exec(QStringLiteral("INSERT INTO audit_log (at, actor, action, company_id, seq, hash) "
                                         "VALUES (0, 'system:lease-reaper', 'recording.play', ") +
                          QString::number(m_pool->b) + QStringLiteral(", 1, '00')")),
             QString());
    auto verified = AuditVerification::run(*m_pool->db);
    QVERIFY(verified);
    QVERIFY2(verified->intact(), qPrintable(verified->describe().join(QLatin1Char('\n'))));
    QCOMPARE(
        scalar(*m_pool->db,
               QStringLiteral("SELECT COUNT(*) FROM audit_log WHERE action = 'recording.play' AND actor = ?"),
               {QString(QStringLiteral("user:") + m_pool->managerOfA)}),
        1);
    // The service writes entries for keys and the system under their own names.
    const SignedIn service(m_pool->url, m_pool->service, Password);
    QCOMPARE(
        service.exec(QStringLiteral(
            "INSERT INTO audit_log (at, actor, action) VALUES (0, 'system:lease-reaper', 'lease.reap')")),
        QString());
    QCOMPARE(
        scalar(*m_pool->db, QStringLiteral("SELECT COUNT(*) FROM audit_log WHERE action = 'lease.reap' AND "
                                           "actor = 'system:lease-reaper'")),
        1);
}

void TestRowSecurity::serviceAndAdministratorLoginsRunThePool() {
    // The pool service's own login allocates, releases and reaps for every company.
    auto service = Database::open(m_pool->as(m_pool->service));
    QVERIFY2(service, service ? "" : qPrintable(service.error().message));
    Allocator allocator(*service.value());
    for (const QString &company : {QStringLiteral("Acme"), QStringLiteral("Beta")}) {
        const QString session = QStringLiteral("svc-") + company;
        auto allocated = allocator.allocate(
            {company, QStringLiteral("op-1"), session, std::nullopt, ProductionEnvironment});
        QVERIFY2(allocated, allocated ? "" : qPrintable(allocated.error().message));
        ReleaseRequest release;
        release.session = session;
        release.durationSeconds = 30;
        auto released = allocator.release(release);
        QVERIFY2(released, released ? "" : qPrintable(released.error().message));
    }
    QVERIFY(allocator.reapExpired());
    // It changes no configuration.
    const SignedIn serviceSql(m_pool->url, m_pool->service, Password);
    QCOMPARE(serviceSql.exec(QStringLiteral("UPDATE companies SET max_concurrent = 1")),
             InsufficientPrivilege);
    QCOMPARE(serviceSql.exec(QStringLiteral("INSERT INTO companies (name, plan, created_at) VALUES ('X', "
                                            "'standard', 0)")),
             InsufficientPrivilege);
    QCOMPARE(serviceSql.exec(QStringLiteral("UPDATE settings SET value = 'x'")), InsufficientPrivilege);
    QCOMPARE(serviceSql.exec(QStringLiteral("SELECT COUNT(*) FROM members")), InsufficientPrivilege);
    QVERIFY(
        Sql::exec(m_pool->db->connection(), QStringLiteral("UPDATE companies SET max_concurrent = NULL")));

    // An administrator's login changes the pool through the same classes the console uses.
    auto administrator = Database::open(m_pool->as(m_pool->administrator));
    QVERIFY(administrator);
    const Actor actor = Actor::currentUser();
    auto added = Companies(*administrator.value()).add(actor, QStringLiteral("Gamma"), Plan::Standard);
    QVERIFY2(added, added ? "" : qPrintable(added.error().message));
    QCOMPARE(scalar(*m_pool->db,
                    QStringLiteral("SELECT COUNT(*) FROM audit_log WHERE action = 'company.add' AND "
                                   "actor = ?"),
                    {QString(QStringLiteral("user:") + m_pool->administrator)}),
             1);
    QVERIFY(
        Sql::exec(m_pool->db->connection(), QStringLiteral("DELETE FROM companies WHERE name = 'Gamma'")));
}

void TestRowSecurity::usersOfAnotherDatabaseCannotConnect() {
    // Group roles belong to the whole server; CONNECT does not. An administrator of another
    // PoolDesk database on the same server cannot even open this one.
    const QString otherUrl = freshDatabaseUrl(QStringLiteral("postgresql"));
    auto other = Database::open(otherUrl);
    QVERIFY(other);
    const QString stranger = unique(QStringLiteral("adm_other_"));
    QVERIFY(Members(*other.value()).add({stranger, Role::Administrator, {}, false}, Password));
    const SignedIn atHome(otherUrl, stranger, Password);
    QVERIFY2(atHome.isOpen(), qPrintable(atHome.openError().text()));
    const SignedIn here(m_pool->url, stranger, Password);
    QVERIFY(!here.isOpen());
    QCOMPARE(scalar(*m_pool->db,
                    QStringLiteral("SELECT COUNT(*) FROM pg_roles WHERE rolname = ? AND "
                                   "has_database_privilege(oid, current_database(), 'CONNECT')"),
                    {stranger}),
             0);
    // Nor can it be made a user here: its server-wide group role would come along.
    const qint64 members = scalar(*m_pool->db, QStringLiteral("SELECT COUNT(*) FROM members"));
    auto adopted =
        Members(*m_pool->db).add({stranger, Role::Manager, {QStringLiteral("Acme")}, false}, std::nullopt);
    QVERIFY(!adopted);
    QCOMPARE(adopted.error().code, Error::Code::Conflict);
    QCOMPARE(scalar(*m_pool->db, QStringLiteral("SELECT COUNT(*) FROM members")), members);
    QVERIFY(Members(*other.value()).remove(stranger));
}

QTEST_GUILESS_MAIN(TestRowSecurity)
#include "tst_rowsecurity.moc"
