#pragma once

#include <QByteArray>
#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QObject>
#include <QString>
#include <QStringList>
#include <QTcpServer>
#include <QUrl>

#include <functional>

namespace PoolDesk::Test {

// An in-process HTTP/1.1 server that plays Twilio for stateful flows Prism cannot: multi-page
// lists, 429 with Retry-After, error bodies, timeouts, cut-off answers. Records every request
// exactly as it arrived on the wire so tests can check the encoding.
class FakeTwilioServer final : public QObject {
    Q_OBJECT
public:
    struct Request {
        QByteArray method;
        QByteArray target;                    // path and query, exactly as sent
        QMap<QByteArray, QByteArray> headers; // lower-case names
        QByteArray body;
        QByteArray path() const {
            return target.left(target.indexOf('?') < 0 ? target.size() : target.indexOf('?'));
        }
        QByteArray query() const {
            return target.indexOf('?') < 0 ? QByteArray() : target.mid(target.indexOf('?') + 1);
        }
        // Decoded form (or query) field; '+' is NOT turned into a space, so a test sees what Twilio would.
        QString field(const QByteArray &name) const;
        QString queryField(const QByteArray &name) const;
    };
    struct Response {
        int status = 200;
        QByteArray body;
        QList<std::pair<QByteArray, QByteArray>> headers;
        enum class Mode { Normal, NoAnswer, HangUp } mode = Mode::Normal;

        static Response json(int status, const QJsonObject &object);
        static Response error(int status, int code, const QString &message);
    };
    using Handler = std::function<Response(const Request &)>;

    explicit FakeTwilioServer(QObject *parent = nullptr);
    ~FakeTwilioServer() override;

    QUrl baseUrl() const;
    // Routes: the first route whose method matches and whose path starts with `pathPrefix` answers.
    // A route added later wins over earlier ones. Unknown paths answer 404 with Twilio's error body.
    void on(const QByteArray &method, const QByteArray &pathPrefix, Handler handler);
    // Answers the next `count` matching requests with `response`, before the routes.
    void queue(const QByteArray &method, const QByteArray &pathPrefix, const Response &response,
               int count = 1);

    const QList<Request> &requests() const { return m_requests; }
    QList<Request> requestsTo(const QByteArray &method, const QByteArray &pathPrefix) const;
    int maxConcurrent() const { return m_maxConcurrent; }
    void clear() { m_requests.clear(); }

    // A page of a Twilio list with its paging envelope.
    static QJsonObject page(const QString &listKey, const QJsonArray &items, const QString &uri,
                            const QString &nextPageUri, int pageNumber, int pageSize);
    // Twilio's answer to a search of numbers to buy (AvailablePhoneNumbers/{CC}/Local.json) among
    // `offered`: with AreaCode, only the numbers in that area code, none when it has none (it
    // applies to +1 numbers only, as at Twilio); at most PageSize of them.
    static Response availableNumbers(const QStringList &offered, const Request &request);

private:
    struct Route {
        QByteArray method;
        QByteArray prefix;
        Handler handler;
        int remaining = -1; // queued answers count down; routes are permanent
    };
    struct Connection {
        QByteArray buffer;
        bool answered = false;
    };
    void onNewConnection();
    void onReadyRead(QTcpSocket *socket);
    void answer(QTcpSocket *socket, const Request &request);

    QTcpServer m_server;
    QList<Route> m_routes;
    QList<Route> m_queued;
    QList<Request> m_requests;
    QHash<QTcpSocket *, Connection> m_connections;
    int m_open = 0;
    int m_maxConcurrent = 0;
};

} // namespace PoolDesk::Test
