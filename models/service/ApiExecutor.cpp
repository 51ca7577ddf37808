#include "service/ApiExecutor.h"

#include "storage/Database.h"
#include "storage/ReconnectingDatabase.h"

#include <QCoreApplication>
#include <QTimer>

#include <algorithm>

namespace PoolDesk {

class ApiExecutor::Engine final : public QObject {
public:
    Engine(DatabaseUrl url, ServiceShared &shared)
        : m_url(std::move(url))
        , m_shared(shared) {}

    // Runs in the executor's thread.
    Status open() {
        auto opened = Database::open(m_url, Database::Migrate::No);
        if (!opened)
            return opened.error();
        if (auto prepared = prepareConnection(*opened.value()); !prepared)
            return prepared.error();
        m_link = std::make_unique<ReconnectingDatabase>(std::move(opened).value(), &prepareConnection);
        m_api = std::make_unique<ServiceApi>(*m_link->get(), m_shared);
        m_restoreTimer = new QTimer(this);
        m_restoreTimer->setSingleShot(true);
        connect(m_restoreTimer, &QTimer::timeout, this, [this] { restore(); });
        return success();
    }
    void close() {
        if (m_restoreTimer)
            m_restoreTimer->stop();
        if (!m_api && m_link)
            m_shared.databaseHealth.restored(objectName()); // a stopped thread is not one without
        m_api.reset();
        m_link.reset();
    }
    QList<ApiResponse> run(const QList<ApiRequest> &requests) {
        if (!m_link) {
            QList<ApiResponse> refused;
            for (qsizetype i = 0; i < requests.size(); ++i)
                refused.append(ServiceApi::error(
                    503, QStringLiteral("unavailable"),
                    QCoreApplication::translate("ApiExecutor", "The service is stopping. Try again.")));
            return refused;
        }
        if (!restore())
            return answerWithoutDatabase(requests);
        QList<ApiResponse> responses = m_api->handleBatch(requests);
        QList<qsizetype> failed;
        bool writeRefused = false;
        for (qsizetype i = 0; i < responses.size(); ++i) {
            if (responses.at(i).databaseLost)
                failed.append(i);
            writeRefused = writeRefused || responses.at(i).writeRefusal.has_value();
        }
        // A read-only database answers 503 until it is writable; a connection opened read-only
        // would not notice that by itself.
        if (writeRefused && failed.isEmpty() && m_link->readOnlyRecheckDue()) {
            m_api.reset(); // before the connection it was built on
            m_link->reopenIfReadOnly();
            restore();
        }
        if (failed.isEmpty())
            return responses;
        connectionLost();
        // Often only this connection is gone (the server restarted, or dropped it while idle) and a
        // new one works at once: answer the failed requests on it. Every request of the API is
        // idempotent by its session, so one that did commit before the connection broke is
        // answered as resumed or already released, and nothing is counted twice.
        if (!restore())
            return responses;
        QList<ApiRequest> again;
        for (const qsizetype i : std::as_const(failed))
            again.append(requests.at(i));
        const QList<ApiResponse> retried = m_api->handleBatch(again);
        for (qsizetype k = 0; k < failed.size() && k < retried.size(); ++k)
            responses[failed.at(k)] = retried.at(k);
        if (std::any_of(retried.cbegin(), retried.cend(),
                        [](const ApiResponse &r) { return r.databaseLost; }))
            connectionLost();
        return responses;
    }

private:
    // Commits stay short: the log is copied back by the service's checkpointer thread.
    static Status prepareConnection(Database &db) { return db.deferCheckpoints(); }

    void connectionLost() {
        m_api.reset(); // before the connection it was built on
        m_link->markLost();
        m_shared.databaseHealth.lost(objectName());
        scheduleRestore();
    }
    // Reopens a lost connection when the backoff allows; true when there is an API to answer with.
    bool restore() {
        if (m_api)
            return true;
        if (!m_link || !m_link->tryReopen()) {
            scheduleRestore();
            return false;
        }
        m_api = std::make_unique<ServiceApi>(*m_link->get(), m_shared);
        m_shared.databaseHealth.restored(objectName());
        return true;
    }
    // Also without requests: /readyz turns ready again as soon as the database is back.
    void scheduleRestore() {
        if (m_link && m_restoreTimer && !m_restoreTimer->isActive())
            m_restoreTimer->start(int(std::max<qint64>(1, m_link->msUntilNextAttempt())));
    }
    QList<ApiResponse> answerWithoutDatabase(const QList<ApiRequest> &requests) {
        QList<ApiResponse> responses;
        responses.reserve(requests.size());
        for (const ApiRequest &request : requests)
            responses.append(ServiceApi::withoutDatabase(request, m_shared));
        return responses;
    }

    DatabaseUrl m_url;
    ServiceShared &m_shared;
    std::unique_ptr<ReconnectingDatabase> m_link;
    std::unique_ptr<ServiceApi> m_api; // null while the connection is lost
    QTimer *m_restoreTimer = nullptr;  // child: lives in the executor's thread
};

ApiExecutor::ApiExecutor(DatabaseUrl url, ServiceShared &shared, QObject *parent)
    : QObject(parent)
    , m_url(std::move(url))
    , m_shared(shared) {}

ApiExecutor::~ApiExecutor() {
    stop();
}

Status ApiExecutor::start(const QString &name) {
    if (m_engine)
        return success();
    m_engine = new Engine(m_url, m_shared);
    m_engine->setObjectName(name); // how DatabaseHealth names this thread's connection
    m_engine->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_engine, &QObject::deleteLater);
    m_thread.setObjectName(name);
    m_thread.start();
    Status opened = success();
    QMetaObject::invokeMethod(
        m_engine, [engine = m_engine, &opened] { opened = engine->open(); }, Qt::BlockingQueuedConnection);
    return opened;
}

void ApiExecutor::stop() {
    if (!m_engine)
        return;
    QMetaObject::invokeMethod(
        m_engine, [engine = m_engine] { engine->close(); }, Qt::BlockingQueuedConnection);
    m_thread.quit();
    m_thread.wait();
    m_engine = nullptr;
}

void ApiExecutor::submit(QList<ApiRequest> requests, QObject *receiver, Done done) {
    Engine *engine = m_engine;
    QMetaObject::invokeMethod(
        engine,
        [engine, receiver, requests = std::move(requests), done = std::move(done)]() mutable {
            QList<ApiResponse> responses = engine->run(requests);
            // With the receiver as context: dropped if it was destroyed meanwhile.
            QMetaObject::invokeMethod(
                receiver,
                [done = std::move(done), responses = std::move(responses)]() mutable {
                    done(std::move(responses));
                },
                Qt::QueuedConnection);
        },
        Qt::QueuedConnection);
}

} // namespace PoolDesk
