#include "itemmodels/QueryThread.h"

#include "storage/Database.h"
#include "storage/ReconnectingDatabase.h"
#include "storage/SqlHelpers.h"

#include <QLoggingCategory>

#include <optional>

Q_LOGGING_CATEGORY(lcQueryThread, "pooldesk.itemmodels.querythread")

namespace PoolDesk {

class QueryThread::Worker final : public QObject {
public:
    explicit Worker(DatabaseUrl url)
        : m_url(std::move(url)) {}

    void execute(const std::function<bool(Database *, const Error *)> &work) {
        if (!m_db && !m_openError) {
            auto opened = Database::open(m_url, Database::Migrate::No);
            if (opened) {
                m_db = std::make_unique<ReconnectingDatabase>(std::move(opened).value());
            } else {
                qCWarning(lcQueryThread) << "worker cannot open the database:" << opened.error().message;
                m_openError = opened.error();
            }
        }
        if (!m_db) {
            work(nullptr, &*m_openError);
            return;
        }
        // A connection lost by an earlier job is opened again (with backoff) before this one.
        if (!m_db->tryReopen()) {
            const Error unreachable = Sql::unavailableError();
            work(nullptr, &unreachable);
            return;
        }
        if (!work(m_db->get(), nullptr))
            return;
        // The connection broke since the last job (a server restart ends idle connections too):
        // a read is safe to run again, on a new connection if one can be had now.
        m_db->markLost();
        if (m_db->tryReopen() && work(m_db->get(), nullptr))
            m_db->markLost();
    }

    void close() { m_db.reset(); }

private:
    DatabaseUrl m_url;
    std::unique_ptr<ReconnectingDatabase> m_db;
    std::optional<Error> m_openError;
};

QueryThread::QueryThread(DatabaseUrl url, QObject *parent)
    : QObject(parent)
    , m_url(std::move(url)) {
    m_worker = new Worker(m_url);
    m_worker->moveToThread(&m_thread);
    m_thread.setObjectName(QStringLiteral("pooldesk-query"));
    m_thread.start();
}

QueryThread::~QueryThread() {
    // Worker::execute runs as queued calls; quitting after the running one leaves the rest unrun.
    m_thread.requestInterruption();
    // The connection is closed on the thread that opened it, after the jobs still queued (which
    // now return at once).
    QMetaObject::invokeMethod(
        m_worker, [worker = m_worker] { worker->close(); }, Qt::BlockingQueuedConnection);
    m_thread.quit();
    m_thread.wait();
    delete m_worker;
}

void QueryThread::post(std::function<bool(Database *, const Error *)> work, std::function<void()> deliver) {
    ++m_pending;
    QMetaObject::invokeMethod(
        m_worker,
        [this, work = std::move(work), deliver = std::move(deliver)]() mutable {
            if (QThread::currentThread()->isInterruptionRequested())
                return;
            m_worker->execute(work);
            // Back on the owner's thread. The owner waits for this thread before it is destroyed,
            // so `this` is alive here; the queued call is dropped if it is destroyed before delivery.
            QMetaObject::invokeMethod(
                this,
                [this, deliver = std::move(deliver)] {
                    --m_pending;
                    deliver();
                },
                Qt::QueuedConnection);
        },
        Qt::QueuedConnection);
}

} // namespace PoolDesk
