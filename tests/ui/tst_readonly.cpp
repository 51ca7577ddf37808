// The console on a database that takes no writes: it opens a read-only SQLite file (or a
// PostgreSQL database whose transactions are read-only), shows the pool, exports it, greys out
// every change and says why in a banner that names the database and offers to try again. When the
// disk fills while it runs, it turns read-only the same way: one banner, no dialogs, no crash.
#include "FaultySqliteVfs.h"
#include "MainWindow.h"
#include "UiTestSupport.h"
#include "common/MessageWidget.h"
#include "common/TaskRunner.h"
#include "domain/Types.h"
#include "export/ExportFlow.h"
#include "pool/Companies.h"
#include "pool/Numbers.h"
#include "storage/SqlHelpers.h"

#include <QAction>
#include <QApplication>
#include <QComboBox>
#include <QLabel>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableView>
#include <QToolButton>

using namespace PoolDesk;

namespace {

const Actor Admin{QStringLiteral("user:uitest")};

NewNumber numberOf(int n) {
    NewNumber number;
    number.e164 = QStringLiteral("+1555%1").arg(n, 7, 10, QLatin1Char('0'));
    number.environment = ProductionEnvironment;
    return number;
}

// A database with a company and three production numbers; its URL.
QString seeded(const QString &engine) {
    const QString url = Test::freshDatabaseUrl(engine);
    auto db = Database::open(url);
    if (!db)
        qFatal("cannot open %s", qUtf8Printable(url));
    if (!Companies(*db.value()).add(Admin, QStringLiteral("Sakura Dental"), Plan::Standard))
        qFatal("cannot add the company");
    for (int n = 1; n <= 3; ++n)
        if (!Numbers(*db.value()).add(Admin, numberOf(n)))
            qFatal("cannot add a number");
    return url;
}

struct Console {
    std::unique_ptr<Ui::Workspace> workspace;
    std::unique_ptr<Ui::MainWindow> window;
    QTableView *table = nullptr;
    Ui::MessageWidget *banner = nullptr;
    QLabel *status = nullptr;
};

Console openConsole(const QString &url) {
    Console console;
    auto db = Database::open(url);
    if (!db)
        qFatal("cannot open %s: %s", qUtf8Printable(url), qUtf8Printable(db.error().message));
    console.workspace = Test::workspaceFor(std::move(db).value());
    console.window = std::make_unique<Ui::MainWindow>(*console.workspace);
    console.window->show();
    console.window->showPage(Ui::MainWindow::Page::Pool);
    console.table = console.window->findChild<QTableView *>(QStringLiteral("poolTableView"));
    console.banner = console.window->findChild<Ui::MessageWidget *>(QStringLiteral("readOnlyMessageWidget"));
    console.status = console.window->findChild<QLabel *>(QStringLiteral("readOnlyLabel"));
    return console;
}

QAction *action(const Console &console, const char *name) {
    return console.window->findChild<QAction *>(QLatin1String(name));
}

// Costs on last month, which is over and open: its Close Month button once the report is shown.
// The pool page is shown again afterwards.
QPushButton *closeMonthButton(const Console &console) {
    console.window->showPage(Ui::MainWindow::Page::Costs);
    auto *months = console.window->findChild<QComboBox *>(QStringLiteral("costsMonthComboBox"));
    auto *closing = console.window->findChild<QLabel *>(QStringLiteral("costsClosingLabel"));
    if (!months || !closing)
        return nullptr;
    if (months->currentIndex() != 1) {
        closing->clear();
        months->setCurrentIndex(1);
    }
    if (!QTest::qWaitFor([&] { return !closing->text().isEmpty(); }, 30000))
        return nullptr;
    console.window->showPage(Ui::MainWindow::Page::Pool);
    return console.window->findChild<QPushButton *>(QStringLiteral("costsCloseMonthButton"));
}

void clickTryAgain(const Console &console) {
    auto *button = console.banner->findChild<QToolButton *>(QStringLiteral("messageActionButton"));
    QVERIFY(button && button->isVisible());
    QCOMPARE(button->text(), QStringLiteral("Try Again"));
    button->click();
}

} // namespace

class TestReadOnly : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() {
        Test::FaultySqliteVfs::install();
        Test::initUiTests();
    }
    void cleanup() { Test::FaultySqliteVfs::reset(); }
    void opensReadOnly_data() { Test::addEngineRows(); }
    void opensReadOnly();
    void diskFillsWhileRunning();

private:
    // What a read-only console shows and allows.
    void checkReadOnly(const Console &console, const QString &location, const QString &advice);
    void checkWritable(const Console &console);
};

void TestReadOnly::checkReadOnly(const Console &console, const QString &location, const QString &advice) {
    QVERIFY(!console.workspace->isWritable());
    QVERIFY(console.banner->isVisible());
    QCOMPARE(console.banner->type(), Ui::MessageWidget::Type::Warning);
    QVERIFY2(console.banner->text().contains(location) && console.banner->text().contains(advice),
             qPrintable(console.banner->text()));
    QVERIFY(console.status->isVisible());
    QVERIFY(console.status->text().startsWith(QLatin1String("Read-only")));
    // Changes are offered, greyed out.
    for (const char *name : {"addNumberAction", "assignNumberAction", "removeNumberAction",
                             "addCompanyAction", "twilioImportAction", "twilioBuyAction"}) {
        QAction *change = action(console, name);
        QVERIFY2(change, name);
        QVERIFY2(!change->isEnabled(), name);
    }
    QPushButton *close = closeMonthButton(console);
    QVERIFY(close);
    QVERIFY2(!close->isHidden(), "Close Month is offered, greyed out");
    QVERIFY(!close->isEnabled());
    QVERIFY(!QApplication::activeModalWidget());
}

void TestReadOnly::checkWritable(const Console &console) {
    QVERIFY(console.workspace->isWritable());
    QVERIFY(!console.banner->isVisible());
    QVERIFY(!console.status->isVisible());
    QVERIFY(action(console, "addNumberAction")->isEnabled());
    QVERIFY(action(console, "addCompanyAction")->isEnabled());
    QVERIFY(action(console, "twilioImportAction")->isEnabled());
    QPushButton *close = closeMonthButton(console);
    QVERIFY(close);
    QVERIFY(close->isEnabled());
}

void TestReadOnly::opensReadOnly() {
    QFETCH(QString, engine);
    const QString url = seeded(engine);
    QString location;
    std::unique_ptr<Database> owner; // PostgreSQL: the connection that turns it back
    if (engine == QLatin1String("sqlite")) {
        Test::FaultySqliteVfs::setReadOnlyFiles(true); // a file of mode 0444, for anyone but root
    } else {
        owner = std::move(Database::open(url, Database::Migrate::No)).value();
        QVERIFY(Sql::exec(owner->connection(),
                          QStringLiteral("ALTER DATABASE %1 SET default_transaction_read_only = on")
                              .arg(owner->url().databaseName)));
    }
    Console console = openConsole(url);
    QVERIFY(QTest::qWaitForWindowExposed(console.window.get()));
    location = console.workspace->database().location();
    QVERIFY(console.workspace->database().isReadOnly());

    // The data is there.
    QTRY_COMPARE_WITH_TIMEOUT(console.table->model()->rowCount(), 3, 30000);
    checkReadOnly(console, location, QStringLiteral("writable"));
    Test::keepScreenshot(console.window.get(), QStringLiteral("readonly-%1").arg(engine));

    // Exports to another folder work.
    QTemporaryDir dir;
    const QString csv = dir.filePath(QStringLiteral("pool.csv"));
    Ui::ExportFlow::setNextFileName(csv, false);
    action(console, "exportCsvAction")->trigger(); // Ctrl+E
    console.workspace->tasks().waitForAll();
    QFile exported(csv);
    QVERIFY2(exported.open(QIODevice::ReadOnly), "the export wrote the file");
    QVERIFY(exported.readAll().contains("+15550000003"));

    // Trying again while it is still read-only changes nothing, and the banner stays.
    clickTryAgain(console);
    checkReadOnly(console, location, QStringLiteral("writable"));

    // Writable again: trying again brings the changes back, without a restart.
    if (engine == QLatin1String("sqlite"))
        Test::FaultySqliteVfs::setReadOnlyFiles(false);
    else
        QVERIFY(Sql::exec(owner->connection(),
                          QStringLiteral("ALTER DATABASE %1 SET default_transaction_read_only = off")
                              .arg(owner->url().databaseName)));
    clickTryAgain(console);
    checkWritable(console);
    QVERIFY(Numbers(console.workspace->database()).add(Admin, numberOf(4)));
    QTRY_COMPARE_WITH_TIMEOUT(console.table->model()->rowCount(), 4, 30000);
    console.workspace->tasks().waitForAll();
}

void TestReadOnly::diskFillsWhileRunning() {
    Console console = openConsole(seeded(QStringLiteral("sqlite")));
    QVERIFY(QTest::qWaitForWindowExposed(console.window.get()));
    QTRY_COMPARE_WITH_TIMEOUT(console.table->model()->rowCount(), 3, 30000);
    checkWritable(console);
    const QString location = console.workspace->database().location();

    // A change on the window's connection meets the full disk; so do two in background jobs, on
    // connections of their own. The console turns read-only once.
    Test::FaultySqliteVfs::setDiskFull(true);
    QSignalSpy turned(console.workspace.get(), &Ui::Workspace::writableChanged);
    const auto failed = Numbers(console.workspace->database()).add(Admin, numberOf(5));
    QVERIFY(!failed);
    QCOMPARE(failed.error().reason, QString(Sql::DatabaseDiskFull));
    for (int n = 6; n <= 7; ++n)
        console.workspace->tasks().run<PoolNumber>(
            console.window.get(),
            [n](Database &db, const Ui::TaskControl &) { return Numbers(db).add(Admin, numberOf(n)); },
            [](Result<PoolNumber>) {});
    console.workspace->tasks().waitForAll();
    QTRY_VERIFY_WITH_TIMEOUT(!console.workspace->isWritable(), 5000);
    QTest::qWait(200); // the jobs' refusals arrive queued
    QCOMPARE(turned.size(), 1);
    checkReadOnly(console, location, QStringLiteral("Free space"));
    QCOMPARE(console.status->text(), QStringLiteral("Read-only: disk full"));
    Test::keepScreenshot(console.window.get(), QStringLiteral("readonly-diskfull"));
    console.window->showPage(Ui::MainWindow::Page::Costs); // last month, Close Month greyed out
    Test::keepScreenshot(console.window.get(), QStringLiteral("readonly-diskfull-costs"));
    console.window->showPage(Ui::MainWindow::Page::Pool);
    // Still showing the pool, and reading it again.
    action(console, "refreshAction")->trigger(); // F5
    QTRY_COMPARE_WITH_TIMEOUT(console.table->model()->rowCount(), 3, 30000);

    // Still full: trying again says so and stays read-only.
    clickTryAgain(console);
    checkReadOnly(console, location, QStringLiteral("Free space"));

    Test::FaultySqliteVfs::setDiskFull(false);
    clickTryAgain(console);
    checkWritable(console);
    QVERIFY(Numbers(console.workspace->database()).add(Admin, numberOf(5)));
    QTRY_COMPARE_WITH_TIMEOUT(console.table->model()->rowCount(), 4, 30000);
    console.workspace->tasks().waitForAll();
}

QTEST_MAIN(TestReadOnly)
#include "tst_readonly.moc"
