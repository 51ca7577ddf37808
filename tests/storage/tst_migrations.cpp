// The schema is applied at start-up, on both engines: on an empty database, again on every later
// start (changing nothing), and by several processes starting at the same moment.
#include "TestDatabases.h"
#include "storage/Database.h"
#include "storage/Migrations.h"
#include "storage/SqlHelpers.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <memory>
#include <vector>

using namespace PoolDesk;

namespace {

std::unique_ptr<Database> openOrFail(const QString &url, Database::Migrate migrate = Database::Migrate::Yes) {
    auto db = Database::open(url, migrate);
    if (!db)
        qFatal("cannot open %s: %s", qPrintable(url), qPrintable(db.error().message));
    return std::move(db).value();
}

const QStringList CoreTables = {QStringLiteral("companies"),     QStringLiteral("operators"),
                                QStringLiteral("phone_numbers"), QStringLiteral("reservations"),
                                QStringLiteral("call_records"),  QStringLiteral("company_usage_months"),
                                QStringLiteral("tariffs"),       QStringLiteral("settings"),
                                QStringLiteral("audit_log"),     QStringLiteral("schema_migrations")};

} // namespace

class TestMigrations : public QObject {
    Q_OBJECT

private slots:
    void appliesOnEmptyDatabase_data() { Test::addEngineRows(); }
    void appliesOnEmptyDatabase();
    void secondOpenChangesNothing_data() { Test::addEngineRows(); }
    void secondOpenChangesNothing();
    void withoutMigrateLeavesDatabaseEmpty_data() { Test::addEngineRows(); }
    void withoutMigrateLeavesDatabaseEmpty();
    void concurrentFirstOpenFromProcesses_data() { Test::addEngineRows(); }
    void concurrentFirstOpenFromProcesses();
    void concurrentFirstOpenFromConnections_data() { Test::addEngineRows(); }
    void concurrentFirstOpenFromConnections();
    void sqliteSettings();
    void postgresqlSessionsReadCommitted();
    void engineOnlyMigrationsKeepVersionsAlike_data() { Test::addEngineRows(); }
    void engineOnlyMigrationsKeepVersionsAlike();
};

void TestMigrations::appliesOnEmptyDatabase() {
    QFETCH(QString, engine);
    auto db = openOrFail(Test::freshDatabaseUrl(engine));
    QVERIFY(Migrations::latestVersion() >= 1);
    QCOMPARE(db->schemaVersion(), Migrations::latestVersion());
    for (const QString &table : CoreTables)
        QVERIFY2(db->connection().tables().contains(table), qPrintable(table));
    // The seed's US prices are there to estimate costs before Twilio's are fetched.
    QCOMPARE(Test::scalar(*db, QStringLiteral("SELECT COUNT(*) FROM tariffs WHERE country = 'US'")), 3);
    QCOMPARE(Test::scalar(*db, QStringLiteral("SELECT price_micros FROM tariffs WHERE country = 'US' AND "
                                              "category = 'outbound_minute'")),
             13'000);
    // Every migration is recorded once.
    QVERIFY(Test::scalar(*db, QStringLiteral("SELECT COUNT(*) FROM schema_migrations")) >= 1);
    QCOMPARE(Test::scalar(*db, QStringLiteral("SELECT COUNT(*) FROM schema_migrations")),
             Test::scalar(*db, QStringLiteral("SELECT COUNT(DISTINCT version) FROM schema_migrations")));
}

void TestMigrations::postgresqlSessionsReadCommitted() {
    // A company's limits hold on PostgreSQL because each statement of pooldesk_allocate sees what
    // committed while it waited for the company's row lock: READ COMMITTED, even where the
    // database's default says otherwise.
    const QString url = Test::freshDatabaseUrl(QStringLiteral("postgresql"));
    {
        auto db = openOrFail(url);
        QVERIFY(
            Sql::exec(db->connection(), QStringLiteral("ALTER DATABASE %1 SET default_transaction_isolation "
                                                       "= 'repeatable read'")
                                            .arg(db->connection().databaseName())));
    }
    auto db = openOrFail(url);
    auto level = Sql::exec(db->connection(), QStringLiteral("SHOW transaction_isolation"));
    QVERIFY(level && level.value().next());
    QCOMPARE(level.value().value(0).toString(), QStringLiteral("read committed"));
}

void TestMigrations::engineOnlyMigrationsKeepVersionsAlike() {
    // 008 creates PostgreSQL's one-call allocation (a function whose body has ';' at line ends):
    // it runs there whole, and SQLite records the version without running it, so both engines
    // report the same schema version.
    QFETCH(QString, engine);
    auto db = openOrFail(Test::freshDatabaseUrl(engine));
    QCOMPARE(Test::scalar(*db, QStringLiteral("SELECT COUNT(*) FROM schema_migrations WHERE version = 8")),
             1);
    if (db->isPostgreSql()) {
        QCOMPARE(Test::scalar(
                     *db, QStringLiteral("SELECT COUNT(*) FROM pg_proc WHERE proname = 'pooldesk_allocate'")),
                 1);
        QCOMPARE(
            Test::scalar(
                *db, QStringLiteral("SELECT COUNT(*) FROM pg_indexes WHERE tablename = 'reservations' "
                                    "AND indexname IN ('ix_reservations_company', 'ix_reservations_lease')")),
            2);
    } else {
        QCOMPARE(
            Test::scalar(*db, QStringLiteral("SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND "
                                             "tbl_name = 'reservations' AND name LIKE 'ix_%'")),
            0);
    }
}

void TestMigrations::secondOpenChangesNothing() {
    QFETCH(QString, engine);
    const QString url = Test::freshDatabaseUrl(engine);
    qint64 migrationsBefore = 0;
    {
        auto db = openOrFail(url);
        migrationsBefore = Test::scalar(*db, QStringLiteral("SELECT COUNT(*) FROM schema_migrations"));
        QVERIFY(Sql::exec(db->connection(),
                          QStringLiteral("INSERT INTO settings (key, value) VALUES ('k', 'v')")));
    }
    for (int i = 0; i < 2; ++i) {
        auto db = openOrFail(url);
        QCOMPARE(db->schemaVersion(), Migrations::latestVersion());
        QCOMPARE(Test::scalar(*db, QStringLiteral("SELECT COUNT(*) FROM schema_migrations")),
                 migrationsBefore);
        QCOMPARE(Test::scalar(*db, QStringLiteral("SELECT COUNT(*) FROM tariffs")), 3);
        QCOMPARE(Test::scalar(*db, QStringLiteral("SELECT COUNT(*) FROM settings WHERE key = 'k'")), 1);
        // Applying explicitly again is also a no-op.
        const auto again = Migrations::apply(*db);
        QVERIFY2(again.ok(), again.ok() ? "" : qPrintable(again.error().message));
        QCOMPARE(Test::scalar(*db, QStringLiteral("SELECT COUNT(*) FROM schema_migrations")),
                 migrationsBefore);
    }
}

void TestMigrations::withoutMigrateLeavesDatabaseEmpty() {
    QFETCH(QString, engine);
    const QString url = Test::freshDatabaseUrl(engine);
    {
        auto db = openOrFail(url, Database::Migrate::No);
        QVERIFY(!db->connection().tables().contains(QStringLiteral("companies")));
        QCOMPARE(Migrations::currentVersion(*db), 0);
    }
    auto db = openOrFail(url);
    QCOMPARE(db->schemaVersion(), Migrations::latestVersion());
}

void TestMigrations::concurrentFirstOpenFromProcesses() {
    QFETCH(QString, engine);
    const QString helper = qEnvironmentVariable("POOLDESK_OPEN_HELPER");
    QVERIFY2(!helper.isEmpty(), "POOLDESK_OPEN_HELPER is not set (run through ctest)");
    // Several rounds on fresh databases: the race is between the processes' first statements, so
    // one round alone often misses it.
    constexpr int Rounds = 4;
    constexpr int Processes = 4;
    for (int round = 0; round < Rounds; ++round) {
        const QString url = Test::freshDatabaseUrl(engine);
        QTemporaryDir dir;
        const QString go = dir.filePath(QStringLiteral("go"));
        std::vector<std::unique_ptr<QProcess>> processes;
        for (int i = 0; i < Processes; ++i) {
            auto process = std::make_unique<QProcess>();
            process->start(helper, {url, go});
            QVERIFY(process->waitForStarted());
            processes.push_back(std::move(process));
        }
        QFile goFile(go);
        QVERIFY(goFile.open(QIODevice::WriteOnly));
        goFile.close();
        for (auto &process : processes) {
            QVERIFY(process->waitForFinished(120'000));
            const QByteArray errors = process->readAllStandardError();
            QVERIFY2(
                process->exitStatus() == QProcess::NormalExit && process->exitCode() == 0,
                qPrintable(QStringLiteral("round %1: %2").arg(round).arg(QString::fromLocal8Bit(errors))));
            QCOMPARE(process->readAllStandardOutput().trimmed().toInt(), Migrations::latestVersion());
        }
        auto db = openOrFail(url, Database::Migrate::No);
        QCOMPARE(db->schemaVersion(), Migrations::latestVersion());
        QCOMPARE(Test::scalar(*db, QStringLiteral("SELECT COUNT(*) FROM tariffs")), 3);
        QCOMPARE(Test::scalar(*db, QStringLiteral("SELECT COUNT(*) FROM schema_migrations")),
                 Test::scalar(*db, QStringLiteral("SELECT COUNT(DISTINCT version) FROM schema_migrations")));
    }
}

void TestMigrations::concurrentFirstOpenFromConnections() {
    // Two connections in one process, the second opened while the first has not migrated yet.
    QFETCH(QString, engine);
    const QString url = Test::freshDatabaseUrl(engine);
    auto first = openOrFail(url, Database::Migrate::No);
    auto second = openOrFail(url, Database::Migrate::No);
    const auto a = first->migrate();
    QVERIFY2(a.ok(), a.ok() ? "" : qPrintable(a.error().message));
    const auto b = second->migrate();
    QVERIFY2(b.ok(), b.ok() ? "" : qPrintable(b.error().message));
    QCOMPARE(first->schemaVersion(), Migrations::latestVersion());
    QCOMPARE(second->schemaVersion(), Migrations::latestVersion());
    QCOMPARE(Test::scalar(*second, QStringLiteral("SELECT COUNT(*) FROM tariffs")), 3);
}

void TestMigrations::sqliteSettings() {
    // The embedded database is set up for several processes: WAL, enforced foreign keys.
    auto db = openOrFail(Test::freshDatabaseUrl(QStringLiteral("sqlite")));
    auto mode = Sql::exec(db->connection(), QStringLiteral("PRAGMA journal_mode"));
    QVERIFY(mode && mode.value().next());
    QCOMPARE(mode.value().value(0).toString().toLower(), QStringLiteral("wal"));
    QCOMPARE(Test::scalar(*db, QStringLiteral("PRAGMA foreign_keys")), 1);
    // A row pointing nowhere is refused.
    QVERIFY(!Sql::exec(db->connection(), QStringLiteral("INSERT INTO operators (company_id, operator_key, "
                                                        "first_seen_at) VALUES (424242, 'x', 0)")));
}

QTEST_GUILESS_MAIN(TestMigrations)
#include "tst_migrations.moc"
