// The console after its database went away and came back: the status bar says it is reconnecting,
// and once the database is back the views refresh by themselves and changes can be saved again,
// with no restart. PostgreSQL restarted (a cluster of the test's own) and a SQLite file that became
// unreadable (a SQLite VFS that fails like an unplugged disk).
#include "FaultySqliteVfs.h"
#include "MainWindow.h"
#include "PrivatePostgres.h"
#include "UiTestSupport.h"
#include "common/MessageWidget.h"
#include "domain/Types.h"
#include "pool/Numbers.h"

#include <QLabel>
#include <QTableView>

#include <functional>

using namespace PoolDesk;

namespace {

const Actor Admin{QStringLiteral("user:uitest")};

NewNumber numberOf(int n) {
    NewNumber number;
    number.e164 = QStringLiteral("+1555%1").arg(n, 7, 10, QLatin1Char('0'));
    number.environment = ProductionEnvironment;
    return number;
}

} // namespace

class TestReconnect : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() {
        Test::FaultySqliteVfs::install();
        Test::initUiTests();
    }
    void cleanup() { Test::FaultySqliteVfs::setUnreadable(false); }
    void postgresRestart();
    void sqliteFileUnreadable();

private:
    // Runs the outage with goAway() and comeBack(), and checks what the console shows.
    void outage(const QString &url, const std::function<void()> &goAway,
                const std::function<void()> &comeBack);
};

void TestReconnect::outage(const QString &url, const std::function<void()> &goAway,
                           const std::function<void()> &comeBack) {
    auto opened = Database::open(url);
    QVERIFY(opened);
    QVERIFY(Numbers(*opened.value()).add(Admin, numberOf(1)));
    auto workspace = Test::workspaceFor(std::move(opened).value());
    Ui::MainWindow window(*workspace);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    window.showPage(Ui::MainWindow::Page::Pool);
    auto *table = window.findChild<QTableView *>(QStringLiteral("poolTableView"));
    auto *live = window.findChild<QLabel *>(QStringLiteral("liveLabel"));
    auto *banner = window.findChild<Ui::MessageWidget *>(QStringLiteral("bannerMessageWidget"));
    QVERIFY(table && live && banner);
    QTRY_COMPARE_WITH_TIMEOUT(table->model()->rowCount(), 1, 30000);

    goAway();
    QTRY_COMPARE_WITH_TIMEOUT(live->text(), QStringLiteral("Reconnecting…"), 15000);
    QVERIFY2(banner->text().contains(QLatin1String("connection to the database was lost")),
             qPrintable(banner->text()));
    QVERIFY(!workspace->isDatabaseReachable());

    comeBack();
    QTRY_VERIFY_WITH_TIMEOUT(workspace->isDatabaseReachable(), 15000);
    QVERIFY(live->text() != QStringLiteral("Reconnecting…"));
    QVERIFY2(banner->text().contains(QLatin1String("Connected to the database again")),
             qPrintable(banner->text()));
    // This console saves again, on its own connection, and the view shows another process's change.
    QVERIFY(Numbers(workspace->database()).add(Admin, numberOf(2)));
    auto other = Database::open(url, Database::Migrate::No);
    QVERIFY(other);
    QVERIFY(Numbers(*other.value()).add(Admin, numberOf(3)));
    QTRY_COMPARE_WITH_TIMEOUT(table->model()->rowCount(), 3, 30000);
    workspace->tasks().waitForAll();
}

void TestReconnect::postgresRestart() {
    Test::PrivatePostgres server;
    QVERIFY2(server.start(), qPrintable(server.error()));
    outage(
        server.freshDatabaseUrl(), [&] { QVERIFY2(server.pause(), qPrintable(server.error())); },
        [&] { QVERIFY2(server.resume(), qPrintable(server.error())); });
}

void TestReconnect::sqliteFileUnreadable() {
    outage(
        Test::freshDatabaseUrl(QStringLiteral("sqlite")), [] { Test::FaultySqliteVfs::setUnreadable(true); },
        [] { Test::FaultySqliteVfs::setUnreadable(false); });
}

QTEST_MAIN(TestReconnect)
#include "tst_reconnect.moc"
