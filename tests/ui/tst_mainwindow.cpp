// GUI smoke test: the console opens on a real database, every view can be reached with its
// keyboard shortcut, and the standard commands work on each of them.
#include "MainWindow.h"
#include "UiTestSupport.h"
#include "about/AboutDialog.h"
#include "about/AppInfo.h"
#include "common/View.h"
#include "pool/Numbers.h"
#include "settings/SettingsView.h"

#include <QAction>
#include <QClipboard>
#include <QLabel>
#include <QListWidget>
#include <QMenuBar>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QStackedWidget>
#include <QTabWidget>
#include <QTableView>
#include <QTableWidget>

using namespace PoolDesk;

class TestMainWindow : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { Test::initUiTests(); }

    void everyViewOpensWithItsShortcut_data() { Test::addEngineRows(); }
    void everyViewOpensWithItsShortcut() {
        QFETCH(QString, engine);
        auto workspace = Test::workspaceFor(Test::openDemo(engine, 7));
        Ui::MainWindow window(*workspace);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));

        auto *navigation = window.findChild<QListWidget *>(QStringLiteral("navigationListWidget"));
        auto *pages = window.findChild<QStackedWidget *>(QStringLiteral("pagesStackedWidget"));
        QVERIFY(navigation && pages);
        QCOMPARE(navigation->count(), pages->count());
        QVERIFY(navigation->count() >= 5);
        for (int i = navigation->count() - 1; i >= 0; --i) {
            QTest::keyClick(&window, static_cast<Qt::Key>(Qt::Key_1 + i), Qt::ControlModifier);
            QCOMPARE(pages->currentIndex(), i);
            auto *view = qobject_cast<Ui::View *>(pages->currentWidget());
            QVERIFY(view);
            QVERIFY(window.windowTitle().startsWith(view->title()));
            // F5 and Ctrl+F reach the view without complaint.
            QTest::keyClick(&window, Qt::Key_F5);
            QTest::keyClick(&window, Qt::Key_F, Qt::ControlModifier);
        }
        // The pool view fills from the database.
        window.showPage(Ui::MainWindow::Page::Pool);
        auto *table = window.findChild<QTableView *>(QStringLiteral("poolTableView"));
        QVERIFY(table);
        QTRY_VERIFY_WITH_TIMEOUT(table->model()->rowCount() > 0, 30000);
        // Ctrl+F put the cursor in the pool filter.
        QTest::keyClick(&window, Qt::Key_F, Qt::ControlModifier);
        QCOMPARE(QApplication::focusWidget()->objectName(), QStringLiteral("poolFilterLineEdit"));
        workspace->tasks().waitForAll();
    }

    void aboutSaysWhichBuildAndCopiesSystemInformation() {
        auto workspace = Test::workspaceFor(Test::openFresh(QStringLiteral("sqlite")));
        Ui::MainWindow window(*workspace);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QAction *about = nullptr;
        for (QAction *action : window.findChild<QMenu *>(QStringLiteral("helpMenu"))->actions())
            if (action->menuRole() == QAction::AboutRole)
                about = action;
        QVERIFY(about);
        about->trigger();
        auto *dialog = window.findChild<Ui::AboutDialog *>(QStringLiteral("aboutDialog"));
        QVERIFY(dialog);
        QTRY_VERIFY(dialog->isVisible());
        auto *text = dialog->findChild<QLabel *>(QStringLiteral("aboutText"));
        QVERIFY(text->text().contains(QStringLiteral("PoolDesk ") + AppInfo::version()));
        if (!AppInfo::revision().isEmpty())
            QVERIFY(text->text().contains(AppInfo::revision()));
        // Every third-party component names its licence.
        auto *licences = dialog->findChild<QTableWidget *>(QStringLiteral("thirdPartyTable"));
        QVERIFY(licences->rowCount() >= 5);
        for (int row = 0; row < licences->rowCount(); ++row)
            QVERIFY(!licences->item(row, 2)->text().isEmpty());
        // The system information holds what a maintainer asks for, and copies as shown.
        const QString info = dialog->systemInformation();
        QVERIFY(info.startsWith(AppInfo::versionLine(QStringLiteral("pooldesk"))));
        QVERIFY(info.contains(QStringLiteral("Qt: ") + QString::fromLatin1(qVersion())));
        QVERIFY(info.contains(QStringLiteral("QSQLITE")));
        QVERIFY(info.contains(QStringLiteral("Keychain: ")));
        QVERIFY(info.contains(QStringLiteral("Platform plugin: offscreen")));
        QVERIFY(info.contains(workspace->url().redacted()));
        QGuiApplication::clipboard()->clear();
        dialog->findChild<QPushButton *>(QStringLiteral("copySystemInformation"))->click();
        QCOMPARE(QGuiApplication::clipboard()->text(), info);
        QTest::keyClick(dialog, Qt::Key_Escape);
        QTRY_VERIFY(!window.findChild<Ui::AboutDialog *>(QStringLiteral("aboutDialog")));
        workspace->tasks().waitForAll();
    }

    void environmentIndicatorNamesProduction_data() { Test::addEngineRows(); }
    void environmentIndicatorNamesProduction() {
        QFETCH(QString, engine);
        auto workspace = Test::workspaceFor(Test::openFresh(engine));
        Ui::MainWindow window(*workspace);
        auto *badge = window.findChild<QLabel *>(QStringLiteral("environmentBadgeLabel"));
        QVERIFY(badge);
        const QString production = badge->text();
        workspace->setEnvironment(QStringLiteral("development"));
        QVERIFY(badge->text() != production);
        workspace->setEnvironment(QStringLiteral("production"));
        QCOMPARE(badge->text(), production);
        workspace->tasks().waitForAll();
    }

    void statusBarSaysWhoIsSignedIn_data() { Test::addEngineRows(); }
    void statusBarSaysWhoIsSignedIn() {
        // The database's login (SQLite: the OS account; PostgreSQL: the suite's superuser, who owns
        // the database and so is its administrator), never what USER claims.
        QFETCH(QString, engine);
        qputenv("USER", "mallory");
        auto workspace = Test::workspaceFor(Test::openFresh(engine));
        Ui::MainWindow window(*workspace);
        auto *identity = window.findChild<QLabel *>(QStringLiteral("identityLabel"));
        QVERIFY(identity);
        QVERIFY2(identity->text().startsWith(workspace->database().login() + QStringLiteral(" · ")),
                 qPrintable(identity->text()));
        QVERIFY2(identity->text().endsWith(QStringLiteral("Administrator")), qPrintable(identity->text()));
        QVERIFY(!identity->text().contains(QStringLiteral("mallory")));
        workspace->tasks().waitForAll();
    }

    void settingsSayWhatFileAccessMeans_data() { Test::addEngineRows(); }
    void settingsSayWhatFileAccessMeans() {
        QFETCH(QString, engine);
        auto workspace = Test::workspaceFor(Test::openFresh(engine));
        Ui::SettingsView settings(*workspace);
        auto *access = settings.findChild<QLabel *>(QStringLiteral("accessLabel"));
        QVERIFY(access);
        QVERIFY(access->text().contains(workspace->database().login()));
        if (engine == QLatin1String("sqlite"))
            QVERIFY2(access->text().contains(QStringLiteral("full access")), qPrintable(access->text()));
        else
            QVERIFY2(access->text().contains(QStringLiteral("own login")), qPrintable(access->text()));
        workspace->tasks().waitForAll();
    }

    void liveRefreshSeesAnotherConnection_data() { Test::addEngineRows(); }
    void liveRefreshSeesAnotherConnection() {
        QFETCH(QString, engine);
        auto workspace = Test::workspaceFor(Test::openFresh(engine));
        Ui::MainWindow window(*workspace);
        window.show();
        auto *table = window.findChild<QTableView *>(QStringLiteral("poolTableView"));
        QTRY_COMPARE_WITH_TIMEOUT(table->model()->rowCount(), 0, 30000);
        // Another process (here: another connection) adds a number to the environment shown.
        auto other = workspace->database().openAnother();
        QVERIFY(other);
        NewNumber number;
        number.e164 = QStringLiteral("+16076950001");
        number.environment = QStringLiteral("production");
        QVERIFY(Numbers(*other.value()).add(Actor{QStringLiteral("user:other")}, number));
        QTRY_COMPARE_WITH_TIMEOUT(table->model()->rowCount(), 1, 30000);
        workspace->tasks().waitForAll();
    }
};

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
