#pragma once

#include "domain/Result.h"
#include "storage/DatabaseUrl.h"

#include <QSqlDatabase>

#include <memory>

namespace PoolDesk {

// One connection to the pool database, used from the thread that opened it. A worker thread
// opens its own with openAnother(). Opening applies the engine's settings (SQLite: WAL, foreign
// keys, busy timeout) and, unless told not to, the pending migrations.
class Database final {
public:
    enum class Migrate { Yes, No };

    static Result<std::unique_ptr<Database>> open(const QString &url, Migrate migrate = Migrate::Yes);
    static Result<std::unique_ptr<Database>> open(const DatabaseUrl &url, Migrate migrate = Migrate::Yes);
    ~Database();
    Database(const Database &) = delete;
    Database &operator=(const Database &) = delete;

    Result<std::unique_ptr<Database>> openAnother() const;

    // Closes this connection and opens it again, for one that was lost (ReconnectingDatabase says
    // when): no migrations, a SQLite file that is missing is not created again (the disk may be
    // unmounted; an empty pool in its place would hand out nothing), and a PostgreSQL server that
    // does not answer is given up on sooner. Statements prepared on the old connection are dead
    // and must be prepared again. Fails with Sql::unavailableError() while the database cannot be
    // reached.
    Status reconnect();

    // Read-only: the SQLite file, its folder or its mount cannot be written by this process (SQLite
    // fell back to reading it), or a PostgreSQL session whose transactions are read-only
    // (default_transaction_read_only, a standby). Reads work; writes fail with
    // Sql::readOnlyError(). Found when the connection opens, so it holds until it is opened again.
    bool isReadOnly() const { return m_readOnly; }
    // The database as messages name it: a SQLite file's absolute path, PostgreSQL's redacted URL.
    QString location() const;
    // Whether a change could be saved now: fails with Sql::readOnlyError() on a read-only
    // connection and, on SQLite, with Sql::diskFullError() when a one-page write does not fit on
    // the disk (it rewrites the schema cookie's neighbour, user_version, with its own value, so
    // nothing changes). For "Try again" after the user freed space or fixed permissions.
    Status probeWritable();

    QSqlDatabase &connection() { return m_db; }
    const DatabaseUrl &url() const { return m_url; }
    bool isPostgreSql() const { return m_url.engine == DatabaseUrl::Engine::PostgreSql; }
    bool isSqlite() const { return m_url.engine == DatabaseUrl::Engine::Sqlite; }

    // Who this connection acts as: PostgreSQL's session_user (the login it signed in with), or on
    // SQLite the OS account that opened the file. Asked once per connection.
    QString login();

    Status migrate();
    int schemaVersion();

    // SQLite: leave checkpoints to a WalCheckpointer. This connection's commits then checkpoint
    // only if the log grows far beyond SQLite's usual 1,000 pages (the checkpointer fell behind
    // or is not running), so the log stays bounded either way. No effect on PostgreSQL.
    Status deferCheckpoints();

    // How many Transaction objects are open on this connection; the ones inside another are
    // savepoints (see Transaction).
    int transactionDepth() const { return m_transactionDepth; }

private:
    friend class Transaction;
    Database(DatabaseUrl url, QString connectionName);
    enum class Mode { Fresh, Reopen };
    Status connect(Mode mode);
    Status configure(Mode mode);
    // SQLite: opens the file again read-only, after SQLite found it cannot be written.
    Status connectReadOnly();

    DatabaseUrl m_url;
    QString m_connectionName;
    QSqlDatabase m_db;
    int m_transactionDepth = 0;
    QString m_login;
    bool m_readOnly = false;
};

} // namespace PoolDesk
