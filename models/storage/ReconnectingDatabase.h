#pragma once

#include "domain/Result.h"
#include "storage/Database.h"

#include <QDateTime>

#include <functional>
#include <memory>

namespace PoolDesk {

// A connection for a program that runs for months (the pool service, the console): when an
// operation reports that the connection was lost (Sql::isConnectionLost), it is marked lost, and
// tryReopen() opens it again in place (Database::reconnect), no sooner than a backoff allows (from
// 100 ms, doubling, at most MaxBackoffMs), so a database that is down is not hammered and one that
// is back is used within a second or two. Whatever was prepared on the old connection (statements,
// allocators) must be built again: the owner rebuilds it after a successful tryReopen() (or checks
// generation()).
//
// Used from one thread, like Database.
class ReconnectingDatabase final {
public:
    static constexpr qint64 FirstBackoffMs = 100;
    static constexpr qint64 MaxBackoffMs = 2000;
    // How often a connection opened read-only is opened again after a refused write.
    static constexpr qint64 ReadOnlyRecheckMs = 5000;

    // Runs on every connection opened again before it is used (settings of the connection's own).
    using Setup = std::function<Status(Database &)>;

    explicit ReconnectingDatabase(std::unique_ptr<Database> opened, Setup setup = {});
    ~ReconnectingDatabase();
    ReconnectingDatabase(const ReconnectingDatabase &) = delete;
    ReconnectingDatabase &operator=(const ReconnectingDatabase &) = delete;

    // The open connection; null while it is lost.
    Database *get() const { return m_lost ? nullptr : m_db.get(); }
    // The connection whatever its state, for those who hold on to it (views keep a reference).
    Database &database() const { return *m_db; }
    bool isLost() const { return m_lost; }
    const DatabaseUrl &url() const { return m_db->url(); }
    // Since when the connection is lost (invalid while open).
    QDateTime lostSince() const { return m_lostSince; }
    // Grows by one with every successful reopen.
    int generation() const { return m_generation; }

    // After an operation failed: when the error says the connection is lost, drops it and returns
    // true. Other errors leave it alone.
    bool noteFailure(const Error &error);
    // Marks the connection lost (a failed probe, say): it is closed and opened again.
    void markLost();
    // Asks the database a trivial question; a lost connection is dropped. Returns whether it is open.
    bool probe();
    // While lost and the backoff has run out: one attempt to open again. Returns whether the
    // connection is open now.
    bool tryReopen();
    // After a write was refused (Sql::isWriteRefused): a connection opened read-only stays so, even
    // once the file or database is writable again, so it is opened again, at most every
    // ReadOnlyRecheckMs. Returns true when it was (the owner rebuilds what it prepared, as after
    // tryReopen); a failed attempt leaves it lost. The owner drops what it prepared first, while
    // readOnlyRecheckDue() says it will be opened again.
    // A person's "Try Again" (Recheck::Now) skips the interval.
    enum class Recheck { WhenDue, Now };
    bool reopenIfReadOnly(Recheck when = Recheck::WhenDue);
    bool readOnlyRecheckDue() const;
    // How long until tryReopen() will try again (0 when it would try now, or is open).
    qint64 msUntilNextAttempt() const;

private:
    Setup m_setup;
    std::unique_ptr<Database> m_db;
    bool m_lost = false;
    QDateTime m_lostSince;
    qint64 m_nextAttemptMs = 0; // monotonic
    qint64 m_backoffMs = FirstBackoffMs;
    qint64 m_nextReadOnlyCheckMs = 0; // monotonic
    int m_generation = 0;
};

} // namespace PoolDesk
