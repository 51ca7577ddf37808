#pragma once

#include "service/ServiceApi.h"

#include <QAbstractHttpServer>
#include <QHash>
#include <QList>
#include <QPointer>

namespace PoolDesk {

class AccessLog;
class ApiExecutor;

// One thread's HTTP front: Qt HTTP Server parses requests, ServiceApi answers them. Requests
// larger than the limit are cut off with 413 while they arrive (Qt would otherwise buffer the
// whole body). Shutting down stops accepting, lets requests under way finish and closes idle
// keep-alive connections.
//
// Requests go to an ApiExecutor on another thread, one batch at a time: everything that arrived
// on any connection while the previous batch was being answered goes together, and on SQLite
// shares one commit (ServiceApi::handleBatch). Under load that is many requests per commit; alone,
// a request waits only for the hand-over between threads.
class HttpFrontend final : public QAbstractHttpServer {
    Q_OBJECT
public:
    HttpFrontend(ApiExecutor &executor, ServiceShared &shared, AccessLog *accessLog, qsizetype maxBodyBytes,
                 QObject *parent = nullptr);
    ~HttpFrontend() override;

    // Accepts connections on a listening socket (this thread's own descriptor for it).
    bool adopt(qintptr listeningDescriptor);
    void beginShutdown();
    int openConnections() const { return int(m_connections.size()); }

signals:
    void drained();

protected:
    bool handleRequest(const QHttpServerRequest &request, QTcpSocket *socket) override;
    void missingHandler(const QHttpServerRequest &request, QTcpSocket *socket) override;

private:
    class Listener;
    struct Connection {
        qint64 unanswered = 0; // bytes received since the last response
        int awaiting = 0;      // requests received and not yet answered
        bool rejected = false;
    };
    struct Pending {
        QPointer<QTcpSocket> socket;
        ApiRequest request;
        qint64 startedNs = 0;
        bool closeAfter = false; // the client asked for "Connection: close"
    };
    void answerPending();
    void batchAnswered(const QList<ApiResponse> &responses);
    void respond(const Pending &pending, const ApiResponse &response);
    void track(QTcpSocket *socket);
    void guardRead(QTcpSocket *socket);
    void forget(QTcpSocket *socket);
    void closeIdle();
    void announceDrained(); // once: closing a connection can report it while beginShutdown runs

    ApiExecutor &m_executor;
    ServiceShared &m_shared;
    AccessLog *m_accessLog = nullptr;
    qsizetype m_maxBodyBytes = 0;
    QPointer<Listener> m_listener;
    QHash<QTcpSocket *, Connection> m_connections;
    QList<Pending> m_pending;  // arrived, not yet handed to the executor
    QList<Pending> m_inFlight; // the batch the executor is answering
    bool m_answerScheduled = false;
    bool m_shuttingDown = false;
    bool m_drainedAnnounced = false;
};

} // namespace PoolDesk
