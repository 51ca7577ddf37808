#include "service/ApiExecutor.h"

#include "storage/Database.h"

#include <QCoreApplication>

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
        m_db = std::move(opened).value();
        // Commits stay short: the log is copied back by the service's checkpointer thread.
        if (auto deferred = m_db->deferCheckpoints(); !deferred)
            return deferred.error();
        m_api = std::make_unique<ServiceApi>(*m_db, m_shared);
        return success();
    }
    void close() {
        m_api.reset();
        m_db.reset();
    }
    QList<ApiResponse> run(const QList<ApiRequest> &requests) {
        if (!m_api) {
            QList<ApiResponse> refused;
            for (qsizetype i = 0; i < requests.size(); ++i)
                refused.append(ServiceApi::error(
                    503, QStringLiteral("unavailable"),
                    QCoreApplication::translate("ApiExecutor", "The service is stopping. Try again.")));
            return refused;
        }
        return m_api->handleBatch(requests);
    }

private:
    DatabaseUrl m_url;
    ServiceShared &m_shared;
    std::unique_ptr<Database> m_db;
    std::unique_ptr<ServiceApi> m_api;
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
