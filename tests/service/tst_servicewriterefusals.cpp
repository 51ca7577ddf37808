// The pool service on a database that takes no writes: a read-only SQLite file, a disk that fills
// while it runs (a SQLite VFS of the test's: the service runs in the test process for that), a
// PostgreSQL database whose transactions are read-only (the real executable). Reads go on; every
// change is answered 503 with the reason (database_read_only, disk_full) and Retry-After, at once,
// alone or in a group commit; nothing of a refused change is kept; once the database takes writes
// again the service does too, without a restart.
#include "FaultySqliteVfs.h"
#include "ServiceTestSupport.h"
#include "TestDatabases.h"

#include "domain/Types.h"
#include "pool/Companies.h"
#include "pool/Numbers.h"
#include "security/ApiKeys.h"
#include "service/PoolService.h"
#include "storage/Database.h"
#include "storage/ReconnectingDatabase.h"
#include "storage/SqlHelpers.h"

#include <QElapsedTimer>
#include <QJsonObject>
#include <QSqlQuery>
#include <QTest>

#include <functional>
#include <future>
#include <vector>

using namespace PoolDesk;
using namespace PoolDesk::Test;

namespace {

const Actor TestActor{QStringLiteral("user:test")};

struct Pool {
    QString url;
    QByteArray key;
};

Pool makePool(const QString &url) {
    auto db = Database::open(url);
    if (!db)
        qFatal("cannot open the test database: %s", qPrintable(db.error().message));
    if (!Companies(*db.value()).add(TestActor, QStringLiteral("Acme"), Plan::Standard))
        qFatal("cannot add the test company");
    for (int i = 1; i <= 8; ++i) {
        NewNumber number;
        number.e164 = QStringLiteral("+1555%1").arg(i, 7, 10, QLatin1Char('0'));
        number.environment = DevelopmentEnvironment;
        if (!Numbers(*db.value()).add(TestActor, number))
            qFatal("cannot add a test number");
    }
    auto key = ApiKeys(*db.value())
                   .create(TestActor, {QStringLiteral("backend"), std::nullopt, 1'000'000, 1'000'000});
    if (!key)
        qFatal("cannot create the test key");
    return {url, key->secret.toLatin1()};
}

QJsonObject allocation(const QString &session) {
    return {{QStringLiteral("company"), QStringLiteral("Acme")},
            {QStringLiteral("operator"), QStringLiteral("op-1")},
            {QStringLiteral("session"), session},
            {QStringLiteral("ttl_seconds"), 600}};
}

bool waitFor(const std::function<bool()> &condition, int timeoutMs) {
    QElapsedTimer timer;
    timer.start();
    while (!condition()) {
        if (timer.elapsed() > timeoutMs)
            return false;
        QTest::qWait(50);
    }
    return true;
}

ServiceConfig configFor(const QString &url) {
    ServiceConfig config;
    config.databaseUrl = url;
    config.environment = DevelopmentEnvironment;
    config.port = 0;
    config.reapIntervalMs = 1000;
    config.accessLog = QStringLiteral("off");
    return config;
}

qint64 count(const QString &url, const QString &sql) {
    auto db = Database::open(url, Database::Migrate::No);
    return db ? scalar(*db.value(), sql) : -1;
}

} // namespace

class TestServiceWriteRefusals : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { FaultySqliteVfs::install(); }
    void cleanup() { FaultySqliteVfs::reset(); }
    void sqliteReadOnlyFile();
    void sqliteDiskFull();
    void postgresReadOnlyDatabase();

private:
    // Changes, one at a time and several at once (a group commit): each refused with the reason.
    void checkChangesRefused(quint16 port, const QByteArray &key, const QString &reason);
};

void TestServiceWriteRefusals::checkChangesRefused(quint16 port, const QByteArray &key,
                                                   const QString &reason) {
    // Reads work.
    const HttpReply pool = http(port, "GET", "/v1/pool", {}, bearer(key));
    QVERIFY2(pool.status == 200, pool.body.constData());
    QCOMPARE(http(port, "GET", "/healthz").status, 200);

    const HttpReply one = httpJson(port, "POST", "/v1/allocations", allocation(QStringLiteral("one")), key);
    QVERIFY2(one.status == 503, one.body.constData());
    QCOMPARE(one.errorCode(), reason);
    QVERIFY(one.headers.contains("retry-after"));
    QVERIFY2(!one.json()
                  .value(QStringLiteral("error"))
                  .toObject()
                  .value(QStringLiteral("message"))
                  .toString()
                  .isEmpty(),
             one.body.constData());

    std::vector<std::future<HttpReply>> together;
    for (int i = 0; i < 8; ++i)
        together.push_back(std::async(std::launch::async, [port, key, i] {
            return httpJson(port, "POST", "/v1/allocations", allocation(QStringLiteral("batch-%1").arg(i)),
                            key);
        }));
    for (auto &reply : together) {
        const HttpReply answered = reply.get();
        QVERIFY2(answered.status == 503, answered.body.constData());
        QCOMPARE(answered.errorCode(), reason);
    }
}

void TestServiceWriteRefusals::sqliteReadOnlyFile() {
    const Pool pool = makePool(freshDatabaseUrl(QStringLiteral("sqlite")));
    FaultySqliteVfs::setReadOnlyFiles(true); // a file of mode 0444, for anyone but root
    PoolService service(configFor(pool.url), nullptr);
    const Status started = service.start();
    QVERIFY2(started, started ? "" : qPrintable(started.error().message));
    const quint16 port = service.port();
    QCOMPARE(http(port, "GET", "/readyz").status, 200); // it serves what it can: reads
    checkChangesRefused(port, pool.key, QString(Sql::DatabaseReadOnly));
    QTest::qWait(1500); // a reap or two on the read-only file: logged once, no crash

    // Writable again: the service notices within a few seconds, with no restart.
    FaultySqliteVfs::setReadOnlyFiles(false);
    QVERIFY(waitFor(
        [&] {
            return httpJson(port, "POST", "/v1/allocations", allocation(QStringLiteral("after")), pool.key)
                       .status == 201;
        },
        int(ReconnectingDatabase::ReadOnlyRecheckMs) + 10000));
    QCOMPARE(count(pool.url, QStringLiteral("SELECT COUNT(*) FROM reservations")), 1);
    service.shutdown();
    QVERIFY(waitFor([&] { return service.threadCount() == 0; }, 15000));
}

void TestServiceWriteRefusals::sqliteDiskFull() {
    const Pool pool = makePool(freshDatabaseUrl(QStringLiteral("sqlite")));
    PoolService service(configFor(pool.url), nullptr);
    const Status started = service.start();
    QVERIFY2(started, started ? "" : qPrintable(started.error().message));
    const quint16 port = service.port();
    const HttpReply held =
        httpJson(port, "POST", "/v1/allocations", allocation(QStringLiteral("held")), pool.key);
    QVERIFY2(held.status == 201, held.body.constData());

    FaultySqliteVfs::setDiskFull(true);
    checkChangesRefused(port, pool.key, QString(Sql::DatabaseDiskFull));
    const QJsonObject ended{{QStringLiteral("duration_seconds"), 61},
                            {QStringLiteral("direction"), QStringLiteral("outbound")}};
    const HttpReply release = httpJson(port, "DELETE", "/v1/allocations/held", ended, pool.key);
    QVERIFY2(release.status == 503, release.body.constData());
    QCOMPARE(release.errorCode(), QString(Sql::DatabaseDiskFull));
    QVERIFY(FaultySqliteVfs::refusedWrites() > 0);
    QTest::qWait(1500); // reaps on the full disk

    FaultySqliteVfs::setDiskFull(false);
    // Nothing of a refused change was kept; the file is intact.
    auto db = Database::open(pool.url, Database::Migrate::No);
    QVERIFY(db);
    QSqlQuery check(db.value()->connection());
    QVERIFY(check.exec(QStringLiteral("PRAGMA integrity_check")) && check.next());
    QCOMPARE(check.value(0).toString(), QStringLiteral("ok"));
    QCOMPARE(scalar(*db.value(), QStringLiteral("SELECT COUNT(*) FROM reservations")), 1);
    QCOMPARE(scalar(*db.value(), QStringLiteral("SELECT COUNT(*) FROM call_records")), 0);
    // Space again: the same requests go through.
    const HttpReply again =
        httpJson(port, "POST", "/v1/allocations", allocation(QStringLiteral("one")), pool.key);
    QVERIFY2(again.status == 201, again.body.constData());
    QCOMPARE(httpJson(port, "DELETE", "/v1/allocations/held", ended, pool.key).status, 200);
    service.shutdown();
    QVERIFY(waitFor([&] { return service.threadCount() == 0; }, 15000));
}

void TestServiceWriteRefusals::postgresReadOnlyDatabase() {
    if (!engines().contains(QStringLiteral("postgresql")))
        QFAIL("needs the PostgreSQL test cluster (POOLDESK_TEST_PG_URL)");
    const Pool pool = makePool(freshDatabaseUrl(QStringLiteral("postgresql")));
    auto owner = Database::open(pool.url, Database::Migrate::No);
    QVERIFY(owner);
    QVERIFY(Sql::exec(owner.value()->connection(),
                      QStringLiteral("ALTER DATABASE %1 SET default_transaction_read_only = on")
                          .arg(owner.value()->url().databaseName)));
    ServiceProcess service;
    QVERIFY2(service.start(pool.url, {QStringLiteral("--access-log"), QStringLiteral("off")}),
             service.output().constData());
    checkChangesRefused(service.port(), pool.key, QString(Sql::DatabaseReadOnly));
    // Its log names the database and says what to do.
    const QByteArray log = service.output();
    QVERIFY2(log.contains("read-only") && log.contains(owner.value()->url().redacted().toUtf8()),
             log.constData());

    QVERIFY(Sql::exec(owner.value()->connection(),
                      QStringLiteral("ALTER DATABASE %1 SET default_transaction_read_only = off")
                          .arg(owner.value()->url().databaseName)));
    QVERIFY(waitFor(
        [&] {
            return httpJson(service.port(), "POST", "/v1/allocations", allocation(QStringLiteral("after")),
                            pool.key)
                       .status == 201;
        },
        int(ReconnectingDatabase::ReadOnlyRecheckMs) + 10000));
    QCOMPARE(service.terminate(), 0);
}

QTEST_GUILESS_MAIN(TestServiceWriteRefusals)
#include "tst_servicewriterefusals.moc"
