// Editing a company's limits in the Companies view: a valid change is saved (and audited), an
// invalid one is refused inline and changes nothing.
#include "MainWindow.h"
#include "UiTestSupport.h"
#include "companies/AddCompanyDialog.h"
#include "companies/CompaniesView.h"
#include "itemmodels/CompaniesTableModel.h"
#include "pool/Companies.h"

#include <QApplication>
#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTableView>
#include <QTimer>

using namespace PoolDesk;

class TestCompaniesView : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { Test::initUiTests(); }

    void editLimits_data() { Test::addEngineRows(); }
    void editLimits() {
        QFETCH(QString, engine);
        auto workspace = Test::workspaceFor(Test::openDemo(engine, 3));
        Ui::MainWindow window(*workspace);
        window.show();
        window.showPage(Ui::MainWindow::Page::Companies);
        auto *view = window.findChild<Ui::CompaniesView *>(QStringLiteral("companiesView"));
        QTRY_VERIFY_WITH_TIMEOUT(view->model()->rowCount() > 0 && !view->model()->isLoading(), 30000);
        QVERIFY(view->selectCompany(QStringLiteral("Maple Tutoring")));
        auto *name = window.findChild<QLabel *>(QStringLiteral("companyNameLabel"));
        QCOMPARE(name->text(), QStringLiteral("Maple Tutoring"));

        auto *concurrent = window.findChild<QLineEdit *>(QStringLiteral("maxConcurrentLineEdit"));
        auto *budget = window.findChild<QLineEdit *>(QStringLiteral("monthlyBudgetLineEdit"));
        auto *save = window.findChild<QPushButton *>(QStringLiteral("saveLimitsButton"));
        auto *error = window.findChild<QLabel *>(QStringLiteral("companyLimitsErrorLabel"));
        QVERIFY(concurrent && budget && save && error);

        // A valid change.
        concurrent->selectAll();
        QTest::keyClicks(concurrent, QStringLiteral("7"));
        budget->selectAll();
        QTest::keyClicks(budget, QStringLiteral("125.50"));
        QTest::mouseClick(save, Qt::LeftButton);
        QVERIFY2(!error->isVisible(), qPrintable(error->text()));
        auto saved = Companies(workspace->database()).find(QStringLiteral("Maple Tutoring"));
        QCOMPARE(saved.value().limits.maxConcurrentCalls, std::optional<int>(7));
        QCOMPARE(saved.value().limits.monthlyBudget, std::optional<Micros>(125'500'000));

        // Rejected by the rules (a company needs at least one concurrent call): shown inline, nothing saved.
        concurrent->selectAll();
        QTest::keyClicks(concurrent, QStringLiteral("-3"));
        QTest::mouseClick(save, Qt::LeftButton);
        QVERIFY(error->isVisible());
        QVERIFY(!error->text().isEmpty());
        QCOMPARE(Companies(workspace->database())
                     .find(QStringLiteral("Maple Tutoring"))
                     .value()
                     .limits.maxConcurrentCalls,
                 std::optional<int>(7));

        // Not a number at all: the field is named in the message, nothing saved.
        concurrent->selectAll();
        QTest::keyClicks(concurrent, QStringLiteral("lots"));
        QTest::mouseClick(save, Qt::LeftButton);
        QVERIFY(error->isVisible());
        QVERIFY(error->text().contains(QStringLiteral("concurrent"), Qt::CaseInsensitive));
        QCOMPARE(Companies(workspace->database())
                     .find(QStringLiteral("Maple Tutoring"))
                     .value()
                     .limits.maxConcurrentCalls,
                 std::optional<int>(7));

        // Clearing a field means "no limit"; typing again hides the old error.
        concurrent->clear();
        QTest::keyClicks(concurrent, QStringLiteral(" "));
        QVERIFY(!error->isVisible());
        concurrent->clear();
        QTest::mouseClick(save, Qt::LeftButton);
        QCOMPARE(Companies(workspace->database())
                     .find(QStringLiteral("Maple Tutoring"))
                     .value()
                     .limits.maxConcurrentCalls,
                 std::nullopt);

        // The table shows the saved limit after its refresh.
        QTRY_VERIFY_WITH_TIMEOUT(
            view->model()->rowAt(view->model()->rowOfId(saved.value().id))->company.limits.monthlyBudget ==
                std::optional<Micros>(125'500'000),
            30000);
        workspace->tasks().waitForAll();
    }

    void addCompanyRefusesDuplicates_data() { Test::addEngineRows(); }
    void addCompanyRefusesDuplicates() {
        QFETCH(QString, engine);
        auto workspace = Test::workspaceFor(Test::openDemo(engine, 3));
        Ui::MainWindow window(*workspace);
        window.show();
        window.showPage(Ui::MainWindow::Page::Companies);
        auto *view = window.findChild<Ui::CompaniesView *>(QStringLiteral("companiesView"));
        QString refusal;
        QTimer::singleShot(0, this, [&] {
            auto *dialog = qobject_cast<Ui::AddCompanyDialog *>(QApplication::activeModalWidget());
            QVERIFY(dialog);
            auto *name = dialog->findChild<QLineEdit *>(QStringLiteral("companyNameLineEdit"));
            auto *plan = dialog->findChild<QComboBox *>(QStringLiteral("companyPlanComboBox"));
            auto *ok = dialog->findChild<QPushButton *>(QStringLiteral("addCompanyOkButton"));
            QTest::keyClicks(name, QStringLiteral("Sakura Dental"));
            ok->click();
            refusal = dialog->findChild<QLabel *>(QStringLiteral("addCompanyErrorLabel"))->text();
            name->clear();
            name->setText(QStringLiteral("北海道フーズ")); // keyClicks types Latin-1 only
            plan->setCurrentIndex(plan->findData(QStringLiteral("hybrid")));
            ok->click();
        });
        view->addCompany();
        QVERIFY(!refusal.isEmpty());
        auto added = Companies(workspace->database()).find(QStringLiteral("北海道フーズ"));
        QVERIFY(added);
        QVERIFY(added.value().plan == Plan::Hybrid);
        workspace->tasks().waitForAll();
    }
};

QTEST_MAIN(TestCompaniesView)
#include "tst_companiesview.moc"
