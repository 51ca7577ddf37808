// pooldesk-service against hostile clients, over raw sockets on 127.0.0.1: request smuggling
// attempts, pipelining, the body limit per request, stalled and idle connections, the
// connection cap, and thousands of stalled connections beside a health check.

#include "ServiceTestSupport.h"
#include "TestDatabases.h"

#include "pool/Companies.h"
#include "pool/Numbers.h"
#include "security/ApiKeys.h"
#include "storage/Database.h"

#include <QElapsedTimer>
#include <QHostAddress>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTcpSocket>
#include <QTest>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <vector>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace PoolDesk;
using namespace PoolDesk::Test;

namespace {

const Actor TestActor{QStringLiteral("user:test")};

struct Fixture {
    QString url;
    std::unique_ptr<Database> db;
    QByteArray key;
    qint64 scalar(const QString &sql) { return Test::scalar(*db, sql); }
};

std::unique_ptr<Fixture> makeFixture(const QString &engine, int numbers) {
    auto fixture = std::make_unique<Fixture>();
    fixture->url = freshDatabaseUrl(engine);
    auto opened = Database::open(fixture->url);
    if (!opened)
        qFatal("cannot open the test database: %s", qPrintable(opened.error().message));
    fixture->db = std::move(opened.value());
    if (!Companies(*fixture->db).add(TestActor, QStringLiteral("Acme"), Plan::Standard))
        qFatal("cannot add the test company");
    for (int i = 0; i < numbers; ++i) {
        NewNumber number;
        number.e164 = QStringLiteral("+1555%1").arg(i + 1, 7, 10, QLatin1Char('0'));
        number.environment = DevelopmentEnvironment;
        if (!Numbers(*fixture->db).add(TestActor, number))
            qFatal("cannot add a test number");
    }
    auto key = ApiKeys(*fixture->db)
                   .create(TestActor, {QStringLiteral("backend"), std::nullopt, 1'000'000, 1'000'000});
    if (!key)
        qFatal("cannot create the test key");
    fixture->key = key->secret.toLatin1();
    return fixture;
}

struct Response {
    int status = 0;
    QMap<QByteArray, QByteArray> headers; // names in lower case
    QByteArray body;
    QString errorCode() const {
        return QJsonDocument::fromJson(body)
            .object()
            .value(QStringLiteral("error"))
            .toObject()
            .value(QStringLiteral("code"))
            .toString();
    }
};

// The answers in a byte stream, in order; *rest gets what is not a whole answer.
QList<Response> responses(const QByteArray &bytes, QByteArray *rest = nullptr) {
    QList<Response> out;
    qsizetype pos = 0;
    for (;;) {
        const qsizetype headEnd = bytes.indexOf("\r\n\r\n", pos);
        if (headEnd < 0)
            break;
        const QList<QByteArray> lines = bytes.mid(pos, headEnd - pos).split('\n');
        Response response;
        response.status = lines.value(0).split(' ').value(1).toInt();
        for (qsizetype i = 1; i < lines.size(); ++i) {
            const qsizetype colon = lines.at(i).indexOf(':');
            if (colon > 0)
                response.headers.insert(lines.at(i).left(colon).trimmed().toLower(),
                                        lines.at(i).mid(colon + 1).trimmed());
        }
        const qsizetype length = response.headers.value("content-length", "0").toLongLong();
        if (bytes.size() - headEnd - 4 < length)
            break;
        response.body = bytes.mid(headEnd + 4, length);
        out.append(response);
        pos = headEnd + 4 + length;
    }
    if (rest)
        *rest = bytes.mid(pos);
    return out;
}

struct Exchange {
    QByteArray bytes;
    bool closed = false; // the service closed the connection
    qint64 elapsedMs = 0;
};

// Reads until the service closes the connection or the time is up.
Exchange readUntilClosed(QTcpSocket &socket, int timeoutMs) {
    Exchange exchange;
    QElapsedTimer timer;
    timer.start();
    while (timer.elapsed() < timeoutMs) {
        if (socket.state() != QAbstractSocket::ConnectedState)
            break;
        socket.waitForReadyRead(int(std::max<qint64>(1, timeoutMs - timer.elapsed())));
        exchange.bytes += socket.readAll();
    }
    exchange.bytes += socket.readAll();
    exchange.closed = socket.state() != QAbstractSocket::ConnectedState;
    exchange.elapsedMs = timer.elapsed();
    return exchange;
}

Exchange exchange(quint16 port, const QByteArray &bytes, int timeoutMs = 10000) {
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, port);
    if (!socket.waitForConnected(timeoutMs))
        return {};
    socket.write(bytes);
    return readUntilClosed(socket, timeoutMs);
}

QByteArray request(const QByteArray &method, const QByteArray &path, const QByteArray &key = {},
                   const QByteArray &body = {}, const QByteArray &extraHeaders = {}) {
    QByteArray bytes = method + ' ' + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
    if (!key.isEmpty())
        bytes += "Authorization: Bearer " + key + "\r\n";
    if (!body.isEmpty())
        bytes +=
            "Content-Type: application/json\r\nContent-Length: " + QByteArray::number(body.size()) + "\r\n";
    return bytes + extraHeaders + "\r\n" + body;
}

// padding: blanks inside the JSON object, to reach a body size.
QByteArray allocationBody(const QByteArray &session, int padding = 0) {
    return "{\"company\":\"Acme\",\"operator\":\"op-1\",\"session\":\"" + session + "\"" +
           QByteArray(std::max(0, padding), ' ') + "}";
}

// One sample of /metrics ("name{labels}" exactly as rendered); -1 when absent.
double metric(quint16 port, const QByteArray &sample) {
    const HttpReply reply = http(port, "GET", "/metrics");
    for (const QByteArray &line : reply.body.split('\n')) {
        if (line.startsWith(QByteArray(sample + ' ')))
            return line.mid(sample.size() + 1).toDouble();
    }
    return -1;
}

// Waits for a condition with a bound, without sleeping longer than needed.
template <typename Condition>
bool waitFor(Condition condition, int timeoutMs) {
    QElapsedTimer timer;
    timer.start();
    while (!condition()) {
        if (timer.elapsed() > timeoutMs)
            return false;
        QTest::qWait(20);
    }
    return true;
}

// The test opens thousands of sockets: up to the hard limit, which the service inherits too.
void raiseFileLimit() {
    rlimit limit{};
    if (::getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
        limit.rlim_cur = limit.rlim_max;
        ::setrlimit(RLIMIT_NOFILE, &limit);
    }
}

// Plain non-blocking sockets for the stalled connections: thousands of QTcpSockets would cost
// the test more than the service.
class StalledConnections {
public:
    ~StalledConnections() {
        for (int descriptor : m_descriptors)
            ::close(descriptor);
    }
    // Connects count sockets (in waves, so the listen backlog never overflows) and sends each
    // the first bytes of a request; false if any failed.
    bool open(quint16 port, int count, const QByteArray &firstBytes, int timeoutMs = 20000) {
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_port = htons(port);
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        QElapsedTimer timer;
        timer.start();
        constexpr int Wave = 100;
        for (int opened = 0; opened < count;) {
            std::vector<pollfd> wave;
            for (int i = 0; i < Wave && opened < count; ++i, ++opened) {
                const int descriptor = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
                if (descriptor < 0)
                    return fail("socket", errno);
                m_descriptors.push_back(descriptor);
                if (::connect(descriptor, reinterpret_cast<const sockaddr *>(&address), sizeof address) !=
                        0 &&
                    errno != EINPROGRESS)
                    return fail("connect", errno);
                wave.push_back({descriptor, POLLOUT, 0});
            }
            for (pollfd &entry : wave) {
                while (true) {
                    if (timer.elapsed() > timeoutMs)
                        return fail("waiting for", ETIMEDOUT);
                    pollfd one = entry;
                    if (::poll(&one, 1, 100) == 1)
                        break;
                }
                int error = 0;
                socklen_t length = sizeof error;
                ::getsockopt(entry.fd, SOL_SOCKET, SO_ERROR, &error, &length);
                if (error != 0)
                    return fail("connecting", error);
                if (!firstBytes.isEmpty() &&
                    ::send(entry.fd, firstBytes.constData(), size_t(firstBytes.size()), MSG_NOSIGNAL) !=
                        firstBytes.size())
                    return false;
            }
        }
        return true;
    }
    // How many of them the service has closed (EOF or reset), and the bytes they got before.
    int closed(QByteArray *received = nullptr) const {
        int count = 0;
        for (int descriptor : m_descriptors) {
            char buffer[4096];
            for (;;) {
                const ssize_t n = ::recv(descriptor, buffer, sizeof buffer, 0);
                if (n > 0) {
                    if (received)
                        received->append(buffer, n);
                    continue;
                }
                if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK))
                    ++count;
                break;
            }
        }
        return count;
    }
    int size() const { return int(m_descriptors.size()); }
    const QByteArray &failure() const { return m_failure; }

private:
    bool fail(const char *step, int error) {
        m_failure = QByteArray(step) + " of connection " + QByteArray::number(m_descriptors.size()) + ": " +
                    QByteArray(std::strerror(error));
        return false;
    }
    std::vector<int> m_descriptors;
    QByteArray m_failure;
};

} // namespace

class TestHttpFraming : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { raiseFileLimit(); }
    void smugglingIsRefused_data() { addEngineRows(); }
    void smugglingIsRefused();
    void connectionClose();
    void pipelinedRequestsAnsweredInOrder();
    void bodyLimitPerRequest();
    void headLimits();
    void requestTimeout();
    void idleTimeout();
    void connectionCap();
    void thousandsOfStalledConnections();
};

// Each attempt gets one refusal and the connection closes: the bytes that would have been a
// second request (an allocation, and the release of a session in use) never run.
void TestHttpFraming::smugglingIsRefused() {
    QFETCH(QString, engine);
    auto f = makeFixture(engine, 3);
    ServiceProcess service;
    QVERIFY2(service.start(f->url), service.output().constData());
    const quint16 port = service.port();

    QCOMPARE(httpJson(port, "POST", "/v1/allocations",
                      QJsonDocument::fromJson(allocationBody("keep")).object(), f->key)
                 .status,
             201);
    const QByteArray smuggledAllocation =
        request("POST", "/v1/allocations", f->key, allocationBody("smuggled"));
    const QByteArray smuggledRelease =
        request("DELETE", "/v1/allocations/keep", f->key,
                QByteArrayLiteral(R"({"duration_seconds":1,"direction":"outbound"})"));
    const QByteArray smuggled = smuggledAllocation + smuggledRelease;
    const QByteArray length = QByteArray::number(smuggled.size());
    const QByteArray head = "POST /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n";
    struct Case {
        const char *name;
        QByteArray bytes;
        int status;
        const char *code;
    };
    const QList<Case> cases = {
        {"Content-Length -1", head + "Content-Length: -1\r\n\r\n" + smuggled, 400, "invalid_content_length"},
        {"Content-Length abc", head + "Content-Length: abc\r\n\r\n" + smuggled, 400,
         "invalid_content_length"},
        {"Content-Length overflowing", head + "Content-Length: 18446744073709551617\r\n\r\n" + smuggled, 400,
         "invalid_content_length"},
        {"Content-Length twice",
         head + "Content-Length: 0\r\nContent-Length: " + length + "\r\n\r\n" + smuggled, 400,
         "invalid_content_length"},
        {"Content-Length twice, reversed",
         head + "Content-Length: " + length + "\r\nContent-Length: 0\r\n\r\n" + smuggled, 400,
         "invalid_content_length"},
        {"Content-Length and Transfer-Encoding",
         head + "Content-Length: " + length + "\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n" + smuggled,
         400, "invalid_content_length"},
        {"Transfer-Encoding and Content-Length",
         head + "Transfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n" + smuggled, 400,
         "invalid_content_length"},
        {"chunked", head + "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n" + smuggled, 501,
         "unsupported_transfer_encoding"},
        {"blank before the colon", head + "Content-Length : " + length + "\r\n\r\n" + smuggled, 400,
         "bad_request"},
        {"folded Content-Length", head + "X-A: b\r\n Content-Length: " + length + "\r\n\r\n" + smuggled, 400,
         "bad_request"},
        {"bare LF", "POST /healthz HTTP/1.1\nHost: 127.0.0.1\nContent-Length: 0\n\n" + smuggled, 400,
         "bad_request"},
        {"HTTP/1.2", "POST /healthz HTTP/1.2\r\nHost: 127.0.0.1\r\n\r\n" + smuggled, 505,
         "http_version_not_supported"},
    };
    for (const Case &c : cases) {
        const Exchange answer = exchange(port, c.bytes);
        QByteArray rest;
        const QList<Response> answers = responses(answer.bytes, &rest);
        QVERIFY2(answers.size() == 1 && rest.isEmpty(), c.name);
        QCOMPARE(answers.at(0).status, c.status);
        QCOMPARE(answers.at(0).errorCode(), QString::fromLatin1(c.code));
        QCOMPARE(answers.at(0).headers.value("connection"), QByteArray("close"));
        QVERIFY2(answer.closed, c.name);
    }
    QCOMPARE(f->scalar(QStringLiteral("SELECT COUNT(*) FROM reservations WHERE session = 'smuggled'")), 0);
    QCOMPARE(f->scalar(QStringLiteral("SELECT COUNT(*) FROM reservations WHERE session = 'keep'")), 1);
    QCOMPARE(f->scalar(QStringLiteral("SELECT COUNT(*) FROM call_records")), 0);
    QCOMPARE(metric(port, "pooldesk_allocations_total{kind=\"shared\"}"), 1.0);
    QCOMPARE(metric(port, "pooldesk_releases_total{source=\"api\"}"), 0.0);
    QCOMPARE(metric(port, "pooldesk_http_framing_errors_total{kind=\"invalid_content_length\"}"), 7.0);
    QCOMPARE(metric(port, "pooldesk_http_requests_total{route=\"unknown\",code=\"400\"}"), 10.0);
    // The service goes on as before.
    QCOMPARE(http(port, "GET", "/healthz").status, 200);
    QCOMPARE(service.terminate(), 0);
}

void TestHttpFraming::connectionClose() {
    auto f = makeFixture(QStringLiteral("sqlite"), 2);
    ServiceProcess service;
    QVERIFY2(service.start(f->url), service.output().constData());
    const quint16 port = service.port();
    const QByteArray allocate = request("POST", "/v1/allocations", f->key, allocationBody("after-close"));

    // Connection: close is the last request read on the connection.
    Exchange closed = exchange(port, request("GET", "/healthz", {}, {}, "Connection: close\r\n") + allocate);
    QList<Response> answers = responses(closed.bytes);
    QCOMPARE(answers.size(), 1);
    QCOMPARE(answers.at(0).status, 200);
    QCOMPARE(answers.at(0).headers.value("connection"), QByteArray("close"));
    QVERIFY(closed.closed);

    // HTTP/1.0 closes after the answer unless it asks to keep the connection.
    Exchange old = exchange(port, "GET /healthz HTTP/1.0\r\n\r\n" + allocate);
    answers = responses(old.bytes);
    QCOMPARE(answers.size(), 1);
    QCOMPARE(answers.at(0).status, 200);
    QVERIFY(old.closed);
    QCOMPARE(f->scalar(QStringLiteral("SELECT COUNT(*) FROM reservations")), 0);

    Exchange kept = exchange(port, "GET /healthz HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"
                                   "GET /healthz HTTP/1.0\r\n\r\n");
    answers = responses(kept.bytes);
    QCOMPARE(answers.size(), 2);
    QCOMPARE(answers.at(0).headers.value("connection"), QByteArray("keep-alive"));
    QVERIFY(kept.closed);

    // HEAD: the headers of the answer, no body.
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, port);
    QVERIFY(socket.waitForConnected(5000));
    socket.write(request("HEAD", "/healthz") + request("GET", "/healthz", {}, {}, "Connection: close\r\n"));
    const Exchange head = readUntilClosed(socket, 10000);
    QVERIFY(head.bytes.startsWith("HTTP/1.1 200 OK\r\n"));
    const qsizetype second = head.bytes.indexOf("HTTP/1.1 200 OK\r\n", 1);
    QVERIFY(second > 0);
    QVERIFY(head.bytes.left(second).endsWith("\r\n\r\n")); // no body after the HEAD answer's headers
    QCOMPARE(responses(head.bytes.mid(second)).size(), 1);
}

// 200 requests in one write (more than the body limit together): each answered, in order.
void TestHttpFraming::pipelinedRequestsAnsweredInOrder() {
    auto f = makeFixture(QStringLiteral("sqlite"), 200);
    ServiceProcess service;
    QVERIFY2(service.start(f->url, {QStringLiteral("--max-body"), QStringLiteral("65536")}),
             service.output().constData());
    QByteArray bytes;
    for (int i = 0; i < 200; ++i)
        bytes += request("POST", "/v1/allocations", f->key, allocationBody("p-" + QByteArray::number(i), 300),
                         i == 199 ? QByteArrayLiteral("Connection: close\r\n") : QByteArray());
    QVERIFY(bytes.size() > 100'000);
    const Exchange answer = exchange(service.port(), bytes, 60000);
    QByteArray rest;
    const QList<Response> answers = responses(answer.bytes, &rest);
    QCOMPARE(answers.size(), 200);
    QVERIFY(rest.isEmpty());
    QVERIFY(answer.closed);
    for (int i = 0; i < 200; ++i) {
        QCOMPARE(answers.at(i).status, 201);
        QCOMPARE(
            QJsonDocument::fromJson(answers.at(i).body).object().value(QStringLiteral("session")).toString(),
            QStringLiteral("p-%1").arg(i));
    }
    QCOMPARE(f->scalar(QStringLiteral("SELECT COUNT(*) FROM reservations")), 200);
}

// The limit is per request: exactly at it is accepted, one byte over is 413 and the end.
void TestHttpFraming::bodyLimitPerRequest() {
    auto f = makeFixture(QStringLiteral("sqlite"), 2);
    ServiceProcess service;
    QVERIFY2(service.start(f->url, {QStringLiteral("--max-body"), QStringLiteral("4096")}),
             service.output().constData());
    const QByteArray atLimit = allocationBody("at-limit", 4096 - int(allocationBody("at-limit").size()));
    QCOMPARE(atLimit.size(), 4096);
    const QByteArray overLimit =
        allocationBody("over-limit", 4097 - int(allocationBody("over-limit").size()));
    QCOMPARE(overLimit.size(), 4097);

    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, service.port());
    QVERIFY(socket.waitForConnected(5000));
    socket.write(request("POST", "/v1/allocations", f->key, atLimit) +
                 request("POST", "/v1/allocations", f->key, overLimit) + request("GET", "/healthz"));
    const Exchange answer = readUntilClosed(socket, 10000);
    QByteArray rest;
    const QList<Response> answers = responses(answer.bytes, &rest);
    QCOMPARE(answers.size(), 2);
    QVERIFY(rest.isEmpty());
    QCOMPARE(answers.at(0).status, 201);
    QCOMPARE(answers.at(1).status, 413);
    QCOMPARE(answers.at(1).errorCode(), QStringLiteral("payload_too_large"));
    QVERIFY(answer.closed);
    QCOMPARE(f->scalar(QStringLiteral("SELECT COUNT(*) FROM reservations WHERE session = 'at-limit'")), 1);
    QCOMPARE(f->scalar(QStringLiteral("SELECT COUNT(*) FROM reservations WHERE session = 'over-limit'")), 0);

    // A body far over the limit is refused from its head, while the client is still sending it.
    const QByteArray huge(200 * 1024, 'x');
    const Exchange large = exchange(service.port(), request("POST", "/v1/allocations", f->key, huge));
    const QList<Response> refused = responses(large.bytes);
    QCOMPARE(refused.size(), 1);
    QCOMPARE(refused.at(0).status, 413);
    QVERIFY(large.closed);
}

void TestHttpFraming::headLimits() {
    auto f = makeFixture(QStringLiteral("sqlite"), 1);
    ServiceProcess service;
    QVERIFY2(service.start(f->url), service.output().constData());
    const Exchange bigHeader = exchange(
        service.port(), request("GET", "/healthz", {}, {}, "X-Big: " + QByteArray(20000, 'b') + "\r\n"));
    QCOMPARE(responses(bigHeader.bytes).value(0).status, 431);
    QVERIFY(bigHeader.closed);
    const Exchange manyHeaders = exchange(
        service.port(), request("GET", "/healthz", {}, {}, QByteArray("X-Many: m\r\n").repeated(200)));
    QCOMPARE(responses(manyHeaders.bytes).value(0).status, 431);
    QCOMPARE(responses(manyHeaders.bytes).value(0).errorCode(), QStringLiteral("headers_too_large"));
    QVERIFY(manyHeaders.closed);
    const Exchange longLine =
        exchange(service.port(), "GET /" + QByteArray(20000, 'a') + " HTTP/1.1\r\n\r\n");
    QCOMPARE(responses(longLine.bytes).value(0).status, 414);
}

// A half request is answered 408 and closed; a connection that never sends a byte is closed.
void TestHttpFraming::requestTimeout() {
    auto f = makeFixture(QStringLiteral("sqlite"), 1);
    ServiceProcess service;
    QVERIFY2(service.start(f->url, {QStringLiteral("--request-timeout"), QStringLiteral("1")}),
             service.output().constData());
    QTcpSocket half;
    half.connectToHost(QHostAddress::LocalHost, service.port());
    QVERIFY(half.waitForConnected(5000));
    QTcpSocket silent;
    silent.connectToHost(QHostAddress::LocalHost, service.port());
    QVERIFY(silent.waitForConnected(5000));
    // A request that finishes in time is answered, and its successor's clock starts afresh.
    QTcpSocket slow;
    slow.connectToHost(QHostAddress::LocalHost, service.port());
    QVERIFY(slow.waitForConnected(5000));
    const QByteArray slowRequest = request("GET", "/healthz");
    slow.write(slowRequest.left(10));
    half.write("POST /v1/allocations HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100\r\n\r\n{\"comp");
    QVERIFY(half.waitForBytesWritten(5000));
    QTest::qWait(500);
    slow.write(slowRequest.mid(10));
    QVERIFY(slow.waitForBytesWritten(5000));

    const Exchange timedOut = readUntilClosed(half, 5000);
    QVERIFY2(timedOut.closed, timedOut.bytes.constData());
    QList<Response> answers = responses(timedOut.bytes);
    QCOMPARE(answers.size(), 1);
    QCOMPARE(answers.at(0).status, 408);
    QCOMPARE(answers.at(0).errorCode(), QStringLiteral("request_timeout"));
    QVERIFY2(timedOut.elapsedMs < 3000, QByteArray::number(timedOut.elapsedMs).constData());

    const Exchange nothing = readUntilClosed(silent, 5000);
    QVERIFY(nothing.closed);
    QVERIFY(nothing.bytes.isEmpty());

    // The slow one got its answer and is still open (its next request has not started).
    QVERIFY(slow.state() == QAbstractSocket::ConnectedState);
    QVERIFY(slow.bytesAvailable() > 0 || slow.waitForReadyRead(2000));
    QCOMPARE(responses(slow.readAll()).value(0).status, 200);
    QCOMPARE(metric(service.port(), "pooldesk_http_request_timeouts_total"), 1.0);
}

void TestHttpFraming::idleTimeout() {
    auto f = makeFixture(QStringLiteral("sqlite"), 1);
    ServiceProcess service;
    QVERIFY2(service.start(f->url, {QStringLiteral("--idle-timeout"), QStringLiteral("1")}),
             service.output().constData());
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, service.port());
    QVERIFY(socket.waitForConnected(5000));
    socket.write(request("GET", "/healthz"));
    QByteArray bytes;
    QVERIFY(waitFor(
        [&] {
            socket.waitForReadyRead(50);
            bytes += socket.readAll();
            return responses(bytes).size() == 1;
        },
        5000));
    QCOMPARE(responses(bytes).at(0).status, 200);
    QVERIFY(socket.state() == QAbstractSocket::ConnectedState); // kept alive
    const Exchange idle = readUntilClosed(socket, 5000);
    QVERIFY(idle.closed);
    QVERIFY(idle.bytes.isEmpty());
    QVERIFY2(idle.elapsedMs >= 500 && idle.elapsedMs < 3000, QByteArray::number(idle.elapsedMs).constData());
    QVERIFY(metric(service.port(), "pooldesk_http_idle_closed_total") >= 1.0);
}

// Above the cap a connection is closed at once; once stalled ones time out, new ones are served.
void TestHttpFraming::connectionCap() {
    auto f = makeFixture(QStringLiteral("sqlite"), 1);
    ServiceProcess service;
    QVERIFY2(service.start(f->url, {QStringLiteral("--max-connections"), QStringLiteral("20"),
                                    QStringLiteral("--request-timeout"), QStringLiteral("2")}),
             service.output().constData());
    StalledConnections stalled;
    QVERIFY(stalled.open(service.port(), 20, "GET /healthz HTTP/1.1\r\n"));

    QTcpSocket over;
    over.connectToHost(QHostAddress::LocalHost, service.port());
    QVERIFY(over.waitForConnected(5000)); // the kernel completes the handshake; the service closes it
    over.write(request("GET", "/healthz"));
    const Exchange refused = readUntilClosed(over, 1500);
    QVERIFY2(refused.closed, "the 21st connection was not closed at once");
    QVERIFY(refused.bytes.isEmpty());
    QVERIFY2(refused.elapsedMs < 1000, QByteArray::number(refused.elapsedMs).constData());

    // The stalled ones time out (408 each) and the service takes connections again.
    QVERIFY(waitFor([&] { return stalled.closed() == stalled.size(); }, 10000));
    QVERIFY(
        waitFor([&] { return http(service.port(), "GET", "/healthz", {}, {}, 2000).status == 200; }, 10000));
    // Read again while /metrics itself cannot be fetched (a loaded machine): -1 is "no answer".
    double refusedTotal = -1;
    QVERIFY2(waitFor(
                 [&] {
                     refusedTotal = metric(service.port(), "pooldesk_http_connections_refused_total");
                     return refusedTotal >= 0;
                 },
                 10000),
             "no /metrics answer");
    QVERIFY2(refusedTotal >= 1.0, QByteArray::number(refusedTotal).constData());
    QCOMPARE(metric(service.port(), "pooldesk_http_request_timeouts_total"), 20.0);
}

// 2,000 stalled connections cost the service a pass of its deadline sweep, not its health.
void TestHttpFraming::thousandsOfStalledConnections() {
    auto f = makeFixture(QStringLiteral("sqlite"), 1);
    ServiceProcess service;
    QVERIFY2(service.start(f->url, {QStringLiteral("--max-connections"), QStringLiteral("5000"),
                                    QStringLiteral("--request-timeout"), QStringLiteral("120")}),
             service.output().constData());
    constexpr int Stalled = 2000;
    StalledConnections stalled;
    QVERIFY2(stalled.open(service.port(), Stalled, "POST /v1/allocations HTTP/1.1\r\nHost: 127.0.0.1\r\n"),
             stalled.failure().constData());
    QVERIFY(waitFor([&] { return metric(service.port(), "pooldesk_http_open_connections") >= Stalled + 1; },
                    20000));

    QList<qint64> elapsed;
    for (int i = 0; i < 7; ++i) {
        QElapsedTimer timer;
        timer.start();
        const HttpReply health = http(service.port(), "GET", "/healthz", {}, {}, 5000);
        elapsed.append(timer.nsecsElapsed() / 1000);
        QCOMPARE(health.status, 200);
    }
    std::sort(elapsed.begin(), elapsed.end());
    QByteArray figures;
    for (qint64 us : std::as_const(elapsed))
        figures += QByteArray::number(us) + " us ";
    qInfo("/healthz beside %d stalled connections: %s", Stalled, figures.constData());
    QVERIFY2(elapsed.at(elapsed.size() / 2) < 100'000, figures.constData());
    QVERIFY2(elapsed.at(elapsed.size() - 2) < 100'000, figures.constData());
    QCOMPARE(stalled.closed(), 0);
}

QTEST_GUILESS_MAIN(TestHttpFraming)
#include "tst_httpframing.moc"
