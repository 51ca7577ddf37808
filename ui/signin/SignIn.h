#pragma once

#include "domain/Result.h"
#include "storage/Database.h"
#include "storage/DatabaseUrl.h"

#include <QDialog>
#include <QObject>

#include <functional>
#include <memory>

class QCheckBox;
class QLineEdit;

namespace PoolDesk {
class SecretStore;
}

namespace PoolDesk::Ui {

class InlineError;

// Asks for a PostgreSQL login's password, and whether to remember it in the system's keychain.
class SignInDialog final : public QDialog {
    Q_OBJECT
public:
    SignInDialog(const DatabaseUrl &url, bool keychainAvailable, QWidget *parent = nullptr);

    QString login() const;
    QString password() const;
    bool remember() const;
    void showError(const QString &message);
    void showHint(const QString &message);
    // Run on OK: an error message keeps the dialog open showing it; an empty one closes it.
    void setAttempt(std::function<QString()> attempt) { m_attempt = std::move(attempt); }
    void done(int result) override;

    QLineEdit *loginEdit() const { return m_login; }
    QLineEdit *passwordEdit() const { return m_password; }
    QCheckBox *rememberCheck() const { return m_remember; }

private:
    QLineEdit *m_login = nullptr;
    QLineEdit *m_password = nullptr;
    QCheckBox *m_remember = nullptr;
    InlineError *m_error = nullptr;
    std::function<QString()> m_attempt;
};

// Opens the console's database, signing in to PostgreSQL as a person would: a password in the URL,
// PGPASSWORD, ~/.pgpass, peer or certificate sign-in work as they are; else the password remembered
// in the keychain; else the sign-in dialog, which can remember it there. Asynchronous: `done` is
// called once, with the open database, or with the error (Cancelled when the person gave up).
class SignIn final : public QObject {
    Q_OBJECT
public:
    // secrets may be null (no keychain: nothing is remembered or looked up).
    SignIn(QString url, SecretStore *secrets, QObject *parent = nullptr);

    void start(std::function<void(Result<std::unique_ptr<Database>>)> done);
    // The keychain entry of a PostgreSQL login: never the password itself in a setting or a log.
    static QString keychainKey(const DatabaseUrl &url);
    // The dialog while it is shown (tests answer it).
    SignInDialog *dialog() const { return m_dialog; }

private:
    // PostgreSQL without a password in the URL: the keychain and the dialog may supply one.
    bool mayAsk() const;
    void ask(const QString &why);
    void finish(Result<std::unique_ptr<Database>> result);

    QString m_text;
    DatabaseUrl m_url;
    SecretStore *m_secrets = nullptr;
    SignInDialog *m_dialog = nullptr;
    std::unique_ptr<Database> m_signedIn; // what the dialog's attempt opened
    std::function<void(Result<std::unique_ptr<Database>>)> m_done;
};

} // namespace PoolDesk::Ui
