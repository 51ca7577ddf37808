#include "service/HttpFrontend.h"

#include "service/AccessLog.h"
#include "service/ApiExecutor.h"
#include "service/ServiceApi.h"

#include <QCoreApplication>
#include <QHttpServerRequest>
#include <QHttpServerResponder>
#include <QLoggingCategory>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>
#include <QUrl>

#include <algorithm>
#include <chrono>

Q_LOGGING_CATEGORY(lcHttpFrontend, "pooldesk.service.http")

namespace PoolDesk {

namespace {

// Room for the request line and headers on top of the body limit.
constexpr qsizetype HeaderAllowance = 16 * 1024;

qint64 monotonicNs() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

QByteArray methodName(QHttpServerRequest::Method method) {
    switch (method) {
    case QHttpServerRequest::Method::Get:
        return QByteArrayLiteral("GET");
    case QHttpServerRequest::Method::Put:
        return QByteArrayLiteral("PUT");
    case QHttpServerRequest::Method::Delete:
        return QByteArrayLiteral("DELETE");
    case QHttpServerRequest::Method::Post:
        return QByteArrayLiteral("POST");
    case QHttpServerRequest::Method::Head:
        return QByteArrayLiteral("HEAD");
    case QHttpServerRequest::Method::Options:
        return QByteArrayLiteral("OPTIONS");
    case QHttpServerRequest::Method::Patch:
        return QByteArrayLiteral("PATCH");
    case QHttpServerRequest::Method::Connect:
        return QByteArrayLiteral("CONNECT");
    case QHttpServerRequest::Method::Trace:
        return QByteArrayLiteral("TRACE");
    default:
        return QByteArrayLiteral("UNKNOWN");
    }
}

QByteArray remoteOf(const QTcpSocket *socket) {
    return socket->peerAddress().toString().toLatin1();
}

} // namespace

// Creates the sockets itself so the frontend can watch their bytes before Qt HTTP Server reads them.
class HttpFrontend::Listener final : public QTcpServer {
public:
    explicit Listener(HttpFrontend *frontend)
        : QTcpServer(frontend)
        , m_frontend(frontend) {}

protected:
    void incomingConnection(qintptr descriptor) override {
        auto *socket = new QTcpSocket(this);
        if (!socket->setSocketDescriptor(descriptor)) {
            qCWarning(lcHttpFrontend) << "cannot take a connection:" << socket->errorString();
            delete socket;
            return;
        }
        // Answers go out at once: with Nagle's algorithm a small answer can wait for the
        // client's delayed acknowledgement of the previous one, tens of milliseconds.
        socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
        m_frontend->track(socket);
        addPendingConnection(socket);
    }

private:
    HttpFrontend *m_frontend;
};

HttpFrontend::HttpFrontend(ApiExecutor &executor, ServiceShared &shared, AccessLog *accessLog,
                           qsizetype maxBodyBytes, QObject *parent)
    : QAbstractHttpServer(parent)
    , m_executor(executor)
    , m_shared(shared)
    , m_accessLog(accessLog)
    , m_maxBodyBytes(maxBodyBytes) {}

HttpFrontend::~HttpFrontend() = default;

bool HttpFrontend::adopt(qintptr listeningDescriptor) {
    auto *listener = new Listener(this);
    if (!listener->setSocketDescriptor(listeningDescriptor)) {
        qCWarning(lcHttpFrontend) << "cannot listen:" << listener->errorString();
        delete listener;
        return false;
    }
    m_listener = listener;
    bind(listener);
    return true;
}

void HttpFrontend::track(QTcpSocket *socket) {
    m_connections.insert(socket, {});
    // Connected before Qt HTTP Server connects its own reader, so this runs first on every read.
    connect(socket, &QTcpSocket::readyRead, this, [this, socket] { guardRead(socket); });
    connect(socket, &QObject::destroyed, this, [this, socket] { forget(socket); });
    connect(socket, &QTcpSocket::disconnected, this, [this, socket] { forget(socket); });
}

void HttpFrontend::forget(QTcpSocket *socket) {
    if (m_connections.remove(socket) && m_shuttingDown && m_connections.isEmpty())
        announceDrained();
}

void HttpFrontend::guardRead(QTcpSocket *socket) {
    auto it = m_connections.find(socket);
    if (it == m_connections.end())
        return;
    if (it->rejected) {
        socket->readAll(); // the connection is closing: drop whatever else arrives
        return;
    }
    it->unanswered += socket->bytesAvailable();
    if (it->unanswered <= m_maxBodyBytes + HeaderAllowance)
        return;
    it->rejected = true;
    socket->readAll();
    const qint64 started = monotonicNs();
    ApiResponse response =
        ServiceApi::error(413, QStringLiteral("payload_too_large"),
                          QCoreApplication::translate("HttpFrontend", "The request is larger than %1 bytes.")
                              .arg(m_maxBodyBytes));
    response.route = QStringLiteral("unknown");
    QByteArray bytes =
        QByteArrayLiteral("HTTP/1.1 413 Payload Too Large\r\nContent-Type: application/json\r\n"
                          "Connection: close\r\nContent-Length: ") +
        QByteArray::number(response.body.size()) + "\r\n\r\n" + response.body;
    socket->write(bytes);
    socket->disconnectFromHost();
    m_shared.metrics.recordRequest(response.route, response.status, monotonicNs() - started);
    if (m_accessLog && m_accessLog->enabled())
        m_accessLog->write({remoteOf(socket),
                            QByteArrayLiteral("?"),
                            QByteArrayLiteral("?"),
                            413,
                            0,
                            qint64(response.body.size()),
                            0,
                            {},
                            response.reason});
}

bool HttpFrontend::handleRequest(const QHttpServerRequest &request, QTcpSocket *socket) {
    auto connection = m_connections.find(socket);
    if (connection != m_connections.end()) {
        if (connection->rejected)
            return true;
        connection->unanswered = 0;
        ++connection->awaiting;
    }
    const QUrl url = request.url();
    Pending pending;
    pending.socket = socket;
    pending.startedNs = monotonicNs();
    pending.closeAfter = request.value(QByteArrayLiteral("connection")).trimmed().toLower() == "close";
    ApiRequest &apiRequest = pending.request;
    apiRequest.method = methodName(request.method());
    apiRequest.path = url.path(QUrl::FullyEncoded).toUtf8();
    apiRequest.query = url.query(QUrl::FullyEncoded).toUtf8();
    apiRequest.authorization = request.value(QByteArrayLiteral("authorization"));
    apiRequest.twilioSignature = request.value(QByteArrayLiteral("x-twilio-signature"));
    apiRequest.contentType = request.value(QByteArrayLiteral("content-type"));
    apiRequest.body = request.body();
    m_pending.append(std::move(pending));
    if (!m_answerScheduled) {
        m_answerScheduled = true;
        QMetaObject::invokeMethod(this, &HttpFrontend::answerPending, Qt::QueuedConnection);
    }
    return true;
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

namespace {

QByteArray reasonPhrase(int status) {
    switch (status) {
    case 200:
        return QByteArrayLiteral("OK");
    case 201:
        return QByteArrayLiteral("Created");
    case 204:
        return QByteArrayLiteral("No Content");
    case 400:
        return QByteArrayLiteral("Bad Request");
    case 401:
        return QByteArrayLiteral("Unauthorized");
    case 403:
        return QByteArrayLiteral("Forbidden");
    case 404:
        return QByteArrayLiteral("Not Found");
    case 405:
        return QByteArrayLiteral("Method Not Allowed");
    case 409:
        return QByteArrayLiteral("Conflict");
    case 413:
        return QByteArrayLiteral("Payload Too Large");
    case 415:
        return QByteArrayLiteral("Unsupported Media Type");
    case 422:
        return QByteArrayLiteral("Unprocessable Entity");
    case 429:
        return QByteArrayLiteral("Too Many Requests");
    case 500:
        return QByteArrayLiteral("Internal Server Error");
    case 503:
        return QByteArrayLiteral("Service Unavailable");
    default:
        return status < 400 ? QByteArrayLiteral("OK") : QByteArrayLiteral("Error");
    }
}

} // namespace

void HttpFrontend::respond(const Pending &pending, const ApiResponse &response) {
    QTcpSocket *socket = pending.socket;
    const qint64 elapsed = monotonicNs() - pending.startedNs;
    m_shared.metrics.recordRequest(response.route, response.status, elapsed);
    if (m_accessLog && m_accessLog->enabled())
        m_accessLog->write({socket ? remoteOf(socket) : QByteArrayLiteral("?"), pending.request.method,
                            pending.request.path, response.status, elapsed / 1000,
                            qint64(response.body.size()), response.keyId, response.company, response.reason});
    if (!socket)
        return; // the client went away; the work was done all the same
    auto connection = m_connections.find(socket);
    if (connection != m_connections.end() && connection->awaiting > 0)
        --connection->awaiting;
    const bool close = m_shuttingDown || pending.closeAfter;
    QByteArray bytes;
    bytes.reserve(160 + response.body.size());
    bytes += QByteArrayLiteral("HTTP/1.1 ") + QByteArray::number(response.status) + ' ' +
             reasonPhrase(response.status) + QByteArrayLiteral("\r\nContent-Type: ") + response.contentType +
             QByteArrayLiteral("\r\nContent-Length: ") + QByteArray::number(response.body.size()) +
             QByteArrayLiteral("\r\n");
    for (const auto &[name, value] : response.headers)
        bytes += name + QByteArrayLiteral(": ") + value + QByteArrayLiteral("\r\n");
    if (close)
        bytes += QByteArrayLiteral("Connection: close\r\n");
    bytes += QByteArrayLiteral("\r\n");
    if (pending.request.method != "HEAD")
        bytes += response.body;
    socket->write(bytes);
    if (close)
        QTimer::singleShot(0, socket, [socket] { socket->disconnectFromHost(); });
}

void HttpFrontend::missingHandler(const QHttpServerRequest &request, QTcpSocket *socket) {
    // handleRequest answers every request; this is only reached if Qt asks anyway.
    QHttpServerResponder responder = makeResponder(request, socket);
    responder.write(QHttpServerResponder::StatusCode::NotFound);
}

void HttpFrontend::beginShutdown() {
    m_shuttingDown = true;
    if (m_listener)
        m_listener->close();
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
    const QList<QTcpSocket *> sockets = m_connections.keys();
    for (QTcpSocket *socket : sockets) {
        const Connection &connection = m_connections.value(socket);
        if ((connection.unanswered == 0 && connection.awaiting == 0 && socket->bytesAvailable() == 0) ||
            connection.rejected)
            socket->disconnectFromHost();
    }
}

} // namespace PoolDesk
