#include "storage/Database.h"

#include "domain/OsAccount.h"
#include "storage/Migrations.h"
#include "storage/SqlHelpers.h"

#include <QAtomicInteger>
#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QLoggingCategory>
#include <QSqlError>
#include <QSqlQuery>
#include <QThread>

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
    return configure(mode);
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
            if ((mode == Mode::Reopen && !busy) || waited.elapsed() > 10'000)
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
