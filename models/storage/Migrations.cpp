#include "storage/Migrations.h"

#include "domain/BillingZone.h"
#include "domain/Clock.h"
#include "domain/PhoneNumber.h"
#include "storage/AuditLog.h"
#include "storage/Database.h"
#include "storage/PickOrder.h"
#include "storage/SqlHelpers.h"
#include "storage/Transaction.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QRegularExpression>
#include <QSqlQuery>
#include <QStringList>

// Static libraries need their resources pulled in explicitly.
static void initMigrationResources() {
    Q_INIT_RESOURCE(migrations);
}

namespace PoolDesk::Migrations {

namespace {

struct Migration {
    int version = 0;
    QString name;
    QString sql;
    enum class Engine { Both, PostgreSql, Sqlite } engine = Engine::Both;
};

// Migrations are the files NNN_name.sql under :/pooldesk/migrations, applied in number order.
// Each module adds its own file (and its line in migrations.qrc) rather than editing this one.
// NNN_name.postgresql.sql runs on PostgreSQL only (server-side functions, grants) and
// NNN_name.sqlite.sql on SQLite only (its trigger syntax); the other engine records the version
// with nothing to run, so both count versions alike.
const QList<Migration> &all() {
    static const QList<Migration> migrations = [] {
        initMigrationResources();
        QList<Migration> list;
        static const QRegularExpression pattern(
            QStringLiteral("^(\\d{3})_(.+?)(\\.postgresql|\\.sqlite)?\\.sql$"));
        const QDir dir(QStringLiteral(":/pooldesk/migrations"));
        for (const QString &file : dir.entryList({QStringLiteral("*.sql")}, QDir::Files, QDir::Name)) {
            const auto match = pattern.match(file);
            QFile source(dir.filePath(file));
            if (!match.hasMatch() || !source.open(QIODevice::ReadOnly))
                continue;
            const QString engine = match.captured(3);
            list.append({match.captured(1).toInt(), match.captured(2), QString::fromUtf8(source.readAll()),
                         engine.isEmpty()                         ? Migration::Engine::Both
                         : engine == QLatin1String(".postgresql") ? Migration::Engine::PostgreSql
                                                                  : Migration::Engine::Sqlite});
        }
        return list;
    }();
    return migrations;
}

QString idColumn(Database &db) {
    return db.isPostgreSql() ? QStringLiteral("BIGSERIAL PRIMARY KEY")
                             : QStringLiteral("INTEGER PRIMARY KEY AUTOINCREMENT");
}

// Statements end with ';' at a line end, except inside a $$-quoted function body.
QStringList statementsOf(const QString &sql) {
    QStringList statements;
    QString current;
    bool inBody = false;
    for (const QString &line : sql.split(QLatin1Char('\n'))) {
        if (line.trimmed().startsWith(QLatin1String("--")))
            continue;
        current += line + QLatin1Char('\n');
        if (line.count(QLatin1String("$$")) % 2 == 1)
            inBody = !inBody;
        if (!inBody && line.trimmed().endsWith(QLatin1Char(';'))) {
            statements.append(current.trimmed().chopped(1));
            current.clear();
        }
    }
    if (!current.trimmed().isEmpty())
        statements.append(current.trimmed());
    return statements;
}

// Since migration 015 the schema belongs to a role nobody signs in as; its members (the login that
// created the database) upgrade the schema as that role, so what they create belongs to it too.
Status runAsSchemaOwner(Database &db) {
    auto owner = Sql::exec(
        db.connection(), QStringLiteral("SELECT tableowner, pg_has_role(session_user, tableowner, 'MEMBER') "
                                        "FROM pg_tables WHERE schemaname = current_schema() AND "
                                        "tablename = 'schema_migrations' AND tableowner <> session_user"));
    if (!owner)
        return owner.error();
    if (!owner.value().next())
        return success(); // a new database, or one from before 015: its creator owns it
    const QString role = owner.value().value(0).toString();
    if (!owner.value().value(1).toBool())
        return makeError(
            Error::Code::Refused,
            QCoreApplication::translate("Migrations",
                                        "This PoolDesk database needs a schema upgrade to version %1, which "
                                        "only its owner (a member of the role %2) may run. Ask them to "
                                        "start PoolDesk, or `pooldeskctl db migrate`, once.")
                .arg(latestVersion())
                .arg(role),
            QStringLiteral("role_required"));
    owner.value().finish();
    return Sql::execFormatted(db.connection(), QStringLiteral("SET LOCAL ROLE %I"), {role});
}

// The zone a new workspace bills in until an administrator chooses: this machine's. Quoted into
// SQL, so only the characters IANA ids use get through.
QString systemTimeZone() {
    const QString id = BillingZone::system().id();
    static const QRegularExpression safe(QStringLiteral("^[A-Za-z0-9/_+-]+$"));
    return safe.match(id).hasMatch() ? id : QStringLiteral("UTC");
}

// Migrations 024 and 025 added where each number is; libphonenumber, not SQL, knows that.
constexpr int GeographyVersion = 25;

Status fillGeography(Database &db) {
    auto numbers = Sql::exec(db.connection(), QStringLiteral("SELECT id, e164 FROM phone_numbers WHERE "
                                                             "area_code IS NULL AND region IS NULL"));
    if (!numbers)
        return numbers.error();
    QSqlQuery update(db.connection());
    if (!update.prepare(QStringLiteral("UPDATE phone_numbers SET area_code = ?, region = ? WHERE id = ?")))
        return Sql::storageError(update);
    while (numbers.value().next()) {
        const PhoneNumber::Geography where = PhoneNumber::geography(numbers.value().value(1).toString());
        if (auto ran = Sql::run(update, {Sql::nullText(where.areaCode), Sql::nullText(where.region),
                                         numbers.value().value(0)});
            !ran)
            return ran.error();
    }
    return success();
}

// Migration 029 made the audit log a chain; SQLite has no SHA-256 in SQL, so the entries written
// before it are linked here (030 does it in SQL on PostgreSQL).
constexpr int AuditChainVersion = 29;

} // namespace

int latestVersion() {
    return all().isEmpty() ? 0 : all().constLast().version;
}

int currentVersion(Database &db) {
    auto query =
        Sql::exec(db.connection(), QStringLiteral("SELECT COALESCE(MAX(version), 0) FROM schema_migrations"));
    if (!query || !query.value().next())
        return 0;
    return query.value().value(0).toInt();
}

Status apply(Database &db) {
    // Fast path: an up-to-date database (a failed read means there is no schema table yet).
    {
        QSqlQuery probe(db.connection());
        if (probe.exec(QStringLiteral("SELECT COALESCE(MAX(version), 0) FROM schema_migrations")) &&
            probe.next() && probe.value(0).toInt() == latestVersion())
            return success();
    }

    // A number used twice (say NNN_x.sql beside NNN_x.postgresql.sql) would be recorded twice.
    for (qsizetype i = 1; i < all().size(); ++i) {
        if (all().at(i).version == all().at(i - 1).version)
            return makeError(Error::Code::Conflict,
                             QCoreApplication::translate(
                                 "Migrations",
                                 "Two migrations share the number %1 (%2 and %3). Give one of them "
                                 "the next free number.")
                                 .arg(all().at(i).version)
                                 .arg(all().at(i - 1).name, all().at(i).name));
    }
    Transaction transaction(db);
    if (auto begun = transaction.begin(); !begun)
        return begun;
    if (db.isPostgreSql()) {
        // Serialises concurrent first starts, before anything is created; released at commit.
        if (auto locked = Sql::exec(db.connection(), QStringLiteral("SELECT pg_advisory_xact_lock(7301001)"));
            !locked)
            return locked.error();
        if (auto owner = runAsSchemaOwner(db); !owner)
            return owner;
    }
    if (auto created =
            Sql::exec(db.connection(), QStringLiteral("CREATE TABLE IF NOT EXISTS schema_migrations ("
                                                      "version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
                                                      "applied_at BIGINT NOT NULL)"));
        !created)
        return created.error();
    const int current = currentVersion(db);
    if (current > latestVersion()) {
        return makeError(Error::Code::Conflict,
                         QCoreApplication::translate(
                             "Migrations", "The database was created by a newer PoolDesk (schema %1; "
                                           "this version knows %2). Update PoolDesk.")
                             .arg(current)
                             .arg(latestVersion()));
    }
    // Versions at or below the database's are taken as applied, so a new migration must take the
    // next number above the latest (005 and 006 were never used: the next one is 016).
    for (const Migration &migration : all()) {
        if (migration.version <= current)
            continue;
        const bool skipped = (migration.engine == Migration::Engine::PostgreSql && !db.isPostgreSql()) ||
                             (migration.engine == Migration::Engine::Sqlite && !db.isSqlite());
        const QString sql = skipped
                                ? QString()
                                : QString(migration.sql)
                                      .replace(QStringLiteral("{{ID}}"), idColumn(db))
                                      .replace(QStringLiteral("{{WITHOUT_ROWID}}"),
                                               db.isSqlite() ? QStringLiteral(" WITHOUT ROWID") : QString())
                                      // Every migration that re-creates pooldesk_allocate gets
                                      // today's pick: PL/pgSQL binds columns when it runs, by
                                      // which time every later migration has added them.
                                      .replace(QStringLiteral("{{PICK_NUMBER}}"), PickOrder::postgresqlPick())
                                      .replace(QStringLiteral("{{PICK_MATCH}}"), PickOrder::postgresqlMatch())
                                      // A new workspace bills in this machine's zone; one upgraded
                                      // keeps the UTC months it always had.
                                      .replace(QStringLiteral("{{SYSTEM_TIME_ZONE}}"),
                                               current == 0 ? systemTimeZone() : QStringLiteral("UTC"));
        for (const QString &statement : statementsOf(sql)) {
            if (auto done = Sql::exec(db.connection(), statement); !done)
                return makeError(Error::Code::Storage,
                                 QCoreApplication::translate("Migrations", "Migration %1 (%2) failed: %3")
                                     .arg(migration.version)
                                     .arg(migration.name, done.error().message));
        }
        if (auto recorded =
                Sql::exec(db.connection(),
                          QStringLiteral("INSERT INTO schema_migrations (version, name, applied_at) "
                                         "VALUES (?, ?, ?)"),
                          {migration.version, migration.name, Clock::nowSecs()});
            !recorded)
            return recorded.error();
    }
    if (current < GeographyVersion && latestVersion() >= GeographyVersion) {
        if (auto filled = fillGeography(db); !filled)
            return filled;
    }
    if (current < AuditChainVersion && latestVersion() >= AuditChainVersion && db.isSqlite()) {
        if (auto chained = AuditLog::chainUnlinkedEntries(db); !chained)
            return chained;
    }
    return transaction.commit();
}

} // namespace PoolDesk::Migrations
