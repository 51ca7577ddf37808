#pragma once

#include "domain/Result.h"
#include "storage/AuditLog.h"

#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace PoolDesk {

class Database;

// What a login may do in PoolDesk. Service is the pool service's own login: it runs the pool for
// every company (allocations, releases, Twilio's facts) and changes no configuration.
enum class Role { Administrator, Finance, Manager, Service };
QString toString(Role role); // "administrator", "finance", "manager", "service"
std::optional<Role> roleFromString(const QString &text);
QString displayName(Role role); // translated

// Who is acting, as the database knows them.
struct Principal {
    QString login;
    Role role = Role::Administrator;
    QList<qint64> companyIds; // a manager's companies
    QStringList companyNames;
    // How the role was decided: a membership row, PostgreSQL's superuser or schema owner (the
    // login that set the database up, before anyone was added), or SQLite's file access.
    enum class Source { Membership, DatabaseOwner, FileAccess } source = Source::Membership;
};

// What a role may do beyond reading its scope: the one place the console and the command line
// ask. The database enforces the same with its grants (migration 015); asking first lets the
// console offer only what will work, and say which role would be needed.
enum class Permission {
    ChangePool,      // add, dedicate, remove numbers
    ChangeCompanies, // add companies, change plans and limits
    ManageTwilio,    // environments, imports, purchases, releases, webhooks
    ChangeSettings,  // the workspace's settings
    ReadAuditLog,
    ReadEveryCompany, // every company's rows, the shared pool included (not a manager)
    ManageUsers,
    // Play and download call recordings: administrators, and a manager for their companies.
    // Finance reads every call's history and money, never what was said.
    ListenToRecordings,
    DeleteRecordings, // at Twilio, for good
    CloseMonths,      // freeze a month's cost report: finance and administrators
    ReopenMonths,     // undo that: administrators
};
bool allows(const Principal &principal, Permission permission);
// Whether the permission is one to change the database (rather than to read it): what a console on
// a read-only database, or on a full disk, cannot do whatever the role.
bool changesData(Permission permission);
// "Needs the Administrator role." (or Finance), translated, for a disabled action's tooltip.
QString neededRoleText(Permission permission);

namespace Identity {
// SQLite: the OS account that opened the file, administrator. PostgreSQL: session_user and its
// membership; a login that is no member is refused, unless it owns the database's schema or is a
// superuser (so whoever created the database can add the first people).
Result<Principal> whoAmI(Database &db);
} // namespace Identity

struct Member {
    QString login;
    Role role = Role::Manager;
    QStringList companies;     // a manager's, by name
    bool createdLogin = false; // PoolDesk created the database login (and drops it on removal)
};

// The membership table, and on PostgreSQL the logins behind it. Every change is refused unless the
// caller is an administrator, validated whole before anything is written, and audited.
class Members final {
public:
    explicit Members(Database &db);

    Result<QList<Member>> list();
    // On PostgreSQL creates the login (with the password, when given; sent to the server only as
    // a SCRAM-SHA-256 verifier) unless a database role of that name already exists, and grants it
    // its role's group role. SQLite has no logins: refused.
    Result<Member> add(const Member &member, const std::optional<QString> &password);
    Result<Member> setRole(const QString &login, Role role, const QStringList &companies);
    Status remove(const QString &login);

private:
    Status mayChange();
    Result<Member> find(const QString &login);
    Result<QList<qint64>> companyIds(Role role, const QStringList &companies);
    Status writeCompanies(const QString &login, const QList<qint64> &ids);

    Database &m_db;
};

// The verifier PostgreSQL stores for a SCRAM-SHA-256 password (RFC 5802, RFC 7677), so a password
// never travels in a statement, where server logs could keep it.
QString scramSha256Verifier(const QString &password, const QByteArray &salt, int iterations = 4096);

} // namespace PoolDesk
