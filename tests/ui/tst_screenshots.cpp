// Saves a PNG of every view at 1280x800 on the demo workspace, in English (01-pool.png ...) and in
// Japanese (01-pool-ja.png ...), for the README (docs/screenshots/). Not a behaviour test: it fails
// only when a picture cannot be taken. Output folder: POOLDESK_SCREENSHOT_DIR (default ./screenshots).
// The Japanese pictures need a CJK font (fonts-ipafont-gothic or fonts-noto-cjk).
#include "MainWindow.h"
#include "Translations.h"
#include "UiTestSupport.h"
#include "about/AboutDialog.h"
#include "common/Language.h"
#include "common/MessageBox.h"
#include "common/View.h"
#include "companies/CompaniesView.h"
#include "firststart/DemoWorkspaceOffer.h"
#include "itemmodels/CompaniesTableModel.h"
#include "itemmodels/PoolTableModel.h"

#include <QDir>
#include <QListWidget>
#include <QScrollArea>
#include <QScrollBar>
#include <QSignalSpy>
#include <QStackedWidget>
#include <QTabWidget>
#include <QTableView>

using namespace PoolDesk;

class TestScreenshots : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { Test::initUiTests(); }
    void cleanupTestCase() {
        Translations::install(QStringLiteral("en"));
        QLocale::setDefault(QLocale::system());
    }

    void everyView_data() { languages(); }
    void firstStart_data() { languages(); }
    void languages() {
        QTest::addColumn<QString>("language");
        QTest::addColumn<QString>("suffix");
        QTest::addColumn<QLocale>("locale");
        // A Japanese user's system formats dates and numbers the Japanese way too.
        QTest::newRow("en") << QStringLiteral("en") << QString() << QLocale::system();
        QTest::newRow("ja") << QStringLiteral("ja") << QStringLiteral("-ja")
                            << QLocale(QLocale::Japanese, QLocale::Japan);
    }
    // What a new user sees after "Create demo workspace" on a fresh database, and Help ▸ About.
    void firstStart() {
        QFETCH(QString, suffix);
        const QString folder = useLanguage();
        QVERIFY(!folder.isEmpty());
        auto workspace = Test::workspaceFor(Test::openFresh(QStringLiteral("sqlite")));
        Ui::MainWindow window(*workspace);
        window.resize(1280, 800);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        Ui::MessageBox::setNextAnswer(Ui::MessageBox::Accept);
        window.offerDemoWorkspaceIfEmpty();
        auto *offer = window.findChild<Ui::DemoWorkspaceOffer *>(QStringLiteral("demoWorkspaceOffer"));
        QVERIFY(offer);
        QSignalSpy finished(offer, &Ui::DemoWorkspaceOffer::finished);
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 300000);
        auto *table = window.findChild<QTableView *>(QStringLiteral("poolTableView"));
        QTRY_VERIFY_WITH_TIMEOUT(table->property("pooldeskColumnsFitted").toBool(), 30000);
        QTest::qWait(1500);
        workspace->tasks().waitForAll();
        save(window.grab(), folder, QStringLiteral("00-first-start%1.png").arg(suffix));

        auto *dialog = new Ui::AboutDialog(workspace->url().redacted(), &window);
        dialog->setAttribute(Qt::WA_DeleteOnClose);
        dialog->show();
        QVERIFY(QTest::qWaitForWindowExposed(dialog));
        save(dialog->grab(), folder, QStringLiteral("08-about%1.png").arg(suffix));
        dialog->findChild<QTabWidget *>(QStringLiteral("aboutTabs"))->setCurrentIndex(2);
        QTest::qWait(100);
        save(dialog->grab(), folder, QStringLiteral("08-about-system%1.png").arg(suffix));
        dialog->close();
    }

    void everyView() {
        QFETCH(QString, suffix);
        const QString folder = useLanguage();
        QVERIFY(!folder.isEmpty());
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
            const QString name = QStringLiteral("%1-%2%3.png")
                                     .arg(i + 1, 2, 10, QLatin1Char('0'))
                                     .arg(view->objectName().chopped(4).toLower(), suffix);
            save(window.grab(), folder, name);
            // The caller-ID parts sit off the first screen: the Pool view's health columns,
            // Settings ▸ Caller ID and the Usage view's answer rate by number.
            if (auto *table = view->findChild<QTableView *>(QStringLiteral("poolTableView"))) {
                table->scrollTo(table->model()->index(0, int(PoolTableModel::Column::RestingUntil)));
                QTest::qWait(200);
                save(window.grab(), folder, name.chopped(4) + QStringLiteral("-health.png"));
            }
            if (auto *callerId = view->findChild<QWidget *>(QStringLiteral("callerIdSettingsGroupBox"))) {
                auto *scroll = view->findChild<QScrollArea *>(QStringLiteral("settingsScrollArea"));
                QVERIFY(scroll);
                scroll->ensureWidgetVisible(callerId, 0, 0);
                QTest::qWait(200);
                save(window.grab(), folder, name.chopped(4) + QStringLiteral("-caller-id.png"));
            }
            // The Usage view's answer rate by number, below its first screen of charts.
            if (view->findChild<QWidget *>(QStringLiteral("answerRateChartView"))) {
                auto *scroll = view->findChild<QScrollArea *>(QStringLiteral("usageChartsScrollArea"));
                QVERIFY(scroll);
                // It is the last row: the bottom (ensureWidgetVisible goes by a chart view's input
                // method rectangle, which is empty, and does not move).
                scroll->verticalScrollBar()->setValue(scroll->verticalScrollBar()->maximum());
                QTest::qWait(200);
                save(window.grab(), folder, name.chopped(4) + QStringLiteral("-answer-rate.png"));
            }
        }
    }

private:
    // Sets the row's language and returns the output folder, or nothing when it cannot be made.
    QString useLanguage() {
        QFETCH(QString, language);
        QFETCH(QLocale, locale);
        QLocale::setDefault(locale);
        Ui::Language::setChosen(language);
        Translations::install(language);
        const QString folder = qEnvironmentVariable("POOLDESK_SCREENSHOT_DIR", QStringLiteral("screenshots"));
        return QDir().mkpath(folder) ? folder : QString();
    }

    static void save(const QPixmap &shot, const QString &folder, const QString &name) {
        QVERIFY(!shot.isNull());
        QVERIFY2(shot.save(QDir(folder).filePath(name)), qPrintable(name));
        qInfo("saved %s", qPrintable(QDir(folder).filePath(name)));
    }
};

QTEST_MAIN(TestScreenshots)
#include "tst_screenshots.moc"
