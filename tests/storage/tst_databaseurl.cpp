// Where the pool lives is typed by people and scripts (--db, POOLDESK_DB); the password in a
// PostgreSQL address must never reach a message or a log.
#include "storage/Database.h"
#include "storage/DatabaseUrl.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QStandardPaths>
#include <QTest>

using namespace PoolDesk;

Q_DECLARE_METATYPE(PoolDesk::DatabaseUrl::Engine)

class TestDatabaseUrl : public QObject {
    Q_OBJECT

private slots:
    void parsePostgres_data();
    void parsePostgres();
    void parseSqlite_data();
    void parseSqlite();
    void rejects_data();
    void rejects();
    void redactedNeverShowsPassword_data();
    void redactedNeverShowsPassword();
    void openErrorNeverShowsPassword();
    void defaultUrlFollowsEnvironment();
    void oneDefaultForEveryProgram();
};

void TestDatabaseUrl::parsePostgres_data() {
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("host");
    QTest::addColumn<int>("port");
    QTest::addColumn<QString>("user");
    QTest::addColumn<QString>("password");
    QTest::addColumn<QString>("database");
    QTest::newRow("full") << QStringLiteral("postgresql://alice:s3cret@db.example.com:6543/pool")
                          << QStringLiteral("db.example.com") << 6543 << QStringLiteral("alice")
                          << QStringLiteral("s3cret") << QStringLiteral("pool");
    QTest::newRow("short scheme, default port")
        << QStringLiteral("postgres://bob@10.0.0.5/calls") << QStringLiteral("10.0.0.5") << 5432
        << QStringLiteral("bob") << QString() << QStringLiteral("calls");
    QTest::newRow("default database")
        << QStringLiteral("postgresql://carol@localhost:5433") << QStringLiteral("localhost") << 5433
        << QStringLiteral("carol") << QString() << QStringLiteral("pooldesk");
    QTest::newRow("escaped password")
        << QStringLiteral("postgresql://dave:p%40ss%3Aword@pg/pool") << QStringLiteral("pg") << 5432
        << QStringLiteral("dave") << QStringLiteral("p@ss:word") << QStringLiteral("pool");
    QTest::newRow("surrounding spaces")
        << QStringLiteral("  postgresql://eve@pg/pool  ") << QStringLiteral("pg") << 5432
        << QStringLiteral("eve") << QString() << QStringLiteral("pool");
}

void TestDatabaseUrl::parsePostgres() {
    QFETCH(QString, text);
    QFETCH(QString, host);
    QFETCH(int, port);
    QFETCH(QString, user);
    QFETCH(QString, password);
    QFETCH(QString, database);
    const auto url = DatabaseUrl::parse(text);
    QVERIFY2(url.ok(), url.ok() ? "" : qPrintable(url.error().message));
    QCOMPARE(url->engine, DatabaseUrl::Engine::PostgreSql);
    QCOMPARE(url->host, host);
    QCOMPARE(url->port, port);
    QCOMPARE(url->user, user);
    QCOMPARE(url->password, password);
    QCOMPARE(url->databaseName, database);
}

void TestDatabaseUrl::parseSqlite_data() {
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("path");
    QTest::newRow("absolute path") << QStringLiteral("/var/lib/pooldesk/pool.sqlite")
                                   << QStringLiteral("/var/lib/pooldesk/pool.sqlite");
    QTest::newRow("sqlite: prefix") << QStringLiteral("sqlite:/tmp/a.sqlite")
                                    << QStringLiteral("/tmp/a.sqlite");
    QTest::newRow("sqlite:// prefix")
        << QStringLiteral("sqlite:///tmp/b.sqlite") << QStringLiteral("/tmp/b.sqlite");
    QTest::newRow("relative path") << QStringLiteral("data/pool.sqlite")
                                   << QDir::cleanPath(QDir::currentPath() +
                                                      QStringLiteral("/data/pool.sqlite"));
    QTest::newRow("dot segments") << QStringLiteral("/tmp/x/../pool.sqlite")
                                  << QStringLiteral("/tmp/pool.sqlite");
    QTest::newRow("memory") << QStringLiteral("sqlite::memory:") << QStringLiteral(":memory:");
    // QDir takes a leading ':' for a Qt resource; SQLite, for a file here (fuzz_database_url).
    QTest::newRow("colon first") << QStringLiteral("sqlite::a/../b.sqlite")
                                 << QDir::cleanPath(QDir::currentPath() + QStringLiteral("/b.sqlite"));
    QTest::newRow("colon name") << QStringLiteral(":pool.sqlite")
                                << QDir::cleanPath(QDir::currentPath() + QStringLiteral("/:pool.sqlite"));
}

void TestDatabaseUrl::parseSqlite() {
    QFETCH(QString, text);
    QFETCH(QString, path);
    const auto url = DatabaseUrl::parse(text);
    QVERIFY2(url.ok(), url.ok() ? "" : qPrintable(url.error().message));
    QCOMPARE(url->engine, DatabaseUrl::Engine::Sqlite);
    QCOMPARE(url->path, path);
    QCOMPARE(url->redacted(), path);
}

void TestDatabaseUrl::rejects_data() {
    QTest::addColumn<QString>("text");
    QTest::newRow("empty") << QString();
    QTest::newRow("blank") << QStringLiteral("   ");
    QTest::newRow("sqlite without path") << QStringLiteral("sqlite:");
    QTest::newRow("postgres without host") << QStringLiteral("postgresql://");
    QTest::newRow("postgres with only a path") << QStringLiteral("postgresql:///pool");
    // Cleaning "x /" leaves a file name "x ", which the same text read again would not name
    // (fuzz_database_url).
    QTest::newRow("file name ending with a space") << QStringLiteral("sqlite:x /");
}

void TestDatabaseUrl::rejects() {
    QFETCH(QString, text);
    const auto url = DatabaseUrl::parse(text);
    QVERIFY(!url.ok());
    QCOMPARE(url.error().code, Error::Code::InvalidInput);
    QVERIFY(!url.error().message.isEmpty());
}

void TestDatabaseUrl::redactedNeverShowsPassword_data() {
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("password");
    QTest::addColumn<QString>("expected");
    QTest::newRow("with password") << QStringLiteral(
                                          "postgresql://alice:Sup3rS3cret@db.example.com:6543/pool")
                                   << QStringLiteral("Sup3rS3cret")
                                   << QStringLiteral("postgresql://alice:***@db.example.com:6543/pool");
    QTest::newRow("escaped password")
        << QStringLiteral("postgresql://alice:p%40ssw0rd%21@db/pool") << QStringLiteral("p@ssw0rd!")
        << QStringLiteral("postgresql://alice:***@db:5432/pool");
    QTest::newRow("no password") << QStringLiteral("postgresql://alice@db/pool") << QString()
                                 << QStringLiteral("postgresql://alice@db:5432/pool");
}

void TestDatabaseUrl::redactedNeverShowsPassword() {
    QFETCH(QString, text);
    QFETCH(QString, password);
    QFETCH(QString, expected);
    const auto url = DatabaseUrl::parse(text);
    QVERIFY(url.ok());
    QCOMPARE(url->password, password);
    QCOMPARE(url->redacted(), expected);
    if (!password.isEmpty()) {
        QVERIFY(!url->redacted().contains(password));
        QVERIFY(!url->redacted().contains(QString::fromLatin1(QUrl::toPercentEncoding(password))));
    }
}

void TestDatabaseUrl::openErrorNeverShowsPassword() {
    // Nothing listens on port 1: the open fails, and the message names the server but not the secret.
    const QString secret = QStringLiteral("TopSecretPw42");
    auto db = Database::open(QStringLiteral("postgresql://pooldesk:%1@127.0.0.1:1/pool").arg(secret));
    QVERIFY(!db.ok());
    QCOMPARE(db.error().code, Error::Code::Unavailable);
    QVERIFY2(db.error().message.contains(QStringLiteral("127.0.0.1")), qPrintable(db.error().message));
    QVERIFY2(!db.error().message.contains(secret), qPrintable(db.error().message));
}

void TestDatabaseUrl::defaultUrlFollowsEnvironment() {
    const QByteArray saved = qgetenv("POOLDESK_DB");
    qputenv("POOLDESK_DB", "postgresql://team@pg.internal/pool");
    QCOMPARE(DatabaseUrl::defaultUrl(), QStringLiteral("postgresql://team@pg.internal/pool"));
    qunsetenv("POOLDESK_DB");
    const QString fallback = DatabaseUrl::defaultUrl();
    QCOMPARE(fallback, DatabaseUrl::defaultSqlitePath());
    QVERIFY(fallback.endsWith(QStringLiteral("/PoolDesk/pooldesk.sqlite")));
    if (!saved.isNull())
        qputenv("POOLDESK_DB", saved);
}

// The console names itself PoolDesk/PoolDesk (organisation/application), pooldeskctl and the
// service only PoolDesk: all three open the same default file, and a workspace an earlier console
// left one folder deeper is found, not replaced by an empty one.
void TestDatabaseUrl::oneDefaultForEveryProgram() {
    QStandardPaths::setTestModeEnabled(true);
    const QString base = QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation);
    QDir(base + QStringLiteral("/PoolDesk")).removeRecursively();
    const QString canonical = base + QStringLiteral("/PoolDesk/pooldesk.sqlite");
    QStringList seen;
    for (const auto &[organisation, application] :
         {std::pair{QString(), QStringLiteral("PoolDesk")},
          std::pair{QStringLiteral("PoolDesk"), QStringLiteral("PoolDesk")},
          std::pair{QString(), QStringLiteral("pooldesk-service")}}) {
        QCoreApplication::setOrganizationName(organisation);
        QCoreApplication::setApplicationName(application);
        seen << DatabaseUrl::defaultSqlitePath();
    }
    QCOMPARE(seen, (QStringList{canonical, canonical, canonical}));

    const QString earlier = base + QStringLiteral("/PoolDesk/PoolDesk/pooldesk.sqlite");
    QVERIFY(QDir().mkpath(QFileInfo(earlier).absolutePath()));
    QFile file(earlier);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.close();
    QCoreApplication::setOrganizationName(QString());
    QCOMPARE(DatabaseUrl::defaultSqlitePath(), earlier);
    // Once the shared place has a workspace, it wins.
    QVERIFY(QFile(canonical).open(QIODevice::WriteOnly));
    QCOMPARE(DatabaseUrl::defaultSqlitePath(), canonical);
    QDir(base + QStringLiteral("/PoolDesk")).removeRecursively();
}

QTEST_GUILESS_MAIN(TestDatabaseUrl)
#include "tst_databaseurl.moc"
