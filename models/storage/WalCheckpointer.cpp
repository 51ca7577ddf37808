#include "storage/WalCheckpointer.h"

#include "storage/Database.h"
#include "storage/ReconnectingDatabase.h"
#include "storage/SqlHelpers.h"

#include <QLoggingCategory>
#include <QMutexLocker>
#include <QRecursiveMutex>
#include <QTimer>

Q_LOGGING_CATEGORY(lcCheckpoint, "pooldesk.storage.checkpoint")

namespace PoolDesk {

class WalCheckpointer::Worker final : public QObject {
public:
    Worker(DatabaseUrl url, QRecursiveMutex *writersGate, int intervalMs, int restartFrames)
        : m_url(std::move(url))
        , m_writersGate(writersGate)
        , m_restartFrames(restartFrames) {
        m_timer.setParent(this); // moves to the checkpointer's thread with this object
        m_timer.setInterval(intervalMs);
        connect(&m_timer, &QTimer::timeout, this, &Worker::checkpoint);
    }
    // Runs in the checkpointer's thread.
    void begin() {
        auto opened = Database::open(m_url, Database::Migrate::No);
        if (!opened) {
            // The writers' own (deferred) checkpoints still bound the log.
            qCWarning(lcCheckpoint) << "cannot open the database for checkpoints:" << opened.error().message;
            return;
        }
        m_db = std::make_unique<ReconnectingDatabase>(std::move(opened).value());
        m_timer.start();
    }
    void end() {
        m_timer.stop();
        if (m_db && !m_db->isLost())
            checkpoint();
        m_db.reset();
    }

private:
    // The log's length in frames after the checkpoint, or -1.
    int run(const char *mode) {
        // A file that became unreadable: the connection is opened again at a later checkpoint.
        if (!m_db->tryReopen())
            return -1;
        // Nothing to copy into a file this process may not write; until it may again (checked
        // now and then), no checkpoint and no warning at each attempt.
        m_db->reopenIfReadOnly();
        if (!m_db->get() || m_db->get()->isReadOnly())
            return -1;
        auto done = Sql::exec(m_db->get()->connection(),
                              QStringLiteral("PRAGMA wal_checkpoint(%1)").arg(QLatin1String(mode)));
        if (!done) {
            // A full disk is said once, not at every checkpoint, until one works again.
            const bool said = Sql::isWriteRefused(done.error()) && done.error().reason == m_refused;
            if (!m_db->noteFailure(done.error()) && !said)
                qCWarning(lcCheckpoint) << "checkpoint failed:" << done.error().message;
            m_refused = Sql::isWriteRefused(done.error()) ? done.error().reason : QString();
            return -1;
        }
        m_refused.clear();
        return done.value().next() ? done.value().value(1).toInt() : -1;
    }
    void checkpoint() {
        if (run("PASSIVE") < m_restartFrames)
            return;
        // The log starts over at the first commit that finds it wholly copied. Copy what the
        // writers added meanwhile, then once more with them held back: that last copy is small,
        // so the pause is short. Writers in this process wait on the gate rather than in SQLite's
        // busy handler, which sleeps in steps of milliseconds.
        run("PASSIVE");
        std::unique_ptr<QMutexLocker<QRecursiveMutex>> gate;
        if (m_writersGate)
            gate = std::make_unique<QMutexLocker<QRecursiveMutex>>(m_writersGate);
        run("PASSIVE");
    }

    DatabaseUrl m_url;
    QRecursiveMutex *m_writersGate;
    int m_restartFrames;
    QTimer m_timer;
    std::unique_ptr<ReconnectingDatabase> m_db;
    QString m_refused; // the write refusal already logged (Sql::isWriteRefused), if any
};

WalCheckpointer::WalCheckpointer(DatabaseUrl url, QRecursiveMutex *writersGate, int intervalMs,
                                 int restartFrames, QObject *parent)
    : QObject(parent)
    , m_url(std::move(url))
    , m_writersGate(writersGate)
    , m_intervalMs(intervalMs)
    , m_restartFrames(restartFrames) {
    m_thread.setObjectName(QStringLiteral("pooldesk-checkpoint"));
}

WalCheckpointer::~WalCheckpointer() {
    stop();
}

void WalCheckpointer::start() {
    if (m_worker || m_url.engine != DatabaseUrl::Engine::Sqlite)
        return;
    m_worker = new Worker(m_url, m_writersGate, m_intervalMs, m_restartFrames);
    m_worker->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    m_thread.start();
    QMetaObject::invokeMethod(
        m_worker, [worker = m_worker] { worker->begin(); }, Qt::QueuedConnection);
}

void WalCheckpointer::stop() {
    if (!m_worker)
        return;
    QMetaObject::invokeMethod(
        m_worker, [worker = m_worker] { worker->end(); }, Qt::BlockingQueuedConnection);
    m_thread.quit();
    m_thread.wait();
    m_worker = nullptr;
}

} // namespace PoolDesk
