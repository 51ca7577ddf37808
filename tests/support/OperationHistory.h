#pragma once

// A Jepsen-style history of allocations and releases made by several clients (pooldeskctl
// processes, HTTP backends of pooldesk-service) while processes die and databases go away, and
// the checker that holds it against what the database kept.
//
// Every operation is recorded when it is invoked and again when its outcome is known: ok (the
// client was told it happened), fail (the client was told it did not) or unknown (the process
// died, the connection broke, the answer was "unavailable": it may or may not have happened).
// Clients give every call a session of its own; a retry of an operation uses the same session.
#include <QList>
#include <QMutex>
#include <QString>
#include <QStringList>

namespace PoolDesk {
class Database;
}

namespace PoolDesk::Test {

// Wall-clock microseconds, the clock the pool's leases are kept in.
qint64 wallMicros();

class OperationHistory {
public:
    enum class Kind { Allocate, Release };
    enum class Outcome { Pending, Ok, Fail, Unknown };
    struct Operation {
        int id = 0;
        QString process; // who ran it, e.g. "cli-2" or "http-1"
        Kind kind = Kind::Allocate;
        QString session;
        QString company;
        qint64 durationSeconds = 0; // a release's reported duration
        qint64 invokedUs = 0;
        qint64 completedUs = 0;
        Outcome outcome = Outcome::Pending;
        QString number;              // an allocation's number, when ok
        qint64 leaseExpiresSecs = 0; // an allocation's lease, when ok
        QString detail;              // why it failed or is unknown
    };

    // Thread-safe: clients on several threads record into one history.
    int invoke(const QString &process, Kind kind, const QString &session, const QString &company,
               qint64 durationSeconds = 0);
    void allocated(int id, const QString &number, qint64 leaseExpiresSecs);
    void ok(int id);
    void fail(int id, const QString &detail);
    void unknown(int id, const QString &detail);

    QList<Operation> operations() const;
    int count(Kind kind, Outcome outcome) const;
    // "allocate ok 812, fail 40, unknown 31; release ..."
    QString summary() const;
    static QString line(const Operation &op);

    // The invariants, once every client has stopped and every lease has been reaped; one line per
    // violation, followed by the history lines of the sessions involved. Empty when all hold.
    //  - 0 numbers stuck: no reservation left, every number available with 0 active calls;
    //  - 0 numbers held by more sessions at once than perNumber allows, by the intervals in which
    //    the history proves a session held its number (from its acknowledged allocation to the
    //    first attempt to release it or the end of its lease, whichever came first);
    //  - every acknowledged release has exactly one call record, with the duration reported;
    //  - no call record without an acknowledged or unknown release, nor for a session whose
    //    allocation was refused, nor on another number than the one it was acknowledged with;
    //  - every acknowledged allocation ended either in a call record or in the lease reaper's
    //    audit entry;
    //  - each number's and each company's usage equals the sums over its call records.
    QStringList check(Database &db, int perNumber) const;

    // What a running pool may never show, at any moment: a number with more reservations than
    // perNumber, or active calls that differ from its reservations. Empty when it holds.
    static QStringList checkLive(Database &db, int perNumber);

private:
    mutable QMutex m_mutex;
    QList<Operation> m_operations;
};

} // namespace PoolDesk::Test
