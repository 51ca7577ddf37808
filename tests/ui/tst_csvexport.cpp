// Exporting what a view shows as CSV, and reading the file back.
#include "MainWindow.h"
#include "UiTestSupport.h"
#include "calls/CallsView.h"
#include "export/ExportFlow.h"
#include "itemmodels/CallsTableModel.h"
#include "itemmodels/PoolTableModel.h"
#include "pool/PoolView.h"

#include <QAction>
#include <QComboBox>
#include <QFile>
#include <QLineEdit>
#include <QTemporaryDir>

using namespace PoolDesk;

static QList<QByteArray> csvLines(const QByteArray &data) {
    QList<QByteArray> lines = data.split('\n');
    if (!lines.isEmpty() && lines.last().isEmpty())
        lines.removeLast();
    for (QByteArray &line : lines)
        if (line.endsWith('\r'))
            line.chop(1);
    return lines;
}

class TestCsvExport : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { Test::initUiTests(); }

    void poolExportMatchesTheView_data() { Test::addEngineRows(); }
    void poolExportMatchesTheView() {
        QFETCH(QString, engine);
        QTemporaryDir dir;
        auto workspace = Test::workspaceFor(Test::openDemo(engine, 3));
        Ui::MainWindow window(*workspace);
        window.show();
        auto *view = window.findChild<Ui::PoolView *>(QStringLiteral("poolView"));
        auto *model = view->model();
        // Filtered to production: the export has the same rows.
        auto *environment = window.findChild<QComboBox *>(QStringLiteral("poolEnvironmentComboBox"));
        environment->setCurrentIndex(environment->findData(QStringLiteral("production")));
        QTRY_VERIFY_WITH_TIMEOUT(!model->isLoading() && model->rowCount() > 0 &&
                                     model->filter().environment == QLatin1String("production"),
                                 30000);

        const QString path = dir.filePath(QStringLiteral("pool.csv"));
        Ui::ExportFlow::setNextFileName(path, true);
        QTest::keyClick(&window, Qt::Key_E, Qt::ControlModifier);
        workspace->tasks().waitForAll();

        QFile file(path);
        QVERIFY2(file.open(QIODevice::ReadOnly), "the export wrote the file");
        const QByteArray data = file.readAll();
        QVERIFY2(data.startsWith("\xEF\xBB\xBF"), "the byte-order mark was asked for");
        const QList<QByteArray> lines = csvLines(data.mid(3));
        QCOMPARE(lines.size(), model->rowCount() + 1);
        QVERIFY(lines.first().contains(model->headerData(0, Qt::Horizontal).toString().toUtf8()));
        QVERIFY(data.contains("\r\n"));
        for (int row = 0; row < model->rowCount(); ++row) {
            QVERIFY(lines.at(row + 1).contains(model->rowAt(row)->e164.toUtf8()));
            QVERIFY(!lines.at(row + 1).contains("+1607695")); // development rows were filtered out
        }
        // The banner says where the file went.
        QVERIFY(window.messageWidget()->isVisible());
        QVERIFY(window.messageWidget()->text().contains(QStringLiteral("pool.csv")));
    }

    void callsExportWithoutBom_data() { Test::addEngineRows(); }
    void callsExportWithoutBom() {
        QFETCH(QString, engine);
        QTemporaryDir dir;
        auto workspace = Test::workspaceFor(Test::openDemo(engine, 3));
        Ui::MainWindow window(*workspace);
        window.show();
        window.showPage(Ui::MainWindow::Page::Calls);
        auto *view = window.findChild<Ui::CallsView *>(QStringLiteral("callsView"));
        auto *company = window.findChild<QComboBox *>(QStringLiteral("callsCompanyComboBox"));
        company->setCurrentIndex(company->findText(QStringLiteral("Hikari Insurance")));
        QTRY_VERIFY_WITH_TIMEOUT(view->model()->filter().companyId.has_value() &&
                                     !view->model()->isLoading() && view->model()->totalCount() > 0,
                                 30000);
        const qint64 total = view->model()->totalCount();
        const QString path = dir.filePath(QStringLiteral("calls.csv"));
        Ui::ExportFlow::setNextFileName(path, false);
        window.findChild<QAction *>(QStringLiteral("exportCsvAction"))->trigger();
        workspace->tasks().waitForAll();
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray data = file.readAll();
        QVERIFY(!data.startsWith("\xEF\xBB\xBF"));
        const QList<QByteArray> lines = csvLines(data);
        QCOMPARE(qint64(lines.size()), total + 1);
        for (int i = 1; i < lines.size(); ++i)
            QVERIFY(lines.at(i).contains("Hikari Insurance"));
    }
};

QTEST_MAIN(TestCsvExport)
#include "tst_csvexport.moc"
