#include "twilio/TwilioClient.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QPointer>
#include <QRandomGenerator>
#include <QTimer>

#include <algorithm>

Q_LOGGING_CATEGORY(lcTwilio, "pooldesk.twilio.client", QtInfoMsg)

namespace PoolDesk::Twilio {

namespace {

const char *methodName(HttpRequest::Method method) {
    switch (method) {
    case HttpRequest::Method::Get:
        return "GET";
    case HttpRequest::Method::Post:
        return "POST";
    case HttpRequest::Method::Delete:
        return "DELETE";
    }
    return "GET";
}

QByteArray encodePairs(const FormFields &fields) {
    QByteArray out;
    for (const auto &[key, value] : fields) {
        if (!out.isEmpty())
            out += '&';
        // toPercentEncoding leaves only unreserved characters: '+' -> %2B, ' ' -> %20, '>' -> %3E.
        out += QUrl::toPercentEncoding(key) + '=' + QUrl::toPercentEncoding(value);
    }
    return out;
}

QUrl withQuery(QUrl url, const FormFields &query) {
    if (!query.isEmpty())
        url.setQuery(QString::fromLatin1(encodePairs(query)), QUrl::StrictMode);
    return url;
}

// Retry-After is seconds or an HTTP date.
int retryAfterMs(const QByteArray &header) {
    if (header.isEmpty())
        return 0;
    bool ok = false;
    const int seconds = header.trimmed().toInt(&ok);
    if (ok)
        return std::max(0, seconds) * 1000;
    const QDateTime at = QDateTime::fromString(QString::fromLatin1(header.trimmed()), Qt::RFC2822Date);
    if (at.isValid())
        return static_cast<int>(std::clamp<qint64>(QDateTime::currentDateTimeUtc().msecsTo(at), 0, 3600000));
    return 0;
}

} // namespace

struct Client::Pending {
    HttpRequest request;
    QObject *contextKey = nullptr;
    QPointer<QObject> context;
    std::function<void(Result<HttpResponse>)> done;
    int attempt = 0;               // attempts started
    QPointer<QNetworkReply> reply; // the network manager may be deleted first (it owns its replies)
    QTimer *timer = nullptr;       // timeout while in flight, backoff while delayed
    bool timedOut = false;
    bool cancelled = false;
    bool finished = false;
    QUrl redirectedTo; // a media request's current address after redirects; empty: request.url
    int redirects = 0;
};

namespace {
constexpr int MaxRedirects = 5;
bool isRedirect(int status) {
    return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}
bool sameOrigin(const QUrl &a, const QUrl &b) {
    const auto port = [](const QUrl &url) {
        return url.port(url.scheme() == QLatin1String("https") ? 443 : 80);
    };
    return a.scheme() == b.scheme() && a.host().compare(b.host(), Qt::CaseInsensitive) == 0 &&
           port(a) == port(b);
}
} // namespace

Client::Client(QNetworkAccessManager *network, QObject *parent)
    : QObject(parent)
    , m_network(network) {}

Client::~Client() {
    for (const auto &pending : std::as_const(m_active)) {
        pending->finished = true;
        if (pending->reply) {
            pending->reply->disconnect(this);
            pending->reply->abort();
            pending->reply->deleteLater();
        }
    }
}

QUrl Client::apiUrl(const QString &path, const FormFields &query) const {
    QUrl url = m_credentials.apiBaseUrl;
    QString base = url.path();
    while (base.endsWith(QLatin1Char('/')))
        base.chop(1);
    url.setPath(base + path);
    return withQuery(url, query);
}

QUrl Client::accountUrl(const QString &relative, const FormFields &query) const {
    return apiUrl(QStringLiteral("/2010-04-01/Accounts/") + m_credentials.accountSid + QLatin1Char('/') +
                      relative,
                  query);
}

QUrl Client::pricingBaseUrl() const {
    QUrl url = m_credentials.apiBaseUrl;
    const QString host = url.host();
    // api.twilio.com and the regional api.{edge}.{region}.twilio.com serve pricing from pricing.twilio.com.
    if (host.startsWith(QLatin1String("api.")) && host.endsWith(QLatin1String(".twilio.com"))) {
        url.setHost(QStringLiteral("pricing.twilio.com"));
        url.setPath({});
    }
    return url;
}

QUrl Client::pricingUrl(const QString &path, const FormFields &query) const {
    QUrl url = pricingBaseUrl();
    url.setPath(path);
    return withQuery(url, query);
}

QUrl Client::resolve(const QString &uri) const {
    return m_credentials.apiBaseUrl.resolved(QUrl::fromEncoded(uri.toUtf8()));
}

bool Client::isTwilioOrigin(const QUrl &url) const {
    return url.isValid() && !url.host().isEmpty() &&
           (sameOrigin(url, m_credentials.apiBaseUrl) || sameOrigin(url, pricingBaseUrl()));
}

QByteArray Client::encodeForm(const FormFields &fields) {
    return encodePairs(fields);
}

void Client::send(const HttpRequest &request, QObject *context,
                  std::function<void(Result<HttpResponse>)> done) {
    auto pending = std::make_shared<Pending>();
    pending->request = request;
    pending->contextKey = context;
    pending->context = context;
    pending->done = std::move(done);
    enqueue(std::move(pending));
}

void Client::enqueue(std::shared_ptr<Pending> pending) {
    m_queue.append(std::move(pending));
    pump();
}

void Client::pump() {
    while (m_activeCount < std::max(1, m_options.maxInFlight) && !m_queue.isEmpty())
        start(m_queue.takeFirst());
}

void Client::start(const std::shared_ptr<Pending> &pending) {
    if (!m_credentials.isComplete()) {
        complete(pending,
                 makeError(Error::Code::InvalidInput,
                           tr("No Twilio credentials are set for this environment: store the secret "
                              "with `pooldeskctl env set-secret ENV` or set the TWILIO_* variables.")));
        return;
    }
    ++pending->attempt;
    pending->timedOut = false;
    const QUrl target = pending->redirectedTo.isEmpty() ? pending->request.url : pending->redirectedTo;
    QNetworkRequest request(target);
    // A media request's redirects are followed here, not by Qt, so that credentials never leave
    // the host asked. The JSON API does not redirect: Qt follows a 3xx there only on the same
    // origin, and onFinished reports any other.
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute,
                         pending->request.media ? QNetworkRequest::ManualRedirectPolicy
                                                : QNetworkRequest::SameOriginRedirectPolicy);
    // The account's credentials go to Twilio's API and pricing hosts (or the mock server standing
    // in for them) only: never to a host an answer named, nor where a download was redirected.
    if (isTwilioOrigin(target)) {
        const QByteArray auth =
            (m_credentials.username + QLatin1Char(':') + m_credentials.password).toUtf8().toBase64();
        request.setRawHeader("Authorization", "Basic " + auth);
    }
    request.setRawHeader("Accept", pending->request.media ? "*/*" : "application/json");
    request.setHeader(QNetworkRequest::UserAgentHeader,
                      QStringLiteral("PoolDesk/%1").arg(QCoreApplication::applicationVersion()));
    QNetworkReply *reply = nullptr;
    switch (pending->request.method) {
    case HttpRequest::Method::Get:
        reply = m_network->get(request);
        break;
    case HttpRequest::Method::Delete:
        reply = m_network->deleteResource(request);
        break;
    case HttpRequest::Method::Post:
        request.setHeader(QNetworkRequest::ContentTypeHeader,
                          QStringLiteral("application/x-www-form-urlencoded"));
        reply = m_network->post(request, encodeForm(pending->request.form));
        break;
    }
    pending->reply = reply;
    m_active.append(pending);
    ++m_activeCount;
    m_peakInFlight = std::max(m_peakInFlight, m_activeCount);
    qCDebug(lcTwilio) << methodName(pending->request.method) << pending->request.url.path() << "attempt"
                      << pending->attempt;

    pending->timer = new QTimer(reply);
    pending->timer->setSingleShot(true);
    connect(pending->timer, &QTimer::timeout, reply, [pending] {
        pending->timedOut = true;
        if (pending->reply)
            pending->reply->abort();
    });
    pending->timer->start(m_options.timeoutMs);
    // A recording can take longer than the timeout to arrive whole: for media the timeout is the
    // longest silence, not the whole transfer.
    if (pending->request.media)
        connect(reply, &QNetworkReply::downloadProgress, pending->timer,
                [timer = pending->timer] { timer->start(); });
    connect(reply, &QNetworkReply::finished, this, [this, pending] { onFinished(pending); });
}

int Client::backoffMs(int attempt) const {
    // Exponential, capped, with jitter in the upper half so clients that failed together spread out.
    const qint64 exp = std::min<qint64>(m_options.backoffCapMs, qint64(m_options.backoffBaseMs)
                                                                    << std::min(attempt - 1, 20));
    const qint64 half = exp / 2;
    return static_cast<int>(half + QRandomGenerator::global()->bounded(half + 1));
}

void Client::onFinished(const std::shared_ptr<Pending> &pending) {
    QNetworkReply *reply = pending->reply;
    m_active.removeOne(pending);
    --m_activeCount;
    pending->reply = nullptr;
    if (pending->timer)
        pending->timer->stop();
    pending->timer = nullptr;
    reply->deleteLater();
    if (pending->finished)
        return;

    const HttpRequest &request = pending->request;
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const QByteArray body = reply->isOpen() ? reply->readAll() : QByteArray();
    const QNetworkReply::NetworkError netError = reply->error();

    if (pending->cancelled) {
        complete(pending, makeError(Error::Code::Cancelled, tr("Cancelled.")));
        pump();
        return;
    }
    if (pending->timedOut || (status == 0 && netError != QNetworkReply::NoError)) {
        const bool notSent =
            netError == QNetworkReply::ConnectionRefusedError || netError == QNetworkReply::HostNotFoundError;
        const QString what =
            pending->timedOut
                ? tr("Twilio did not answer within %1 seconds").arg(m_options.timeoutMs / 1000.0)
                : tr("the connection to %1 failed: %2").arg(request.url.host(), reply->errorString());
        if (request.idempotent || notSent) {
            const Error last =
                makeError(Error::Code::Network,
                          tr("Gave up after %n attempt(s): %1. Check the network and the API base URL "
                             "of this environment.",
                             nullptr, pending->attempt)
                              .arg(what),
                          pending->timedOut ? Reason::Timeout : Reason::Unreachable);
            retryLater(pending, 0, what, last);
        } else {
            complete(
                pending,
                makeError(Error::Code::Network,
                          tr("The outcome of the request is unknown (%1); it was not repeated.").arg(what),
                          Reason::OutcomeUnknown));
        }
        pump();
        return;
    }

    if (status == 429) {
        // Twilio did not process the request: safe to repeat whatever the method.
        const ApiError api = ApiError::parse(status, body);
        Error last = api.toError();
        last.message = tr("Twilio kept rate limiting after %n attempt(s). %1", nullptr, pending->attempt)
                           .arg(last.message);
        last.reason = Reason::Busy;
        retryLater(pending, retryAfterMs(reply->rawHeader("Retry-After")), tr("rate limited (429)"), last);
        pump();
        return;
    }
    if (status >= 500) {
        const ApiError api = ApiError::parse(status, body);
        if (request.idempotent) {
            retryLater(pending, retryAfterMs(reply->rawHeader("Retry-After")),
                       tr("server error %1").arg(status), api.toError());
        } else {
            Error error = api.toError();
            error.message = tr("The outcome of the request is unknown (Twilio answered HTTP %1); it was not "
                               "repeated. %2")
                                .arg(status)
                                .arg(error.message);
            error.reason = Reason::OutcomeUnknown;
            complete(pending, error);
        }
        pump();
        return;
    }
    if (status >= 400) {
        complete(pending, ApiError::parse(status, body).toError());
        pump();
        return;
    }

    HttpResponse response;
    response.status = status;
    response.attempts = pending->attempt;
    if (isRedirect(status)) {
        // Only a download is followed (to its storage); the JSON API reaches here only when Qt
        // refused a redirect off its origin.
        const QUrl next = reply->url().resolved(QUrl::fromEncoded(reply->rawHeader("Location")));
        const bool safe = next.scheme() == QLatin1String("https") || next.scheme() == request.url.scheme();
        if (!request.media) {
            complete(pending, makeError(Error::Code::Network,
                                        tr("Twilio redirected the request to another host (%1); PoolDesk "
                                           "does not follow it with the account's credentials.")
                                            .arg(next.host()),
                                        Reason::BadResponse));
        } else if (!next.isValid() || !safe || ++pending->redirects > MaxRedirects) {
            complete(pending, makeError(Error::Code::Network,
                                        tr("Twilio redirected the download to an address PoolDesk does "
                                           "not follow (%1).")
                                            .arg(next.host()),
                                        Reason::BadResponse));
        } else {
            pending->redirectedTo = next;
            --pending->attempt; // a redirect is not a failed attempt
            start(pending);
        }
        pump();
        return;
    }
    if (request.media) {
        response.media = body;
        response.contentType = reply->header(QNetworkRequest::ContentTypeHeader).toString();
        complete(pending, response);
        pump();
        return;
    }
    if (!body.trimmed().isEmpty()) {
        QJsonParseError parseError;
        const QJsonDocument document = QJsonDocument::fromJson(body, &parseError);
        if (parseError.error != QJsonParseError::NoError || !document.isObject()) {
            const QString what = tr("Twilio's answer was not complete JSON (%1 at byte %2)")
                                     .arg(parseError.errorString())
                                     .arg(parseError.offset);
            if (request.idempotent) {
                retryLater(
                    pending, 0, what,
                    makeError(Error::Code::Network,
                              tr("Gave up after %n attempt(s): %1.", nullptr, pending->attempt).arg(what),
                              Reason::BadResponse));
            } else {
                complete(pending, makeError(Error::Code::Network,
                                            tr("The outcome of the request is unknown: %1.").arg(what),
                                            Reason::OutcomeUnknown));
            }
            pump();
            return;
        }
        response.body = document.object();
    }
    complete(pending, response);
    pump();
}

void Client::retryLater(const std::shared_ptr<Pending> &pending, int retryAfter, const QString &why,
                        const Error &lastError) {
    if (pending->attempt >= m_options.maxAttempts) {
        complete(pending, lastError);
        return;
    }
    const int delay = std::max(backoffMs(pending->attempt), std::min(retryAfter, m_options.retryAfterCapMs));
    qCInfo(lcTwilio) << "retrying" << pending->request.url.path() << "in" << delay << "ms:" << why;
    emit retryScheduled(pending->request.url, pending->attempt + 1, delay, why);
    m_delayed.append(pending);
    pending->timer = new QTimer(this);
    pending->timer->setSingleShot(true);
    connect(pending->timer, &QTimer::timeout, this, [this, pending] {
        m_delayed.removeOne(pending);
        if (pending->timer)
            pending->timer->deleteLater();
        pending->timer = nullptr;
        if (pending->finished)
            return;
        enqueue(pending);
    });
    pending->timer->start(delay);
}

void Client::complete(const std::shared_ptr<Pending> &pending, Result<HttpResponse> result) {
    if (pending->finished)
        return;
    pending->finished = true;
    auto done = std::move(pending->done);
    if (pending->context && done)
        done(std::move(result));
}

void Client::cancel(QObject *context) {
    QList<std::shared_ptr<Pending>> ended;
    for (auto it = m_queue.begin(); it != m_queue.end();) {
        if ((*it)->contextKey == context) {
            ended.append(*it);
            it = m_queue.erase(it);
        } else {
            ++it;
        }
    }
    for (auto it = m_delayed.begin(); it != m_delayed.end();) {
        if ((*it)->contextKey == context) {
            if ((*it)->timer) {
                (*it)->timer->stop();
                (*it)->timer->deleteLater();
                (*it)->timer = nullptr;
            }
            ended.append(*it);
            it = m_delayed.erase(it);
        } else {
            ++it;
        }
    }
    const auto active = m_active;
    for (const auto &pending : active) {
        if (pending->contextKey == context && pending->reply) {
            pending->cancelled = true;
            pending->reply->abort(); // onFinished reports the cancellation
        }
    }
    for (const auto &pending : std::as_const(ended))
        complete(pending, makeError(Error::Code::Cancelled, tr("Cancelled.")));
}

void Client::fetchPages(const QUrl &first, const QString &listKey, QObject *context,
                        std::function<bool(const QJsonArray &items, const QJsonObject &page)> onPage,
                        std::function<void(Status)> done) {
    // The request callback holds the state; the state's function holds it only weakly: no cycle.
    struct State {
        std::function<void(const QUrl &)> next;
    };
    auto state = std::make_shared<State>();
    std::weak_ptr<State> weak = state;
    QPointer<Client> self(this);
    state->next = [self, weak, listKey, context, onPage, done](const QUrl &url) {
        auto strong = weak.lock();
        if (!self || !strong)
            return;
        // A page URI comes from an answer (or from where an earlier sync stopped): a page from
        // another host is not Twilio's, and the account's credentials go nowhere else.
        if (!self->isTwilioOrigin(url))
            return done(makeError(Error::Code::Network,
                                  tr("Twilio's answer points to its next page on another host (%1); "
                                     "PoolDesk does not follow it.")
                                      .arg(url.host()),
                                  Reason::BadResponse));
        self->send({HttpRequest::Method::Get, url, {}, true}, context,
                   [self, strong, listKey, onPage, done](Result<HttpResponse> response) {
                       if (!response)
                           return done(response.error());
                       const QJsonObject page = response.value().body;
                       const QJsonValue list = page.value(listKey);
                       if (!list.isArray())
                           return done(makeError(Error::Code::Network,
                                                 tr("Twilio's answer has no \"%1\" list.").arg(listKey),
                                                 Reason::BadResponse));
                       if (!onPage(list.toArray(), page))
                           return done(success());
                       const QString nextUri = page.value(QStringLiteral("next_page_uri")).toString();
                       if (nextUri.isEmpty() || !self)
                           return done(success());
                       strong->next(self->resolve(nextUri));
                   });
    };
    state->next(first);
}

} // namespace PoolDesk::Twilio
