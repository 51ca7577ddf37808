#include "security/Identity.h"

#include "domain/Clock.h"
#include "pool/Companies.h"
#include "storage/Database.h"
#include "storage/SqlHelpers.h"
#include "storage/Transaction.h"

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QJsonArray>
#include <QJsonObject>
#include <QMessageAuthenticationCode>
#include <QPasswordDigestor>
#include <QRandomGenerator>
#include <QRegularExpression>

#include <algorithm>

namespace PoolDesk {

namespace {

// A login PoolDesk will create or adopt: what PostgreSQL takes as a role name without surprises
// (63 bytes), and never one of the server's or PoolDesk's own group roles.
bool isValidLogin(const QString &login) {
    static const QRegularExpression pattern(QStringLiteral("^[A-Za-z0-9_.@-]{1,63}$"));
    return pattern.match(login).hasMatch() && !login.startsWith(QLatin1String("pg_")) &&
           !login.startsWith(QLatin1String("pooldesk_"));
}

QString groupRole(Role role) {
    return QStringLiteral("pooldesk_") + toString(role);
}

Error sqliteHasNoUsers() {
    return makeError(Error::Code::InvalidInput,
                     QCoreApplication::translate(
                         "Identity",
                         "This pool is a SQLite file: whoever can open the file has full access to it, so "
                         "it has no users or roles. Teams that need them keep the pool in PostgreSQL."));
}

QJsonObject memberJson(const Member &member) {
    return {{QStringLiteral("login"), member.login},
            {QStringLiteral("role"), toString(member.role)},
            {QStringLiteral("companies"), QJsonArray::fromStringList(member.companies)}};
}

// Only the schema's owner and PoolDesk's users may connect (migration 015): a user gets CONNECT on
// this database with their role, and loses it with their removal.
Status setConnect(Database &db, const QString &login, bool allowed) {
    return Sql::execFormatted(db.connection(),
                              allowed ? QStringLiteral("GRANT CONNECT ON DATABASE %I TO %I")
                                      : QStringLiteral("REVOKE CONNECT ON DATABASE %I FROM %I"),
                              {db.url().databaseName, login});
}

} // namespace

QString toString(Role role) {
    switch (role) {
    case Role::Administrator:
        return QStringLiteral("administrator");
    case Role::Finance:
        return QStringLiteral("finance");
    case Role::Manager:
        return QStringLiteral("manager");
    case Role::Service:
        return QStringLiteral("service");
    }
    return {};
}

std::optional<Role> roleFromString(const QString &text) {
    for (Role role : {Role::Administrator, Role::Finance, Role::Manager, Role::Service}) {
        if (text.trimmed().compare(toString(role), Qt::CaseInsensitive) == 0)
            return role;
    }
    return std::nullopt;
}

QString displayName(Role role) {
    switch (role) {
    case Role::Administrator:
        return QCoreApplication::translate("Identity", "Administrator");
    case Role::Finance:
        return QCoreApplication::translate("Identity", "Finance");
    case Role::Manager:
        return QCoreApplication::translate("Identity", "Manager");
    case Role::Service:
        return QCoreApplication::translate("Identity", "Pool service");
    }
    return {};
}

bool changesData(Permission permission) {
    switch (permission) {
    case Permission::ChangePool:
    case Permission::ChangeCompanies:
    case Permission::ManageTwilio:
    case Permission::ChangeSettings:
    case Permission::ManageUsers:
    case Permission::DeleteRecordings:
    case Permission::CloseMonths:
    case Permission::ReopenMonths:
        return true;
    // Reading; a play's audit entry is written when it happens, and its refusal says why.
    case Permission::ReadAuditLog:
    case Permission::ReadEveryCompany:
    case Permission::ListenToRecordings:
        return false;
    }
    return true;
}

bool allows(const Principal &principal, Permission permission) {
    switch (principal.role) {
    case Role::Administrator:
        return true;
    case Role::Finance:
        return permission == Permission::ReadAuditLog || permission == Permission::ReadEveryCompany ||
               permission == Permission::CloseMonths;
    case Role::Service:
        return permission == Permission::ReadEveryCompany;
    case Role::Manager:
        return permission == Permission::ListenToRecordings;
    }
    return false;
}

QString neededRoleText(Permission permission) {
    // Asked of allows() itself, so the text cannot drift from the rule. (The service's role is a
    // program's, not a person's to take.)
    QStringList roles;
    for (Role role : {Role::Administrator, Role::Finance, Role::Manager}) {
        Principal someone;
        someone.role = role;
        if (allows(someone, permission))
            roles.append(displayName(role));
    }
    if (roles.size() == 2)
        return QCoreApplication::translate("Identity", "Needs the %1 or %2 role.")
            .arg(roles.at(0), roles.at(1));
    return QCoreApplication::translate("Identity", "Needs the %1 role.").arg(roles.value(0));
}

QString scramSha256Verifier(const QString &password, const QByteArray &salt, int iterations) {
    const QByteArray salted = QPasswordDigestor::deriveKeyPbkdf2(QCryptographicHash::Sha256,
                                                                 password.toUtf8(), salt, iterations, 32);
    const QByteArray clientKey =
        QMessageAuthenticationCode::hash("Client Key", salted, QCryptographicHash::Sha256);
    const QByteArray storedKey = QCryptographicHash::hash(clientKey, QCryptographicHash::Sha256);
    const QByteArray serverKey =
        QMessageAuthenticationCode::hash("Server Key", salted, QCryptographicHash::Sha256);
    return QStringLiteral("SCRAM-SHA-256$%1:%2$%3:%4")
        .arg(iterations)
        .arg(QString::fromLatin1(salt.toBase64()), QString::fromLatin1(storedKey.toBase64()),
             QString::fromLatin1(serverKey.toBase64()));
}

namespace Identity {

Result<Principal> whoAmI(Database &db) {
    Principal me;
    me.login = db.login();
    if (db.isSqlite()) {
        me.role = Role::Administrator;
        me.source = Principal::Source::FileAccess;
        return me;
    }
    // pooldesk_whoami (migration 013) reads only this login's membership, as the schema's owner.
    auto member =
        Sql::exec(db.connection(), QStringLiteral("SELECT o_role, o_company_id, o_company_name FROM "
                                                  "pooldesk_whoami()"));
    if (!member)
        return member.error();
    bool isMember = false;
    while (member.value().next()) {
        isMember = true;
        me.role = roleFromString(member.value().value(0).toString()).value_or(Role::Manager);
        if (!member.value().value(1).isNull()) {
            me.companyIds.append(member.value().value(1).toLongLong());
            me.companyNames.append(member.value().value(2).toString());
        }
    }
    if (isMember)
        return me;
    // The schema's owner role (migration 015) counts its members, and superusers, as 'owner'.
    auto owner = Sql::exec(db.connection(), QStringLiteral("SELECT pooldesk_caller_role() = 'owner'"));
    if (!owner)
        return owner.error();
    if (owner.value().next() && owner.value().value(0).toBool()) {
        me.role = Role::Administrator;
        me.source = Principal::Source::DatabaseOwner;
        return me;
    }
    return makeError(Error::Code::Refused,
                     QCoreApplication::translate(
                         "Identity",
                         "The database login \"%1\" is not a PoolDesk user. An administrator adds it with "
                         "`pooldeskctl user add %1 --role administrator|finance|manager`.")
                         .arg(me.login),
                     QStringLiteral("not_a_member"));
}

} // namespace Identity

Members::Members(Database &db)
    : m_db(db) {}

Status Members::mayChange() {
    if (m_db.isSqlite())
        return sqliteHasNoUsers();
    auto me = Identity::whoAmI(m_db);
    if (!me)
        return me.error();
    if (me->role != Role::Administrator)
        return makeError(
            Error::Code::Refused,
            QCoreApplication::translate(
                "Identity", "Only an administrator may add, change or remove users; you are %1 (%2).")
                .arg(me->login, displayName(me->role)),
            QStringLiteral("role_required"));
    // Logins and role grants are the server's: they take CREATEROLE (or a superuser), which the
    // database's creator has and the logins PoolDesk creates do not.
    auto mayCreateRoles = Sql::exec(
        m_db.connection(),
        QStringLiteral("SELECT rolcreaterole OR rolsuper FROM pg_roles WHERE rolname = session_user"));
    if (!mayCreateRoles)
        return mayCreateRoles.error();
    if (!mayCreateRoles.value().next() || !mayCreateRoles.value().value(0).toBool())
        return makeError(Error::Code::Refused,
                         QCoreApplication::translate(
                             "Identity", "Adding and changing users needs a database login that may create "
                                         "roles (CREATEROLE), such as the one that created the database; %1 "
                                         "may not. Sign in as that login, or ask the server's administrator.")
                             .arg(me->login),
                         QStringLiteral("role_required"));
    return success();
}

Result<QList<qint64>> Members::companyIds(Role role, const QStringList &companies) {
    if (role == Role::Manager && companies.isEmpty())
        return makeError(
            Error::Code::InvalidInput,
            QCoreApplication::translate(
                "Identity", "A manager manages one or more companies: name them with --company."));
    if (role != Role::Manager && !companies.isEmpty())
        return makeError(Error::Code::InvalidInput,
                         QCoreApplication::translate(
                             "Identity", "Only a manager is limited to companies: %1 sees every company.")
                             .arg(displayName(role)));
    QList<qint64> ids;
    for (const QString &name : companies) {
        auto found = Companies(m_db).find(name);
        if (!found)
            return found.error();
        const qint64 id = found->id;
        if (!ids.contains(id))
            ids.append(id);
    }
    return ids;
}

Status Members::writeCompanies(const QString &login, const QList<qint64> &ids) {
    if (auto cleared = Sql::exec(m_db.connection(),
                                 QStringLiteral("DELETE FROM member_companies WHERE login = ?"), {login});
        !cleared)
        return cleared.error();
    for (qint64 id : ids) {
        if (auto added =
                Sql::exec(m_db.connection(),
                          QStringLiteral("INSERT INTO member_companies (login, company_id) VALUES (?, ?)"),
                          {login, id});
            !added)
            return added.error();
    }
    return success();
}

Result<QList<Member>> Members::list() {
    QList<Member> members;
    if (m_db.isSqlite())
        return members;
    auto rows =
        Sql::exec(m_db.connection(),
                  QStringLiteral("SELECT m.login, m.role, m.created_login, c.name FROM members m LEFT JOIN "
                                 "member_companies mc ON mc.login = m.login LEFT JOIN companies c ON "
                                 "c.id = mc.company_id ORDER BY m.login, c.name"));
    if (!rows)
        return rows.error();
    while (rows.value().next()) {
        const QString login = rows.value().value(0).toString();
        if (members.isEmpty() || members.constLast().login != login) {
            Member member;
            member.login = login;
            member.role = roleFromString(rows.value().value(1).toString()).value_or(Role::Manager);
            member.createdLogin = rows.value().value(2).toLongLong() != 0;
            members.append(member);
        }
        if (!rows.value().value(3).isNull())
            members.last().companies.append(rows.value().value(3).toString());
    }
    return members;
}

Result<Member> Members::add(const Member &requested, const std::optional<QString> &password) {
    if (auto allowed = mayChange(); !allowed)
        return allowed.error();
    Member member = requested;
    member.login = member.login.trimmed();
    if (!isValidLogin(member.login))
        return makeError(Error::Code::InvalidInput,
                         QCoreApplication::translate(
                             "Identity",
                             "\"%1\" cannot be a login: use 1 to 63 ASCII letters, digits or . _ @ -, not "
                             "starting with pg_ or pooldesk_.")
                             .arg(member.login));
    if (password && password->isEmpty())
        return makeError(Error::Code::InvalidInput,
                         QCoreApplication::translate("Identity", "The password is empty."));
    Transaction transaction(m_db);
    if (auto begun = transaction.begin(); !begun)
        return begun.error();
    auto ids = companyIds(member.role, member.companies);
    if (!ids)
        return ids.error();
    auto existing =
        Sql::exec(m_db.connection(), QStringLiteral("SELECT 1 FROM members WHERE login = ?"), {member.login});
    if (!existing)
        return existing.error();
    if (existing.value().next())
        return makeError(
            Error::Code::Conflict,
            QCoreApplication::translate(
                "Identity",
                "%1 is already a PoolDesk user. Change its role with `pooldeskctl user set-role`.")
                .arg(member.login));
    existing.value().finish();
    auto dbRole = Sql::exec(m_db.connection(), QStringLiteral("SELECT 1 FROM pg_roles WHERE rolname = ?"),
                            {member.login});
    if (!dbRole)
        return dbRole.error();
    const bool loginExists = dbRole.value().next();
    dbRole.value().finish();
    if (loginExists && password)
        return makeError(Error::Code::Conflict,
                         QCoreApplication::translate(
                             "Identity",
                             "The database already has a login named %1; PoolDesk makes it a user without "
                             "touching its password. Leave out --password-stdin.")
                             .arg(member.login));
    if (loginExists) {
        // PoolDesk's group roles belong to the whole server: a login with one of them already
        // is a user of another PoolDesk database here, and would carry that role into this one.
        QStringList groups;
        for (Role role : {Role::Administrator, Role::Finance, Role::Manager, Role::Service})
            groups.append(groupRole(role));
        auto elsewhere = Sql::exec(
            m_db.connection(),
            QStringLiteral("SELECT g.rolname FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid "
                           "JOIN pg_roles u ON u.oid = m.member WHERE u.rolname = ? AND g.rolname = "
                           "ANY (string_to_array(?, ','))"),
            {member.login, groups.join(QLatin1Char(','))});
        if (!elsewhere)
            return elsewhere.error();
        if (elsewhere.value().next())
            return makeError(Error::Code::Conflict,
                             QCoreApplication::translate(
                                 "Identity", "The login %1 is already a PoolDesk user of another database on "
                                             "this server (%2), and its role would reach into this one. Give "
                                             "it a login of its own here.")
                                 .arg(member.login, elsewhere.value().value(0).toString()));
    }
    if (!loginExists) {
        QByteArray salt(16, Qt::Uninitialized);
        QRandomGenerator::system()->fillRange(reinterpret_cast<quint32 *>(salt.data()), salt.size() / 4);
        const Status created =
            password
                ? Sql::execFormatted(m_db.connection(), QStringLiteral("CREATE ROLE %I LOGIN PASSWORD %L"),
                                     {member.login, scramSha256Verifier(*password, salt)})
                : Sql::execFormatted(m_db.connection(), QStringLiteral("CREATE ROLE %I LOGIN"),
                                     {member.login});
        if (!created)
            return created.error();
        member.createdLogin = true;
    }
    if (auto granted = Sql::execFormatted(m_db.connection(), QStringLiteral("GRANT %I TO %I"),
                                          {groupRole(member.role), member.login});
        !granted)
        return granted.error();
    if (auto connect = setConnect(m_db, member.login, true); !connect)
        return connect.error();
    if (auto inserted =
            Sql::exec(m_db.connection(),
                      QStringLiteral("INSERT INTO members (login, role, created_login, created_at, "
                                     "created_by) VALUES (?, ?, ?, ?, ?)"),
                      {member.login, toString(member.role), member.createdLogin ? 1 : 0, Clock::nowSecs(),
                       m_db.login()});
        !inserted)
        return inserted.error();
    if (auto written = writeCompanies(member.login, ids.value()); !written)
        return written.error();
    if (auto audited = AuditLog::write(m_db, Actor::currentUser(), QStringLiteral("user.add"), member.login,
                                       std::nullopt, {}, memberJson(member));
        !audited)
        return audited.error();
    if (auto committed = transaction.commit(); !committed)
        return committed.error();
    return member;
}

Result<Member> Members::find(const QString &login) {
    auto all = list();
    if (!all)
        return all.error();
    const auto found =
        std::find_if(all->cbegin(), all->cend(), [&](const Member &m) { return m.login == login; });
    if (found == all->cend())
        return makeError(
            Error::Code::NotFound,
            QCoreApplication::translate(
                "Identity", "%1 is not a PoolDesk user. See the list with `pooldeskctl user list`.")
                .arg(login));
    return *found;
}

Result<Member> Members::setRole(const QString &login, Role role, const QStringList &companies) {
    if (auto allowed = mayChange(); !allowed)
        return allowed.error();
    Transaction transaction(m_db);
    if (auto begun = transaction.begin(); !begun)
        return begun.error();
    auto found = find(login);
    if (!found)
        return found.error();
    const Member before = found.value();
    auto ids = companyIds(role, companies);
    if (!ids)
        return ids.error();
    if (before.role != role) {
        if (auto revoked = Sql::execFormatted(m_db.connection(), QStringLiteral("REVOKE %I FROM %I"),
                                              {groupRole(before.role), login});
            !revoked)
            return revoked.error();
        if (auto granted = Sql::execFormatted(m_db.connection(), QStringLiteral("GRANT %I TO %I"),
                                              {groupRole(role), login});
            !granted)
            return granted.error();
    }
    if (auto updated =
            Sql::exec(m_db.connection(), QStringLiteral("UPDATE members SET role = ? WHERE login = ?"),
                      {toString(role), login});
        !updated)
        return updated.error();
    if (auto written = writeCompanies(login, ids.value()); !written)
        return written.error();
    Member after = before;
    after.role = role;
    after.companies.clear();
    for (const QString &name : companies)
        if (!after.companies.contains(name.trimmed()))
            after.companies.append(name.trimmed());
    if (auto audited = AuditLog::write(m_db, Actor::currentUser(), QStringLiteral("user.set_role"), login,
                                       std::nullopt, memberJson(before), memberJson(after));
        !audited)
        return audited.error();
    if (auto committed = transaction.commit(); !committed)
        return committed.error();
    return after;
}

Status Members::remove(const QString &login) {
    if (auto allowed = mayChange(); !allowed)
        return allowed;
    if (login == m_db.login())
        return makeError(
            Error::Code::InvalidInput,
            QCoreApplication::translate(
                "Identity", "You cannot remove yourself: sign in as another administrator to remove %1.")
                .arg(login));
    Transaction transaction(m_db);
    if (auto begun = transaction.begin(); !begun)
        return begun;
    auto found = find(login);
    if (!found)
        return found.error();
    const Member before = found.value();
    if (auto deleted =
            Sql::exec(m_db.connection(), QStringLiteral("DELETE FROM members WHERE login = ?"), {login});
        !deleted)
        return deleted.error();
    if (auto revoked = Sql::execFormatted(m_db.connection(), QStringLiteral("REVOKE %I FROM %I"),
                                          {groupRole(before.role), login});
        !revoked)
        return revoked;
    if (auto connect = setConnect(m_db, login, false); !connect)
        return connect;
    // A login PoolDesk created goes with the user; one the database administrator made stays.
    if (before.createdLogin)
        if (auto dropped = Sql::execFormatted(m_db.connection(), QStringLiteral("DROP ROLE %I"), {login});
            !dropped)
            return dropped;
    if (auto audited = AuditLog::write(m_db, Actor::currentUser(), QStringLiteral("user.remove"), login,
                                       std::nullopt, memberJson(before), {});
        !audited)
        return audited;
    return transaction.commit();
}

} // namespace PoolDesk
