// HttpRequestParser, the service's HTTP/1.1 framing (every request, a status callback's included,
// comes through it). The first byte chooses how the rest is cut into the pieces fed one after
// another, as a socket hands them over; the requests must not depend on the cut.
#include "FuzzCheck.h"

#include "service/HttpRequestParser.h"

#include <QByteArray>
#include <QList>

#include <algorithm>
#include <cstddef>
#include <cstdint>

using namespace PoolDesk;

namespace {

struct Outcome {
    QList<HttpRequest> requests;
    HttpFramingError error = HttpFramingError::None;
};

Outcome parseAll(QByteArrayView bytes, qsizetype piece, const HttpRequestParser::Limits &limits) {
    HttpRequestParser parser(limits);
    Outcome outcome;
    const auto drain = [&] {
        HttpRequest request;
        for (;;) {
            const auto result = parser.next(&request);
            if (result == HttpRequestParser::Result::NeedMore)
                return;
            if (result == HttpRequestParser::Result::Error) {
                outcome.error = parser.error();
                FUZZ_CHECK(outcome.error != HttpFramingError::None);
                FUZZ_CHECK(parser.next(&request) == HttpRequestParser::Result::Error);
                return;
            }
            FUZZ_CHECK(!request.method.isEmpty());
            FUZZ_CHECK(request.target.startsWith('/') || request.target == "*");
            FUZZ_CHECK(request.minorVersion == 0 || request.minorVersion == 1);
            FUZZ_CHECK(request.body.size() <= limits.maxBodyBytes);
            FUZZ_CHECK(request.headers.size() <= limits.maxHeaders);
            for (const auto &[name, value] : request.headers) {
                FUZZ_CHECK(!name.isEmpty() && name == name.toLower());
                FUZZ_CHECK(value == value.trimmed());
            }
            outcome.requests.append(request);
        }
    };
    for (qsizetype at = 0; at < bytes.size() && outcome.error == HttpFramingError::None; at += piece) {
        parser.feed(bytes.sliced(at, std::min(piece, bytes.size() - at)));
        drain();
    }
    if (outcome.error == HttpFramingError::None)
        drain();
    return outcome;
}

bool sameRequests(const QList<HttpRequest> &a, const QList<HttpRequest> &b) {
    if (a.size() != b.size())
        return false;
    for (qsizetype i = 0; i < a.size(); ++i) {
        if (a[i].method != b[i].method || a[i].target != b[i].target ||
            a[i].minorVersion != b[i].minorVersion || a[i].headers != b[i].headers ||
            a[i].body != b[i].body || a[i].keepAlive != b[i].keepAlive)
            return false;
    }
    return true;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 1)
        return 0;
    // Small limits, so that the fuzzer reaches them.
    HttpRequestParser::Limits limits;
    limits.maxHeadBytes = 512;
    limits.maxHeaders = 8;
    limits.maxBodyBytes = 256;
    const qsizetype piece = 1 + data[0] % 16;
    const QByteArrayView bytes(reinterpret_cast<const char *>(data) + 1, qsizetype(size) - 1);
    const Outcome whole = parseAll(bytes, bytes.size() + 1, limits);
    const Outcome pieces = parseAll(bytes, piece, limits);
    FUZZ_CHECK(whole.error == pieces.error);
    FUZZ_CHECK(sameRequests(whole.requests, pieces.requests));
    return 0;
}
