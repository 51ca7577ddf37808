#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QList>
#include <QPair>
#include <QString>

namespace PoolDesk {

// One request as it came off the wire, framing checked.
struct HttpRequest {
    QByteArray method;    // a token, as sent (methods are case-sensitive)
    QByteArray target;    // origin-form ("/path?query"); an absolute-form target is reduced to it
    int minorVersion = 1; // HTTP/1.<minorVersion>: 0 or 1
    QList<QPair<QByteArray, QByteArray>> headers; // names in lower case, values without surrounding blanks
    QByteArray body;
    bool keepAlive =
        true; // what the client asked for: HTTP/1.1 unless "close", HTTP/1.0 only with "keep-alive"

    // The first value of a header (name in lower case); null when absent.
    QByteArray value(QByteArrayView lowerCaseName) const;
    QByteArray path() const;  // the target up to '?'
    QByteArray query() const; // after '?', without it
};

// Why a request was refused. Each is answered once, and then the connection is closed: after a
// framing error nothing on the connection can be trusted to start where the next request starts.
enum class HttpFramingError {
    None,
    BadRequestLine,       // 400: not METHOD SP origin-form SP HTTP/x.y CRLF
    BadHeader,            // 400: bare LF or CR, obs-fold, blank before the colon, control characters
    BadHost,              // 400: HTTP/1.1 without Host, or several Host headers
    DuplicateHeader,      // 400: a header that may occur once (Authorization, Content-Type, ...) came twice
    InvalidContentLength, // 400: not one non-negative decimal number, several, or with Transfer-Encoding
    TransferEncoding,     // 501: chunked and other transfer codings are not supported
    BodyTooLarge,         // 413
    UriTooLong,           // 414: the request line alone exceeds the head limit
    HeadersTooLarge,      // 431: the head exceeds its byte limit or has too many fields
    UnsupportedVersion,   // 505: HTTP/x.y other than 1.0 and 1.1
};

// A strict HTTP/1.1 request parser (RFC 9112), fed bytes as they arrive and yielding complete
// requests in order, or one framing error after which it accepts nothing more. It owns no socket
// and needs nothing of Qt but its containers, so it can be tested and fuzzed on its own.
//
// Bodies are framed by Content-Length only; Transfer-Encoding is refused, and so is every
// ambiguity a proxy in front might resolve differently (request smuggling): a Content-Length that
// is not exactly one decimal number, several Content-Length headers (equal or not), Content-Length
// with Transfer-Encoding, bare LF line ends, folded lines, blanks between a name and its colon.
class HttpRequestParser final {
public:
    struct Limits {
        qsizetype maxHeadBytes = 16 * 1024; // request line, headers and their line ends
        int maxHeaders = 100;
        qsizetype maxBodyBytes = 64 * 1024;
    };

    enum class Result {
        NeedMore, // no complete request yet
        Request,  // *request holds the next one
        Error,    // error() says which; every later call answers Error again
    };

    explicit HttpRequestParser(Limits limits);

    // Appends bytes; ignored once an error was found.
    void feed(QByteArrayView bytes);
    void feed(const QByteArray &bytes); // shares the bytes when nothing else is buffered
    // The next complete request among the bytes fed so far.
    Result next(HttpRequest *request);

    HttpFramingError error() const { return m_error; }
    // True while bytes of a request that is not complete yet are buffered.
    bool hasPartialRequest() const {
        return m_buffer.size() > m_pos || m_state != State::RequestLine || m_headBytes > 0;
    }
    // Of the request under way (or the failed one), once its request line was read; else empty.
    const QByteArray &partialMethod() const { return m_current.method; }
    QByteArray partialPath() const { return m_current.path(); }
    // The head of the request under way asked for "100 Continue" before its body is sent.
    bool awaitsContinue() const { return m_state == State::Body && m_expectContinue; }
    const Limits &limits() const { return m_limits; }

    static int status(HttpFramingError error);
    // The error code of the JSON answer: bad_request, invalid_content_length, ...
    static QString code(HttpFramingError error);
    // The label of the framing-errors metric: bad_request_line, bad_header, ...
    static QString kind(HttpFramingError error);
    // A sentence for the client, translated.
    static QString message(HttpFramingError error, const Limits &limits);
    static QByteArray reasonPhrase(int status);

private:
    enum class State { RequestLine, Headers, Body };
    Result fail(HttpFramingError error);
    HttpFramingError parseRequestLine(QByteArrayView line);
    HttpFramingError parseHeader(QByteArrayView line);
    HttpFramingError finishHead();
    void compact();

    Limits m_limits;
    QByteArray m_buffer;
    qsizetype m_pos = 0;       // start of what is not consumed yet
    qsizetype m_scan = 0;      // where the search for the current line's end goes on
    qsizetype m_headBytes = 0; // of the request under way
    qsizetype m_bodyLength = 0;
    bool m_hasContentLength = false;
    bool m_hasTransferEncoding = false;
    bool m_hasHost = false;
    bool m_closeRequested = false;
    bool m_keepAliveRequested = false;
    bool m_expectContinue = false;
    unsigned m_singletonsSeen = 0;
    State m_state = State::RequestLine;
    HttpFramingError m_error = HttpFramingError::None;
    HttpRequest m_current;
};

} // namespace PoolDesk
