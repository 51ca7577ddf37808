#pragma once

#include "domain/Result.h"
#include "storage/DatabaseUrl.h"
#include "storage/SqlHelpers.h"

#include <QObject>
#include <QPointer>
#include <QThread>

#include <atomic>
#include <functional>
#include <memory>

namespace PoolDesk {

class Database;

// Runs a model's queries on a worker thread with its own database connection (Database::open on
// the same URL, opened in the worker the first time it is needed), so the GUI thread never waits
// for SQL. Jobs run one at a time in submission order; each result comes back to the thread that
// owns the QueryThread through its event loop. Destroying the QueryThread waits for the running job
// and drops pending ones and their results, so a model that owns one can never get a late callback.
//
// Jobs are reads: one that meets a lost connection (a database restart) runs once more on a new
// connection, and later jobs reopen it with backoff while the database stays away.
//
// Note: an SQLite ":memory:" database cannot be shared with a worker: use a file.
class QueryThread final : public QObject {
    Q_OBJECT
public:
    explicit QueryThread(DatabaseUrl url, QObject *parent = nullptr);
    ~QueryThread() override;

    // Runs job(database) on the worker and then done(result) on this object's thread. When the
    // worker cannot open its connection, done receives that error.
    template <typename T>
    void run(std::function<Result<T>(Database &)> job, std::function<void(Result<T>)> done) {
        auto slot = std::make_shared<std::optional<Result<T>>>();
        post(
            [job = std::move(job), slot](Database *db, const Error *openError) {
                if (db)
                    slot->emplace(job(*db));
                else
                    slot->emplace(*openError);
                // Tells the worker that its connection is lost.
                return db && !**slot && (*slot)->error().reason == Sql::DatabaseUnavailable;
            },
            [done = std::move(done), slot] {
                if (slot->has_value())
                    done(std::move(**slot));
            });
    }

    // Jobs waiting or running (for "Loading..." indicators and tests).
    int pending() const { return m_pending.load(); }

private:
    // work returns true when it found the worker's connection lost.
    void post(std::function<bool(Database *, const Error *)> work, std::function<void()> deliver);

    class Worker;
    DatabaseUrl m_url;
    QThread m_thread;
    Worker *m_worker = nullptr; // lives in m_thread; deleted by the destructor
    std::atomic<int> m_pending{0};
};

// A counter that makes superseded jobs skip their work and their results: take a ticket when
// submitting, check isCurrent() in the job and before applying the result.
class Generation final {
public:
    quint64 next() { return ++*m_value; }
    quint64 current() const { return m_value->load(); }
    // A cheap copyable check for the worker thread.
    std::function<bool()> isCurrent(quint64 ticket) const {
        return [value = m_value, ticket] { return value->load() == ticket; };
    }

private:
    std::shared_ptr<std::atomic<quint64>> m_value = std::make_shared<std::atomic<quint64>>(0);
};

} // namespace PoolDesk
