// Live language switching: choosing another language in Settings words the open window again at
// once (menus, actions, page names, filters, form labels, table headers, status bar), with the
// real catalogues of translations/.
#include "MainWindow.h"
#include "Translations.h"
#include "UiTestSupport.h"
#include "common/Language.h"

#include <QAbstractItemModel>
#include <QAction>
#include <QComboBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMenu>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableView>

using namespace PoolDesk;

namespace {
QString ui(const char *context, const char *source) {
    return QCoreApplication::translate(context, source);
}
} // namespace

class TestRetranslation : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() {
        Test::initUiTests();
        Ui::Language::setChosen(QStringLiteral("en"));
        Translations::install(QStringLiteral("en"));
    }
    void cleanupTestCase() {
        Ui::Language::setChosen(QStringLiteral("en"));
        Translations::install(QStringLiteral("en"));
    }

    void settingsSwitchesTheOpenWindow_data() { Test::addEngineRows(); }
    void settingsSwitchesTheOpenWindow() {
        QFETCH(QString, engine);
        auto workspace = Test::workspaceFor(Test::openDemo(engine, 7));
        Ui::MainWindow window(*workspace);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));

        auto *file = window.findChild<QMenu *>(QStringLiteral("fileMenu"));
        auto *exportAction = window.findChild<QAction *>(QStringLiteral("exportCsvAction"));
        auto *navigation = window.findChild<QListWidget *>(QStringLiteral("navigationListWidget"));
        auto *poolFilter = window.findChild<QLineEdit *>(QStringLiteral("poolFilterLineEdit"));
        auto *live = window.findChild<QLabel *>(QStringLiteral("liveLabel"));
        auto *range = window.findChild<QComboBox *>(QStringLiteral("callsRangeComboBox"));
        auto *maxCalls = window.findChild<QLineEdit *>(QStringLiteral("maxConcurrentLineEdit"));
        auto *poolTable = window.findChild<QTableView *>(QStringLiteral("poolTableView"));
        auto *language = window.findChild<QComboBox *>(QStringLiteral("languageComboBox"));
        // The Costs page words its summary when the month's report arrives (built before it is shown).
        auto *costsSummary = window.findChild<QLabel *>(QStringLiteral("costsSummaryLabel"));
        auto *importAction = window.findChild<QAction *>(QStringLiteral("twilioImportAction"));
        auto *saveEnvironment = window.findChild<QPushButton *>(QStringLiteral("saveEnvironmentButton"));
        QVERIFY(importAction && saveEnvironment);
        QVERIFY(file && exportAction && navigation && poolFilter && live && range && maxCalls && poolTable &&
                language && costsSummary);
        const char *summarySource =
            "<b>Total %1</b> for %Ln call(s) — dedicated rental %2, shared rental %3, "
            "outbound %4, inbound %5.";
        QTRY_VERIFY_WITH_TIMEOUT(poolTable->model()->rowCount() > 0, 30000);
        auto *limits = qobject_cast<QFormLayout *>(maxCalls->parentWidget()->layout());
        QVERIFY(limits);
        auto *maxCallsLabel = qobject_cast<QLabel *>(limits->labelForField(maxCalls));
        QVERIFY(maxCallsLabel);

        // English to start with.
        QCOMPARE(file->title(), QStringLiteral("&File"));
        QCOMPARE(exportAction->text(), QStringLiteral("&Export as CSV…"));
        QCOMPARE(navigation->item(0)->text(), QStringLiteral("Pool"));
        QCOMPARE(poolFilter->placeholderText(),
                 QStringLiteral("Filter by number, company, operator or session (Ctrl+F)"));
        QCOMPARE(live->text(), QStringLiteral("Live"));
        QCOMPARE(range->itemText(range->findData(1)), QStringLiteral("Last 7 days"));
        QCOMPARE(maxCallsLabel->text(), QStringLiteral("Max concurrent &calls:"));
        QCOMPARE(importAction->text(), QStringLiteral("&Import Numbers from Twilio…"));
        QCOMPARE(saveEnvironment->text(), QStringLiteral("&Save"));
        QTRY_VERIFY_WITH_TIMEOUT(costsSummary->text().startsWith(QStringLiteral("<b>Total ")), 30000);
        const QString englishHeader = poolTable->model()->headerData(0, Qt::Horizontal).toString();

        // Japanese, chosen in Settings: no restart.
        window.showPage(Ui::MainWindow::Page::Settings);
        const QString englishTitle = window.windowTitle();
        QSignalSpy headers(poolTable->model(), &QAbstractItemModel::headerDataChanged);
        language->setCurrentIndex(language->findData(QStringLiteral("ja")));
        QCOMPARE(Ui::Language::chosen(), QStringLiteral("ja"));
        const QString japaneseFile = ui("PoolDesk::Ui::MainWindow", "&File");
        QVERIFY2(japaneseFile != QStringLiteral("&File"), "the Japanese catalogue is not installed");
        QTRY_COMPARE(file->title(), japaneseFile);
        QCOMPARE(exportAction->text(), ui("PoolDesk::Ui::MainWindow", "&Export as CSV…"));
        QCOMPARE(navigation->item(0)->text(), ui("PoolDesk::Ui::PoolView", "Pool"));
        QVERIFY(navigation->item(0)->text() != QStringLiteral("Pool"));
        QCOMPARE(poolFilter->placeholderText(),
                 ui("PoolDesk::Ui::PoolView", "Filter by number, company, operator or session (Ctrl+F)"));
        QCOMPARE(live->text(), ui("PoolDesk::Ui::MainWindow", "Live"));
        QCOMPARE(range->itemText(range->findData(1)), ui("PoolDesk::Ui::CallsView", "Last 7 days"));
        QCOMPARE(maxCallsLabel->text(), ui("PoolDesk::Ui::LimitsForm", "Max concurrent &calls:"));
        // The Twilio menu and the Environments page too.
        QCOMPARE(importAction->text(), ui("PoolDesk::Ui::TwilioActions", "&Import Numbers from Twilio…"));
        QVERIFY(importAction->text() != QStringLiteral("&Import Numbers from Twilio…"));
        QCOMPARE(saveEnvironment->text(), ui("PoolDesk::Ui::EnvironmentSettingsPage", "&Save"));
        QVERIFY(window.windowTitle() != englishTitle);
        const QString japaneseSummary =
            ui("PoolDesk::Ui::CostsView", summarySource).section(QStringLiteral("%1"), 0, 0);
        QVERIFY(!japaneseSummary.startsWith(QStringLiteral("<b>Total ")));
        QTRY_VERIFY_WITH_TIMEOUT(costsSummary->text().startsWith(japaneseSummary), 30000);
        // The table's header is asked again, and reads Japanese.
        QVERIFY(!headers.isEmpty());
        QVERIFY(poolTable->model()->headerData(0, Qt::Horizontal).toString() != englishHeader);
        // The language list names the choices in the new language too, without switching again.
        QCOMPARE(language->currentData().toString(), QStringLiteral("ja"));

        // And back to English.
        language->setCurrentIndex(language->findData(QStringLiteral("en")));
        QTRY_COMPARE(file->title(), QStringLiteral("&File"));
        QCOMPARE(navigation->item(0)->text(), QStringLiteral("Pool"));
        QCOMPARE(maxCallsLabel->text(), QStringLiteral("Max concurrent &calls:"));
        QCOMPARE(poolTable->model()->headerData(0, Qt::Horizontal).toString(), englishHeader);
        QCOMPARE(window.windowTitle(), englishTitle);
        workspace->tasks().waitForAll();
    }
};

QTEST_MAIN(TestRetranslation)
#include "tst_retranslation.moc"
