#include "FakeTwilioServer.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTcpSocket>
#include <QUrl>

namespace PoolDesk::Test {

namespace {
QString decodedField(const QByteArray &encoded, const QByteArray &name) {
    for (const QByteArray &pair : encoded.split('&')) {
        const int eq = pair.indexOf('=');
        if (eq < 0)
            continue;
        if (QByteArray::fromPercentEncoding(pair.left(eq)) == name)
            return QString::fromUtf8(QByteArray::fromPercentEncoding(pair.mid(eq + 1)));
    }
    return {};
}

QByteArray reasonPhrase(int status) {
    switch (status) {
    case 200:
        return "OK";
    case 201:
        return "Created";
    case 204:
        return "No Content";
    case 400:
        return "Bad Request";
    case 401:
        return "Unauthorized";
    case 404:
        return "Not Found";
    case 429:
        return "Too Many Requests";
    case 500:
        return "Internal Server Error";
    case 503:
        return "Service Unavailable";
    default:
        return "Status";
    }
}
} // namespace

QString FakeTwilioServer::Request::field(const QByteArray &name) const {
    return decodedField(body, name);
}
QString FakeTwilioServer::Request::queryField(const QByteArray &name) const {
    return decodedField(query(), name);
}

FakeTwilioServer::Response FakeTwilioServer::Response::json(int status, const QJsonObject &object) {
    Response response;
    response.status = status;
    response.body = QJsonDocument(object).toJson(QJsonDocument::Compact);
    return response;
}

FakeTwilioServer::Response FakeTwilioServer::Response::error(int status, int code, const QString &message) {
    return json(status, {{QStringLiteral("code"), code},
                         {QStringLiteral("message"), message},
                         {QStringLiteral("more_info"),
                          QStringLiteral("https://www.twilio.com/docs/errors/%1").arg(code)},
                         {QStringLiteral("status"), status}});
}

FakeTwilioServer::FakeTwilioServer(QObject *parent)
    : QObject(parent) {
    connect(&m_server, &QTcpServer::newConnection, this, &FakeTwilioServer::onNewConnection);
    if (!m_server.listen(QHostAddress::LocalHost, 0))
        qFatal("the fake Twilio server cannot listen");
}

FakeTwilioServer::~FakeTwilioServer() {
    const auto sockets = m_connections.keys();
    for (QTcpSocket *socket : sockets) {
        socket->disconnect(this);
        socket->abort();
        delete socket;
    }
    m_server.close();
}

QUrl FakeTwilioServer::baseUrl() const {
    return QUrl(QStringLiteral("http://127.0.0.1:%1").arg(m_server.serverPort()));
}

void FakeTwilioServer::on(const QByteArray &method, const QByteArray &pathPrefix, Handler handler) {
    m_routes.prepend({method, pathPrefix, std::move(handler), -1});
}

void FakeTwilioServer::queue(const QByteArray &method, const QByteArray &pathPrefix, const Response &response,
                             int count) {
    m_queued.append({method, pathPrefix, [response](const Request &) { return response; }, count});
}

QList<FakeTwilioServer::Request> FakeTwilioServer::requestsTo(const QByteArray &method,
                                                              const QByteArray &pathPrefix) const {
    QList<Request> list;
    for (const Request &request : m_requests)
        if (request.method == method && request.path().startsWith(pathPrefix))
            list.append(request);
    return list;
}

QJsonObject FakeTwilioServer::page(const QString &listKey, const QJsonArray &items, const QString &uri,
                                   const QString &nextPageUri, int pageNumber, int pageSize) {
    return {{listKey, items},
            {QStringLiteral("uri"), uri},
            {QStringLiteral("first_page_uri"), uri},
            {QStringLiteral("next_page_uri"), nextPageUri.isEmpty() ? QJsonValue() : QJsonValue(nextPageUri)},
            {QStringLiteral("previous_page_uri"), QJsonValue()},
            {QStringLiteral("page"), pageNumber},
            {QStringLiteral("page_size"), pageSize},
            {QStringLiteral("start"), pageNumber * pageSize},
            {QStringLiteral("end"), pageNumber * pageSize + int(items.size()) - 1}};
}

FakeTwilioServer::Response FakeTwilioServer::availableNumbers(const QStringList &offered,
                                                              const Request &request) {
    const QString areaCode = request.queryField("AreaCode");
    const QString pageSize = request.queryField("PageSize");
    const int limit = pageSize.isEmpty() ? 50 : pageSize.toInt();
    QJsonArray list;
    for (const QString &e164 : offered) {
        if (list.size() >= limit)
            break;
        if (!areaCode.isEmpty() && !(e164.startsWith(QLatin1String("+1")) && e164.mid(2, 3) == areaCode))
            continue;
        list.append(
            QJsonObject{{QStringLiteral("phone_number"), e164}, {QStringLiteral("friendly_name"), e164}});
    }
    return Response::json(200, {{QStringLiteral("available_phone_numbers"), list}});
}

void FakeTwilioServer::onNewConnection() {
    while (QTcpSocket *socket = m_server.nextPendingConnection()) {
        m_connections.insert(socket, {});
        m_maxConcurrent = std::max(m_maxConcurrent, ++m_open);
        connect(socket, &QTcpSocket::readyRead, this, [this, socket] { onReadyRead(socket); });
        connect(socket, &QTcpSocket::disconnected, this, [this, socket] {
            m_connections.remove(socket);
            --m_open;
            socket->deleteLater();
        });
    }
}

void FakeTwilioServer::onReadyRead(QTcpSocket *socket) {
    Connection &connection = m_connections[socket];
    connection.buffer += socket->readAll();
    const int headerEnd = connection.buffer.indexOf("\r\n\r\n");
    if (headerEnd < 0 || connection.answered)
        return;
    Request request;
    const QList<QByteArray> lines = connection.buffer.left(headerEnd).split('\n');
    const QList<QByteArray> requestLine = lines.first().trimmed().split(' ');
    if (requestLine.size() < 2)
        return;
    request.method = requestLine.at(0);
    request.target = requestLine.at(1);
    for (int i = 1; i < lines.size(); ++i) {
        const int colon = lines.at(i).indexOf(':');
        if (colon > 0)
            request.headers.insert(lines.at(i).left(colon).trimmed().toLower(),
                                   lines.at(i).mid(colon + 1).trimmed());
    }
    const int length = request.headers.value("content-length", "0").toInt();
    if (connection.buffer.size() < headerEnd + 4 + length)
        return;
    request.body = connection.buffer.mid(headerEnd + 4, length);
    connection.answered = true;
    m_requests.append(request);
    answer(socket, request);
}

void FakeTwilioServer::answer(QTcpSocket *socket, const Request &request) {
    Response response = Response::error(404, 20404, QStringLiteral("The requested resource was not found"));
    bool found = false;
    for (auto it = m_queued.begin(); it != m_queued.end(); ++it) {
        if (it->method == request.method && request.path().startsWith(it->prefix)) {
            response = it->handler(request);
            if (--it->remaining <= 0)
                m_queued.erase(it);
            found = true;
            break;
        }
    }
    if (!found) {
        for (const Route &route : std::as_const(m_routes)) {
            if (route.method == request.method && request.path().startsWith(route.prefix)) {
                response = route.handler(request);
                break;
            }
        }
    }
    if (response.mode == Response::Mode::NoAnswer)
        return; // the client's timeout has to deal with it
    if (response.mode == Response::Mode::HangUp) {
        socket->disconnectFromHost();
        return;
    }
    QByteArray out =
        "HTTP/1.1 " + QByteArray::number(response.status) + ' ' + reasonPhrase(response.status) + "\r\n";
    out += "Content-Type: application/json\r\n";
    out += "Content-Length: " + QByteArray::number(response.body.size()) + "\r\n";
    out += "Connection: close\r\n";
    for (const auto &[name, value] : response.headers)
        out += name + ": " + value + "\r\n";
    out += "\r\n" + response.body;
    socket->write(out);
    socket->disconnectFromHost();
}

} // namespace PoolDesk::Test
