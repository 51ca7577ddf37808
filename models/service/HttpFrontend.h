#pragma once

#include "service/HttpRequestParser.h"
#include "service/ServiceApi.h"

#include <QList>
#include <QObject>
#include <QPointer>
#include <QSet>
#include <QTimer>

#include <atomic>
#include <memory>

class QSocketNotifier;

namespace PoolDesk {

class AccessLog;
class ApiExecutor;

// What a connection may cost: ServiceConfig's HTTP limits.
struct HttpLimits {
    qsizetype maxBodyBytes = 64 * 1024;
    qsizetype maxHeadBytes = 16 * 1024; // request line and headers
    int maxHeaders = 100;
    int requestTimeoutMs = 10'000; // a request must arrive whole within this (the first one from accept)
    int idleTimeoutMs = 60'000;    // a keep-alive connection may wait this long for its next request
};

// The open connections of all of the service's HTTP threads, against one cap: above it, a new
// connection is closed at once instead of taking a descriptor and memory of its own.
class ConnectionGate final {
public:
    explicit ConnectionGate(int cap)
        : m_cap(cap) {}
    bool tryOpen() {
        if (m_open.fetch_add(1, std::memory_order_relaxed) < m_cap)
            return true;
        m_open.fetch_sub(1, std::memory_order_relaxed);
        return false;
    }
    void close() { m_open.fetch_sub(1, std::memory_order_relaxed); }
    int cap() const { return m_cap; }

private:
    const int m_cap;
    std::atomic<int> m_open{0};
};

// One thread's HTTP front. It accepts on its copy of the listening socket, frames requests with
// HttpRequestParser (strict HTTP/1.1: one framing error is answered once and closes the
// connection), hands them to ServiceApi and writes the answers, in order per connection. Each
// connection has a deadline: a request must arrive whole within the request timeout, and an idle
// keep-alive connection is closed after the idle timeout. Shutting down stops accepting, lets
// requests under way finish and closes idle keep-alive connections.
//
// Requests go to an ApiExecutor on another thread, one batch at a time: everything that arrived
// on any connection while the previous batch was being answered goes together, and on SQLite
// shares one commit (ServiceApi::handleBatch). Under load that is many requests per commit; alone,
// a request waits only for the hand-over between threads.
class HttpFrontend final : public QObject {
    Q_OBJECT
public:
    HttpFrontend(ApiExecutor &executor, ServiceShared &shared, AccessLog *accessLog, HttpLimits limits,
                 std::shared_ptr<ConnectionGate> gate, QObject *parent = nullptr);
    ~HttpFrontend() override;

    // Accepts connections on a listening socket (this thread's own descriptor for it, which the
    // front closes when done).
    bool adopt(qintptr listeningDescriptor);
    void beginShutdown();
    int openConnections() const { return int(m_connections.size()); }

    // Requests one connection may have handed over and not yet answered; beyond it, the front
    // reads nothing more from that connection until answers go out.
    static constexpr int MaxPipelined = 64;

signals:
    void drained();

private:
    class Connection;
    struct Pending {
        QPointer<Connection> connection;
        ApiRequest request;
        qint64 startedNs = 0;
        bool closeAfter = false;      // the client asked for "Connection: close" (or spoke HTTP/1.0)
        bool keepAliveHeader = false; // an HTTP/1.0 client asked for keep-alive: say it is granted
    };
    void acceptPending();
    void pauseAccepting();
    void stopAccepting();
    void open(qintptr descriptor);
    void readFrom(Connection *connection);
    void dispatch(Connection *connection, HttpRequest &&request);
    void refuseFraming(Connection *connection);
    void answerPending();
    void batchAnswered(const QList<ApiResponse> &responses);
    // inOrder: the answer's turn has come (it is not to wait behind a recording's audio).
    void respond(const Pending &pending, const ApiResponse &response, bool inOrder = false);
    // Sends the last answer (if any) and closes: the write side at once, the connection once the
    // client has closed its side or a short grace period has passed, so that the client reads
    // the answer instead of a reset.
    void finish(Connection *connection, const QByteArray &lastAnswer);
    void drop(Connection *connection);
    void sweep(); // deadlines
    void closeIdle();
    void announceDrained(); // once: closing a connection can report it while beginShutdown runs

    ApiExecutor &m_executor;
    ServiceShared &m_shared;
    AccessLog *m_accessLog = nullptr;
    HttpLimits m_limits;
    std::shared_ptr<ConnectionGate> m_gate;
    qintptr m_listeningDescriptor = -1;
    QSocketNotifier *m_acceptNotifier = nullptr; // child
    QTimer m_resumeAccepting;
    QTimer m_sweep;
    qint64 m_lastAcceptWarningNs = 0;
    QSet<Connection *> m_connections; // children of this object
    QList<Pending> m_pending;         // arrived, not yet handed to the executor
    QList<Pending> m_inFlight;        // the batch the executor is answering
    bool m_answerScheduled = false;
    bool m_shuttingDown = false;
    bool m_drainedAnnounced = false;
};

} // namespace PoolDesk
