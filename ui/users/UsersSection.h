#pragma once

#include "domain/Result.h"
#include "security/Identity.h"

#include <QDialog>
#include <QWidget>

#include <optional>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QPushButton;
class QTableWidget;

namespace PoolDesk::Ui {

class InlineError;
class Workspace;

// Adds or changes a PoolDesk user: login, role, a manager's companies and, for a new login, its
// password (typed twice). Only the form's syntax is checked here; Members checks the rules.
class UserDialog final : public QDialog {
    Q_OBJECT
public:
    // existing: change that user's role (login and password are not asked); else a new user.
    UserDialog(const QStringList &companies, const std::optional<Member> &existing,
               QWidget *parent = nullptr);

    Member member() const;
    // Empty for a login the database already has (peer, certificate): PoolDesk sets no password.
    std::optional<QString> password() const;
    void showError(const QString &message);

    QLineEdit *loginEdit() const { return m_login; }
    QComboBox *roleCombo() const { return m_role; }
    QListWidget *companiesList() const { return m_companies; }
    QLineEdit *passwordEdit() const { return m_password; }
    QLineEdit *confirmEdit() const { return m_confirm; }
    QCheckBox *existingLoginCheck() const { return m_existingLogin; }

    // OK: accepts when the form is whole, else says what is missing.
    void done(int result) override;

private:
    void updateFields();

    bool m_adding = true;
    QLineEdit *m_login = nullptr;
    QComboBox *m_role = nullptr;
    QListWidget *m_companies = nullptr;
    QCheckBox *m_existingLogin = nullptr;
    QLineEdit *m_password = nullptr;
    QLineEdit *m_confirm = nullptr;
    InlineError *m_error = nullptr;
};

// Settings → Users (PostgreSQL, administrators only): the people who use this pool, their roles
// and a manager's companies; add, change and remove them. Each change goes through Members,
// which validates it whole, audits it and creates or drops the database login.
class UsersSection final : public QWidget {
    Q_OBJECT
public:
    explicit UsersSection(Workspace &workspace, QWidget *parent = nullptr);
    // The section for this console, or nullptr (a SQLite file, or a role that may not manage users).
    static UsersSection *createFor(Workspace &workspace, QWidget *parent);

    void reload();
    // What the dialogs do, callable by tests: the error is also shown under the list.
    Status addUser(const Member &member, const std::optional<QString> &password);
    Status changeRole(const QString &login, Role role, const QStringList &companies);
    Status removeUser(const QString &login);
    QTableWidget *table() const { return m_table; }

private:
    void fill(); // the table from m_members
    // Add, Change Role and Remove: while the database takes writes, and Change and Remove for a
    // selected user.
    void updateButtons();
    void addClicked();
    void changeClicked();
    void removeClicked();
    std::optional<Member> selected() const;
    QStringList companyNames() const;
    Status report(const Status &status);

    Workspace &m_workspace;
    QTableWidget *m_table = nullptr;
    QPushButton *m_add = nullptr;
    QPushButton *m_change = nullptr;
    QPushButton *m_remove = nullptr;
    InlineError *m_error = nullptr;
    QList<Member> m_members;
};

} // namespace PoolDesk::Ui
