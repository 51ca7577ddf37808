#pragma once

#include "domain/Result.h"
#include "service/ServiceApi.h"
#include "storage/DatabaseUrl.h"

#include <QList>
#include <QObject>
#include <QThread>

#include <functional>
#include <memory>

namespace PoolDesk {

class Database;

// Runs ServiceApi on a thread and database connection of its own, a batch at a time, so the HTTP
// thread goes on reading and answering connections while a batch commits (and the requests that
// arrive meanwhile form the next batch).
class ApiExecutor final : public QObject {
    Q_OBJECT
public:
    using Done = std::function<void(QList<ApiResponse>)>;

    ApiExecutor(DatabaseUrl url, ServiceShared &shared, QObject *parent = nullptr);
    ~ApiExecutor() override;
    ApiExecutor(const ApiExecutor &) = delete;
    ApiExecutor &operator=(const ApiExecutor &) = delete;

    // Starts the thread and opens the database on it; waits for the result.
    Status start(const QString &name);
    // Finishes the batch under way, closes the database and ends the thread.
    void stop();
    // Thread-safe. Answers the requests on the executor's thread (ServiceApi::handleBatch), then
    // calls done on the receiver's thread; nothing is called if the receiver is gone by then.
    void submit(QList<ApiRequest> requests, QObject *receiver, Done done);

private:
    class Engine;
    DatabaseUrl m_url;
    ServiceShared &m_shared;
    QThread m_thread;
    Engine *m_engine = nullptr; // lives in m_thread
};

} // namespace PoolDesk
