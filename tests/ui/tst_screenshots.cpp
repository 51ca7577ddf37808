// Saves a PNG of every view at 1280x800 on the demo workspace, for the README
// (docs/screenshots/). Not a behaviour test: it fails only when a picture cannot be taken.
// Output folder: POOLDESK_SCREENSHOT_DIR (default ./screenshots).
#include "MainWindow.h"
#include "UiTestSupport.h"
#include "common/View.h"
#include "companies/CompaniesView.h"
#include "itemmodels/CompaniesTableModel.h"

#include <QDir>
#include <QListWidget>
#include <QStackedWidget>
#include <QTableView>

using namespace PoolDesk;

class TestScreenshots : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { Test::initUiTests(); }

    void everyView() {
        const QString folder = qEnvironmentVariable("POOLDESK_SCREENSHOT_DIR", QStringLiteral("screenshots"));
        QVERIFY(QDir().mkpath(folder));
        auto workspace = Test::workspaceFor(Test::openDemo(QStringLiteral("sqlite"), 90));
        Ui::MainWindow window(*workspace);
        window.resize(1280, 800);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        auto *pages = window.findChild<QStackedWidget *>(QStringLiteral("pagesStackedWidget"));
        for (int i = 0; i < pages->count(); ++i) {
            window.showPage(static_cast<Ui::MainWindow::Page>(i));
            auto *view = qobject_cast<Ui::View *>(pages->widget(i));
            QVERIFY(view);
            if (auto *companies = qobject_cast<Ui::CompaniesView *>(view)) {
                QTRY_VERIFY_WITH_TIMEOUT(companies->model()->rowCount() > 0, 30000);
                companies->selectCompany(QStringLiteral("Tanaka Logistics"));
            }
            // Let the view's models and charts load (they work on other threads).
            QTest::qWait(2500);
            workspace->tasks().waitForAll();
            QTest::qWait(300);
            const QString name = QStringLiteral("%1-%2.png")
                                     .arg(i + 1, 2, 10, QLatin1Char('0'))
                                     .arg(view->objectName().chopped(4).toLower());
            const QPixmap shot = window.grab();
            QVERIFY(!shot.isNull());
            QVERIFY2(shot.save(QDir(folder).filePath(name)), qPrintable(name));
            qInfo("saved %s", qPrintable(QDir(folder).filePath(name)));
        }
    }
};

QTEST_MAIN(TestScreenshots)
#include "tst_screenshots.moc"
