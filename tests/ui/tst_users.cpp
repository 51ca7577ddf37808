// Settings → Users: an administrator adds, changes and removes the people who use a PostgreSQL
// pool from the console; the dialog refuses an incomplete form and keeps what was typed; the
// section is not offered on a SQLite file or to a role that may not manage users.
#include "MainWindow.h"
#include "UiTestSupport.h"
#include "common/MessageBox.h"
#include "pool/Companies.h"
#include "users/UsersSection.h"

#include <QCheckBox>
#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QScrollArea>
#include <QTableWidget>
#include <QUrl>
#include <QUuid>

using namespace PoolDesk;

namespace {

const QString Password = QStringLiteral("ui-users-test-password-5");

QString uniqueLogin(const QString &prefix) {
    return prefix + QUuid::createUuid().toString(QUuid::Id128).left(8);
}

QStringList column(QTableWidget *table, int column) {
    QStringList values;
    for (int row = 0; row < table->rowCount(); ++row)
        values.append(table->item(row, column)->text());
    return values;
}

} // namespace

class TestUsersSection : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() {
        Test::initUiTests();
        if (!Test::engines().contains(QStringLiteral("postgresql")))
            QFAIL("needs the suite's PostgreSQL cluster (run through ctest)");
    }
    void cleanup() { Ui::MessageBox::clearNextAnswer(); }
    void dialogRefusesAnIncompleteForm();
    void administratorAddsChangesAndRemovesUsers();
    void notOfferedOnSqliteNorToOtherRoles();
};

void TestUsersSection::dialogRefusesAnIncompleteForm() {
    Ui::UserDialog dialog({QStringLiteral("Acme"), QStringLiteral("Beta")}, std::nullopt);
    dialog.show();
    // No login.
    dialog.done(QDialog::Accepted);
    QVERIFY(dialog.isVisible());
    dialog.loginEdit()->setText(QStringLiteral("alice"));
    // Passwords that differ.
    dialog.passwordEdit()->setText(QStringLiteral("one"));
    dialog.confirmEdit()->setText(QStringLiteral("two"));
    dialog.done(QDialog::Accepted);
    QVERIFY(dialog.isVisible());
    dialog.confirmEdit()->setText(QStringLiteral("one"));
    // A manager with no company ticked.
    dialog.roleCombo()->setCurrentIndex(dialog.roleCombo()->findData(QStringLiteral("manager")));
    QVERIFY(dialog.companiesList()->isEnabled());
    dialog.done(QDialog::Accepted);
    QVERIFY(dialog.isVisible());
    dialog.companiesList()->item(1)->setCheckState(Qt::Checked);
    dialog.done(QDialog::Accepted);
    QCOMPARE(dialog.result(), int(QDialog::Accepted));
    QCOMPARE(dialog.member().login, QStringLiteral("alice"));
    QVERIFY(dialog.member().role == Role::Manager);
    QCOMPARE(dialog.member().companies, QStringList{QStringLiteral("Beta")});
    QCOMPARE(dialog.password(), std::optional<QString>(QStringLiteral("one")));
    // A login that exists already gets no password from PoolDesk; finance has no companies.
    Ui::UserDialog existing({QStringLiteral("Acme")}, std::nullopt);
    existing.loginEdit()->setText(QStringLiteral("taro"));
    existing.roleCombo()->setCurrentIndex(existing.roleCombo()->findData(QStringLiteral("finance")));
    QVERIFY(!existing.companiesList()->isEnabled());
    existing.existingLoginCheck()->setChecked(true);
    QVERIFY(!existing.passwordEdit()->isEnabled());
    existing.done(QDialog::Accepted);
    QCOMPARE(existing.result(), int(QDialog::Accepted));
    QCOMPARE(existing.password(), std::nullopt);
}

void TestUsersSection::administratorAddsChangesAndRemovesUsers() {
    const QString url = Test::freshDatabaseUrl(QStringLiteral("postgresql"));
    auto db = Database::open(url);
    QVERIFY(db);
    QVERIFY(Companies(*db.value())
                .add(Actor{QStringLiteral("user:setup")}, QStringLiteral("Acme"), Plan::Standard));
    auto workspace = Test::workspaceFor(std::move(db).value());
    Ui::MainWindow window(*workspace);
    window.showPage(Ui::MainWindow::Page::Settings);
    auto *section = window.findChild<Ui::UsersSection *>(QStringLiteral("usersSection"));
    QVERIFY(section);
    QCOMPARE(section->table()->rowCount(), 0);

    const QString login = uniqueLogin(QStringLiteral("ui_alice_"));
    QVERIFY(section->addUser({login, Role::Manager, {QStringLiteral("Acme")}, false}, Password));
    QCOMPARE(column(section->table(), 0), QStringList{login});
    QCOMPARE(column(section->table(), 1), QStringList{displayName(Role::Manager)});
    QCOMPARE(column(section->table(), 2), QStringList{QStringLiteral("Acme")});
    // The login is real: it signs in with its password and is who the table says.
    QUrl signedIn(url);
    signedIn.setUserName(login);
    signedIn.setPassword(Password);
    {
        auto alice = Database::open(signedIn.toString());
        QVERIFY2(alice, alice ? "" : qPrintable(alice.error().message));
        auto me = Identity::whoAmI(*alice.value());
        QVERIFY(me);
        QVERIFY(me->role == Role::Manager);
    }
    if (const QString dir = qEnvironmentVariable("POOLDESK_ROLE_SCREENSHOTS"); !dir.isEmpty()) {
        window.resize(1280, 800);
        window.show();
        if (auto *scroll = window.findChild<QScrollArea *>())
            scroll->ensureWidgetVisible(section, 0, 0);
        window.grab().save(dir + QStringLiteral("/users-section.png"));
    }
    // A refused change says why under the list and changes nothing.
    QVERIFY(!section->addUser({login, Role::Finance, {}, false}, Password));
    QVERIFY(!section->findChild<QLabel *>(QStringLiteral("usersErrorLabel"))->text().isEmpty());
    QCOMPARE(section->table()->rowCount(), 1);

    QVERIFY(section->changeRole(login, Role::Finance, {}));
    QCOMPARE(column(section->table(), 1), QStringList{displayName(Role::Finance)});

    // Remove, confirmed: the login PoolDesk created goes too.
    section->table()->selectRow(0);
    Ui::MessageBox::setNextAnswer(Ui::MessageBox::Accept);
    section->findChild<QPushButton *>(QStringLiteral("removeUserButton"))->click();
    QCOMPARE(section->table()->rowCount(), 0);
    QVERIFY(!Database::open(signedIn.toString()));
    workspace->tasks().waitForAll();
}

void TestUsersSection::notOfferedOnSqliteNorToOtherRoles() {
    auto sqlite = Test::workspaceFor(Test::openFresh(QStringLiteral("sqlite")));
    Ui::MainWindow onFile(*sqlite);
    QVERIFY(!onFile.findChild<Ui::UsersSection *>());
    sqlite->tasks().waitForAll();

    const QString url = Test::freshDatabaseUrl(QStringLiteral("postgresql"));
    auto owner = Database::open(url);
    QVERIFY(owner);
    const QString login = uniqueLogin(QStringLiteral("ui_fin_"));
    QVERIFY(Members(*owner.value()).add({login, Role::Finance, {}, false}, Password));
    QUrl signedIn(url);
    signedIn.setUserName(login);
    signedIn.setPassword(Password);
    auto finance = Database::open(signedIn.toString());
    QVERIFY(finance);
    auto workspace = Test::workspaceFor(std::move(finance).value());
    Ui::MainWindow window(*workspace);
    QVERIFY(!window.findChild<Ui::UsersSection *>());
    workspace->tasks().waitForAll();
}

QTEST_MAIN(TestUsersSection)
#include "tst_users.moc"
