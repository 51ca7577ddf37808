#include "signin/SignIn.h"

#include "common/InlineError.h"
#include "credentials/SecretStore.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace PoolDesk::Ui {

SignInDialog::SignInDialog(const DatabaseUrl &url, bool keychainAvailable, QWidget *parent)
    : QDialog(parent) {
    setObjectName(QStringLiteral("signInDialog"));
    setWindowTitle(tr("Sign In to the Pool"));
    auto *layout = new QVBoxLayout(this);
    auto *where = new QLabel(tr("PostgreSQL database %1 on %2").arg(url.databaseName, url.host), this);
    where->setWordWrap(true);
    layout->addWidget(where);
    auto *form = new QFormLayout;
    layout->addLayout(form);
    m_login = new QLineEdit(url.user, this);
    m_login->setObjectName(QStringLiteral("signInLoginLineEdit"));
    m_password = new QLineEdit(this);
    m_password->setObjectName(QStringLiteral("signInPasswordLineEdit"));
    m_password->setEchoMode(QLineEdit::Password);
    m_remember = new QCheckBox(tr("&Remember the password in this computer's keychain"), this);
    m_remember->setObjectName(QStringLiteral("signInRememberCheck"));
    m_remember->setEnabled(keychainAvailable);
    form->addRow(tr("&Login:"), m_login);
    form->addRow(tr("&Password:"), m_password);
    form->addRow(QString(), m_remember);
    m_error = new InlineError(this);
    m_error->setObjectName(QStringLiteral("signInErrorLabel"));
    layout->addWidget(m_error);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    buttons->button(QDialogButtonBox::Ok)->setText(tr("Sign In"));
    layout->addWidget(buttons);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    (url.user.isEmpty() ? m_login : m_password)->setFocus();
}

QString SignInDialog::login() const {
    return m_login->text().trimmed();
}

QString SignInDialog::password() const {
    return m_password->text();
}

bool SignInDialog::remember() const {
    return m_remember->isEnabled() && m_remember->isChecked();
}

void SignInDialog::showError(const QString &message) {
    m_error->showError(message);
}

void SignInDialog::showHint(const QString &message) {
    m_error->showHint(message);
}

void SignInDialog::done(int result) {
    if (result == QDialog::Accepted && m_attempt) {
        const QString refused = m_attempt();
        if (!refused.isEmpty()) {
            showError(refused);
            m_password->selectAll();
            m_password->setFocus();
            return;
        }
    }
    QDialog::done(result);
}

SignIn::SignIn(QString url, SecretStore *secrets, QObject *parent)
    : QObject(parent)
    , m_text(std::move(url))
    , m_secrets(secrets) {}

QString SignIn::keychainKey(const DatabaseUrl &url) {
    return QStringLiteral("postgresql/%1@%2:%3/%4")
        .arg(url.user, url.host)
        .arg(url.port)
        .arg(url.databaseName);
}

void SignIn::start(std::function<void(Result<std::unique_ptr<Database>>)> done) {
    m_done = std::move(done);
    auto parsed = DatabaseUrl::parse(m_text);
    if (!parsed) {
        finish(parsed.error());
        return;
    }
    m_url = parsed.value();
    // libpq's own ways first (PGPASSWORD, ~/.pgpass, peer, certificates), as in the URL.
    auto opened = Database::open(m_url);
    if (opened || !mayAsk()) {
        finish(std::move(opened));
        return;
    }
    const QString refused = opened.error().message;
    if (!m_secrets || m_url.user.isEmpty()) {
        ask(refused);
        return;
    }
    // Then the password remembered in the keychain, then the dialog.
    m_secrets->read(keychainKey(m_url), this, [this, refused](Result<QString> remembered) {
        if (remembered && !remembered->isEmpty()) {
            DatabaseUrl withPassword = m_url;
            withPassword.password = remembered.value();
            if (auto signedIn = Database::open(withPassword)) {
                finish(std::move(signedIn));
                return;
            }
        }
        ask(refused); // none remembered, or no longer the right one
    });
}

bool SignIn::mayAsk() const {
    return m_url.engine == DatabaseUrl::Engine::PostgreSql && m_url.password.isEmpty();
}

void SignIn::ask(const QString &why) {
    m_dialog = new SignInDialog(m_url, m_secrets != nullptr);
    m_dialog->setAttribute(Qt::WA_DeleteOnClose);
    // What the server said without a password: usually that it wants one; perhaps that it cannot
    // be reached, which the person should see before typing.
    m_dialog->showHint(why);
    m_dialog->setAttempt([this] {
        DatabaseUrl attempt = m_url;
        attempt.user = m_dialog->login();
        attempt.password = m_dialog->password();
        auto opened = Database::open(attempt);
        if (!opened)
            return opened.error().message;
        if (m_secrets && m_dialog->remember())
            m_secrets->write(keychainKey(attempt), attempt.password, this, [](Status) {});
        m_signedIn = std::move(opened).value();
        return QString();
    });
    connect(m_dialog, &QDialog::finished, this, [this](int result) {
        m_dialog = nullptr;
        if (result == QDialog::Accepted && m_signedIn)
            finish(std::move(m_signedIn));
        else
            finish(makeError(Error::Code::Cancelled, tr("Sign-in was cancelled.")));
    });
    m_dialog->open();
}

void SignIn::finish(Result<std::unique_ptr<Database>> result) {
    if (m_done) {
        auto done = std::move(m_done);
        m_done = nullptr;
        done(std::move(result));
    }
}

} // namespace PoolDesk::Ui
