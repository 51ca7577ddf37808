#pragma once

#include <QAbstractHttpServer>
#include <QHash>
#include <QPointer>

namespace PoolDesk {

class AccessLog;
class ServiceApi;
struct ServiceShared;

// One thread's HTTP front: Qt HTTP Server parses requests, ServiceApi answers them. Requests
// larger than the limit are cut off with 413 while they arrive (Qt would otherwise buffer the
// whole body). Shutting down stops accepting, lets requests under way finish and closes idle
// keep-alive connections.
class HttpFrontend final : public QAbstractHttpServer {
    Q_OBJECT
public:
    HttpFrontend(ServiceApi &api, ServiceShared &shared, AccessLog *accessLog, qsizetype maxBodyBytes,
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
        bool rejected = false;
    };
    void track(QTcpSocket *socket);
    void guardRead(QTcpSocket *socket);
    void forget(QTcpSocket *socket);
    void closeIdle();
    void announceDrained(); // once: closing a connection can report it while beginShutdown runs

    ServiceApi &m_api;
    ServiceShared &m_shared;
    AccessLog *m_accessLog = nullptr;
    qsizetype m_maxBodyBytes = 0;
    QPointer<Listener> m_listener;
    QHash<QTcpSocket *, Connection> m_connections;
    bool m_shuttingDown = false;
    bool m_drainedAnnounced = false;
};

} // namespace PoolDesk
