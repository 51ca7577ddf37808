// A database that takes no writes: a read-only SQLite file (or PostgreSQL database) opens for
// reading and refuses each change with an error naming it; a disk that fills in the middle of a
// change leaves none of it behind, its audit entry included, and the file intact.
#include "FaultySqliteVfs.h"
#include "TestDatabases.h"

#include "domain/Types.h"
#include "pool/Allocator.h"
#include "pool/Companies.h"
#include "pool/NumberImport.h"
#include "pool/Numbers.h"
#include "storage/Database.h"
#include "storage/Settings.h"
#include "storage/SqlHelpers.h"
#include "storage/Transaction.h"

#include <QSignalSpy>
#include <QSqlDriver>
#include <QSqlQuery>
#include <QTest>

#include <functional>

using namespace PoolDesk;
using namespace PoolDesk::Test;

namespace {

const Actor Admin{QStringLiteral("user:test")};

NewNumber numberOf(int n) {
    NewNumber number;
    number.e164 = QStringLiteral("+1555%1").arg(n, 7, 10, QLatin1Char('0'));
    number.environment = DevelopmentEnvironment;
    return number;
}

QString text(Database &db, const QString &sql) {
    QSqlQuery query(db.connection());
    return query.exec(sql) && query.next() ? query.value(0).toString() : QStringLiteral("(failed)");
}

// What the database holds, as a test compares it before and after a change that must not last.
struct Snapshot {
    qint64 numbers = -1;
    qint64 audit = -1;
    qint64 reservations = -1;
    QString setting;
    bool operator==(const Snapshot &) const = default;
};

Snapshot snapshotOf(Database &db) {
    return {scalar(db, QStringLiteral("SELECT COUNT(*) FROM phone_numbers")),
            scalar(db, QStringLiteral("SELECT COUNT(*) FROM audit_log")),
            scalar(db, QStringLiteral("SELECT COUNT(*) FROM phone_numbers WHERE status <> 'available'")),
            Settings::value(db, QStringLiteral("pool.default_ttl_seconds"), QStringLiteral("(none)"))};
}

// A database with a company and a few shared numbers to change.
std::unique_ptr<Database> seeded(const QString &engine) {
    auto db = freshDatabase(engine);
    if (!db)
        return db;
    if (!Companies(*db).add(Admin, QStringLiteral("Sakura Dental"), Plan::Standard))
        return nullptr;
    for (int n = 1; n <= 3; ++n)
        if (!Numbers(*db).add(Admin, numberOf(n)))
            return nullptr;
    return db;
}

QList<NumberCsv::NumberRow> importRows(int count) {
    QList<NumberCsv::NumberRow> rows;
    for (int i = 0; i < count; ++i) {
        NumberCsv::NumberRow row;
        row.line = i + 2;
        row.e164 = numberOf(1000 + i).e164;
        row.environment = DevelopmentEnvironment;
        rows.append(row);
    }
    return rows;
}

AllocationRequest allocation() {
    AllocationRequest request;
    request.company = QStringLiteral("Sakura Dental");
    request.operatorId = QStringLiteral("op-1");
    request.session = QStringLiteral("call-1");
    request.environment = DevelopmentEnvironment;
    return request;
}

// The three kinds of change the issue names, each several statements and an audit entry.
using Change = std::function<Status(Database &)>;
QList<QPair<const char *, Change>> changes() {
    return {
        {"number import",
         [](Database &db) -> Status {
             auto imported = NumberImport(db).commit(Admin, importRows(400));
             return imported ? success() : Status(imported.error());
         }},
        {"allocation",
         [](Database &db) -> Status {
             auto allocated = Allocator(db).allocate(allocation());
             return allocated ? success() : Status(allocated.error());
         }},
        {"settings change",
         [](Database &db) -> Status {
             return Settings::set(db, Admin, QStringLiteral("pool.default_ttl_seconds"),
                                  QStringLiteral("777"));
         }},
    };
}

void addChangeRows() {
    QTest::addColumn<int>("change");
    for (int i = 0; i < changes().size(); ++i)
        QTest::newRow(changes().at(i).first) << i;
}

} // namespace

class TestWriteRefusals : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { FaultySqliteVfs::install(); }
    void cleanup() { FaultySqliteVfs::reset(); }
    void classifiedByTheEnginesCodes_data() { addEngineRows(); }
    void classifiedByTheEnginesCodes();
    void sqliteReadOnlyFileOpensForReading_data() { addChangeRows(); }
    void sqliteReadOnlyFileOpensForReading();
    void sqliteDiskFullAtCommit_data() { addChangeRows(); }
    void sqliteDiskFullAtCommit();
    void sqliteDiskFullInTheMiddleOfAnImport();
    void sqliteDiskFullBetweenSavepoints();
    void probeFindsAFullDisk();
    void postgresReadOnlyDatabase();
};

// The one classification: by the engine's code only, whatever the words.
void TestWriteRefusals::classifiedByTheEnginesCodes() {
    QFETCH(QString, engine);
    auto db = freshDatabase(engine);
    const QSqlDriver *driver = db->connection().driver();
    const auto of = [driver](const char *code, const char *words = "whatever the server says") {
        return Sql::writeRefusalOf(QSqlError(QString(), QString::fromLatin1(words), QSqlError::StatementError,
                                             QString::fromLatin1(code)),
                                   driver);
    };
    if (engine == QLatin1String("sqlite")) {
        QCOMPARE(of("8"), Sql::WriteRefusal::ReadOnly);
        QCOMPARE(of("1544"), Sql::WriteRefusal::ReadOnly); // SQLITE_READONLY_DIRECTORY
        QCOMPARE(of("13"), Sql::WriteRefusal::DiskFull);
        QCOMPARE(of("1032"), Sql::WriteRefusal::None); // SQLITE_READONLY_DBMOVED: gone, not read-only
        QCOMPARE(of("19", "attempt to write a readonly database"), Sql::WriteRefusal::None);
        QCOMPARE(of("10", "database or disk is full"), Sql::WriteRefusal::None);
    } else {
        QCOMPARE(of("25006"), Sql::WriteRefusal::ReadOnly);
        QCOMPARE(of("53100"), Sql::WriteRefusal::DiskFull);
        QCOMPARE(of("23505", "cannot execute INSERT in a read-only transaction"), Sql::WriteRefusal::None);
        QCOMPARE(of("42501", "could not extend file: No space left on device"), Sql::WriteRefusal::None);
    }
    QVERIFY(!db->isReadOnly());
}

void TestWriteRefusals::sqliteReadOnlyFileOpensForReading() {
    QFETCH(int, change);
    const QString url = freshDatabaseUrl(QStringLiteral("sqlite"));
    {
        auto db = Database::open(url);
        QVERIFY(db);
        QVERIFY(Companies(*db.value()).add(Admin, QStringLiteral("Sakura Dental"), Plan::Standard));
        for (int n = 1; n <= 3; ++n)
            QVERIFY(Numbers(*db.value()).add(Admin, numberOf(n)));
    }
    FaultySqliteVfs::setReadOnlyFiles(true); // as a file of mode 0444 opens for anyone but root
    auto opened = Database::open(url);
    QVERIFY2(opened, qPrintable(opened ? QString() : opened.error().message));
    Database &db = *opened.value();
    QVERIFY(db.isReadOnly());
    const Snapshot before = snapshotOf(db);
    QCOMPARE(before.numbers, 3); // reads work

    QSignalSpy told(&Sql::WriteRefusals::instance(), &Sql::WriteRefusals::refused);
    const Status refused = changes().at(change).second(db);
    QVERIFY(!refused);
    QCOMPARE(refused.error().reason, QString(Sql::DatabaseReadOnly));
    QCOMPARE(refused.error().code, Error::Code::Unavailable);
    QVERIFY(!Sql::isConnectionLost(refused.error()));
    QVERIFY2(refused.error().message.contains(db.location()) &&
                 db.location().endsWith(QLatin1String(".sqlite")),
             qPrintable(refused.error().message));
    QVERIFY2(refused.error().message.contains(QLatin1String("writable")),
             qPrintable(refused.error().message));
    QVERIFY(!told.isEmpty());
    QCOMPARE(told.first().at(0).toString(), db.location());
    QCOMPARE(told.first().at(1).toString(), QString(Sql::DatabaseReadOnly));
    QCOMPARE(snapshotOf(db), before);
    const Status probed = db.probeWritable();
    QVERIFY(!probed);
    QCOMPARE(probed.error().reason, QString(Sql::DatabaseReadOnly));

    // Writable again: opened again, the same change is saved.
    FaultySqliteVfs::setReadOnlyFiles(false);
    QVERIFY(db.reconnect());
    QVERIFY(!db.isReadOnly());
    QVERIFY(db.probeWritable());
    QVERIFY(changes().at(change).second(db));
    QVERIFY(!(snapshotOf(db) == before));
}

// The commit is the first write a small change makes in WAL mode: it meets the full disk.
void TestWriteRefusals::sqliteDiskFullAtCommit() {
    QFETCH(int, change);
    auto db = seeded(QStringLiteral("sqlite"));
    QVERIFY(db);
    const Snapshot before = snapshotOf(*db);
    FaultySqliteVfs::setDiskFull(true);
    const Status refused = changes().at(change).second(*db);
    QVERIFY(FaultySqliteVfs::refusedWrites() > 0);
    QVERIFY(!refused);
    QCOMPARE(refused.error().reason, QString(Sql::DatabaseDiskFull));
    QVERIFY2(refused.error().message.contains(db->location()), qPrintable(refused.error().message));
    QVERIFY2(refused.error().message.contains(QLatin1String("Free space")),
             qPrintable(refused.error().message));
    QCOMPARE(db->transactionDepth(), 0);

    FaultySqliteVfs::setDiskFull(false);
    QCOMPARE(snapshotOf(*db), before);
    auto other = db->openAnother();
    QVERIFY(other);
    QCOMPARE(text(*other.value(), QStringLiteral("PRAGMA integrity_check")), QStringLiteral("ok"));
    QCOMPARE(snapshotOf(*other.value()), before);
    // Space again: the same change goes through on the same connection.
    QVERIFY(changes().at(change).second(*db));
    QVERIFY(!(snapshotOf(*other.value()) == before));
}

// A large import spills pages to the log before its commit: the disk fills after part of it was
// written, in the middle of a statement.
void TestWriteRefusals::sqliteDiskFullInTheMiddleOfAnImport() {
    auto db = seeded(QStringLiteral("sqlite"));
    QVERIFY(db);
    const Snapshot before = snapshotOf(*db);
    QVERIFY(Sql::exec(db->connection(), QStringLiteral("PRAGMA cache_size = 20"))); // spill early
    FaultySqliteVfs::setDiskFullAfter(64 * 1024);
    auto imported = NumberImport(*db).commit(Admin, importRows(3000));
    QVERIFY(!imported);
    QCOMPARE(imported.error().reason, QString(Sql::DatabaseDiskFull));
    QVERIFY2(imported.error().message.contains(db->location()), qPrintable(imported.error().message));
    // Some of it reached the log before the disk filled.
    QVERIFY(FaultySqliteVfs::refusedWrites() > 0);

    FaultySqliteVfs::setDiskFull(false);
    auto other = db->openAnother();
    QVERIFY(other);
    QCOMPARE(text(*other.value(), QStringLiteral("PRAGMA integrity_check")), QStringLiteral("ok"));
    QCOMPARE(snapshotOf(*other.value()), before);
    QCOMPARE(
        scalar(*other.value(), QStringLiteral("SELECT COUNT(*) FROM audit_log WHERE action = 'number.add'")),
        3);
    QCOMPARE(snapshotOf(*db), before);
    auto again = NumberImport(*db).commit(Admin, importRows(3000));
    QVERIFY2(again, qPrintable(again ? QString() : again.error().message));
    QCOMPARE(scalar(*other.value(), QStringLiteral("SELECT COUNT(*) FROM phone_numbers")), 3003);
}

// SQLite may roll a whole transaction back after a full disk. A later savepoint of that
// transaction (the service's group commit runs each request in one) must then not start a
// transaction of its own whose changes would be saved alone.
void TestWriteRefusals::sqliteDiskFullBetweenSavepoints() {
    auto db = seeded(QStringLiteral("sqlite"));
    QVERIFY(db);
    const Snapshot before = snapshotOf(*db);
    QVERIFY(Sql::exec(db->connection(), QStringLiteral("PRAGMA cache_size = 20")));
    bool kept = false;
    {
        Transaction batch(*db);
        QVERIFY(batch.begin());
        FaultySqliteVfs::setDiskFullAfter(16 * 1024);
        auto imported = NumberImport(*db).commit(Admin, importRows(3000));
        QVERIFY(!imported);
        QCOMPARE(imported.error().reason, QString(Sql::DatabaseDiskFull));
        FaultySqliteVfs::setDiskFull(false);
        // The next request of the batch: refused when SQLite ended the batch, else part of it.
        const bool next = bool(Numbers(*db).add(Admin, numberOf(99)));
        kept = bool(batch.commit());
        QCOMPARE(kept, next);
    }
    auto other = db->openAnother();
    QVERIFY(other);
    QCOMPARE(text(*other.value(), QStringLiteral("PRAGMA integrity_check")), QStringLiteral("ok"));
    const Snapshot after = snapshotOf(*other.value());
    // Nothing was kept, or number 99 with its audit entry and the batch's commit; never part of
    // the import.
    if (kept)
        QVERIFY(after.numbers == before.numbers + 1 && after.audit == before.audit + 1);
    else
        QCOMPARE(after, before);
    QCOMPARE(scalar(*other.value(),
                    QStringLiteral("SELECT COUNT(*) FROM phone_numbers WHERE e164 LIKE '+155500010%'")),
             0);
}

void TestWriteRefusals::probeFindsAFullDisk() {
    auto db = seeded(QStringLiteral("sqlite"));
    QVERIFY(db);
    QVERIFY(db->probeWritable());
    FaultySqliteVfs::setDiskFull(true);
    const Status probed = db->probeWritable();
    QVERIFY(!probed);
    QCOMPARE(probed.error().reason, QString(Sql::DatabaseDiskFull));
    QCOMPARE(db->transactionDepth(), 0);
    FaultySqliteVfs::setDiskFull(false);
    QVERIFY(db->probeWritable());
    QVERIFY(Numbers(*db).add(Admin, numberOf(50)));
}

// ALTER DATABASE ... SET default_transaction_read_only: every new session is read-only, and a
// write is refused with SQLSTATE 25006, which is what says so (the server's words follow its
// language).
void TestWriteRefusals::postgresReadOnlyDatabase() {
    if (!engines().contains(QStringLiteral("postgresql")))
        QFAIL("needs the PostgreSQL test cluster (POOLDESK_TEST_PG_URL)");
    auto owner = seeded(QStringLiteral("postgresql"));
    QVERIFY(owner);
    const QString name = owner->url().databaseName;
    QVERIFY(Sql::exec(owner->connection(),
                      QStringLiteral("ALTER DATABASE %1 SET default_transaction_read_only = on").arg(name)));
    auto opened = Database::open(owner->url());
    QVERIFY2(opened, qPrintable(opened ? QString() : opened.error().message));
    Database &db = *opened.value();
    QVERIFY(db.isReadOnly());
    const Snapshot before = snapshotOf(db);
    QCOMPARE(before.numbers, 3);
    // Known read-only when opened: each change is refused before it starts.
    for (const auto &change : changes()) {
        const Status refused = change.second(db);
        QVERIFY2(!refused, change.first);
        QCOMPARE(refused.error().reason, QString(Sql::DatabaseReadOnly));
        QVERIFY2(refused.error().message.contains(db.location()), qPrintable(refused.error().message));
        QVERIFY2(!refused.error().message.contains(owner->url().password) || owner->url().password.isEmpty(),
                 "the message shows the password");
    }
    QCOMPARE(snapshotOf(db), before);
    QCOMPARE(db.probeWritable().error().reason, QString(Sql::DatabaseReadOnly));
    // A statement the server itself refuses: SQLSTATE 25006.
    const auto direct = Sql::exec(db.connection(), QStringLiteral("UPDATE settings SET value = value"));
    QVERIFY(!direct);
    QCOMPARE(direct.error().reason, QString(Sql::DatabaseReadOnly));
    QCOMPARE(direct.error().nativeCode, QStringLiteral("25006"));

    // A session that turns read-only after it opened (as after a fail-over to a standby): the
    // server refuses each change inside its transaction, and nothing of it is kept.
    QVERIFY(Sql::exec(owner->connection(),
                      QStringLiteral("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")));
    QVERIFY(!owner->isReadOnly());
    for (const auto &change : changes()) {
        const Status refused = change.second(*owner);
        QVERIFY2(!refused, change.first);
        QCOMPARE(refused.error().reason, QString(Sql::DatabaseReadOnly));
        QCOMPARE(refused.error().nativeCode, QStringLiteral("25006"));
        QCOMPARE(owner->transactionDepth(), 0);
    }
    QVERIFY(Sql::exec(owner->connection(),
                      QStringLiteral("SET SESSION CHARACTERISTICS AS TRANSACTION READ WRITE")));
    QCOMPARE(snapshotOf(*owner), before);

    QVERIFY(Sql::exec(owner->connection(),
                      QStringLiteral("ALTER DATABASE %1 SET default_transaction_read_only = off").arg(name)));
    QVERIFY(db.reconnect());
    QVERIFY(!db.isReadOnly());
    QVERIFY(db.probeWritable());
    QVERIFY(Settings::set(db, Admin, QStringLiteral("pool.default_ttl_seconds"), QStringLiteral("777")));
}

QTEST_GUILESS_MAIN(TestWriteRefusals)
#include "tst_writerefusals.moc"
