#include "service/HttpRequestParser.h"

#include <QCoreApplication>

#include <algorithm>
#include <limits>
#include <optional>

namespace PoolDesk {

namespace {

// RFC 9110 5.6.2: the characters of a token (method, header name).
bool isTokenChar(char c) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
        return true;
    switch (c) {
    case '!':
    case '#':
    case '$':
    case '%':
    case '&':
    case '\'':
    case '*':
    case '+':
    case '-':
    case '.':
    case '^':
    case '_':
    case '`':
    case '|':
    case '~':
        return true;
    default:
        return false;
    }
}

bool isToken(QByteArrayView text) {
    if (text.isEmpty())
        return false;
    for (char c : text) {
        if (!isTokenChar(c))
            return false;
    }
    return true;
}

bool isBlank(char c) {
    return c == ' ' || c == '\t';
}

// RFC 9110 5.5: field-vchar, SP and HTAB; obs-text (0x80-0xFF) is allowed but means nothing here.
bool isFieldValueChar(char c) {
    const auto u = static_cast<unsigned char>(c);
    return u == '\t' || (u >= 0x20 && u != 0x7f);
}

QByteArrayView trimmedBlanks(QByteArrayView text) {
    qsizetype begin = 0;
    qsizetype end = text.size();
    while (begin < end && isBlank(text[begin]))
        ++begin;
    while (end > begin && isBlank(text[end - 1]))
        --end;
    return text.sliced(begin, end - begin);
}

bool equalsIgnoringCase(QByteArrayView text, QByteArrayView lowerCase) {
    if (text.size() != lowerCase.size())
        return false;
    for (qsizetype i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (c >= 'A' && c <= 'Z')
            c = char(c - 'A' + 'a');
        if (c != lowerCase[i])
            return false;
    }
    return true;
}

// One non-negative decimal number that fits in 63 bits, nothing else (no sign, no blanks inside,
// no list): anything a proxy could read differently is refused.
std::optional<qint64> parseContentLength(QByteArrayView text) {
    if (text.isEmpty())
        return std::nullopt;
    qint64 value = 0;
    for (char c : text) {
        if (c < '0' || c > '9')
            return std::nullopt;
        const int digit = c - '0';
        if (value > (std::numeric_limits<qint64>::max() - digit) / 10)
            return std::nullopt;
        value = value * 10 + digit;
    }
    return value;
}

// Headers that mean one thing and so may occur once: a second one is either an attack on
// whichever copy a proxy or the service reads, or a broken client.
enum SingletonHeader : unsigned {
    NoSingleton = 0,
    AuthorizationHeader = 1,
    ContentTypeHeader = 2,
    TwilioSignatureHeader = 4,
};

} // namespace

QByteArray HttpRequest::value(QByteArrayView lowerCaseName) const {
    for (const auto &[name, value] : headers) {
        if (name == lowerCaseName)
            return value.isNull() ? QByteArray("") : value;
    }
    return {};
}

QByteArray HttpRequest::path() const {
    const qsizetype question = target.indexOf('?');
    return question < 0 ? target : target.left(question);
}

QByteArray HttpRequest::query() const {
    const qsizetype question = target.indexOf('?');
    return question < 0 ? QByteArray() : target.mid(question + 1);
}

HttpRequestParser::HttpRequestParser(Limits limits)
    : m_limits(limits) {}

void HttpRequestParser::feed(QByteArrayView bytes) {
    if (m_error != HttpFramingError::None)
        return;
    compact();
    m_buffer.append(bytes);
}

void HttpRequestParser::feed(const QByteArray &bytes) {
    if (m_error != HttpFramingError::None)
        return;
    compact();
    if (m_buffer.isEmpty())
        m_buffer = bytes;
    else
        m_buffer.append(bytes);
}

void HttpRequestParser::compact() {
    if (m_pos == 0)
        return;
    if (m_pos >= m_buffer.size()) {
        m_buffer.clear();
        m_pos = 0;
        m_scan = 0;
    } else if (m_pos >= 4096 && m_pos * 2 >= m_buffer.size()) {
        m_buffer.remove(0, m_pos);
        m_scan -= m_pos;
        m_pos = 0;
    }
}

HttpRequestParser::Result HttpRequestParser::fail(HttpFramingError error) {
    m_error = error;
    m_buffer.clear();
    m_pos = 0;
    return Result::Error;
}

HttpRequestParser::Result HttpRequestParser::next(HttpRequest *request) {
    if (m_error != HttpFramingError::None)
        return Result::Error;
    while (m_state != State::Body) {
        const qsizetype end = m_buffer.indexOf('\n', std::max(m_scan, m_pos));
        if (end < 0) {
            m_scan = m_buffer.size();
            // Refuse an endless line as soon as it is too long, not when its end comes.
            if (m_headBytes + (m_buffer.size() - m_pos) > m_limits.maxHeadBytes)
                return fail(m_state == State::RequestLine ? HttpFramingError::UriTooLong
                                                          : HttpFramingError::HeadersTooLarge);
            compact();
            return Result::NeedMore;
        }
        const qsizetype lineBytes = end + 1 - m_pos;
        m_headBytes += lineBytes;
        if (m_headBytes > m_limits.maxHeadBytes)
            return fail(m_state == State::RequestLine ? HttpFramingError::UriTooLong
                                                      : HttpFramingError::HeadersTooLarge);
        // Lines end with CRLF: a bare LF or a CR elsewhere is read differently by different parsers.
        if (end == m_pos || m_buffer.at(end - 1) != '\r')
            return fail(m_state == State::RequestLine ? HttpFramingError::BadRequestLine
                                                      : HttpFramingError::BadHeader);
        const QByteArrayView line(m_buffer.constData() + m_pos, lineBytes - 2);
        m_pos = end + 1;
        m_scan = m_pos;
        if (line.contains('\r'))
            return fail(m_state == State::RequestLine ? HttpFramingError::BadRequestLine
                                                      : HttpFramingError::BadHeader);
        if (m_state == State::RequestLine) {
            // RFC 9112 2.2: empty lines before a request line (after a body, some clients send
            // an extra CRLF) are ignored; they count towards the head's limit all the same.
            if (line.isEmpty())
                continue;
            if (const HttpFramingError error = parseRequestLine(line); error != HttpFramingError::None)
                return fail(error);
            m_state = State::Headers;
            continue;
        }
        if (!line.isEmpty()) {
            if (const HttpFramingError error = parseHeader(line); error != HttpFramingError::None)
                return fail(error);
            continue;
        }
        if (const HttpFramingError error = finishHead(); error != HttpFramingError::None)
            return fail(error);
        m_state = State::Body;
    }
    if (m_buffer.size() - m_pos < m_bodyLength) {
        compact();
        return Result::NeedMore;
    }
    if (m_bodyLength > 0)
        m_current.body = m_buffer.mid(m_pos, m_bodyLength);
    m_pos += m_bodyLength;
    *request = std::exchange(m_current, {});
    m_state = State::RequestLine;
    m_headBytes = 0;
    m_bodyLength = 0;
    m_hasContentLength = false;
    m_hasTransferEncoding = false;
    m_hasHost = false;
    m_closeRequested = false;
    m_keepAliveRequested = false;
    m_expectContinue = false;
    m_singletonsSeen = 0;
    m_scan = m_pos;
    compact();
    return Result::Request;
}

HttpFramingError HttpRequestParser::parseRequestLine(QByteArrayView line) {
    // method SP request-target SP HTTP-version, single spaces, nothing else.
    const qsizetype firstSpace = line.indexOf(' ');
    if (firstSpace <= 0)
        return HttpFramingError::BadRequestLine;
    const qsizetype secondSpace = line.indexOf(' ', firstSpace + 1);
    if (secondSpace < 0 || secondSpace == firstSpace + 1)
        return HttpFramingError::BadRequestLine;
    const QByteArrayView method = line.first(firstSpace);
    QByteArrayView target = line.sliced(firstSpace + 1, secondSpace - firstSpace - 1);
    const QByteArrayView version = line.sliced(secondSpace + 1);
    if (!isToken(method) || version.contains(' '))
        return HttpFramingError::BadRequestLine;

    // HTTP-version = "HTTP/" DIGIT "." DIGIT; other versions of that shape are answered 505.
    if (!version.startsWith("HTTP/"))
        return HttpFramingError::BadRequestLine;
    const QByteArrayView number = version.sliced(5);
    const qsizetype dot = number.indexOf('.');
    if (dot <= 0 || dot == number.size() - 1)
        return HttpFramingError::BadRequestLine;
    for (qsizetype i = 0; i < number.size(); ++i) {
        if (i != dot && (number[i] < '0' || number[i] > '9'))
            return HttpFramingError::BadRequestLine;
    }
    if (number != "1.1" && number != "1.0")
        return HttpFramingError::UnsupportedVersion;

    for (char c : target) {
        const auto u = static_cast<unsigned char>(c);
        if (u <= 0x20 || u >= 0x7f || c == '#')
            return HttpFramingError::BadRequestLine;
    }
    QByteArray originForm;
    if (target.front() == '/') {
        originForm = target.toByteArray();
    } else if (target == "*") {
        if (method != "OPTIONS")
            return HttpFramingError::BadRequestLine;
        originForm = target.toByteArray();
    } else {
        {
            // absolute-form (RFC 9112 3.2.2): keep the path and query.
            qsizetype authority = 0;
            if (equalsIgnoringCase(target.first(std::min<qsizetype>(7, target.size())), "http://"))
                authority = 7;
            else if (equalsIgnoringCase(target.first(std::min<qsizetype>(8, target.size())), "https://"))
                authority = 8;
            else
                return HttpFramingError::BadRequestLine;
            qsizetype pathStart = authority;
            while (pathStart < target.size() && target[pathStart] != '/' && target[pathStart] != '?')
                ++pathStart;
            if (pathStart == authority)
                return HttpFramingError::BadRequestLine;
            target = target.sliced(pathStart);
            originForm = target.startsWith('/') ? target.toByteArray() : '/' + target.toByteArray();
        }
    }
    m_current.target = std::move(originForm);
    m_current.method = method.toByteArray();
    m_current.minorVersion = number.back() - '0';
    return HttpFramingError::None;
}

HttpFramingError HttpRequestParser::parseHeader(QByteArrayView line) {
    if (isBlank(line.front()))
        return HttpFramingError::BadHeader; // obs-fold: a continuation of the previous line
    if (m_current.headers.size() >= m_limits.maxHeaders)
        return HttpFramingError::HeadersTooLarge;
    const qsizetype colon = line.indexOf(':');
    if (colon <= 0)
        return HttpFramingError::BadHeader;
    const QByteArrayView name = line.first(colon);
    if (!isToken(name)) // also a blank between the name and its colon
        return HttpFramingError::BadHeader;
    const QByteArrayView value = trimmedBlanks(line.sliced(colon + 1));
    for (char c : value) {
        if (!isFieldValueChar(c))
            return HttpFramingError::BadHeader;
    }
    QByteArray lowerName = name.toByteArray().toLower();

    unsigned singleton = NoSingleton;
    if (lowerName == "content-length") {
        if (m_hasContentLength)
            return HttpFramingError::InvalidContentLength;
        const std::optional<qint64> length = parseContentLength(value);
        if (!length)
            return HttpFramingError::InvalidContentLength;
        m_hasContentLength = true;
        m_bodyLength = qsizetype(*length);
        if (*length > qint64(m_limits.maxBodyBytes))
            m_bodyLength = m_limits.maxBodyBytes + 1; // refused in finishHead
    } else if (lowerName == "transfer-encoding") {
        m_hasTransferEncoding = true;
    } else if (lowerName == "host") {
        if (m_hasHost)
            return HttpFramingError::BadHost;
        m_hasHost = true;
    } else if (lowerName == "authorization") {
        singleton = AuthorizationHeader;
    } else if (lowerName == "content-type") {
        singleton = ContentTypeHeader;
    } else if (lowerName == "x-twilio-signature") {
        singleton = TwilioSignatureHeader;
    } else if (lowerName == "expect") {
        m_expectContinue = m_current.minorVersion == 1 && equalsIgnoringCase(value, "100-continue");
    } else if (lowerName == "connection") {
        for (QByteArrayView option : value.toByteArray().split(',')) {
            option = trimmedBlanks(option);
            if (equalsIgnoringCase(option, "close"))
                m_closeRequested = true;
            else if (equalsIgnoringCase(option, "keep-alive"))
                m_keepAliveRequested = true;
        }
    }
    if (singleton != NoSingleton) {
        if (m_singletonsSeen & singleton)
            return HttpFramingError::DuplicateHeader;
        m_singletonsSeen |= singleton;
    }
    m_current.headers.append({std::move(lowerName), value.toByteArray()});
    return HttpFramingError::None;
}

HttpFramingError HttpRequestParser::finishHead() {
    if (m_hasTransferEncoding)
        return m_hasContentLength ? HttpFramingError::InvalidContentLength
                                  : HttpFramingError::TransferEncoding;
    if (m_current.minorVersion == 1 && !m_hasHost)
        return HttpFramingError::BadHost;
    if (m_bodyLength > m_limits.maxBodyBytes)
        return HttpFramingError::BodyTooLarge;
    m_current.keepAlive = !m_closeRequested && (m_current.minorVersion == 1 || m_keepAliveRequested);
    return HttpFramingError::None;
}

int HttpRequestParser::status(HttpFramingError error) {
    switch (error) {
    case HttpFramingError::None:
        return 200;
    case HttpFramingError::BadRequestLine:
    case HttpFramingError::BadHeader:
    case HttpFramingError::BadHost:
    case HttpFramingError::DuplicateHeader:
    case HttpFramingError::InvalidContentLength:
        return 400;
    case HttpFramingError::TransferEncoding:
        return 501;
    case HttpFramingError::BodyTooLarge:
        return 413;
    case HttpFramingError::UriTooLong:
        return 414;
    case HttpFramingError::HeadersTooLarge:
        return 431;
    case HttpFramingError::UnsupportedVersion:
        return 505;
    }
    return 400;
}

QString HttpRequestParser::code(HttpFramingError error) {
    switch (error) {
    case HttpFramingError::None:
        return {};
    case HttpFramingError::BadRequestLine:
    case HttpFramingError::BadHeader:
    case HttpFramingError::BadHost:
    case HttpFramingError::DuplicateHeader:
        return QStringLiteral("bad_request");
    case HttpFramingError::InvalidContentLength:
        return QStringLiteral("invalid_content_length");
    case HttpFramingError::TransferEncoding:
        return QStringLiteral("unsupported_transfer_encoding");
    case HttpFramingError::BodyTooLarge:
        return QStringLiteral("payload_too_large");
    case HttpFramingError::UriTooLong:
        return QStringLiteral("uri_too_long");
    case HttpFramingError::HeadersTooLarge:
        return QStringLiteral("headers_too_large");
    case HttpFramingError::UnsupportedVersion:
        return QStringLiteral("http_version_not_supported");
    }
    return QStringLiteral("bad_request");
}

QString HttpRequestParser::kind(HttpFramingError error) {
    switch (error) {
    case HttpFramingError::None:
        return {};
    case HttpFramingError::BadRequestLine:
        return QStringLiteral("bad_request_line");
    case HttpFramingError::BadHeader:
        return QStringLiteral("bad_header");
    case HttpFramingError::BadHost:
        return QStringLiteral("bad_host");
    case HttpFramingError::DuplicateHeader:
        return QStringLiteral("duplicate_header");
    case HttpFramingError::InvalidContentLength:
        return QStringLiteral("invalid_content_length");
    case HttpFramingError::TransferEncoding:
        return QStringLiteral("transfer_encoding");
    case HttpFramingError::BodyTooLarge:
        return QStringLiteral("body_too_large");
    case HttpFramingError::UriTooLong:
        return QStringLiteral("uri_too_long");
    case HttpFramingError::HeadersTooLarge:
        return QStringLiteral("headers_too_large");
    case HttpFramingError::UnsupportedVersion:
        return QStringLiteral("unsupported_version");
    }
    return QStringLiteral("bad_request");
}

QString HttpRequestParser::message(HttpFramingError error, const Limits &limits) {
    switch (error) {
    case HttpFramingError::None:
        return {};
    case HttpFramingError::BadRequestLine:
        return QCoreApplication::translate("HttpRequestParser",
                                           "The request line is not METHOD /path HTTP/1.1 ending in CRLF.");
    case HttpFramingError::BadHeader:
        return QCoreApplication::translate(
            "HttpRequestParser",
            "A header line is malformed: lines must end in CRLF, must not be folded, and "
            "a header name must be followed by its colon directly.");
    case HttpFramingError::BadHost:
        return QCoreApplication::translate("HttpRequestParser",
                                           "An HTTP/1.1 request needs exactly one Host header.");
    case HttpFramingError::DuplicateHeader:
        return QCoreApplication::translate(
            "HttpRequestParser", "Authorization, Content-Type and X-Twilio-Signature may each be sent once.");
    case HttpFramingError::InvalidContentLength:
        return QCoreApplication::translate(
            "HttpRequestParser", "Content-Length must be one non-negative decimal number, sent once, and not "
                                 "together with Transfer-Encoding.");
    case HttpFramingError::TransferEncoding:
        return QCoreApplication::translate("HttpRequestParser",
                                           "Transfer-Encoding (chunked) is not supported: send the body with "
                                           "Content-Length.");
    case HttpFramingError::BodyTooLarge:
        return QCoreApplication::translate("HttpRequestParser", "The request body is larger than %1 bytes.")
            .arg(limits.maxBodyBytes);
    case HttpFramingError::UriTooLong:
        return QCoreApplication::translate("HttpRequestParser", "The request line is longer than %1 bytes.")
            .arg(limits.maxHeadBytes);
    case HttpFramingError::HeadersTooLarge:
        return QCoreApplication::translate(
                   "HttpRequestParser",
                   "The request's headers are larger than %1 bytes or more than %2 fields.")
            .arg(limits.maxHeadBytes)
            .arg(limits.maxHeaders);
    case HttpFramingError::UnsupportedVersion:
        return QCoreApplication::translate("HttpRequestParser", "Only HTTP/1.1 and HTTP/1.0 are supported.");
    }
    return {};
}

QByteArray HttpRequestParser::reasonPhrase(int status) {
    switch (status) {
    case 100:
        return QByteArrayLiteral("Continue");
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
    case 408:
        return QByteArrayLiteral("Request Timeout");
    case 409:
        return QByteArrayLiteral("Conflict");
    case 413:
        return QByteArrayLiteral("Payload Too Large");
    case 414:
        return QByteArrayLiteral("URI Too Long");
    case 415:
        return QByteArrayLiteral("Unsupported Media Type");
    case 422:
        return QByteArrayLiteral("Unprocessable Entity");
    case 429:
        return QByteArrayLiteral("Too Many Requests");
    case 431:
        return QByteArrayLiteral("Request Header Fields Too Large");
    case 500:
        return QByteArrayLiteral("Internal Server Error");
    case 501:
        return QByteArrayLiteral("Not Implemented");
    case 503:
        return QByteArrayLiteral("Service Unavailable");
    case 505:
        return QByteArrayLiteral("HTTP Version Not Supported");
    default:
        return status < 400 ? QByteArrayLiteral("OK") : QByteArrayLiteral("Error");
    }
}

} // namespace PoolDesk
