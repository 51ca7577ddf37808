#include "storage/Database.h"

#include "domain/OsAccount.h"
#include "storage/Migrations.h"
#include "storage/SqlHelpers.h"
#include "storage/SqliteHandle.h"

#include <QAtomicInteger>
#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QLoggingCategory>
#include <QSqlError>
#include <QSqlQuery>
#include <QThread>
#include <QUrl>

#include <sqlite3.h>

Q_LOGGING_CATEGORY(lcDatabase, "pooldesk.storage.database")

namespace PoolDesk {

static QString nextConnectionName() {
    static QAtomicInteger<quint64> counter;
    return QStringLiteral("pooldesk-%1").arg(counter.fetchAndAddRelaxed(1));
}

Database::Database(DatabaseUrl url, QString connectionName)
    : m_url(std::move(url))
    , m_connectionName(std::move(connectionName)) {}

Database::~Database() {
    if (m_db.isOpen())
        m_db.close();
    m_db = QSqlDatabase();
    QSqlDatabase::removeDatabase(m_connectionName);
}

Result<std::unique_ptr<Database>> Database::open(const QString &url, Migrate migrate) {
    auto parsed = DatabaseUrl::parse(url);
    if (!parsed)
        return parsed.error();
    return open(parsed.value(), migrate);
}

Result<std::unique_ptr<Database>> Database::open(const DatabaseUrl &url, Migrate migrate) {
    const bool sqlite = url.engine == DatabaseUrl::Engine::Sqlite;
    const QString driver = sqlite ? QStringLiteral("QSQLITE") : QStringLiteral("QPSQL");
    if (!QSqlDatabase::isDriverAvailable(driver)) {
        return makeError(
            Error::Code::Unavailable,
            sqlite ? QCoreApplication::translate(
                         "Database", "The Qt SQLite driver is not installed (package libqt6sql6-sqlite).")
                   : QCoreApplication::translate(
                         "Database", "The Qt PostgreSQL driver is not installed (package libqt6sql6-psql)."));
    }
    std::unique_ptr<Database> db(new Database(url, nextConnectionName()));
    db->m_db = QSqlDatabase::addDatabase(driver, db->m_connectionName);
    if (sqlite && url.path != QLatin1String(":memory:")) {
        const QFileInfo file(url.path);
        if (!QDir().mkpath(file.absolutePath()))
            return makeError(
                Error::Code::Storage,
                QCoreApplication::translate("Database", "Cannot create the folder %1 for the database.")
                    .arg(file.absolutePath()));
    }
    if (auto connected = db->connect(Mode::Fresh); !connected)
        return connected.error();
    if (migrate == Migrate::Yes) {
        if (auto migrated = db->migrate(); !migrated)
            return migrated.error();
    }
    return db;
}

Status Database::reconnect() {
    // A new driver, not close() and open() on the old one: Qt's PostgreSQL driver keeps the
    // notification subscriptions and socket notifier of a connection that broke.
    const QString driver = m_db.driverName();
    m_db.close();
    m_db = QSqlDatabase();
    QSqlDatabase::removeDatabase(m_connectionName);
    m_db = QSqlDatabase::addDatabase(driver, m_connectionName);
    m_transactionDepth = 0; // the server rolled back whatever was open
    auto connected = connect(Mode::Reopen);
    if (!connected) {
        qCInfo(lcDatabase).noquote() << "the database is still unreachable:" << connected.error().message;
        if (!Sql::isConnectionLost(connected.error()))
            return Sql::unavailableError(connected.error().nativeCode);
    }
    return connected;
}

Status Database::connect(Mode mode) {
    m_readOnly = false;
    if (isSqlite()) {
        if (mode == Mode::Reopen && m_url.path != QLatin1String(":memory:") && !QFileInfo::exists(m_url.path))
            return Sql::unavailableError();
        m_db.setDatabaseName(m_url.path);
        // Writers wait for each other rather than failing at once.
        m_db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=30000"));
    } else {
        m_db.setHostName(m_url.host);
        m_db.setPort(m_url.port);
        m_db.setUserName(m_url.user);
        m_db.setPassword(m_url.password);
        m_db.setDatabaseName(m_url.databaseName);
        // libpq counts the timeout per address tried; 2 s is its minimum.
        m_db.setConnectOptions(mode == Mode::Reopen ? QStringLiteral("connect_timeout=2")
                                                    : QStringLiteral("connect_timeout=10"));
    }
    if (!m_db.open()) {
        const QSqlError failure = m_db.lastError();
        Error error = makeError(Error::Code::Unavailable,
                                QCoreApplication::translate("Database", "Cannot open the database %1: %2")
                                    .arg(m_url.redacted(), failure.text()));
        error.nativeCode = failure.nativeErrorCode();
        return error;
    }
    Sql::setLocation(m_db.driver(), location());
    const Status configured = configure(mode);
    if (isSqlite() && m_url.path != QLatin1String(":memory:")) {
        // SQLite opens a file it may not write (mode 0444, a read-only mount) read-only by itself;
        // in a read-only folder it cannot even read a WAL database this way (its shared-memory
        // file cannot be created). Either way the pool is still worth showing: open it read-only.
        bool readOnly = false;
        if (!configured)
            readOnly = configured.error().reason == Sql::DatabaseReadOnly;
        else if (sqlite3 *handle = sqliteHandleOf(*this))
            readOnly = sqlite3_db_readonly(handle, "main") == 1;
        else
            readOnly = !QFileInfo(m_url.path).isWritable();
        if (readOnly)
            return connectReadOnly();
    }
    if (!configured || !isPostgreSql())
        return configured;
    // A database (or server) whose transactions are read-only by default: ALTER DATABASE ... SET
    // default_transaction_read_only, or a standby.
    auto readOnly = Sql::exec(m_db, QStringLiteral("SHOW transaction_read_only"));
    if (!readOnly)
        return readOnly.error();
    m_readOnly = readOnly.value().next() && readOnly.value().value(0).toString() == QLatin1String("on");
    return success();
}

Status Database::connectReadOnly() {
    const QString options = QStringLiteral("QSQLITE_BUSY_TIMEOUT=30000;QSQLITE_OPEN_READONLY");
    // First as is (enough when SQLite may create or open the WAL's shared-memory file); then, in a
    // read-only folder without that file, as immutable: the only way SQLite reads a WAL database
    // there, and nobody can change the file meanwhile, since a write needs that folder.
    Error failure = makeError(Error::Code::Unavailable, QString());
    for (const bool immutable : {false, true}) {
        m_db.close();
        if (immutable) {
            m_db.setConnectOptions(options + QStringLiteral(";QSQLITE_OPEN_URI"));
            m_db.setDatabaseName(
                QUrl::fromLocalFile(QFileInfo(m_url.path).absoluteFilePath()).toString(QUrl::FullyEncoded) +
                QStringLiteral("?immutable=1"));
        } else {
            m_db.setConnectOptions(options);
            m_db.setDatabaseName(m_url.path);
        }
        if (!m_db.open()) {
            failure = Sql::storageError(m_db);
            continue;
        }
        Sql::setLocation(m_db.driver(), location());
        QSqlQuery query(m_db);
        if (!query.exec(QStringLiteral("SELECT count(*) FROM sqlite_schema")) || !query.next()) {
            failure = Sql::storageError(query);
            continue;
        }
        query.finish();
        for (const char *pragma : {"PRAGMA foreign_keys=ON", "PRAGMA temp_store=MEMORY"}) {
            if (auto done = Sql::exec(m_db, QString::fromLatin1(pragma)); !done)
                return done.error();
        }
        m_readOnly = true;
        return success();
    }
    Error error = makeError(Error::Code::Unavailable,
                            QCoreApplication::translate("Database", "Cannot open the database %1: %2")
                                .arg(location(), failure.message));
    error.nativeCode = failure.nativeCode;
    return error;
}

QString Database::location() const {
    if (isSqlite())
        return m_url.path == QLatin1String(":memory:") ? m_url.path
                                                       : QFileInfo(m_url.path).absoluteFilePath();
    return m_url.redacted();
}

Status Database::probeWritable() {
    if (m_readOnly)
        return Sql::readOnlyError(location(), isPostgreSql());
    if (isPostgreSql()) {
        auto readOnly = Sql::exec(m_db, QStringLiteral("SHOW transaction_read_only"));
        if (!readOnly)
            return readOnly.error();
        if (readOnly.value().next() && readOnly.value().value(0).toString() == QLatin1String("on"))
            return Sql::readOnlyError(location(), true);
        return success();
    }
    // Inside another transaction the write would be that one's: only its commit can tell.
    if (m_transactionDepth > 0)
        return success();
    auto version = Sql::exec(m_db, QStringLiteral("PRAGMA user_version"));
    if (!version)
        return version.error();
    const qint64 value = version.value().next() ? version.value().value(0).toLongLong() : 0;
    version.value().finish();
    // A committed write of page one: the WAL grows by a page, which a full disk refuses.
    if (auto begun = Sql::exec(m_db, QStringLiteral("BEGIN IMMEDIATE")); !begun)
        return begun.error();
    auto written = Sql::exec(m_db, QStringLiteral("PRAGMA user_version = %1").arg(value));
    if (written)
        written = Sql::exec(m_db, QStringLiteral("COMMIT"));
    if (!written) {
        // SQLite may have rolled back already (after a full disk): no error of its own to report.
        QSqlQuery rollback(m_db);
        rollback.exec(QStringLiteral("ROLLBACK"));
        return written.error();
    }
    return success();
}

Result<std::unique_ptr<Database>> Database::openAnother() const {
    return open(m_url, Migrate::No);
}

QString Database::login() {
    if (!m_login.isEmpty())
        return m_login;
    if (isSqlite())
        return m_login = osAccountName();
    QSqlQuery query(m_db);
    if (query.exec(QStringLiteral("SELECT session_user")) && query.next())
        m_login = query.value(0).toString();
    return m_login.isEmpty() ? QStringLiteral("unknown") : m_login;
}

Status Database::configure(Mode mode) {
    if (isSqlite()) {
        // WAL lets readers (the console) work while a writer allocates; NORMAL synchronous is
        // durable across application crashes in WAL mode and is what the benchmarks use.
        // Switching a new file to WAL needs a moment alone with it, and SQLite answers "locked" at
        // once rather than waiting when another process (a second console, pooldeskctl) opens it
        // at the same time. Ask again for up to 10 s; when reopening a lost connection, only while
        // SQLite says busy, so an unreadable file is reported at once.
        QElapsedTimer waited;
        waited.start();
        for (;;) {
            QSqlQuery query(m_db);
            if (query.exec(QStringLiteral("PRAGMA journal_mode=WAL")))
                break;
            const int primary = query.lastError().nativeErrorCode().toInt() & 0xff;
            const bool busy = primary == 5 || primary == 6; // SQLITE_BUSY, SQLITE_LOCKED
            // A read-only folder does not become writable by waiting: open the file read-only.
            const bool readOnly =
                Sql::writeRefusalOf(query.lastError(), m_db.driver()) == Sql::WriteRefusal::ReadOnly;
            if ((mode == Mode::Reopen && !busy) || readOnly || waited.elapsed() > 10'000)
                return Sql::storageError(query);
            QThread::msleep(20);
        }
        for (const char *pragma :
             {"PRAGMA synchronous=NORMAL", "PRAGMA foreign_keys=ON", "PRAGMA temp_store=MEMORY"}) {
            if (auto done = Sql::exec(m_db, QString::fromLatin1(pragma)); !done)
                return done.error();
        }
    } else {
        // Notices (such as "already exists, skipping") would land on the CLI's stderr. READ
        // COMMITTED whatever the server's default: allocation (pooldesk_allocate) relies on each
        // statement seeing what committed while it waited for the company's row lock.
        for (const char *statement :
             {"SET TIME ZONE 'UTC'", "SET client_min_messages = warning",
              "SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL READ COMMITTED"}) {
            if (auto done = Sql::exec(m_db, QString::fromLatin1(statement)); !done)
                return done.error();
        }
    }
    return success();
}

Status Database::migrate() {
    return Migrations::apply(*this);
}

Status Database::deferCheckpoints() {
    if (!isSqlite())
        return success();
    if (auto done = Sql::exec(m_db, QStringLiteral("PRAGMA wal_autocheckpoint=100000")); !done)
        return done.error();
    return success();
}

int Database::schemaVersion() {
    return Migrations::currentVersion(*this);
}

} // namespace PoolDesk
