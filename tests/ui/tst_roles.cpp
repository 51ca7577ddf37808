// The console as each role sees it, signed in to PostgreSQL with their own login: a manager sees
// only their company and is offered no change, finance reads everything and changes nothing. The
// database enforces the same (tests/security); here the console must not offer what would fail.
#include "MainWindow.h"
#include "UiTestSupport.h"
#include "common/MessageWidget.h"
#include "itemmodels/ItemRoles.h"
#include "security/Identity.h"
#include "storage/SqlHelpers.h"

#include <QAction>
#include <QLabel>
#include <QListWidget>
#include <QMenu>
#include <QMenuBar>
#include <QPushButton>
#include <QTableView>
#include <QUrl>
#include <QUuid>

using namespace PoolDesk;

namespace {

const QString Password = QStringLiteral("ui-roles-test-password-3");

struct SignedInConsole {
    std::unique_ptr<Ui::Workspace> workspace;
    std::unique_ptr<Ui::MainWindow> window;
};

// Adds LOGIN with ROLE to the demo database at URL (as its owner) and opens a console as it.
SignedInConsole consoleAs(Database &owner, const QString &url, Role role, const QStringList &companies) {
    const QString login =
        QStringLiteral("ui_%1_").arg(toString(role)) + QUuid::createUuid().toString(QUuid::Id128).left(8);
    auto added = Members(owner).add({login, role, companies, false}, Password);
    if (!added)
        qFatal("cannot add %s: %s", qPrintable(login), qPrintable(added.error().message));
    QUrl signedIn(url);
    signedIn.setUserName(login);
    signedIn.setPassword(Password);
    auto db = Database::open(signedIn.toString());
    if (!db)
        qFatal("cannot sign in as %s: %s", qPrintable(login), qPrintable(db.error().message));
    SignedInConsole console;
    console.workspace = Test::workspaceFor(std::move(db).value());
    console.window = std::make_unique<Ui::MainWindow>(*console.workspace);
    console.window->resize(1280, 800);
    console.window->show();
    return console;
}

// Every value of COLUMN in the table view's model, once its rows are in.
QStringList columnOf(QTableView *table, int column) {
    QStringList values;
    for (int row = 0; row < table->model()->rowCount(); ++row)
        values.append(table->model()->index(row, column).data().toString());
    return values;
}

} // namespace

class TestRoles : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() {
        Test::initUiTests();
        if (!Test::engines().contains(QStringLiteral("postgresql")))
            QFAIL("needs the suite's PostgreSQL cluster (run through ctest)");
        m_url = Test::freshDatabaseUrl(QStringLiteral("postgresql"));
        auto db = Database::open(m_url);
        QVERIFY(db);
        m_owner = std::move(db).value();
        QVERIFY(DemoWorkspace::create(*m_owner, Actor::system(QStringLiteral("test")), 7));
        m_companies = Test::scalar(*m_owner, QStringLiteral("SELECT COUNT(*) FROM companies"));
        auto first =
            Sql::exec(m_owner->connection(), QStringLiteral("SELECT name FROM companies ORDER BY name"));
        QVERIFY(first && first.value().next());
        m_company = first.value().value(0).toString();
        QVERIFY(m_companies > 1);
    }
    void managerSeesTheirCompanyAndChangesNothing();
    void financeReadsEverythingAndChangesNothing();

private:
    QString m_url;
    std::unique_ptr<Database> m_owner;
    qint64 m_companies = 0;
    QString m_company;
};

void TestRoles::managerSeesTheirCompanyAndChangesNothing() {
    SignedInConsole console = consoleAs(*m_owner, m_url, Role::Manager, {m_company});
    Ui::MainWindow &window = *console.window;
    QVERIFY(QTest::qWaitForWindowExposed(&window));

    // The status bar says who and for which company.
    auto *identity = window.findChild<QLabel *>(QStringLiteral("identityLabel"));
    QVERIFY(identity->text().contains(m_company));
    // No Audit Log, no Twilio.
    auto *navigation = window.findChild<QListWidget *>(QStringLiteral("navigationListWidget"));
    QVERIFY(navigation->item(int(Ui::MainWindow::Page::Audit))->isHidden());
    QVERIFY(!window.findChild<QAction *>(QStringLiteral("showPage6Action"))->isVisible());
    QVERIFY(!window.findChild<QMenu *>(QStringLiteral("twilioMenu"))->menuAction()->isVisible());
    for (const char *name : {"twilioImportAction", "twilioBuyAction", "twilioReleaseAction"})
        QVERIFY2(!window.findChild<QAction *>(QString::fromLatin1(name))->isEnabled(), name);
    // Nor the account-wide comparison with Twilio's bill, nor closing months.
    QVERIFY(!window.findChild<QWidget *>(QStringLiteral("reconcilePanel")));
    QVERIFY(window.findChild<QPushButton *>(QStringLiteral("costsCloseMonthButton"))->isHidden());

    // The pool: their dedicated numbers only, and no change offered, with the reason.
    auto *add = window.findChild<QAction *>(QStringLiteral("addNumberAction"));
    QVERIFY(!add->isEnabled());
    QVERIFY2(add->toolTip().contains(displayName(Role::Administrator)), qPrintable(add->toolTip()));
    auto *pool = window.findChild<QTableView *>(QStringLiteral("poolTableView"));
    QTRY_VERIFY_WITH_TIMEOUT(pool->model()->rowCount() > 0, 30000);
    const qint64 dedicated =
        Test::scalar(*m_owner,
                     QStringLiteral("SELECT COUNT(*) FROM phone_numbers n JOIN companies c "
                                    "ON c.id = n.dedicated_company_id WHERE c.name = ?"),
                     {m_company});
    QCOMPARE(pool->model()->rowCount(), int(dedicated));
    Test::keepScreenshot(&window, QStringLiteral("manager-pool"));

    // Companies: theirs alone, limits shown read-only.
    window.showPage(Ui::MainWindow::Page::Companies);
    auto *companies = window.findChild<QTableView *>(QStringLiteral("companiesTableView"));
    QTRY_VERIFY_WITH_TIMEOUT(companies->model()->rowCount() > 0, 30000);
    QCOMPARE(columnOf(companies, 0), QStringList{m_company});
    auto *addCompany = window.findChild<QAction *>(QStringLiteral("addCompanyAction"));
    QVERIFY(!addCompany->isEnabled());
    QVERIFY2(addCompany->toolTip().contains(displayName(Role::Administrator)),
             qPrintable(addCompany->toolTip()));
    companies->selectRow(0);
    QVERIFY(!window.findChild<QPushButton *>(QStringLiteral("saveLimitsButton"))->isVisible());
    Test::keepScreenshot(&window, QStringLiteral("manager-companies"));

    // Calls: theirs alone.
    window.showPage(Ui::MainWindow::Page::Calls);
    auto *calls = window.findChild<QTableView *>(QStringLiteral("callsTableView"));
    QTRY_VERIFY_WITH_TIMEOUT(calls->model()->rowCount() > 0, 30000);
    const QStringList callCompanies = columnOf(calls, 1);
    QCOMPARE(QSet<QString>(callCompanies.cbegin(), callCompanies.cend()), QSet<QString>{m_company});
    Test::keepScreenshot(&window, QStringLiteral("manager-calls"));
    // Nothing the console asked was refused by the database: it asks only what the role may read.
    auto *banner = window.findChild<Ui::MessageWidget *>(QStringLiteral("bannerMessageWidget"));
    QVERIFY2(!banner->isVisible(), qPrintable(banner->text()));
    console.workspace->tasks().waitForAll();
}

void TestRoles::financeReadsEverythingAndChangesNothing() {
    SignedInConsole console = consoleAs(*m_owner, m_url, Role::Finance, {});
    Ui::MainWindow &window = *console.window;
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    auto *navigation = window.findChild<QListWidget *>(QStringLiteral("navigationListWidget"));
    QVERIFY(!navigation->item(int(Ui::MainWindow::Page::Audit))->isHidden());
    QVERIFY(!window.findChild<QAction *>(QStringLiteral("addNumberAction"))->isEnabled());
    QVERIFY(!window.findChild<QMenu *>(QStringLiteral("twilioMenu"))->menuAction()->isVisible());
    window.showPage(Ui::MainWindow::Page::Companies);
    auto *companies = window.findChild<QTableView *>(QStringLiteral("companiesTableView"));
    QTRY_VERIFY_WITH_TIMEOUT(companies->model()->rowCount() > 0, 30000);
    QCOMPARE(companies->model()->rowCount(), int(m_companies));
    QVERIFY(!window.findChild<QAction *>(QStringLiteral("addCompanyAction"))->isEnabled());
    Test::keepScreenshot(&window, QStringLiteral("finance-companies"));
    // Settings: read, not changed (the language stays each person's own).
    window.showPage(Ui::MainWindow::Page::Settings);
    QVERIFY(!window.findChild<QPushButton *>(QStringLiteral("saveSettingsButton"))->isVisible());
    QVERIFY(!window.findChild<QWidget *>(QStringLiteral("poolSettingsGroupBox"))->isEnabled());
    QVERIFY(window.findChild<QWidget *>(QStringLiteral("languageComboBox"))->isEnabled());
    console.workspace->tasks().waitForAll();
}

QTEST_MAIN(TestRoles)
#include "tst_roles.moc"
