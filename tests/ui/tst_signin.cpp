// Signing in to a PostgreSQL pool from the console: without a password libpq can find, the dialog
// asks; a wrong password keeps it open with the server's answer; the right one opens the database
// as that login; cancelling gives up cleanly; a remembered password (a real keychain, when the test
// runs inside run-with-keyring.sh) is used the next time without asking.
#include "UiTestSupport.h"
#include "credentials/SecretStore.h"
#include "security/Identity.h"
#include "signin/SignIn.h"

#include <QCheckBox>
#include <QLabel>
#include <QLineEdit>
#include <QPointer>
#include <QUrl>
#include <QUuid>

using namespace PoolDesk;

namespace {

const QString Password = QStringLiteral("ui-signin-test-password-9");

struct Outcome {
    bool called = false;
    Result<std::unique_ptr<Database>> result = makeError(Error::Code::Storage, QStringLiteral("not called"));
};

} // namespace

class TestSignIn : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() {
        Test::initUiTests();
        qunsetenv("PGPASSWORD"); // the dialog is the way in here
        if (!Test::engines().contains(QStringLiteral("postgresql")))
            QFAIL("needs the suite's PostgreSQL cluster (run through ctest)");
        const QString url = Test::freshDatabaseUrl(QStringLiteral("postgresql"));
        auto owner = Database::open(url);
        QVERIFY(owner);
        m_login = QStringLiteral("ui_signin_") + QUuid::createUuid().toString(QUuid::Id128).left(8);
        QVERIFY(Members(*owner.value()).add({m_login, Role::Finance, {}, false}, Password));
        QUrl asLogin(url);
        asLogin.setUserName(m_login);
        m_url = asLogin.toString(); // no password: libpq has none to offer
    }
    void wrongThenRightPassword();
    void cancelGivesUp();
    void sqliteNeedsNoSignIn();
    void rememberedPasswordIsUsedNextTime();

private:
    QString m_url;
    QString m_login;
};

void TestSignIn::wrongThenRightPassword() {
    Ui::SignIn signIn(m_url, nullptr);
    Outcome outcome;
    signIn.start([&](Result<std::unique_ptr<Database>> result) {
        outcome.called = true;
        outcome.result = std::move(result);
    });
    QVERIFY(!outcome.called);
    QPointer<Ui::SignInDialog> dialog = signIn.dialog();
    QVERIFY(dialog);
    QCOMPARE(dialog->loginEdit()->text(), m_login);
    QVERIFY(!dialog->rememberCheck()->isEnabled()); // no keychain given
    dialog->passwordEdit()->setText(QStringLiteral("wrong"));
    dialog->done(QDialog::Accepted);
    QVERIFY(!outcome.called);
    QVERIFY(dialog->isVisible());
    QVERIFY(!dialog->findChild<QLabel *>(QStringLiteral("signInErrorLabel"))->text().isEmpty());
    dialog->passwordEdit()->setText(Password);
    dialog->done(QDialog::Accepted);
    QVERIFY(outcome.called);
    QVERIFY2(outcome.result, outcome.result ? "" : qPrintable(outcome.result.error().message));
    QCOMPARE(outcome.result.value()->login(), m_login);
}

void TestSignIn::cancelGivesUp() {
    Ui::SignIn signIn(m_url, nullptr);
    Outcome outcome;
    signIn.start([&](Result<std::unique_ptr<Database>> result) {
        outcome.called = true;
        outcome.result = std::move(result);
    });
    QVERIFY(signIn.dialog());
    signIn.dialog()->reject();
    QVERIFY(outcome.called);
    QVERIFY(!outcome.result);
    QCOMPARE(outcome.result.error().code, Error::Code::Cancelled);
}

void TestSignIn::sqliteNeedsNoSignIn() {
    Ui::SignIn signIn(Test::freshDatabaseUrl(QStringLiteral("sqlite")), nullptr);
    Outcome outcome;
    signIn.start([&](Result<std::unique_ptr<Database>> result) {
        outcome.called = true;
        outcome.result = std::move(result);
    });
    QVERIFY(outcome.called);
    QVERIFY(outcome.result);
    QVERIFY(!signIn.dialog());
}

void TestSignIn::rememberedPasswordIsUsedNextTime() {
    if (qEnvironmentVariable("POOLDESK_IN_KEYRING_SESSION") != QLatin1String("1"))
        QFAIL("run through ctest: needs the private keyring of run-with-keyring.sh");
    SecretStore secrets;
    secrets.setTimeout(10000);
    {
        Ui::SignIn first(m_url, &secrets);
        Outcome outcome;
        first.start([&](Result<std::unique_ptr<Database>> result) {
            outcome.called = true;
            outcome.result = std::move(result);
        });
        QTRY_VERIFY_WITH_TIMEOUT(first.dialog() || outcome.called, 15000); // the keychain has nothing yet
        QVERIFY(first.dialog());
        first.dialog()->passwordEdit()->setText(Password);
        first.dialog()->rememberCheck()->setChecked(true);
        first.dialog()->done(QDialog::Accepted);
        QVERIFY(outcome.called && outcome.result);
        // The keychain now holds it, under a key that names the login, never the password.
        bool stored = false;
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                secrets.read(Ui::SignIn::keychainKey(DatabaseUrl::parse(m_url).value()), this,
                             [&](Result<QString> value) { stored = value && value.value() == Password; });
                QTest::qWait(200);
                return stored;
            }(),
            15000);
    }
    Ui::SignIn second(m_url, &secrets);
    Outcome outcome;
    second.start([&](Result<std::unique_ptr<Database>> result) {
        outcome.called = true;
        outcome.result = std::move(result);
    });
    QTRY_VERIFY_WITH_TIMEOUT(outcome.called, 15000);
    QVERIFY(!second.dialog());
    QVERIFY2(outcome.result, outcome.result ? "" : qPrintable(outcome.result.error().message));
    QCOMPARE(outcome.result.value()->login(), m_login);
}

QTEST_MAIN(TestSignIn)
#include "tst_signin.moc"
