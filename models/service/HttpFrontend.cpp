#include "service/HttpFrontend.h"

#include "service/AccessLog.h"
#include "service/ApiExecutor.h"
#include "service/NativeSocket.h"
#include "service/ServiceApi.h"

#include <QCoreApplication>
#include <QLoggingCategory>
#include <QSocketNotifier>
#include <QTcpSocket>

#include <algorithm>
#include <chrono>

Q_LOGGING_CATEGORY(lcHttpFrontend, "pooldesk.service.http")

namespace PoolDesk {

namespace {

constexpr qint64 NsPerMs = 1'000'000;
// What one read takes from a socket, and what Qt may buffer of a connection the front is not
// reading (it has MaxPipelined requests unanswered): beyond that, TCP pushes back on the client.
constexpr qint64 ReadChunkBytes = 16 * 1024;
constexpr qint64 SocketReadBufferBytes = 64 * 1024;
// Answers a client has not read yet: beyond this the front reads no more of its requests, so a
// client that pipelines without reading cannot make the service buffer answers without end.
constexpr qint64 MaxUnsentBytes = 256 * 1024;
// Connections taken per wake-up, so that a flood of connections does not starve the open ones.
constexpr int AcceptBurst = 64;
// Out of descriptors (or memory), accept() fails at once while the listening socket stays
// readable: accepting pauses this long instead of spinning, and the backlog waits meanwhile.
constexpr int AcceptPauseMs = 100;
constexpr qint64 AcceptWarningIntervalNs = 10'000 * NsPerMs;
// After the last answer the connection stays open this long for the client to read it and
// close: closing with unread bytes from the client would reset the connection, and a reset can
// destroy the answer before the client reads it.
constexpr qint64 LingerNs = 2'000 * NsPerMs;

qint64 monotonicNs() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

QByteArray responseBytes(int status, const QByteArray &contentType, const QByteArray &body,
                         const QList<QPair<QByteArray, QByteArray>> &headers, bool close, bool keepAlive,
                         bool withBody) {
    QByteArray bytes;
    bytes.reserve(160 + (withBody ? body.size() : 0));
    bytes += QByteArrayLiteral("HTTP/1.1 ") + QByteArray::number(status) + ' ' +
             HttpRequestParser::reasonPhrase(status) + QByteArrayLiteral("\r\nContent-Type: ") + contentType +
             QByteArrayLiteral("\r\nContent-Length: ") + QByteArray::number(body.size()) +
             QByteArrayLiteral("\r\n");
    for (const auto &[name, value] : headers)
        bytes += name + QByteArrayLiteral(": ") + value + QByteArrayLiteral("\r\n");
    if (close)
        bytes += QByteArrayLiteral("Connection: close\r\n");
    else if (keepAlive)
        bytes += QByteArrayLiteral("Connection: keep-alive\r\n");
    bytes += QByteArrayLiteral("\r\n");
    if (withBody)
        bytes += body;
    return bytes;
}

} // namespace

class HttpFrontend::Connection final : public QObject {
public:
    Connection(HttpFrontend *frontend, const HttpRequestParser::Limits &limits)
        : QObject(frontend)
        , parser(limits) {}

    QTcpSocket *socket = nullptr; // child
    QByteArray remote;
    HttpRequestParser parser;
    int awaiting = 0;          // requests handed over, not yet answered
    qint64 requestStartNs = 0; // the running request deadline's start (the first request's: accept); 0: none
    qint64 idleSinceNs = 0;    // when the last answer left with nothing else under way
    qint64 lingerUntilNs = 0;  // once finished: when to give up waiting for the client to close
    bool closing = false;      // reads nothing more: the last request was refused, or asked to close
    bool finished = false;     // the last answer is written; the write side closes once it is sent
    bool writeShut = false;
    bool continueSent = false; // "100 Continue" for the request under way
    bool readBlocked = false;  // waits for the client to read its answers
    bool dropped = false;
    QByteArray lastAnswer; // a refusal owed after the answers to the requests before it
    // A recording's answer waits for its audio; the answers after it wait here, in order.
    bool awaitingMedia = false;
    QList<std::pair<HttpFrontend::Pending, ApiResponse>> held;
};

HttpFrontend::HttpFrontend(ApiExecutor &executor, ServiceShared &shared, AccessLog *accessLog,
                           HttpLimits limits, std::shared_ptr<ConnectionGate> gate, QObject *parent)
    : QObject(parent)
    , m_executor(executor)
    , m_shared(shared)
    , m_accessLog(accessLog)
    , m_limits(limits)
    , m_gate(std::move(gate)) {
    m_resumeAccepting.setSingleShot(true);
    connect(&m_resumeAccepting, &QTimer::timeout, this, [this] {
        if (m_acceptNotifier && !m_shuttingDown) {
            m_acceptNotifier->setEnabled(true);
            acceptPending();
        }
    });
    // Deadlines are checked by one sweep rather than a timer per connection: a request then costs
    // no timer restart, and thousands of stalled connections cost one pass a tick.
    const int shortest = std::min(m_limits.requestTimeoutMs, m_limits.idleTimeoutMs);
    m_sweep.setInterval(std::clamp(shortest / 8, 25, 500));
    connect(&m_sweep, &QTimer::timeout, this, &HttpFrontend::sweep);
}

HttpFrontend::~HttpFrontend() {
    stopAccepting();
    const QSet<Connection *> connections = std::exchange(m_connections, {});
    for (Connection *connection : connections) {
        m_gate->close();
        m_shared.metrics.recordConnectionClosed();
        delete connection; // its signals are disconnected before its socket goes
    }
}

bool HttpFrontend::adopt(qintptr listeningDescriptor) {
    if (QString error; !NativeSocket::setNonBlocking(listeningDescriptor, &error)) {
        qCWarning(lcHttpFrontend).noquote() << "cannot listen:" << error;
        return false;
    }
    m_listeningDescriptor = listeningDescriptor;
    m_acceptNotifier = new QSocketNotifier(listeningDescriptor, QSocketNotifier::Read, this);
    connect(m_acceptNotifier, &QSocketNotifier::activated, this, &HttpFrontend::acceptPending);
    m_sweep.start();
    return true;
}

void HttpFrontend::stopAccepting() {
    m_resumeAccepting.stop();
    if (m_acceptNotifier) {
        m_acceptNotifier->setEnabled(false);
        delete m_acceptNotifier;
        m_acceptNotifier = nullptr;
    }
    if (m_listeningDescriptor >= 0) {
        NativeSocket::close(m_listeningDescriptor);
        m_listeningDescriptor = NativeSocket::Invalid;
    }
}

void HttpFrontend::acceptPending() {
    if (m_listeningDescriptor < 0 || m_shuttingDown)
        return;
    for (int i = 0; i < AcceptBurst; ++i) {
        const NativeSocket::Accepted accepted = NativeSocket::acceptNonBlocking(m_listeningDescriptor);
        if (accepted.error != NativeSocket::AcceptError::None) {
            if (accepted.error == NativeSocket::AcceptError::WouldBlock)
                return; // none left (or another thread took it)
            if (accepted.error == NativeSocket::AcceptError::ConnectionError)
                continue;
            pauseAccepting();
            const qint64 now = monotonicNs();
            if (now - m_lastAcceptWarningNs >= AcceptWarningIntervalNs) {
                m_lastAcceptWarningNs = now;
                qCWarning(lcHttpFrontend).noquote()
                    << QCoreApplication::translate("HttpFrontend",
                                                   "Cannot accept connections (%1): pausing for %2 ms. Raise "
                                                   "the open-file limit or lower --max-connections.")
                           .arg(accepted.message)
                           .arg(AcceptPauseMs);
            }
            return;
        }
        if (!m_gate->tryOpen()) {
            NativeSocket::close(accepted.descriptor);
            m_shared.metrics.recordConnectionRefused();
            continue;
        }
        open(accepted.descriptor);
    }
}

void HttpFrontend::pauseAccepting() {
    if (m_acceptNotifier)
        m_acceptNotifier->setEnabled(false);
    m_resumeAccepting.start(AcceptPauseMs);
    m_shared.metrics.recordAcceptPaused();
}

void HttpFrontend::open(qintptr descriptor) {
    auto *connection =
        new Connection(this, {m_limits.maxHeadBytes, m_limits.maxHeaders, m_limits.maxBodyBytes});
    auto *socket = new QTcpSocket(connection);
    if (!socket->setSocketDescriptor(descriptor)) {
        qCWarning(lcHttpFrontend) << "cannot take a connection:" << socket->errorString();
        NativeSocket::close(descriptor);
        delete connection;
        m_gate->close();
        return;
    }
    // Answers go out at once: with Nagle's algorithm a small answer can wait for the client's
    // delayed acknowledgement of the previous one, tens of milliseconds.
    socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    socket->setReadBufferSize(SocketReadBufferBytes);
    connection->socket = socket;
    connection->remote = socket->peerAddress().toString().toLatin1();
    connection->requestStartNs = monotonicNs();
    m_connections.insert(connection);
    m_shared.metrics.recordConnectionOpened();
    connect(socket, &QTcpSocket::readyRead, connection, [this, connection] { readFrom(connection); });
    connect(socket, &QTcpSocket::disconnected, connection, [this, connection] { drop(connection); });
    connect(socket, &QTcpSocket::errorOccurred, connection, [this, connection] {
        if (connection->socket->state() == QAbstractSocket::UnconnectedState)
            drop(connection);
    });
    connect(socket, &QTcpSocket::bytesWritten, connection, [this, connection] {
        const qint64 unsent = connection->socket->bytesToWrite();
        if (connection->finished) {
            if (!connection->writeShut && unsent == 0) {
                connection->writeShut = true;
                NativeSocket::shutdownWrite(connection->socket->socketDescriptor());
                connection->lingerUntilNs = monotonicNs() + LingerNs;
            }
        } else if (connection->readBlocked && unsent < MaxUnsentBytes) {
            connection->readBlocked = false;
            readFrom(connection);
        }
    });
    if (socket->bytesAvailable() > 0)
        readFrom(connection);
}

void HttpFrontend::readFrom(Connection *connection) {
    if (connection->dropped)
        return;
    QTcpSocket *socket = connection->socket;
    if (connection->finished) {
        socket->readAll(); // the last answer is out: whatever else comes is dropped unread
        return;
    }
    if (connection->closing)
        return; // nothing after a refused request, or one that asked to close, is read
    for (;;) {
        while (connection->awaiting < MaxPipelined && !connection->closing) {
            HttpRequest request;
            const HttpRequestParser::Result result = connection->parser.next(&request);
            if (result == HttpRequestParser::Result::Request) {
                dispatch(connection, std::move(request));
                continue;
            }
            if (result == HttpRequestParser::Result::Error) {
                refuseFraming(connection);
                return;
            }
            break;
        }
        if (connection->closing || connection->awaiting >= MaxPipelined || socket->bytesAvailable() <= 0)
            break;
        if (socket->bytesToWrite() >= MaxUnsentBytes) {
            connection->readBlocked = true; // resumed once the client reads its answers
            break;
        }
        connection->parser.feed(socket->read(ReadChunkBytes));
    }
    // A request's clock runs while the client owes the rest of it, not while it waits for us.
    if (connection->closing || connection->awaiting > 0 || !connection->parser.hasPartialRequest())
        return;
    if (connection->requestStartNs == 0)
        connection->requestStartNs = monotonicNs();
    if (connection->parser.awaitsContinue() && !connection->continueSent) {
        connection->continueSent = true;
        socket->write(QByteArrayLiteral("HTTP/1.1 100 Continue\r\n\r\n"));
    }
}

void HttpFrontend::dispatch(Connection *connection, HttpRequest &&request) {
    Pending pending;
    pending.connection = connection;
    pending.startedNs = monotonicNs();
    pending.closeAfter = !request.keepAlive;
    pending.keepAliveHeader = request.keepAlive && request.minorVersion == 0;
    ApiRequest &apiRequest = pending.request;
    apiRequest.path = request.path();
    apiRequest.remote = connection->remote;
    apiRequest.query = request.query();
    apiRequest.authorization = request.value("authorization");
    apiRequest.twilioSignature = request.value("x-twilio-signature");
    apiRequest.contentType = request.value("content-type");
    apiRequest.method = std::move(request.method);
    apiRequest.body = std::move(request.body);
    ++connection->awaiting;
    connection->requestStartNs = 0;
    connection->continueSent = false;
    // Shutting down, a request under way is the connection's last.
    if (pending.closeAfter || m_shuttingDown)
        connection->closing = true;
    m_pending.append(std::move(pending));
    if (!m_answerScheduled) {
        m_answerScheduled = true;
        QMetaObject::invokeMethod(this, &HttpFrontend::answerPending, Qt::QueuedConnection);
    }
}

void HttpFrontend::refuseFraming(Connection *connection) {
    const HttpRequestParser &parser = connection->parser;
    const HttpFramingError error = parser.error();
    const int status = HttpRequestParser::status(error);
    ApiResponse response = ServiceApi::error(status, HttpRequestParser::code(error),
                                             HttpRequestParser::message(error, parser.limits()));
    response.route = QStringLiteral("unknown");
    m_shared.metrics.recordRequest(response.route, status, 0);
    m_shared.metrics.recordFramingError(HttpRequestParser::kind(error));
    if (m_accessLog && m_accessLog->enabled()) {
        const QByteArray method = parser.partialMethod();
        const QByteArray path = parser.partialPath();
        m_accessLog->write({connection->remote,
                            method.isEmpty() ? QByteArrayLiteral("?") : method,
                            path.isEmpty() ? QByteArrayLiteral("?") : path,
                            status,
                            0,
                            qint64(response.body.size()),
                            0,
                            {},
                            response.reason});
    }
    connection->closing = true;
    QByteArray bytes =
        responseBytes(status, response.contentType, response.body, response.headers, true, false, true);
    if (connection->awaiting == 0)
        finish(connection, bytes);
    else
        connection->lastAnswer = std::move(bytes);
}

void HttpFrontend::answerPending() {
    m_answerScheduled = false;
    if (!m_inFlight.isEmpty() || m_pending.isEmpty())
        return; // batchAnswered() sends what waits
    const qsizetype count = std::min<qsizetype>(m_pending.size(), ServiceApi::MaxBatch);
    m_inFlight = QList<Pending>(std::make_move_iterator(m_pending.begin()),
                                std::make_move_iterator(m_pending.begin() + count));
    m_pending.remove(0, count);
    QList<ApiRequest> requests;
    requests.reserve(m_inFlight.size());
    for (const Pending &pending : std::as_const(m_inFlight))
        requests.append(pending.request);
    m_executor.submit(std::move(requests), this,
                      [this](const QList<ApiResponse> &responses) { batchAnswered(responses); });
}

void HttpFrontend::batchAnswered(const QList<ApiResponse> &responses) {
    const QList<Pending> answered = std::exchange(m_inFlight, {});
    for (qsizetype i = 0; i < answered.size() && i < responses.size(); ++i)
        respond(answered.at(i), responses.at(i));
    answerPending();
}

void HttpFrontend::respond(const Pending &pending, const ApiResponse &response, bool inOrder) {
    if (Connection *waiting = pending.connection; waiting && !inOrder && waiting->awaitingMedia) {
        waiting->held.append({pending, response});
        return;
    }
    if (response.recording && response.status == 200 && m_shared.recordingMedia && pending.connection &&
        !pending.connection->dropped) {
        // The ticket is spent; the audio comes from Twilio through the service's main thread.
        // This connection's later answers wait for it, so that they go out in order.
        if (pending.connection)
            pending.connection->awaitingMedia = true;
        ApiResponse media = response;
        const ApiResponse::RecordingMedia what = *media.recording;
        media.recording.reset();
        m_shared.recordingMedia(
            what.environment, what.sid, this, [this, pending, media](Result<QByteArray> audio) mutable {
                if (audio) {
                    media.body = std::move(audio).value();
                } else {
                    media = ServiceApi::error(
                        502, QStringLiteral("twilio_failed"),
                        QCoreApplication::translate("HttpFrontend", "Twilio did not give the recording: %1")
                            .arg(audio.error().message));
                    media.route = QStringLiteral("recording");
                }
                Connection *connection = pending.connection;
                if (connection)
                    connection->awaitingMedia = false;
                respond(pending, media, true);
                while (connection && !connection->awaitingMedia && !connection->held.isEmpty()) {
                    const auto [next, answer] = connection->held.takeFirst();
                    respond(next, answer, true);
                }
            });
        return;
    }
    Connection *connection = pending.connection;
    const qint64 elapsed = monotonicNs() - pending.startedNs;
    m_shared.metrics.recordRequest(response.route, response.status, elapsed);
    if (m_accessLog && m_accessLog->enabled())
        m_accessLog->write({connection ? connection->remote : QByteArrayLiteral("?"), pending.request.method,
                            pending.request.path, response.status, elapsed / 1000,
                            qint64(response.body.size()), response.keyId, response.company, response.reason});
    if (!connection || connection->dropped)
        return; // the client went away; the work was done all the same
    --connection->awaiting;
    const bool last = connection->awaiting == 0 &&
                      (connection->closing || (m_shuttingDown && !connection->parser.hasPartialRequest()));
    const bool close = pending.closeAfter || (last && connection->lastAnswer.isEmpty());
    connection->socket->write(responseBytes(response.status, response.contentType, response.body,
                                            response.headers, close, pending.keepAliveHeader,
                                            pending.request.method != "HEAD"));
    if (last) {
        finish(connection, std::exchange(connection->lastAnswer, {}));
        return;
    }
    if (connection->awaiting == 0)
        connection->idleSinceNs = monotonicNs();
    readFrom(connection); // requests that waited for answers to go out
}

void HttpFrontend::finish(Connection *connection, const QByteArray &lastAnswer) {
    QTcpSocket *socket = connection->socket;
    connection->closing = true;
    connection->finished = true;
    if (!lastAnswer.isEmpty())
        socket->write(lastAnswer);
    socket->flush();
    // A client slow to read its answer gets the request timeout for it.
    connection->lingerUntilNs = monotonicNs() + m_limits.requestTimeoutMs * NsPerMs;
    if (socket->bytesToWrite() == 0) {
        connection->writeShut = true;
        NativeSocket::shutdownWrite(socket->socketDescriptor());
        connection->lingerUntilNs = monotonicNs() + LingerNs;
    }
    socket->readAll();
}

void HttpFrontend::drop(Connection *connection) {
    if (connection->dropped)
        return;
    connection->dropped = true;
    m_connections.remove(connection);
    m_gate->close();
    m_shared.metrics.recordConnectionClosed();
    if (connection->socket->state() != QAbstractSocket::UnconnectedState)
        connection->socket->abort();
    connection->deleteLater();
    if (m_shuttingDown && m_connections.isEmpty())
        announceDrained();
}

void HttpFrontend::sweep() {
    const qint64 now = monotonicNs();
    const qint64 requestTimeoutNs = m_limits.requestTimeoutMs * NsPerMs;
    const qint64 idleTimeoutNs = m_limits.idleTimeoutMs * NsPerMs;
    const QList<Connection *> connections = m_connections.values();
    for (Connection *connection : connections) {
        if (connection->dropped)
            continue;
        if (connection->finished) {
            if (now >= connection->lingerUntilNs)
                drop(connection);
            continue;
        }
        if (connection->closing || connection->awaiting > 0)
            continue; // answers are owed: the front is the one taking its time
        if (connection->requestStartNs != 0) {
            if (now - connection->requestStartNs < requestTimeoutNs)
                continue;
            if (!connection->parser.hasPartialRequest()) {
                // Connected and never said a word: nobody to answer.
                m_shared.metrics.recordIdleClosed();
                connection->socket->disconnectFromHost();
                drop(connection);
                continue;
            }
            ApiResponse response = ServiceApi::error(
                408, QStringLiteral("request_timeout"),
                QCoreApplication::translate("HttpFrontend", "The request did not arrive whole within %1 ms.")
                    .arg(m_limits.requestTimeoutMs));
            response.route = QStringLiteral("unknown");
            m_shared.metrics.recordRequest(response.route, 408, now - connection->requestStartNs);
            m_shared.metrics.recordRequestTimeout();
            if (m_accessLog && m_accessLog->enabled()) {
                const QByteArray method = connection->parser.partialMethod();
                const QByteArray path = connection->parser.partialPath();
                m_accessLog->write({connection->remote,
                                    method.isEmpty() ? QByteArrayLiteral("?") : method,
                                    path.isEmpty() ? QByteArrayLiteral("?") : path,
                                    408,
                                    (now - connection->requestStartNs) / 1000,
                                    qint64(response.body.size()),
                                    0,
                                    {},
                                    response.reason});
            }
            finish(connection, responseBytes(408, response.contentType, response.body, response.headers, true,
                                             false, true));
        } else if (connection->idleSinceNs != 0 && now - connection->idleSinceNs >= idleTimeoutNs) {
            m_shared.metrics.recordIdleClosed();
            connection->socket->disconnectFromHost();
            drop(connection);
        }
    }
}

void HttpFrontend::beginShutdown() {
    m_shuttingDown = true;
    stopAccepting();
    closeIdle();
    if (m_connections.isEmpty()) {
        announceDrained();
        return;
    }
    // Requests that are still arriving get their answer (with "Connection: close"); connections
    // idle between requests are closed now and re-checked until none is left.
    auto *timer = new QTimer(this);
    connect(timer, &QTimer::timeout, this, &HttpFrontend::closeIdle);
    timer->start(50);
}

void HttpFrontend::announceDrained() {
    if (m_drainedAnnounced)
        return;
    m_drainedAnnounced = true;
    emit drained();
}

void HttpFrontend::closeIdle() {
    const QList<Connection *> connections = m_connections.values();
    for (Connection *connection : connections) {
        if (connection->dropped || connection->closing || connection->awaiting > 0 ||
            connection->parser.hasPartialRequest() || connection->socket->bytesAvailable() > 0)
            continue;
        connection->socket->disconnectFromHost();
        drop(connection);
    }
}

} // namespace PoolDesk
