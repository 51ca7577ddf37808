#pragma once

#include "domain/Result.h"
#include "storage/Database.h"

#include <QDateTime>

#include <functional>
#include <memory>

namespace PoolDesk {

// A connection for a process that runs for months (the pool service): when an operation reports
// that the connection was lost (Sql::isConnectionLost), the connection is dropped, and tryReopen()
// opens it again, no sooner than a backoff allows (from 100 ms, doubling, at most MaxBackoffMs),
// so a database that is down is not hammered and one that is back is used within a second or two.
// Whatever was built on the old connection (prepared statements, allocators) must be built again
// on the new one: the owner checks generation().
//
// Used from one thread, like Database.
class ReconnectingDatabase final {
public:
    static constexpr qint64 FirstBackoffMs = 100;
    static constexpr qint64 MaxBackoffMs = 2000;

    // Runs on every connection opened again before it is used (settings of the connection's own).
    using Setup = std::function<Status(Database &)>;

    explicit ReconnectingDatabase(std::unique_ptr<Database> opened, Setup setup = {});
    ~ReconnectingDatabase();
    ReconnectingDatabase(const ReconnectingDatabase &) = delete;
    ReconnectingDatabase &operator=(const ReconnectingDatabase &) = delete;

    // The open connection; null while it is lost.
    Database *get() const { return m_db.get(); }
    bool isLost() const { return !m_db; }
    const DatabaseUrl &url() const { return m_url; }
    // Since when the connection is lost (invalid while open).
    QDateTime lostSince() const { return m_lostSince; }
    // Grows by one with every successful reopen.
    int generation() const { return m_generation; }

    // After an operation failed: when the error says the connection is lost, drops it and returns
    // true. Other errors leave it alone.
    bool noteFailure(const Error &error);
    // Drops the connection as lost (a failed probe, say).
    void markLost();
    // Asks the database a trivial question; a lost connection is dropped. Returns whether it is open.
    bool probe();
    // While lost and the backoff has run out: one attempt to open again. Returns whether the
    // connection is open now.
    bool tryReopen();
    // How long until tryReopen() will try again (0 when it would try now, or is open).
    qint64 msUntilNextAttempt() const;

private:
    DatabaseUrl m_url;
    Setup m_setup;
    std::unique_ptr<Database> m_db;
    QDateTime m_lostSince;
    qint64 m_nextAttemptMs = 0; // monotonic
    qint64 m_backoffMs = FirstBackoffMs;
    int m_generation = 0;
};

} // namespace PoolDesk
