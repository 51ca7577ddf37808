// The pool service's HTTP/1.1 request parser on its own: framing, smuggling attempts, limits,
// pipelining, and bytes arriving in every possible split.

#include "service/HttpRequestParser.h"

#include <QTest>

using namespace PoolDesk;

namespace {

HttpRequestParser::Limits smallLimits() {
    HttpRequestParser::Limits limits;
    limits.maxHeadBytes = 1024;
    limits.maxHeaders = 10;
    limits.maxBodyBytes = 100;
    return limits;
}

struct Parsed {
    QList<HttpRequest> requests;
    HttpFramingError error = HttpFramingError::None;
    bool partial = false;
};

// Feeds the pieces one after another, taking every request as soon as it is complete.
Parsed parse(const QList<QByteArray> &pieces, HttpRequestParser::Limits limits = smallLimits()) {
    HttpRequestParser parser(limits);
    Parsed parsed;
    for (const QByteArray &piece : pieces) {
        parser.feed(piece);
        for (;;) {
            HttpRequest request;
            const HttpRequestParser::Result result = parser.next(&request);
            if (result == HttpRequestParser::Result::Request) {
                parsed.requests.append(request);
                continue;
            }
            if (result == HttpRequestParser::Result::Error)
                parsed.error = parser.error();
            break;
        }
        if (parsed.error != HttpFramingError::None)
            break;
    }
    parsed.partial = parser.hasPartialRequest();
    return parsed;
}

Parsed parse(const QByteArray &bytes, HttpRequestParser::Limits limits = smallLimits()) {
    return parse(QList<QByteArray>{bytes}, limits);
}

QByteArray describe(const Parsed &parsed) {
    QByteArray out;
    for (const HttpRequest &request : parsed.requests) {
        out += request.method + ' ' + request.target + " 1." + QByteArray::number(request.minorVersion) +
               (request.keepAlive ? " keep" : " close");
        for (const auto &[name, value] : request.headers)
            out += " [" + name + '=' + value + ']';
        out += " body=" + request.body + '\n';
    }
    out += "error=" + QByteArray::number(int(parsed.error)) + (parsed.partial ? " partial" : "");
    return out;
}

const QByteArray Get = QByteArrayLiteral("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
const QByteArray Post = QByteArrayLiteral("POST /v1/allocations?x=1 HTTP/1.1\r\nHost: x\r\nContent-Type: "
                                          "application/json\r\nContent-Length: 11\r\n\r\n{\"a\":\"bc\"}\n");

} // namespace

Q_DECLARE_METATYPE(HttpFramingError)

class TestHttpRequestParser : public QObject {
    Q_OBJECT
private slots:
    void simpleRequests() {
        const Parsed parsed = parse(Get + Post);
        QCOMPARE(parsed.error, HttpFramingError::None);
        QCOMPARE(parsed.requests.size(), 2);
        QVERIFY(!parsed.partial);
        const HttpRequest &get = parsed.requests.at(0);
        QCOMPARE(get.method, QByteArray("GET"));
        QCOMPARE(get.path(), QByteArray("/healthz"));
        QVERIFY(get.query().isNull());
        QCOMPARE(get.minorVersion, 1);
        QVERIFY(get.keepAlive);
        QVERIFY(get.body.isEmpty());
        const HttpRequest &post = parsed.requests.at(1);
        QCOMPARE(post.method, QByteArray("POST"));
        QCOMPARE(post.path(), QByteArray("/v1/allocations"));
        QCOMPARE(post.query(), QByteArray("x=1"));
        QCOMPARE(post.value("content-type"), QByteArray("application/json"));
        QVERIFY(post.value("authorization").isNull());
        QCOMPARE(post.body, QByteArray("{\"a\":\"bc\"}\n"));
    }

    void headerNamesAndValues() {
        const Parsed parsed =
            parse("GET / HTTP/1.1\r\nHOST: x\r\nX-Empty:\r\nAuthorization: \t Bearer abc \t\r\n\r\n");
        QCOMPARE(parsed.error, HttpFramingError::None);
        QCOMPARE(parsed.requests.size(), 1);
        const HttpRequest &request = parsed.requests.at(0);
        QCOMPARE(request.value("host"), QByteArray("x"));
        QCOMPARE(request.value("authorization"), QByteArray("Bearer abc"));
        QVERIFY(!request.value("x-empty").isNull());
        QVERIFY(request.value("x-empty").isEmpty());
    }

    void keepAlive_data() {
        QTest::addColumn<QByteArray>("head");
        QTest::addColumn<bool>("keepAlive");
        QTest::newRow("1.1") << QByteArray("GET / HTTP/1.1\r\nHost: x\r\n\r\n") << true;
        QTest::newRow("1.1 close") << QByteArray("GET / HTTP/1.1\r\nHost: x\r\nConnection: Close\r\n\r\n")
                                   << false;
        QTest::newRow("1.1 close in a list")
            << QByteArray("GET / HTTP/1.1\r\nHost: x\r\nConnection: upgrade, close\r\n\r\n") << false;
        QTest::newRow("1.0") << QByteArray("GET / HTTP/1.0\r\n\r\n") << false;
        QTest::newRow("1.0 keep-alive")
            << QByteArray("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n") << true;
        QTest::newRow("1.0 keep-alive, close")
            << QByteArray("GET / HTTP/1.0\r\nConnection: keep-alive\r\nConnection: close\r\n\r\n") << false;
    }
    void keepAlive() {
        QFETCH(QByteArray, head);
        QFETCH(bool, keepAlive);
        const Parsed parsed = parse(head);
        QCOMPARE(parsed.error, HttpFramingError::None);
        QCOMPARE(parsed.requests.size(), 1);
        QCOMPARE(parsed.requests.at(0).keepAlive, keepAlive);
    }

    void targets_data() {
        QTest::addColumn<QByteArray>("line");
        QTest::addColumn<QByteArray>("target");
        QTest::newRow("origin") << QByteArray("GET /a/b?c=d&e HTTP/1.1") << QByteArray("/a/b?c=d&e");
        QTest::newRow("percent") << QByteArray("GET /v1/allocations/a%20b HTTP/1.1")
                                 << QByteArray("/v1/allocations/a%20b");
        QTest::newRow("absolute") << QByteArray("GET http://pool.example.com:8736/healthz?x HTTP/1.1")
                                  << QByteArray("/healthz?x");
        QTest::newRow("absolute, no path")
            << QByteArray("GET HTTPS://pool.example.com?x HTTP/1.1") << QByteArray("/?x");
        QTest::newRow("asterisk") << QByteArray("OPTIONS * HTTP/1.1") << QByteArray("*");
    }
    void targets() {
        QFETCH(QByteArray, line);
        QFETCH(QByteArray, target);
        const Parsed parsed = parse(line + "\r\nHost: x\r\n\r\n");
        QCOMPARE(parsed.error, HttpFramingError::None);
        QCOMPARE(parsed.requests.size(), 1);
        QCOMPARE(parsed.requests.at(0).target, target);
    }

    // Every case the issue names, and their neighbours: one error, nothing after it.
    void framingErrors_data() {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<HttpFramingError>("error");
        QTest::addColumn<int>("status");
        using E = HttpFramingError;
        const QByteArray get = "GET / HTTP/1.1\r\nHost: x\r\n";
        const QByteArray smuggled = "GET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n";
        const auto withLength = [&](const QByteArray &value) -> QByteArray {
            return "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: " + value + "\r\n\r\n" + smuggled;
        };
        QTest::newRow("Content-Length -1") << withLength("-1") << E::InvalidContentLength << 400;
        QTest::newRow("Content-Length +5") << withLength("+5") << E::InvalidContentLength << 400;
        QTest::newRow("Content-Length abc") << withLength("abc") << E::InvalidContentLength << 400;
        QTest::newRow("Content-Length empty") << withLength("") << E::InvalidContentLength << 400;
        QTest::newRow("Content-Length 0x10") << withLength("0x10") << E::InvalidContentLength << 400;
        QTest::newRow("Content-Length 1.5") << withLength("1.5") << E::InvalidContentLength << 400;
        QTest::newRow("Content-Length 1 2") << withLength("1 2") << E::InvalidContentLength << 400;
        QTest::newRow("Content-Length list") << withLength("5, 5") << E::InvalidContentLength << 400;
        QTest::newRow("Content-Length overflowing")
            << withLength("99999999999999999999999") << E::InvalidContentLength << 400;
        QTest::newRow("Content-Length 2^64")
            << withLength("18446744073709551616") << E::InvalidContentLength << 400;
        QTest::newRow("Content-Length twice, different")
            << "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nContent-Length: 37\r\n\r\n" + smuggled
            << E::InvalidContentLength << 400;
        QTest::newRow("Content-Length twice, equal")
            << QByteArray("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\nabc")
            << E::InvalidContentLength << 400;
        QTest::newRow("Content-Length with Transfer-Encoding")
            << "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: "
               "chunked\r\n\r\n0\r\n\r\n" +
                   smuggled
            << E::InvalidContentLength << 400;
        QTest::newRow("Transfer-Encoding with Content-Length")
            << "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: "
               "5\r\n\r\n0\r\n\r\n" +
                   smuggled
            << E::InvalidContentLength << 400;
        QTest::newRow("chunked")
            << "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n" + smuggled
            << E::TransferEncoding << 501;
        QTest::newRow("Transfer-Encoding identity")
            << QByteArray("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: identity\r\n\r\n")
            << E::TransferEncoding << 501;
        QTest::newRow("body over the limit")
            << "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 101\r\n\r\n" + QByteArray(101, 'x') + smuggled
            << E::BodyTooLarge << 413;
        QTest::newRow("body far over the limit")
            << QByteArray("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 9223372036854775807\r\n\r\n")
            << E::BodyTooLarge << 413;
        QTest::newRow("bare LF in the request line")
            << QByteArray("GET / HTTP/1.1\nHost: x\r\n\r\n") << E::BadRequestLine << 400;
        QTest::newRow("bare LF after a header")
            << QByteArray("GET / HTTP/1.1\r\nHost: x\n\r\n") << E::BadHeader << 400;
        QTest::newRow("bare LF ends the head") << get + "\n" + smuggled << E::BadHeader << 400;
        QTest::newRow("bare CR in a header")
            << QByteArray("GET / HTTP/1.1\r\nHost: x\rX: y\r\n\r\n") << E::BadHeader << 400;
        QTest::newRow("obs-fold") << get + "X-Long: a\r\n  b\r\n\r\n" << E::BadHeader << 400;
        QTest::newRow("obs-fold with a tab") << get + "X-Long: a\r\n\tb\r\n\r\n" << E::BadHeader << 400;
        QTest::newRow("space before the colon")
            << "POST / HTTP/1.1\r\nHost: x\r\nContent-Length : 37\r\n\r\n" + smuggled << E::BadHeader << 400;
        QTest::newRow("tab before the colon") << get + "X\t: y\r\n\r\n" << E::BadHeader << 400;
        QTest::newRow("no colon") << get + "Nonsense\r\n\r\n" << E::BadHeader << 400;
        QTest::newRow("empty name") << get + ": y\r\n\r\n" << E::BadHeader << 400;
        QTest::newRow("NUL in a value") << get + QByteArray("X: a\0b\r\n\r\n", 10) << E::BadHeader << 400;
        QTest::newRow("control character in a value") << get + "X: a\x01"
                                                               "b\r\n\r\n"
                                                      << E::BadHeader << 400;
        QTest::newRow("DEL in a value") << get + "X: a\x7f\r\n\r\n" << E::BadHeader << 400;
        QTest::newRow("no Host in HTTP/1.1") << QByteArray("GET / HTTP/1.1\r\n\r\n") << E::BadHost << 400;
        QTest::newRow("two Host headers") << get + "Host: y\r\n\r\n" << E::BadHost << 400;
        QTest::newRow("two Authorization headers")
            << get + "Authorization: Bearer a\r\nAuthorization: Bearer b\r\n\r\n"
            << E::DuplicateHeader << 400;
        QTest::newRow("two Content-Type headers") << get + "Content-Type: a/b\r\ncontent-type: c/d\r\n\r\n"
                                                  << E::DuplicateHeader << 400;
        QTest::newRow("empty request line, then nonsense")
            << QByteArray("\r\nfoo\r\n\r\n") << E::BadRequestLine << 400;
        QTest::newRow("lower-case version")
            << QByteArray("GET / http/1.1\r\nHost: x\r\n\r\n") << E::BadRequestLine << 400;
        QTest::newRow("no version") << QByteArray("GET /\r\nHost: x\r\n\r\n") << E::BadRequestLine << 400;
        QTest::newRow("HTTP/1") << QByteArray("GET / HTTP/1\r\nHost: x\r\n\r\n") << E::BadRequestLine << 400;
        QTest::newRow("two spaces") << QByteArray("GET  / HTTP/1.1\r\nHost: x\r\n\r\n") << E::BadRequestLine
                                    << 400;
        QTest::newRow("trailing space")
            << QByteArray("GET / HTTP/1.1 \r\nHost: x\r\n\r\n") << E::BadRequestLine << 400;
        QTest::newRow("tab as separator")
            << QByteArray("GET\t/ HTTP/1.1\r\nHost: x\r\n\r\n") << E::BadRequestLine << 400;
        QTest::newRow("space in the target")
            << QByteArray("GET /a b HTTP/1.1\r\nHost: x\r\n\r\n") << E::BadRequestLine << 400;
        QTest::newRow("fragment") << QByteArray("GET /a#b HTTP/1.1\r\nHost: x\r\n\r\n") << E::BadRequestLine
                                  << 400;
        QTest::newRow("non-ASCII target")
            << QByteArray("GET /\xc3\xa9 HTTP/1.1\r\nHost: x\r\n\r\n") << E::BadRequestLine << 400;
        QTest::newRow("relative target")
            << QByteArray("GET healthz HTTP/1.1\r\nHost: x\r\n\r\n") << E::BadRequestLine << 400;
        QTest::newRow("asterisk with GET")
            << QByteArray("GET * HTTP/1.1\r\nHost: x\r\n\r\n") << E::BadRequestLine << 400;
        QTest::newRow("method not a token")
            << QByteArray("GE(T / HTTP/1.1\r\nHost: x\r\n\r\n") << E::BadRequestLine << 400;
        QTest::newRow("HTTP/2.0") << QByteArray("GET / HTTP/2.0\r\nHost: x\r\n\r\n") << E::UnsupportedVersion
                                  << 505;
        QTest::newRow("HTTP/1.2") << QByteArray("GET / HTTP/1.2\r\nHost: x\r\n\r\n") << E::UnsupportedVersion
                                  << 505;
        QTest::newRow("HTTP/0.9") << QByteArray("GET / HTTP/0.9\r\n\r\n") << E::UnsupportedVersion << 505;
        QTest::newRow("HTTP/1.10") << QByteArray("GET / HTTP/1.10\r\nHost: x\r\n\r\n")
                                   << E::UnsupportedVersion << 505;
        QTest::newRow("too many headers") << get + QByteArray("X: y\r\n").repeated(10) + "\r\n"
                                          << E::HeadersTooLarge << 431;
        QTest::newRow("head too large") << get + "X: " + QByteArray(1000, 'y') + "\r\n\r\n"
                                        << E::HeadersTooLarge << 431;
        QTest::newRow("request line too long") << "GET /" + QByteArray(1100, 'a') + " HTTP/1.1\r\n\r\n"
                                               << E::UriTooLong << 414;
    }
    void framingErrors() {
        QFETCH(QByteArray, bytes);
        QFETCH(HttpFramingError, error);
        QFETCH(int, status);
        const Parsed parsed = parse(bytes);
        QVERIFY2(parsed.requests.isEmpty(), describe(parsed).constData());
        QCOMPARE(parsed.error, error);
        QCOMPARE(HttpRequestParser::status(error), status);
        QVERIFY(!HttpRequestParser::code(error).isEmpty());
        QVERIFY(!HttpRequestParser::kind(error).isEmpty());
        QVERIFY(!HttpRequestParser::message(error, smallLimits()).isEmpty());

        // The same bytes a byte at a time: the same verdict.
        QList<QByteArray> bytewise;
        for (char c : std::as_const(bytes))
            bytewise.append(QByteArray(1, c));
        const Parsed slow = parse(bytewise);
        QVERIFY2(slow.requests.isEmpty(), describe(slow).constData());
        QCOMPARE(slow.error, error);
    }

    // After an error the parser takes nothing more, however valid.
    void errorIsFinal() {
        HttpRequestParser parser(smallLimits());
        parser.feed(QByteArrayView("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n"));
        HttpRequest request;
        QCOMPARE(parser.next(&request), HttpRequestParser::Result::Error);
        parser.feed(Get);
        QCOMPARE(parser.next(&request), HttpRequestParser::Result::Error);
        QCOMPARE(parser.error(), HttpFramingError::InvalidContentLength);
        QCOMPARE(parser.partialMethod(), QByteArray("POST"));
        QCOMPARE(parser.partialPath(), QByteArray("/"));
    }

    // Refused as soon as the limit is passed, not when the line or body ends.
    void limitsApplyEarly() {
        const Parsed longLine = parse("GET /" + QByteArray(2000, 'a'));
        QCOMPARE(longLine.error, HttpFramingError::UriTooLong);
        const Parsed longHeader = parse("GET / HTTP/1.1\r\nHost: x\r\nX: " + QByteArray(2000, 'a'));
        QCOMPARE(longHeader.error, HttpFramingError::HeadersTooLarge);
        // The body's length is known from the head: refused before any of it arrives.
        const Parsed body = parse(QByteArray("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 101\r\n\r\n"));
        QCOMPARE(body.error, HttpFramingError::BodyTooLarge);
    }

    void limitsAreInclusive() {
        HttpRequestParser::Limits limits = smallLimits();
        // Exactly at the body limit.
        const Parsed atLimit =
            parse("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n" + QByteArray(100, 'b'), limits);
        QCOMPARE(atLimit.error, HttpFramingError::None);
        QCOMPARE(atLimit.requests.size(), 1);
        QCOMPARE(atLimit.requests.at(0).body.size(), 100);
        // Exactly maxHeaders fields.
        const Parsed headers =
            parse("GET / HTTP/1.1\r\nHost: x\r\n" + QByteArray("X: y\r\n").repeated(9) + "\r\n");
        QCOMPARE(headers.error, HttpFramingError::None);
        QCOMPARE(headers.requests.value(0).headers.size(), 10);
        // A head of exactly maxHeadBytes, and one byte more.
        const QByteArray start = "GET / HTTP/1.1\r\nHost: x\r\nX: ";
        const QByteArray exact = start + QByteArray(limits.maxHeadBytes - start.size() - 4, 'v') + "\r\n\r\n";
        QCOMPARE(exact.size(), limits.maxHeadBytes);
        QCOMPARE(parse(exact).error, HttpFramingError::None);
        const QByteArray over = start + QByteArray(limits.maxHeadBytes - start.size() - 3, 'v') + "\r\n\r\n";
        QCOMPARE(parse(over).error, HttpFramingError::HeadersTooLarge);
    }

    // Each request has its own body limit: many small ones together are fine.
    void pipelining() {
        HttpRequestParser::Limits limits;
        limits.maxBodyBytes = 65536;
        QByteArray bytes;
        for (int i = 0; i < 200; ++i) {
            const QByteArray body =
                "{\"n\":" + QByteArray::number(i) + ",\"pad\":\"" + QByteArray(480, 'p') + "\"}";
            bytes += "POST /v1/allocations/" + QByteArray::number(i) +
                     " HTTP/1.1\r\nHost: x\r\nContent-Length: " + QByteArray::number(body.size()) +
                     "\r\n\r\n" + body;
        }
        QVERIFY(bytes.size() > 100'000);
        const Parsed parsed = parse(bytes, limits);
        QCOMPARE(parsed.error, HttpFramingError::None);
        QCOMPARE(parsed.requests.size(), 200);
        for (int i = 0; i < 200; ++i) {
            QCOMPARE(parsed.requests.at(i).path(), "/v1/allocations/" + QByteArray::number(i));
            QVERIFY(
                parsed.requests.at(i).body.startsWith(QByteArray("{\"n\":" + QByteArray::number(i) + ',')));
        }
        QVERIFY(!parsed.partial);
    }

    // Any split of the bytes into two reads, and a byte per read, gives the same requests.
    void splitAtEveryByte_data() {
        QTest::addColumn<QByteArray>("bytes");
        QTest::newRow("GET") << Get;
        QTest::newRow("POST") << Post;
        QTest::newRow("pipelined") << Get + Post + Get;
        QTest::newRow("leading CRLF") << "\r\n" + Post + "\r\n" + Get;
        QTest::newRow("then an error")
            << Get + "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1x\r\n\r\n" + Get;
    }
    void splitAtEveryByte() {
        QFETCH(QByteArray, bytes);
        const QByteArray whole = describe(parse(bytes));
        for (qsizetype split = 1; split < bytes.size(); ++split) {
            const QByteArray two = describe(parse(QList<QByteArray>{bytes.left(split), bytes.mid(split)}));
            QVERIFY2(two == whole,
                     qPrintable(QStringLiteral("split at %1:\n%2\nwhole:\n%3")
                                    .arg(split)
                                    .arg(QString::fromLatin1(two), QString::fromLatin1(whole))));
        }
        QList<QByteArray> bytewise;
        for (char c : std::as_const(bytes))
            bytewise.append(QByteArray(1, c));
        QCOMPARE(describe(parse(bytewise)), whole);
    }

    void partialRequests() {
        HttpRequestParser parser(smallLimits());
        HttpRequest request;
        QVERIFY(!parser.hasPartialRequest());
        QCOMPARE(parser.next(&request), HttpRequestParser::Result::NeedMore);
        parser.feed(Post.left(10));
        QCOMPARE(parser.next(&request), HttpRequestParser::Result::NeedMore);
        QVERIFY(parser.hasPartialRequest());
        parser.feed(Post.mid(10, Post.size() - 12)); // all but the body's last two bytes
        QCOMPARE(parser.next(&request), HttpRequestParser::Result::NeedMore);
        QVERIFY(parser.hasPartialRequest());
        QCOMPARE(parser.partialMethod(), QByteArray("POST"));
        parser.feed(Post.right(2));
        QCOMPARE(parser.next(&request), HttpRequestParser::Result::Request);
        QVERIFY(!parser.hasPartialRequest());
        QCOMPARE(request.body, QByteArray("{\"a\":\"bc\"}\n"));
        // An empty line between requests is tolerated, but it is the start of one.
        parser.feed(QByteArrayView("\r\n"));
        QCOMPARE(parser.next(&request), HttpRequestParser::Result::NeedMore);
        QVERIFY(parser.hasPartialRequest());
    }

    void expectContinue() {
        HttpRequestParser parser(smallLimits());
        HttpRequest request;
        parser.feed(QByteArrayView(
            "POST / HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n"));
        QCOMPARE(parser.next(&request), HttpRequestParser::Result::NeedMore);
        QVERIFY(parser.awaitsContinue());
        parser.feed(QByteArrayView("abc"));
        QCOMPARE(parser.next(&request), HttpRequestParser::Result::Request);
        QVERIFY(!parser.awaitsContinue());
        QCOMPARE(request.body, QByteArray("abc"));
    }
};

QTEST_GUILESS_MAIN(TestHttpRequestParser)
#include "tst_httprequestparser.moc"
