// First start on an empty database: the console offers the demo workspace; accepting creates it
// (on a worker thread), declining leaves the database empty with a banner action to do it later.
#include "MainWindow.h"
#include "UiTestSupport.h"
#include "firststart/DemoWorkspaceOffer.h"
#include "pool/Companies.h"

#include <QSignalSpy>
#include <QTableView>
#include <QToolButton>

using namespace PoolDesk;

class TestFirstStart : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { Test::initUiTests(); }

    void acceptingCreatesTheDemo_data() { Test::addEngineRows(); }
    void acceptingCreatesTheDemo() {
        QFETCH(QString, engine);
        auto workspace = Test::workspaceFor(Test::openFresh(engine));
        Ui::MainWindow window(*workspace);
        window.show();
        const int asked = Ui::MessageBox::questionsAsked();
        Ui::MessageBox::setNextAnswer(Ui::MessageBox::Accept);
        window.offerDemoWorkspaceIfEmpty();
        QCOMPARE(Ui::MessageBox::questionsAsked(), asked + 1);
        auto *offer = window.findChild<Ui::DemoWorkspaceOffer *>(QStringLiteral("demoWorkspaceOffer"));
        QVERIFY(offer);
        QSignalSpy finished(offer, &Ui::DemoWorkspaceOffer::finished);
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 300000);
        QCOMPARE(finished.first().first().toBool(), true);
        auto companies = Companies(workspace->database()).list();
        QVERIFY(companies);
        QVERIFY(companies.value().size() >= 3);
        QCOMPARE(window.messageWidget()->type(), Ui::MessageWidget::Type::Positive);
        // The console shows the demo where its calls are, with the Pool table's columns sized for
        // the numbers that arrived, not for the empty table it first showed.
        QCOMPARE(workspace->environment(), QStringLiteral("production"));
        window.resize(1280, 800);
        window.showPage(Ui::MainWindow::Page::Pool);
        auto *table = window.findChild<QTableView *>(QStringLiteral("poolTableView"));
        QVERIFY(table);
        QTRY_VERIFY_WITH_TIMEOUT(table->model()->rowCount() > 2, 30000);
        QTRY_VERIFY_WITH_TIMEOUT(table->property("pooldeskColumnsFitted").toBool(), 30000);
        const QString number = table->model()->index(0, 0).data().toString();
        QVERIFY(number.startsWith(QLatin1Char('+')));
        QVERIFY2(table->columnWidth(0) >= table->fontMetrics().horizontalAdvance(number),
                 qPrintable(QStringLiteral("%1 px for %2").arg(table->columnWidth(0)).arg(number)));

        // A database with companies is not offered the demo again.
        auto *again = new Ui::DemoWorkspaceOffer(*workspace, &window, window.messageWidget(), &window);
        QVERIFY(!again->databaseIsEmpty());
        workspace->tasks().waitForAll();
    }

    void decliningLeavesItEmpty_data() { Test::addEngineRows(); }
    void decliningLeavesItEmpty() {
        QFETCH(QString, engine);
        auto workspace = Test::workspaceFor(Test::openFresh(engine));
        Ui::MainWindow window(*workspace);
        window.show();
        Ui::MessageBox::setNextAnswer(Ui::MessageBox::Reject);
        window.offerDemoWorkspaceIfEmpty();
        QVERIFY(Companies(workspace->database()).list().value().isEmpty());
        QVERIFY(window.messageWidget()->isVisible());
        auto *action =
            window.messageWidget()->findChild<QToolButton *>(QStringLiteral("messageActionButton"));
        QVERIFY(action && action->isVisible());
        workspace->tasks().waitForAll();
    }
};

QTEST_MAIN(TestFirstStart)
#include "tst_firststart.moc"
