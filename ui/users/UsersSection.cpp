#include "users/UsersSection.h"

#include "Workspace.h"
#include "common/InlineError.h"
#include "common/MessageBox.h"
#include "common/Retranslate.h"
#include "pool/Companies.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QLocale>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

namespace PoolDesk::Ui {

namespace {

const QList<Role> Roles{Role::Administrator, Role::Finance, Role::Manager, Role::Service};

} // namespace

UserDialog::UserDialog(const QStringList &companies, const std::optional<Member> &existing, QWidget *parent)
    : QDialog(parent)
    , m_adding(!existing) {
    setObjectName(QStringLiteral("userDialog"));
    setWindowTitle(m_adding ? tr("Add a User") : tr("Change %1's Role").arg(existing->login));
    auto *layout = new QVBoxLayout(this);
    auto *form = new QFormLayout;
    layout->addLayout(form);

    m_login = new QLineEdit(this);
    m_login->setObjectName(QStringLiteral("userLoginLineEdit"));
    m_login->setPlaceholderText(tr("Their database login, for example alice"));
    m_role = new QComboBox(this);
    m_role->setObjectName(QStringLiteral("userRoleCombo"));
    for (Role role : Roles)
        m_role->addItem(displayName(role), toString(role));
    m_companies = new QListWidget(this);
    m_companies->setObjectName(QStringLiteral("userCompaniesList"));
    m_companies->setMaximumHeight(140);
    for (const QString &name : companies) {
        auto *item = new QListWidgetItem(name, m_companies);
        item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
        item->setCheckState(existing && existing->companies.contains(name) ? Qt::Checked : Qt::Unchecked);
    }
    m_existingLogin =
        new QCheckBox(tr("The login exists already (peer or certificate sign-in): set no password"), this);
    m_existingLogin->setObjectName(QStringLiteral("userExistingLoginCheck"));
    m_password = new QLineEdit(this);
    m_password->setObjectName(QStringLiteral("userPasswordLineEdit"));
    m_password->setEchoMode(QLineEdit::Password);
    m_confirm = new QLineEdit(this);
    m_confirm->setObjectName(QStringLiteral("userConfirmLineEdit"));
    m_confirm->setEchoMode(QLineEdit::Password);

    if (m_adding) {
        form->addRow(tr("&Login:"), m_login);
    } else {
        m_login->setText(existing->login);
        m_login->hide();
        m_role->setCurrentIndex(std::max(0, m_role->findData(toString(existing->role))));
    }
    form->addRow(tr("&Role:"), m_role);
    form->addRow(tr("&Companies:"), m_companies);
    if (m_adding) {
        form->addRow(QString(), m_existingLogin);
        form->addRow(tr("&Password:"), m_password);
        form->addRow(tr("Con&firm password:"), m_confirm);
    } else {
        for (QWidget *widget : {static_cast<QWidget *>(m_existingLogin), static_cast<QWidget *>(m_password),
                                static_cast<QWidget *>(m_confirm)})
            widget->hide();
    }
    m_error = new InlineError(this);
    m_error->setObjectName(QStringLiteral("userDialogError"));
    layout->addWidget(m_error);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    buttons->button(QDialogButtonBox::Ok)->setText(m_adding ? tr("Add User") : tr("Change Role"));
    layout->addWidget(buttons);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_role, &QComboBox::currentIndexChanged, this, &UserDialog::updateFields);
    connect(m_existingLogin, &QCheckBox::toggled, this, &UserDialog::updateFields);
    updateFields();
}

void UserDialog::updateFields() {
    // Only a manager is limited to companies; a login that exists keeps its own password.
    m_companies->setEnabled(member().role == Role::Manager);
    m_password->setEnabled(!m_existingLogin->isChecked());
    m_confirm->setEnabled(!m_existingLogin->isChecked());
}

Member UserDialog::member() const {
    Member member;
    member.login = m_login->text().trimmed();
    member.role = roleFromString(m_role->currentData().toString()).value_or(Role::Manager);
    if (member.role == Role::Manager)
        for (int i = 0; i < m_companies->count(); ++i)
            if (m_companies->item(i)->checkState() == Qt::Checked)
                member.companies.append(m_companies->item(i)->text());
    return member;
}

std::optional<QString> UserDialog::password() const {
    if (!m_adding || m_existingLogin->isChecked())
        return std::nullopt;
    return m_password->text();
}

void UserDialog::showError(const QString &message) {
    m_error->showError(message);
}

void UserDialog::done(int result) {
    if (result == QDialog::Accepted && m_adding) {
        if (member().login.isEmpty()) {
            showError(tr("Type the user's database login."));
            return;
        }
        if (!m_existingLogin->isChecked()) {
            if (m_password->text().isEmpty()) {
                showError(tr("Type a password for the new login, or tick that the login exists already."));
                return;
            }
            if (m_password->text() != m_confirm->text()) {
                showError(tr("The two passwords differ. Type the same password twice."));
                return;
            }
        }
    }
    if (result == QDialog::Accepted && member().role == Role::Manager && member().companies.isEmpty()) {
        showError(tr("A manager manages one or more companies: tick them."));
        return;
    }
    QDialog::done(result);
}

UsersSection::UsersSection(Workspace &workspace, QWidget *parent)
    : QWidget(parent)
    , m_workspace(workspace) {
    setObjectName(QStringLiteral("usersSection"));
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    auto *help = new QLabel(this);
    help->setWordWrap(true);
    layout->addWidget(help);
    m_table = new QTableWidget(0, 3, this);
    m_table->setObjectName(QStringLiteral("usersTableWidget"));
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setMinimumHeight(160);
    layout->addWidget(m_table);
    auto *buttons = new QHBoxLayout;
    m_add = new QPushButton(this);
    m_add->setObjectName(QStringLiteral("addUserButton"));
    m_change = new QPushButton(this);
    m_change->setObjectName(QStringLiteral("changeUserRoleButton"));
    m_remove = new QPushButton(this);
    m_remove->setObjectName(QStringLiteral("removeUserButton"));
    buttons->addWidget(m_add);
    buttons->addWidget(m_change);
    buttons->addWidget(m_remove);
    buttons->addStretch(1);
    layout->addLayout(buttons);
    m_error = new InlineError(this);
    m_error->setObjectName(QStringLiteral("usersErrorLabel"));
    layout->addWidget(m_error);
    retranslate(this, [this, help] {
        help->setText(tr("Everyone signs in to the pool's database with their own login. Their role decides "
                         "what PostgreSQL lets them read and change; a manager sees only the companies "
                         "ticked for them."));
        m_table->setHorizontalHeaderLabels({tr("Login"), tr("Role"), tr("Companies")});
        m_add->setText(tr("&Add User…"));
        m_change->setText(tr("Change R&ole…"));
        m_remove->setText(tr("Remo&ve User…"));
        fill(); // the role names follow the language; the list itself is not read again
    });
    connect(m_add, &QPushButton::clicked, this, &UsersSection::addClicked);
    connect(m_change, &QPushButton::clicked, this, &UsersSection::changeClicked);
    connect(m_remove, &QPushButton::clicked, this, &UsersSection::removeClicked);
    connect(m_table, &QTableWidget::itemSelectionChanged, this, &UsersSection::updateButtons);
    connect(&m_workspace, &Workspace::writableChanged, this, &UsersSection::updateButtons);
    updateButtons();
    reload();
}

void UsersSection::updateButtons() {
    const bool mayChange = m_workspace.allows(Permission::ManageUsers);
    m_add->setEnabled(mayChange);
    m_change->setEnabled(mayChange && selected().has_value());
    m_remove->setEnabled(mayChange && selected().has_value());
}

void UsersSection::reload() {
    auto members = Members(m_workspace.database()).list();
    if (!members) {
        m_error->showError(members.error().message);
        return;
    }
    m_members = members.value();
    fill();
}

void UsersSection::fill() {
    m_table->setRowCount(int(m_members.size()));
    for (int row = 0; row < m_members.size(); ++row) {
        const Member &member = m_members.at(row);
        m_table->setItem(row, 0, new QTableWidgetItem(member.login));
        m_table->setItem(row, 1, new QTableWidgetItem(displayName(member.role)));
        m_table->setItem(row, 2, new QTableWidgetItem(QLocale().createSeparatedList(member.companies)));
    }
    m_table->resizeColumnsToContents();
}

std::optional<Member> UsersSection::selected() const {
    const QList<QTableWidgetItem *> items = m_table->selectedItems();
    if (items.isEmpty() || items.first()->row() >= m_members.size())
        return std::nullopt;
    return m_members.at(items.first()->row());
}

QStringList UsersSection::companyNames() const {
    QStringList names;
    if (auto companies = Companies(m_workspace.database()).list())
        for (const Company &company : companies.value())
            names.append(company.name);
    return names;
}

Status UsersSection::report(const Status &status) {
    if (status)
        m_error->clearMessage();
    else
        m_error->showError(status.error().message);
    reload();
    return status;
}

Status UsersSection::addUser(const Member &member, const std::optional<QString> &password) {
    auto added = Members(m_workspace.database()).add(member, password);
    return report(added ? success() : Status(added.error()));
}

Status UsersSection::changeRole(const QString &login, Role role, const QStringList &companies) {
    auto changed = Members(m_workspace.database()).setRole(login, role, companies);
    return report(changed ? success() : Status(changed.error()));
}

Status UsersSection::removeUser(const QString &login) {
    return report(Members(m_workspace.database()).remove(login));
}

void UsersSection::addClicked() {
    UserDialog dialog(companyNames(), std::nullopt, this);
    while (dialog.exec() == QDialog::Accepted) {
        auto added = Members(m_workspace.database()).add(dialog.member(), dialog.password());
        if (added) {
            report(success());
            return;
        }
        dialog.showError(added.error().message); // the dialog keeps what was typed
    }
}

void UsersSection::changeClicked() {
    const auto member = selected();
    if (!member)
        return;
    UserDialog dialog(companyNames(), member, this);
    while (dialog.exec() == QDialog::Accepted) {
        const Member wanted = dialog.member();
        auto changed = Members(m_workspace.database()).setRole(member->login, wanted.role, wanted.companies);
        if (changed) {
            report(success());
            return;
        }
        dialog.showError(changed.error().message);
    }
}

void UsersSection::removeClicked() {
    const auto member = selected();
    if (!member)
        return;
    const QString text = member->createdLogin
                             ? tr("Remove %1? PoolDesk created this login, so it is dropped too: %1 can no "
                                  "longer sign in to the database.")
                                   .arg(member->login)
                             : tr("Remove %1 from PoolDesk? The database login stays; it loses its PoolDesk "
                                  "role and cannot connect to this pool.")
                                   .arg(member->login);
    if (MessageBox::confirm(this, tr("Remove User"), text, tr("Remove"), true))
        removeUser(member->login);
}

UsersSection *UsersSection::createFor(Workspace &workspace, QWidget *parent) {
    // A pool in a SQLite file has no users (Settings → Access says why), and only administrators
    // change them.
    if (!workspace.database().isPostgreSql() || !workspace.roleAllows(Permission::ManageUsers))
        return nullptr;
    return new UsersSection(workspace, parent);
}

} // namespace PoolDesk::Ui
