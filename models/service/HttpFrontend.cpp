#include "service/HttpFrontend.h"

#include "service/AccessLog.h"
#include "service/ServiceApi.h"

#include <QCoreApplication>
#include <QHttpServerRequest>
#include <QHttpServerResponder>
#include <QLoggingCategory>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>
#include <QUrl>

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
        m_frontend->track(socket);
        addPendingConnection(socket);
    }

private:
    HttpFrontend *m_frontend;
};

HttpFrontend::HttpFrontend(ServiceApi &api, ServiceShared &shared, AccessLog *accessLog,
                           qsizetype maxBodyBytes, QObject *parent)
    : QAbstractHttpServer(parent)
    , m_api(api)
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
    const qint64 started = monotonicNs();
    auto connection = m_connections.find(socket);
    if (connection != m_connections.end()) {
        if (connection->rejected)
            return true;
        connection->unanswered = 0;
    }
    const QUrl url = request.url();
    ApiRequest apiRequest;
    apiRequest.method = methodName(request.method());
    apiRequest.path = url.path(QUrl::FullyEncoded).toUtf8();
    apiRequest.query = url.query(QUrl::FullyEncoded).toUtf8();
    apiRequest.authorization = request.value(QByteArrayLiteral("authorization"));
    apiRequest.twilioSignature = request.value(QByteArrayLiteral("x-twilio-signature"));
    apiRequest.contentType = request.value(QByteArrayLiteral("content-type"));
    apiRequest.body = request.body();

    const ApiResponse response = m_api.handle(apiRequest);

    QHttpServerResponder responder = makeResponder(request, socket);
    responder.writeStatusLine(static_cast<QHttpServerResponder::StatusCode>(response.status));
    responder.writeHeader(QByteArrayLiteral("Content-Type"), response.contentType);
    responder.writeHeader(QByteArrayLiteral("Content-Length"), QByteArray::number(response.body.size()));
    for (const auto &[name, value] : response.headers)
        responder.writeHeader(name, value);
    if (m_shuttingDown)
        responder.writeHeader(QByteArrayLiteral("Connection"), QByteArrayLiteral("close"));
    if (apiRequest.method == "HEAD")
        responder.writeBody(QByteArray());
    else
        responder.writeBody(response.body);

    const qint64 elapsed = monotonicNs() - started;
    m_shared.metrics.recordRequest(response.route, response.status, elapsed);
    if (m_accessLog && m_accessLog->enabled())
        m_accessLog->write({remoteOf(socket), apiRequest.method, apiRequest.path, response.status,
                            elapsed / 1000, qint64(response.body.size()), response.keyId, response.company,
                            response.reason});
    if (m_shuttingDown)
        QTimer::singleShot(0, socket, [socket] { socket->disconnectFromHost(); });
    return true;
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
        if ((connection.unanswered == 0 && socket->bytesAvailable() == 0) || connection.rejected)
            socket->disconnectFromHost();
    }
}

} // namespace PoolDesk
