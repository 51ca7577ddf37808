// The Pool view's flows, driven by object name: filtering, adding a number, dedicating it and
// removing it with confirmation.
#include "MainWindow.h"
#include "UiTestSupport.h"
#include "domain/Clock.h"
#include "itemmodels/ItemRoles.h"
#include "itemmodels/PoolTableModel.h"
#include "pool/AddNumberDialog.h"
#include "pool/CallerPolicy.h"
#include "pool/Numbers.h"
#include "pool/PoolView.h"
#include "pool/Reputation.h"
#include "twilio/AutoScaler.h"

#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QInputDialog>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QTableView>
#include <QTimer>

using namespace PoolDesk;
using Column = PoolTableModel::Column;

class TestPoolView : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { Test::initUiTests(); }

    void filtersNarrowTheTable_data() { Test::addEngineRows(); }
    void filtersNarrowTheTable() {
        QFETCH(QString, engine);
        auto workspace = Test::workspaceFor(Test::openDemo(engine, 7));
        Ui::MainWindow window(*workspace);
        window.show();
        auto *view = window.findChild<Ui::PoolView *>(QStringLiteral("poolView"));
        auto *model = view->model();
        auto *environment = window.findChild<QComboBox *>(QStringLiteral("poolEnvironmentComboBox"));
        environment->setCurrentIndex(environment->findData(QString())); // all environments
        QTRY_VERIFY_WITH_TIMEOUT(!model->isLoading() && model->rowCount() > 0, 30000);
        const int all = model->rowCount();

        // Text: the seed's development numbers.
        auto *filter = window.findChild<QLineEdit *>(QStringLiteral("poolFilterLineEdit"));
        QVERIFY(filter);
        QTest::keyClicks(filter, QStringLiteral("+1607695"));
        QTest::keyClick(filter, Qt::Key_Return);
        QTRY_VERIFY_WITH_TIMEOUT(model->filter().text == QLatin1String("+1607695") && !model->isLoading(),
                                 30000);
        QTRY_VERIFY_WITH_TIMEOUT(model->rowCount() > 0 && model->rowCount() < all, 30000);
        for (int row = 0; row < model->rowCount(); ++row)
            QVERIFY(model->rowAt(row)->e164.startsWith(QLatin1String("+1607695")));

        // Status: only available numbers.
        filter->clear();
        QTest::keyClick(filter, Qt::Key_Return);
        auto *status = window.findChild<QComboBox *>(QStringLiteral("poolStatusComboBox"));
        status->setCurrentIndex(status->findData(QStringLiteral("available")));
        QTRY_VERIFY_WITH_TIMEOUT(model->filter().status == NumberStatus::Available && !model->isLoading(),
                                 30000);
        for (int row = 0; row < model->rowCount(); ++row)
            QCOMPARE(model->index(row, int(Column::State)).data(UnderlyingDataRole).toString(),
                     QStringLiteral("available"));

        // Environment: development only.
        status->setCurrentIndex(0);
        environment->setCurrentIndex(environment->findData(QStringLiteral("development")));
        QTRY_VERIFY_WITH_TIMEOUT(
            model->filter().environment == QLatin1String("development") && !model->isLoading(), 30000);
        QTRY_VERIFY_WITH_TIMEOUT(model->rowCount() > 0, 30000);
        for (int row = 0; row < model->rowCount(); ++row)
            QCOMPARE(model->rowAt(row)->environment, QStringLiteral("development"));
        auto *count = window.findChild<QLabel *>(QStringLiteral("poolCountLabel"));
        QVERIFY(count->text().contains(QString::number(model->rowCount())));
        workspace->tasks().waitForAll();
    }

    void addDedicateAndRemoveANumber_data() { Test::addEngineRows(); }
    void addDedicateAndRemoveANumber() {
        QFETCH(QString, engine);
        auto workspace = Test::workspaceFor(Test::openDemo(engine, 3));
        Ui::MainWindow window(*workspace);
        window.show();
        auto *view = window.findChild<Ui::PoolView *>(QStringLiteral("poolView"));
        auto *model = view->model();
        QTRY_VERIFY_WITH_TIMEOUT(!model->isLoading() && model->rowCount() > 0, 30000);

        // A malformed number is refused inside the dialog; a good one is added.
        bool sawRefusal = false;
        QTimer::singleShot(0, this, [&] {
            auto *dialog = qobject_cast<Ui::AddNumberDialog *>(QApplication::activeModalWidget());
            QVERIFY(dialog);
            auto *e164 = dialog->findChild<QLineEdit *>(QStringLiteral("numberE164LineEdit"));
            auto *ok = dialog->findChild<QPushButton *>(QStringLiteral("addNumberOkButton"));
            auto *error = dialog->findChild<QLabel *>(QStringLiteral("addNumberErrorLabel"));
            QTest::keyClicks(e164, QStringLiteral("607 695"));
            ok->click();
            sawRefusal = error->isVisible() && dialog->isVisible();
            e164->clear();
            QTest::keyClicks(e164, QStringLiteral("+1 (212) 555-0142"));
            ok->click();
        });
        window.findChild<QAction *>(QStringLiteral("addNumberAction"))->trigger();
        QVERIFY(sawRefusal);
        auto added =
            Numbers(workspace->database()).find(QStringLiteral("+12125550142"), QStringLiteral("production"));
        QVERIFY2(added, "the number typed in the dialog was added, normalised, to the current environment");
        QVERIFY(!added.value().dedicatedCompanyId);

        // Select it and dedicate it to a company.
        QTRY_VERIFY_WITH_TIMEOUT(model->rowOfId(added.value().id) >= 0, 30000);
        view->table()->selectRow(model->rowOfId(added.value().id));
        QCOMPARE(view->selectedNumber().first, QStringLiteral("+12125550142"));
        QTimer::singleShot(0, this, [] {
            auto *dialog = QApplication::activeModalWidget();
            QVERIFY(dialog);
            auto *company = dialog->findChild<QComboBox *>(QStringLiteral("assignCompanyComboBox"));
            company->setCurrentIndex(company->findData(QStringLiteral("Fujiyama Travel")));
            dialog->findChild<QPushButton *>(QStringLiteral("assignNumberOkButton"))->click();
        });
        window.findChild<QAction *>(QStringLiteral("assignNumberAction"))->trigger();
        auto dedicated =
            Numbers(workspace->database()).find(QStringLiteral("+12125550142"), QStringLiteral("production"));
        QCOMPARE(dedicated.value().dedicatedCompanyName, QStringLiteral("Fujiyama Travel"));

        // Removing asks first; declining keeps the number, accepting removes it.
        QTRY_VERIFY_WITH_TIMEOUT(model->rowOfId(added.value().id) >= 0 &&
                                     model->rowAt(model->rowOfId(added.value().id))->dedicatedCompanyId,
                                 30000);
        view->table()->selectRow(model->rowOfId(added.value().id));
        Ui::MessageBox::setNextAnswer(Ui::MessageBox::Reject);
        window.findChild<QAction *>(QStringLiteral("removeNumberAction"))->trigger();
        QVERIFY(Ui::MessageBox::lastText().contains(QStringLiteral("+12125550142")));
        QVERIFY(Numbers(workspace->database())
                    .find(QStringLiteral("+12125550142"), QStringLiteral("production")));
        Ui::MessageBox::setNextAnswer(Ui::MessageBox::Accept);
        window.findChild<QAction *>(QStringLiteral("removeNumberAction"))->trigger();
        QVERIFY(!Numbers(workspace->database())
                     .find(QStringLiteral("+12125550142"), QStringLiteral("production")));
        QTRY_COMPARE_WITH_TIMEOUT(model->rowOfId(added.value().id), -1, 30000);
        workspace->tasks().waitForAll();
    }

    // An administrator rests a number carriers started to flag, sees it resting, and returns it.
    void restAndReturnANumber_data() { Test::addEngineRows(); }
    void restAndReturnANumber() {
        QFETCH(QString, engine);
        auto workspace = Test::workspaceFor(Test::openDemo(engine, 7));
        Ui::MainWindow window(*workspace);
        window.show();
        auto *view = window.findChild<Ui::PoolView *>(QStringLiteral("poolView"));
        auto *model = view->model();
        QTRY_VERIFY_WITH_TIMEOUT(!model->isLoading() && model->rowCount() > 0, 30000);
        int row = -1;
        for (int r = 0; r < model->rowCount() && row < 0; ++r) {
            if (!model->rowAt(r)->restingUntil.isValid() &&
                model->rowAt(r)->status == NumberStatus::Available)
                row = r;
        }
        QVERIFY(row >= 0);
        const qint64 id = model->rowAt(row)->id;
        const QString e164 = model->rowAt(row)->e164;
        view->table()->selectRow(row);
        auto *rest = window.findChild<QAction *>(QStringLiteral("restNumberAction"));
        auto *unrest = window.findChild<QAction *>(QStringLiteral("unrestNumberAction"));
        QVERIFY(rest->isEnabled());
        QVERIFY(!unrest->isEnabled());
        QTimer::singleShot(0, this, [] {
            auto *dialog = qobject_cast<QInputDialog *>(QApplication::activeModalWidget());
            QVERIFY(dialog);
            QCOMPARE(dialog->intValue(), 7); // the policy's rest_days
            dialog->setIntValue(3);
            dialog->accept();
        });
        rest->trigger();
        QTRY_VERIFY_WITH_TIMEOUT(
            model->rowOfId(id) >= 0 && model->rowAt(model->rowOfId(id))->restingUntil.isValid(), 30000);
        const int at = model->rowOfId(id);
        QCOMPARE(model->index(at, int(Column::Health)).data(UnderlyingDataRole).toInt(),
                 int(NumberHealth::State::Resting));
        const qint64 until =
            model->index(at, int(Column::RestingUntil)).data(UnderlyingDataRole).toLongLong();
        QVERIFY(until > Clock::nowSecs() + 2 * 86400 && until <= Clock::nowSecs() + 3 * 86400);
        view->table()->selectRow(at);
        QVERIFY(unrest->isEnabled());
        unrest->trigger();
        QTRY_VERIFY_WITH_TIMEOUT(
            model->rowOfId(id) >= 0 && !model->rowAt(model->rowOfId(id))->restingUntil.isValid(), 30000);
        auto health =
            Reputation::health(workspace->database(), model->rowAt(model->rowOfId(id))->environment, e164);
        QVERIFY(health);
        QCOMPARE(health->first().state == NumberHealth::State::Resting, false);
        workspace->tasks().waitForAll();
    }

    // Settings ▸ Caller ID saves with the rest of the settings and is what the allocator reads.
    void callerIdSettingsSave_data() { Test::addEngineRows(); }
    void callerIdSettingsSave() {
        QFETCH(QString, engine);
        auto workspace = Test::workspaceFor(Test::openFresh(engine));
        Ui::MainWindow window(*workspace);
        window.show();
        window.showPage(Ui::MainWindow::Page::Settings);
        auto *dailyCap = window.findChild<QSpinBox *>(QStringLiteral("dailyCapSpinBox"));
        auto *hours = window.findChild<QCheckBox *>(QStringLiteral("callingHoursCheckBox"));
        auto *save = window.findChild<QPushButton *>(QStringLiteral("saveSettingsButton"));
        QVERIFY(dailyCap && hours && save);
        QTRY_VERIFY_WITH_TIMEOUT(dailyCap->specialValueText().size() > 0, 5000);
        QCOMPARE(dailyCap->value(), 0);
        QVERIFY(!save->isEnabled());
        dailyCap->setValue(60);
        hours->setChecked(true);
        QVERIFY(save->isEnabled());
        save->click();
        const CallerPolicy policy = CallerPolicy::load(workspace->database());
        QCOMPARE(policy.dailyCap, 60);
        QCOMPARE(policy.text(QStringLiteral("calling_hours")), QStringLiteral("08:00-21:00"));
        QVERIFY(!save->isEnabled());
        // Buying local numbers where calls went out without one is off until asked for.
        auto *buyLocal = window.findChild<QCheckBox *>(QStringLiteral("buyLocalCheckBox"));
        QVERIFY(buyLocal);
        QVERIFY(!buyLocal->isChecked());
        QVERIFY(!Twilio::ScalingPolicy::load(workspace->database()).localPresenceBuy);
        buyLocal->setChecked(true);
        save->click();
        QVERIFY(Twilio::ScalingPolicy::load(workspace->database()).localPresenceBuy);
        workspace->tasks().waitForAll();
    }
};

QTEST_MAIN(TestPoolView)
#include "tst_poolview.moc"
