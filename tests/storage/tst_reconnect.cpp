// A lost database connection is recognised as lost (and only then), and opened again once the
// database is back: PostgreSQL sessions ended by the server, a SQLite file that became unreadable.

#include "FaultySqliteVfs.h"
#include "TestDatabases.h"

#include "storage/Database.h"
#include "storage/ReconnectingDatabase.h"
#include "storage/SqlHelpers.h"

#include <QElapsedTimer>
#include <QFileInfo>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

using namespace PoolDesk;
using namespace PoolDesk::Test;

namespace {

// Ends the connection's server session from another one, as an administrator or a restart would.
void terminateBackend(Database &victim) {
    const qint64 pid = scalar(victim, QStringLiteral("SELECT pg_backend_pid()"));
    QVERIFY(pid > 0);
    auto other = victim.openAnother();
    QVERIFY(other);
    QCOMPARE(scalar(*other.value(),
                    QStringLiteral("SELECT CASE WHEN pg_terminate_backend(?) THEN 1 ELSE 0 END"), {pid}),
             1);
    // pg_terminate_backend only signals: wait until the session is gone.
    QTRY_COMPARE_WITH_TIMEOUT(
        scalar(*other.value(), QStringLiteral("SELECT COUNT(*) FROM pg_stat_activity WHERE pid = ?"), {pid}),
        0, 10000);
}

Error failureOf(Database &db, const QString &sql) {
    auto ran = Sql::exec(db.connection(), sql);
    if (ran)
        return makeError(Error::Code::Storage, QStringLiteral("the statement unexpectedly worked"));
    return ran.error();
}

// Waits out the backoff, then tries once.
bool reopenWhenAllowed(ReconnectingDatabase &link) {
    QThread::msleep(quint64(link.msUntilNextAttempt()));
    return link.tryReopen();
}

} // namespace

class TestReconnect : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { FaultySqliteVfs::install(); }
    void cleanup() { FaultySqliteVfs::setUnreadable(false); }
    void ordinaryErrorsAreNotLostConnections_data() { addEngineRows(); }
    void ordinaryErrorsAreNotLostConnections();
    void postgresSessionEndedByTheServer();
    void sqliteFileUnreadableThenReadable();
    void sqliteFileMissingIsNotCreatedAgain();
};

void TestReconnect::ordinaryErrorsAreNotLostConnections() {
    QFETCH(QString, engine);
    auto db = freshDatabase(engine);
    QVERIFY(Sql::exec(db->connection(), QStringLiteral("CREATE TABLE t (id INTEGER PRIMARY KEY)")));
    QVERIFY(Sql::exec(db->connection(), QStringLiteral("INSERT INTO t VALUES (1)")));
    for (const QString &sql : {QStringLiteral("SELEC 1"), QStringLiteral("INSERT INTO t VALUES (1)"),
                               QStringLiteral("SELECT * FROM no_such_table")}) {
        const Error failure = failureOf(*db, sql);
        QVERIFY2(!Sql::isConnectionLost(failure), qPrintable(sql));
        QCOMPARE(failure.code, Error::Code::Storage);
    }
    ReconnectingDatabase link(std::move(db));
    QVERIFY(!link.noteFailure(failureOf(*link.get(), QStringLiteral("SELEC 1"))));
    QVERIFY(link.get());
    QVERIFY(link.probe());
    QCOMPARE(link.generation(), 0);
}

void TestReconnect::postgresSessionEndedByTheServer() {
    if (!engines().contains(QStringLiteral("postgresql")))
        QFAIL("needs the PostgreSQL test cluster (POOLDESK_TEST_PG_URL)");
    auto db = freshDatabase(QStringLiteral("postgresql"));
    QVERIFY(Sql::exec(db->connection(), QStringLiteral("CREATE TABLE kept (v INTEGER)")));
    QVERIFY(Sql::exec(db->connection(), QStringLiteral("INSERT INTO kept VALUES (42)")));
    terminateBackend(*db);

    // The first statement meets the server's goodbye (SQLSTATE 57P01), the next one libpq's own
    // "no connection" (no SQLSTATE): both are a lost connection, told in words without internals.
    for (int i = 0; i < 2; ++i) {
        const Error failure = failureOf(*db, QStringLiteral("SELECT v FROM kept"));
        QVERIFY2(Sql::isConnectionLost(failure), qPrintable(failure.message));
        QCOMPARE(failure.code, Error::Code::Unavailable);
        QVERIFY2(!failure.message.contains(QLatin1String("FATAL")) &&
                     !failure.message.contains(QLatin1String("QPSQL")) &&
                     !failure.message.contains(QLatin1String("terminating")),
                 qPrintable(failure.message));
    }

    ReconnectingDatabase link(std::move(db));
    QVERIFY(link.noteFailure(failureOf(*link.get(), QStringLiteral("SELECT 1"))));
    QVERIFY(link.isLost());
    QVERIFY(link.lostSince().isValid());
    QVERIFY(link.tryReopen()); // the server is up: the first attempt is at once
    QCOMPARE(link.generation(), 1);
    QCOMPARE(scalar(*link.get(), QStringLiteral("SELECT v FROM kept")), 42);

    // A probe finds a connection the server ended while nobody used it.
    terminateBackend(*link.get());
    QVERIFY(!link.probe());
    QVERIFY(link.isLost());
    QVERIFY(link.tryReopen());
    QCOMPARE(scalar(*link.get(), QStringLiteral("SELECT v FROM kept")), 42);
}

void TestReconnect::sqliteFileUnreadableThenReadable() {
    auto db = freshDatabase(QStringLiteral("sqlite"));
    QVERIFY(Sql::exec(db->connection(), QStringLiteral("CREATE TABLE kept (v INTEGER)")));
    QVERIFY(Sql::exec(db->connection(), QStringLiteral("INSERT INTO kept VALUES (42)")));
    ReconnectingDatabase link(std::move(db));

    FaultySqliteVfs::setUnreadable(true);
    const Error failure = failureOf(*link.get(), QStringLiteral("INSERT INTO kept VALUES (7)"));
    QVERIFY2(Sql::isConnectionLost(failure), qPrintable(failure.message));
    QVERIFY(link.noteFailure(failure));

    // While the file stays unreadable every attempt fails, each later than the one before.
    QVERIFY(!link.tryReopen());
    const qint64 firstWait = link.msUntilNextAttempt();
    QVERIFY2(firstWait > 0 && firstWait <= ReconnectingDatabase::FirstBackoffMs,
             qPrintable(QString::number(firstWait)));
    QVERIFY(!reopenWhenAllowed(link));
    QVERIFY(!link.tryReopen()); // too early: not even tried
    QVERIFY(link.msUntilNextAttempt() > ReconnectingDatabase::FirstBackoffMs);

    FaultySqliteVfs::setUnreadable(false);
    QElapsedTimer back;
    back.start();
    while (!link.tryReopen() && back.elapsed() < 10'000)
        QThread::msleep(10);
    QVERIFY(!link.isLost());
    QVERIFY2(back.elapsed() <= ReconnectingDatabase::MaxBackoffMs + 500,
             qPrintable(QString::number(back.elapsed())));
    QCOMPARE(scalar(*link.get(), QStringLiteral("SELECT COUNT(*) FROM kept")), 1); // nothing half-written
    QVERIFY(Sql::exec(link.get()->connection(), QStringLiteral("INSERT INTO kept VALUES (7)")));
    QCOMPARE(scalar(*link.get(), QStringLiteral("SELECT COUNT(*) FROM kept")), 2);
}

void TestReconnect::sqliteFileMissingIsNotCreatedAgain() {
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("pool.sqlite"));
    auto opened = Database::open(QStringLiteral("sqlite:") + path);
    QVERIFY(opened);
    ReconnectingDatabase link(std::move(opened).value());
    link.markLost();
    QVERIFY(QFile::rename(path, path + QStringLiteral(".away")));
    QVERIFY(!link.tryReopen());
    QVERIFY2(!QFileInfo::exists(path), "reopening created an empty database in place of the missing one");
    const Status again = link.database().reconnect();
    QVERIFY(!again);
    QVERIFY(Sql::isConnectionLost(again.error()));
    QVERIFY(QFile::rename(path + QStringLiteral(".away"), path));
    QVERIFY(reopenWhenAllowed(link));
    QVERIFY(link.probe());
}

QTEST_GUILESS_MAIN(TestReconnect)
#include "tst_reconnect.moc"
