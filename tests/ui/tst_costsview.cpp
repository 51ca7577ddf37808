// The Costs view: a month's report with the sharing rule on screen, its CSV export, and the
// printable PDF report per company.
#include "MainWindow.h"
#include "UiTestSupport.h"
#include "costs/CostsView.h"
#include "export/ExportFlow.h"
#include "itemmodels/CostReportModel.h"
#include "usage/UsageView.h"

#include "common/Format.h"
#include "common/MessageBox.h"
#include "storage/Settings.h"

#include <QComboBox>
#include <QFile>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QSignalSpy>
#include <QTemporaryDir>

using namespace PoolDesk;

class TestCostsView : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { Test::initUiTests(); }

    void monthReportExportAndPdf_data() { Test::addEngineRows(); }
    void monthReportExportAndPdf() {
        QFETCH(QString, engine);
        QTemporaryDir dir;
        auto workspace = Test::workspaceFor(Test::openDemo(engine, 40));
        Ui::MainWindow window(*workspace);
        window.show();
        auto *view = window.findChild<Ui::CostsView *>(QStringLiteral("costsView"));
        QVERIFY(view);
        QSignalSpy history(view, &Ui::CostsView::historyLoaded);
        window.showPage(Ui::MainWindow::Page::Costs);
        QTRY_VERIFY_WITH_TIMEOUT(!view->model()->isLoading() && !view->model()->report().companies.isEmpty(),
                                 60000);
        QTRY_COMPARE_WITH_TIMEOUT(history.count(), 1, 120000);

        // The pro-rata rule is stated on screen.
        auto *rule = window.findChild<QLabel *>(QStringLiteral("costsRuleLabel"));
        QCOMPARE(rule->text().left(20), CostReport::sharingRule().left(20));
        auto *summary = window.findChild<QLabel *>(QStringLiteral("costsSummaryLabel"));
        QVERIFY(!summary->text().isEmpty());
        QVERIFY(window.findChild<QListWidget *>(QStringLiteral("costsAdviceListWidget"))->count() > 0);

        // CSV of the table as shown: one line per row plus the header.
        const QString csv = dir.filePath(QStringLiteral("costs.csv"));
        Ui::ExportFlow::setNextFileName(csv, true);
        QTest::keyClick(&window, Qt::Key_E, Qt::ControlModifier);
        workspace->tasks().waitForAll();
        QFile csvFile(csv);
        QVERIFY(csvFile.open(QIODevice::ReadOnly));
        const QByteArray data = csvFile.readAll();
        QCOMPARE(data.count("\r\n"), qsizetype(view->model()->rowCount() + 1));
        QVERIFY(data.contains(view->model()->report().companies.first().name.toUtf8()));

        // The PDF report of one company.
        const CompanyCost &company = view->model()->report().companies.first();
        const QString pdf = dir.filePath(QStringLiteral("report.pdf"));
        QVERIFY(view->writeCompanyPdf(company.companyId, pdf));
        QFile pdfFile(pdf);
        QVERIFY(pdfFile.open(QIODevice::ReadOnly));
        QVERIFY(pdfFile.read(5) == "%PDF-");
        QVERIFY(pdfFile.size() > 10000); // text and two charts
        QVERIFY(!view->writeCompanyPdf(-42, dir.filePath(QStringLiteral("none.pdf"))));
        QVERIFY(!QFile::exists(dir.filePath(QStringLiteral("none.pdf"))));
        workspace->tasks().waitForAll();
    }

    // Finance's month end: last month, closed from the Costs view in the workspace's zone, shows
    // who closed it; an administrator may re-open it.
    void closeAndReopenLastMonth_data() { Test::addEngineRows(); }
    void closeAndReopenLastMonth() {
        QFETCH(QString, engine);
        auto db = Test::openDemo(engine, 40);
        QVERIFY(Settings::set(*db, Actor{QStringLiteral("user:test")}, SettingKeys::BillingTimeZone,
                              QStringLiteral("Asia/Tokyo")));
        auto workspace = Test::workspaceFor(std::move(db));
        Ui::MainWindow window(*workspace);
        window.resize(1400, 800);
        window.show();
        auto *view = window.findChild<Ui::CostsView *>(QStringLiteral("costsView"));
        window.showPage(Ui::MainWindow::Page::Costs);
        auto *months = window.findChild<QComboBox *>(QStringLiteral("costsMonthComboBox"));
        months->setCurrentIndex(1);
        QTRY_VERIFY_WITH_TIMEOUT(
            !view->model()->isLoading() && view->model()->month() == months->itemData(1).toString(), 60000);
        QCOMPARE(view->model()->report().timeZone, QStringLiteral("Asia/Tokyo"));
        auto *state = window.findChild<QLabel *>(QStringLiteral("costsClosingLabel"));
        auto *close = window.findChild<QPushButton *>(QStringLiteral("costsCloseMonthButton"));
        auto *reopen = window.findChild<QPushButton *>(QStringLiteral("costsReopenMonthButton"));
        QVERIFY(state->text().startsWith(QStringLiteral("Open")));
        QVERIFY(close->isEnabled());
        QVERIFY(!reopen->isVisible());

        const Micros total = view->model()->report().total;
        Ui::MessageBox::setNextAnswer(Ui::MessageBox::Accept);
        close->click();
        QTRY_VERIFY_WITH_TIMEOUT(view->model()->report().closing.has_value() && !view->model()->isLoading(),
                                 60000);
        QVERIFY(Ui::MessageBox::lastText().contains(Ui::Format::money(total)));
        QCOMPARE(view->model()->report().total, total);
        QVERIFY(state->text().startsWith(QStringLiteral("Closed on")));
        QVERIFY(state->text().contains(QStringLiteral("JST")));
        QVERIFY(state->text().contains(QStringLiteral("verified")));
        QVERIFY(!close->isEnabled());
        QVERIFY(reopen->isVisible());
        workspace->tasks().waitForAll();
        Test::keepScreenshot(&window, QStringLiteral("costs-closed-month"));

        Ui::MessageBox::setNextAnswer(Ui::MessageBox::Accept);
        reopen->click();
        QTRY_VERIFY_WITH_TIMEOUT(!view->model()->report().closing.has_value() && !view->model()->isLoading(),
                                 60000);
        QVERIFY(state->text().startsWith(QStringLiteral("Open")));
        workspace->tasks().waitForAll();
    }

    void usageChartsLoad_data() { Test::addEngineRows(); }
    void usageChartsLoad() {
        QFETCH(QString, engine);
        auto workspace = Test::workspaceFor(Test::openDemo(engine, 7));
        Ui::MainWindow window(*workspace);
        window.show();
        auto *view = window.findChild<Ui::UsageView *>(QStringLiteral("usageView"));
        QSignalSpy loaded(view, &Ui::UsageView::loaded);
        window.showPage(Ui::MainWindow::Page::Usage);
        QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 1, 120000);
        QVERIFY(!view->data().all.hours.isEmpty());
        QVERIFY(!view->data().numbers.isEmpty());
        auto *sizing = window.findChild<QLabel *>(QStringLiteral("erlangSizingLabel"));
        QVERIFY(sizing->text().contains(QStringLiteral("Erlang")));
        workspace->tasks().waitForAll();
    }
};

QTEST_MAIN(TestCostsView)
#include "tst_costsview.moc"
