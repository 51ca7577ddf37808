// Views refresh when another connection (another console, pooldeskctl, the service) commits a
// change: PRAGMA data_version on SQLite, LISTEN/NOTIFY on PostgreSQL.
#include "TestDatabases.h"
#include "storage/ChangeWatcher.h"
#include "storage/Database.h"
#include "storage/Settings.h"
#include "storage/SqlHelpers.h"
#include "storage/Transaction.h"

#include <QSignalSpy>
#include <QTest>

using namespace PoolDesk;

namespace {

// Generous: the bound only matters when the signal never comes.
constexpr int WaitMs = 15'000;

} // namespace

class TestChangeWatcher : public QObject {
    Q_OBJECT

private slots:
    void signalsAfterAnotherConnectionCommits_data() { Test::addEngineRows(); }
    void signalsAfterAnotherConnectionCommits();
    void signalsAgainForEachLaterCommit_data() { Test::addEngineRows(); }
    void signalsAgainForEachLaterCommit();
    void rolledBackChangeIsNotSignalled_data() { Test::addEngineRows(); }
    void rolledBackChangeIsNotSignalled();
};

void TestChangeWatcher::signalsAfterAnotherConnectionCommits() {
    QFETCH(QString, engine);
    auto db = Test::freshDatabase(engine);
    ChangeWatcher watcher(*db);
    watcher.setInterval(50);
    QSignalSpy spy(&watcher, &ChangeWatcher::changed);
    auto writer = db->openAnother();
    QVERIFY(writer);
    QVERIFY(Settings::set(*writer.value(), Actor{QStringLiteral("user:test")}, SettingKeys::MaxPoolSize,
                          QStringLiteral("12")));
    QVERIFY(spy.count() > 0 || spy.wait(WaitMs));
}

void TestChangeWatcher::signalsAgainForEachLaterCommit() {
    QFETCH(QString, engine);
    auto db = Test::freshDatabase(engine);
    ChangeWatcher watcher(*db);
    watcher.setInterval(50);
    QSignalSpy spy(&watcher, &ChangeWatcher::changed);
    auto writer = db->openAnother();
    QVERIFY(writer);
    for (int i = 0; i < 3; ++i) {
        spy.clear();
        QVERIFY(Settings::set(*writer.value(), Actor{QStringLiteral("user:test")}, SettingKeys::MaxPoolSize,
                              QString::number(20 + i)));
        QVERIFY2(spy.count() > 0 || spy.wait(WaitMs),
                 qPrintable(QStringLiteral("commit %1 not signalled").arg(i)));
    }
}

void TestChangeWatcher::rolledBackChangeIsNotSignalled() {
    // A rolled-back write is followed by a committed one; the watcher reports exactly the committed
    // change on PostgreSQL (notifications are transactional) and at least it on SQLite.
    QFETCH(QString, engine);
    auto db = Test::freshDatabase(engine);
    ChangeWatcher watcher(*db);
    watcher.setInterval(50);
    QSignalSpy spy(&watcher, &ChangeWatcher::changed);
    auto writer = db->openAnother();
    QVERIFY(writer);
    {
        Transaction transaction(*writer.value());
        QVERIFY(transaction.begin());
        QVERIFY(Settings::set(*writer.value(), Actor{QStringLiteral("user:test")}, SettingKeys::MaxPoolSize,
                              QStringLiteral("99"), true));
        transaction.rollback();
    }
    QVERIFY(Sql::exec(writer.value()->connection(),
                      QStringLiteral("INSERT INTO settings (key, value) VALUES ('marker', '1')")));
    ChangeWatcher::notify(*writer.value());
    QVERIFY(spy.count() > 0 || spy.wait(WaitMs));
    if (engine == QLatin1String("postgresql")) {
        // Let any stray notification arrive before counting.
        QTest::qWait(200);
        QCOMPARE(spy.count(), 1);
    }
}

QTEST_GUILESS_MAIN(TestChangeWatcher)
#include "tst_changewatcher.moc"
