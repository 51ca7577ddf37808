#include "service/ServiceApi.h"

#include "domain/Clock.h"
#include "domain/Identifiers.h"
#include "domain/PhoneNumber.h"
#include "pool/Allocator.h"
#include "pool/Companies.h"
#include "pool/PoolStatus.h"
#include "pool/Reputation.h"
#include "pool/StickyCallees.h"
#include "security/ApiKeys.h"
#include "security/TwilioSignature.h"
#include "service/RecordingTickets.h"
#include "service/StatusCallback.h"
#include "service/WebhookCredentials.h"
#include "storage/Database.h"
#include "storage/SqlHelpers.h"
#include "storage/Transaction.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonParseError>
#include <QLoggingCategory>
#include <QMutexLocker>
#include <QRegularExpression>
#include <QStringDecoder>
#include <QUrl>
#include <QUrlQuery>

#include <atomic>
#include <cmath>

Q_LOGGING_CATEGORY(lcServiceApi, "pooldesk.service.api")

namespace PoolDesk {

namespace {

// Routes as the metrics and the access log name them.
namespace Route {
const QString Allocate = QStringLiteral("allocate");
const QString Release = QStringLiteral("release");
const QString Renew = QStringLiteral("renew");
const QString Call = QStringLiteral("call");
const QString Pool = QStringLiteral("pool");
const QString Health = QStringLiteral("healthz");
const QString Ready = QStringLiteral("readyz");
const QString Metrics = QStringLiteral("metrics");
const QString TwilioStatus = QStringLiteral("twilio_status");
const QString Recording = QStringLiteral("recording");
const QString Unknown = QStringLiteral("unknown");
} // namespace Route

constexpr int MaxLeaseSeconds = 7 * 24 * 3600;

// Holds the SQLite write gate, or nothing on PostgreSQL (QMutexLocker cannot unlock a null mutex).
class WriteGate {
public:
    explicit WriteGate(QRecursiveMutex *mutex)
        : m_mutex(mutex) {
        if (m_mutex)
            m_mutex->lock();
    }
    ~WriteGate() { unlock(); }
    WriteGate(const WriteGate &) = delete;
    WriteGate &operator=(const WriteGate &) = delete;
    void unlock() {
        if (m_mutex)
            m_mutex->unlock();
        m_mutex = nullptr;
    }

private:
    QRecursiveMutex *m_mutex;
};
constexpr qint64 TouchIntervalSecs = 60;

QByteArray toJson(const QJsonObject &object) {
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

ApiResponse json(int status, const QJsonObject &object) {
    ApiResponse response;
    response.status = status;
    response.body = toJson(object);
    return response;
}

QString isoUtc(const QDateTime &at) {
    return at.toUTC().toString(Qt::ISODate);
}

QJsonValue nullable(const QString &text) {
    return text.isEmpty() ? QJsonValue() : QJsonValue(text);
}

QJsonObject recordJson(const CallRecord &record) {
    QJsonObject object{
        {QStringLiteral("id"), record.id},
        {QStringLiteral("session"), record.session},
        {QStringLiteral("call_sid"), nullable(record.callSid)},
        {QStringLiteral("number"), record.e164},
        {QStringLiteral("number_id"), record.numberId},
        {QStringLiteral("company"), record.companyName},
        {QStringLiteral("company_id"), record.companyId},
        {QStringLiteral("operator"), record.operatorId},
        {QStringLiteral("direction"), toString(record.direction)},
        {QStringLiteral("started_at"), isoUtc(record.startedAt)},
        {QStringLiteral("ended_at"), isoUtc(record.endedAt)},
        {QStringLiteral("duration_seconds"), record.durationSeconds},
        {QStringLiteral("billed_minutes"), record.billedMinutes},
        {QStringLiteral("estimated_cost_micros"), record.estimatedCost},
        {QStringLiteral("estimated_cost_usd"), Money::toPlainString(record.estimatedCost, 6)},
        {QStringLiteral("environment"), record.environment},
    };
    if (record.twilioPrice)
        object.insert(QStringLiteral("twilio_price_micros"), *record.twilioPrice);
    return object;
}

// Checks a JSON body field by field; the first problem wins and names the field.
class Fields {
public:
    explicit Fields(const QJsonObject &object)
        : m_object(object) {}

    void allowOnly(std::initializer_list<QLatin1String> names) {
        for (auto it = m_object.constBegin(); it != m_object.constEnd() && m_problem.isEmpty(); ++it) {
            if (std::find(names.begin(), names.end(), it.key()) == names.end())
                fail(it.key(),
                     QCoreApplication::translate("ServiceApi", "Unknown field \"%1\".").arg(it.key()));
        }
    }

    QString text(QLatin1String name, bool required, int maxLength) {
        const QJsonValue value = m_object.value(name);
        if (value.isUndefined() || value.isNull()) {
            if (required)
                fail(name,
                     QCoreApplication::translate("ServiceApi", "The field \"%1\" is required.").arg(name));
            return {};
        }
        if (!value.isString()) {
            fail(name,
                 QCoreApplication::translate("ServiceApi", "The field \"%1\" must be a string.").arg(name));
            return {};
        }
        const QString result = value.toString().trimmed();
        if (!Identifiers::isCleanText(result))
            fail(name,
                 QCoreApplication::translate(
                     "ServiceApi", "The field \"%1\" must be valid UTF-8 text without control characters.")
                     .arg(name));
        else if (required && result.isEmpty())
            fail(name,
                 QCoreApplication::translate("ServiceApi", "The field \"%1\" must not be empty.").arg(name));
        else if (result.size() > maxLength)
            fail(name,
                 QCoreApplication::translate("ServiceApi", "The field \"%1\" is longer than %2 characters.")
                     .arg(name)
                     .arg(maxLength));
        return result;
    }

    // A session ID (Identifiers::isValidSession).
    QString session(QLatin1String name) {
        const QString result = text(name, true, Identifiers::MaxLength);
        if (m_problem.isEmpty() && !Identifiers::isValidSession(result))
            fail(name, sessionRule(name));
        return result;
    }

    // An operator ID or another chosen name (Identifiers::isValidName).
    QString name(QLatin1String name) {
        const QString result = text(name, true, Identifiers::MaxLength);
        if (m_problem.isEmpty() && !Identifiers::isValidName(result))
            fail(name, QCoreApplication::translate(
                           "ServiceApi", "The field \"%1\" must be 1 to %2 characters of text without "
                                         "control or invisible formatting characters.")
                           .arg(name)
                           .arg(Identifiers::MaxLength));
        return result;
    }

    static QString sessionRule(const QString &name) {
        return QCoreApplication::translate(
                   "ServiceApi", "The field \"%1\" must be 1 to %2 characters, each an ASCII letter or "
                                 "digit or one of - _ . : @ + = ~")
            .arg(name)
            .arg(Identifiers::MaxLength);
    }

    std::optional<qint64> integer(QLatin1String name, bool required, qint64 minimum, qint64 maximum) {
        const QJsonValue value = m_object.value(name);
        if (value.isUndefined() || value.isNull()) {
            if (required)
                fail(name,
                     QCoreApplication::translate("ServiceApi", "The field \"%1\" is required.").arg(name));
            return std::nullopt;
        }
        const double number = value.toDouble();
        if (!value.isDouble() || std::trunc(number) != number) {
            fail(name, QCoreApplication::translate("ServiceApi", "The field \"%1\" must be a whole number.")
                           .arg(name));
            return std::nullopt;
        }
        if (number < double(minimum) || number > double(maximum)) {
            fail(name,
                 QCoreApplication::translate("ServiceApi", "The field \"%1\" must be between %2 and %3.")
                     .arg(name)
                     .arg(minimum)
                     .arg(maximum));
            return std::nullopt;
        }
        return qint64(number);
    }

    bool ok() const { return m_problem.isEmpty(); }
    ApiResponse problem() const {
        return ServiceApi::error(400, QStringLiteral("invalid_field"), m_problem,
                                 {{QStringLiteral("field"), m_field}});
    }

private:
    void fail(const QString &field, const QString &message) {
        if (m_problem.isEmpty()) {
            m_field = field;
            m_problem = message;
        }
    }

    QJsonObject m_object;
    QString m_field;
    QString m_problem;
};

// Parses a JSON object body; an empty body is an empty object when allowed.
std::optional<QJsonObject> parseBody(const QByteArray &body, bool emptyAllowed, ApiResponse *problem) {
    if (body.trimmed().isEmpty()) {
        if (emptyAllowed)
            return QJsonObject();
        *problem = ServiceApi::error(
            400, QStringLiteral("invalid_json"),
            QCoreApplication::translate("ServiceApi", "The request needs a JSON object body."));
        return std::nullopt;
    }
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(body, &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        *problem = ServiceApi::error(
            400, QStringLiteral("invalid_json"),
            QCoreApplication::translate("ServiceApi", "The body is not valid JSON (%1 at byte %2).")
                .arg(parseError.errorString())
                .arg(parseError.offset));
        return std::nullopt;
    }
    if (!document.isObject()) {
        *problem =
            ServiceApi::error(400, QStringLiteral("invalid_json"),
                              QCoreApplication::translate("ServiceApi", "The body must be a JSON object."));
        return std::nullopt;
    }
    return document.object();
}

// A session ID taken from the path: percent-decoded bytes that are valid UTF-8 and a valid session
// ID (Identifiers::isValidSession).
std::optional<QString> sessionFromSegment(const QByteArray &segment) {
    QStringDecoder utf8(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
    const QString session = utf8(QByteArray::fromPercentEncoding(segment));
    if (utf8.hasError() || !Identifiers::isValidSession(session))
        return std::nullopt;
    return session;
}

bool isCallSid(const QString &sid) {
    return sid.size() >= 2 && sid.size() <= 64 && std::all_of(sid.cbegin(), sid.cend(), [](QChar c) {
               return c.isLetterOrNumber() && c.unicode() < 128;
           });
}

} // namespace

ServiceApi::ServiceApi(Database &db, ServiceShared &shared)
    : m_db(db)
    , m_shared(shared)
    , m_allocator(std::make_unique<Allocator>(db))
    , m_keys(std::make_unique<ApiKeys>(db)) {}

ServiceApi::~ServiceApi() = default;

QRecursiveMutex *ServiceApi::writeGate() {
    return m_db.isSqlite() ? &m_shared.sqliteWriteGate : nullptr;
}

ApiResponse ServiceApi::error(int status, const QString &code, const QString &message,
                              const QJsonObject &extra) {
    QJsonObject detail = extra;
    detail.insert(QStringLiteral("status"), status);
    detail.insert(QStringLiteral("code"), code);
    detail.insert(QStringLiteral("message"), message);
    ApiResponse response = json(status, {{QStringLiteral("error"), detail}});
    response.reason = code;
    return response;
}

ApiResponse ServiceApi::databaseUnavailable() {
    ApiResponse response = error(503, QString(Sql::DatabaseUnavailable), Sql::unavailableError().message,
                                 {{QStringLiteral("retry_after_seconds"), RetryAfterUnavailableSecs}});
    response.headers.append(
        {QByteArrayLiteral("Retry-After"), QByteArray::number(RetryAfterUnavailableSecs)});
    return response;
}

ApiResponse ServiceApi::fromError(const Error &failure) {
    if (Sql::isConnectionLost(failure)) {
        ApiResponse response = databaseUnavailable();
        response.databaseLost = true;
        return response;
    }
    if (Sql::isWriteRefused(failure)) {
        // The log names the file and says what to do; a client gets the reason and a message
        // without the service's insides, and 503: nothing was changed, reads go on working.
        static std::atomic<qint64> lastLoggedMs{0};
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        if (qint64 last = lastLoggedMs.load();
            now - last >= 60'000 && lastLoggedMs.compare_exchange_strong(last, now))
            qCWarning(lcServiceApi).noquote() << failure.message;
        const bool readOnly = failure.reason == Sql::DatabaseReadOnly;
        ApiResponse response = error(
            503, failure.reason,
            readOnly ? QCoreApplication::translate("ServiceApi",
                                                   "The pool database is read-only: the service cannot save "
                                                   "allocations, releases or call results. Nothing was "
                                                   "changed. Its administrator must make the database "
                                                   "writable; the service's log names it.")
                     : QCoreApplication::translate("ServiceApi",
                                                   "The disk holding the pool database is full: the service "
                                                   "cannot save allocations, releases or call results. "
                                                   "Nothing was changed. Its administrator must free space; "
                                                   "the service's log names the database."),
            {{QStringLiteral("retry_after_seconds"), RetryAfterWriteRefusedSecs}});
        response.headers.append(
            {QByteArrayLiteral("Retry-After"), QByteArray::number(RetryAfterWriteRefusedSecs)});
        response.writeRefusal = failure;
        return response;
    }
    switch (failure.code) {
    case Error::Code::Refused: {
        m_shared.metrics.recordRefusal(failure.reason);
        const QString &reason = failure.reason;
        if (reason == RefusalReason::MaxConcurrentCalls || reason == RefusalReason::MonthlyMinutes ||
            reason == RefusalReason::MonthlyBudget)
            return error(403, reason, failure.message, {{QStringLiteral("limit"), reason}});
        if (reason == RefusalReason::UnknownSession)
            return error(404, reason, failure.message);
        if (reason == RefusalReason::UnknownCompany)
            return error(422, reason, failure.message);
        if (reason == RefusalReason::RateLimited) {
            // The company's allocation rate (AllocationRate), shared by every entry point.
            const int seconds = std::max(failure.retryAfterSeconds, 1);
            ApiResponse response =
                error(429, reason, failure.message,
                      {{QStringLiteral("limit"), QStringLiteral("allocations_per_second")}});
            response.headers.append({QByteArrayLiteral("Retry-After"), QByteArray::number(seconds)});
            return response;
        }
        // pool_exhausted, pool_exhausted_purchase_pending, dedicated_numbers_busy, numbers_capped,
        // outside_calling_hours, session_ended, ambiguous_session
        return error(409, reason.isEmpty() ? QStringLiteral("refused") : reason, failure.message);
    }
    case Error::Code::InvalidInput:
        return error(400, QStringLiteral("invalid_input"), failure.message);
    case Error::Code::NotFound:
        return error(404, QStringLiteral("not_found"), failure.message);
    case Error::Code::Conflict:
        return error(409, QStringLiteral("conflict"), failure.message);
    case Error::Code::Cancelled:
    case Error::Code::Network:
    case Error::Code::Storage:
    case Error::Code::Unavailable:
        break;
    }
    // The driver's words stay in the log: a client learns nothing about the service's insides.
    qCWarning(lcServiceApi) << "request failed:" << failure.message;
    ApiResponse response = error(
        503, QStringLiteral("unavailable"),
        QCoreApplication::translate("ServiceApi", "The pool service could not complete the request. Try "
                                                  "again; if it keeps failing, its log says why."));
    response.headers.append({QByteArrayLiteral("Retry-After"), QByteArrayLiteral("1")});
    return response;
}

ApiResponse ServiceApi::handle(const ApiRequest &request) {
    const QList<QByteArray> parts = request.path.split('/');
    // parts[0] is the empty text before the leading '/'.
    const auto methodNotAllowed = [](const QString &route, const char *allow) {
        ApiResponse response =
            error(405, QStringLiteral("method_not_allowed"),
                  QCoreApplication::translate("ServiceApi", "This path does not accept that method."));
        response.headers.append({QByteArrayLiteral("Allow"), QByteArray(allow)});
        response.route = route;
        return response;
    };
    const bool get = request.method == "GET" || request.method == "HEAD";
    const bool post = request.method == "POST";

    if (request.path == "/healthz") {
        return get ? healthz(m_shared) : methodNotAllowed(Route::Health, "GET");
    }
    if (request.path == "/readyz") {
        return get ? readyz() : methodNotAllowed(Route::Ready, "GET");
    }
    if (request.path == "/metrics") {
        return get ? metrics() : methodNotAllowed(Route::Metrics, "GET");
    }
    if (request.path == "/twilio/status") {
        return post ? twilioStatus(request) : methodNotAllowed(Route::TwilioStatus, "POST");
    }
    if (parts.size() == 4 && parts.at(1) == "v1" && parts.at(2) == "recordings") {
        // GET only: a HEAD would spend the single-use ticket for an answer without the audio.
        ApiResponse response = request.method == "GET" ? recording(request, parts.at(3))
                                                       : methodNotAllowed(Route::Recording, "GET");
        response.route = Route::Recording;
        return response;
    }
    const bool allocations = parts.size() >= 3 && parts.at(1) == "v1" && parts.at(2) == "allocations";
    const bool poolPath = request.path == "/v1/pool";
    if (!allocations && !poolPath) {
        ApiResponse response =
            error(404, QStringLiteral("not_found"),
                  QCoreApplication::translate("ServiceApi",
                                              "There is no such API path. The API lives under /v1/."));
        response.route = Route::Unknown;
        return response;
    }

    // Work out the route first, so a wrong method is answered before credentials are checked.
    QString route;
    QString session;
    if (poolPath) {
        if (!get)
            return methodNotAllowed(Route::Pool, "GET");
        route = Route::Pool;
    } else if (parts.size() == 3) {
        if (!post)
            return methodNotAllowed(Route::Allocate, "POST");
        route = Route::Allocate;
    } else if (parts.size() == 4 || parts.size() == 5) {
        const auto parsed = sessionFromSegment(parts.at(3));
        if (!parsed) {
            ApiResponse response =
                error(400, QStringLiteral("invalid_field"), Fields::sessionRule(QStringLiteral("session")),
                      {{QStringLiteral("field"), QStringLiteral("session")}});
            response.route = Route::Unknown;
            return response;
        }
        session = *parsed;
        if (parts.size() == 4) {
            if (request.method != "DELETE")
                return methodNotAllowed(Route::Release, "DELETE");
            route = Route::Release;
        } else if (parts.at(4) == "renew") {
            if (!post)
                return methodNotAllowed(Route::Renew, "POST");
            route = Route::Renew;
        } else if (parts.at(4) == "call") {
            if (!post)
                return methodNotAllowed(Route::Call, "POST");
            route = Route::Call;
        }
    }
    if (route.isEmpty()) {
        ApiResponse response = error(404, QStringLiteral("not_found"),
                                     QCoreApplication::translate("ServiceApi", "There is no such API path."));
        response.route = Route::Unknown;
        return response;
    }

    Caller caller;
    if (auto refused = authenticate(request, &caller)) {
        refused->route = route;
        return *refused;
    }
    ApiResponse response;
    if (route == Route::Pool)
        response = pool(caller);
    else if (route == Route::Allocate)
        response = allocate(request, caller);
    else if (route == Route::Release)
        response = release(request, caller, session);
    else if (route == Route::Renew)
        response = renew(request, caller, session);
    else
        response = attachCall(request, caller, session);
    response.route = route;
    response.keyId = caller.keyId;
    if (response.company.isEmpty())
        response.company = caller.companyName;
    return response;
}

namespace {

// Requests that may change the pool; the others (health, metrics, pool status) stay out of a
// group commit so they never wait for, or take, the write lock.
bool changesPool(const ApiRequest &request) {
    return request.method != "GET" && request.method != "HEAD" &&
           (request.path.startsWith("/v1/allocations") || request.path == "/twilio/status");
}

} // namespace

QList<ApiResponse> ServiceApi::handleBatch(const QList<ApiRequest> &requests) {
    QList<ApiResponse> responses(requests.size());
    QList<qsizetype> writers;
    for (qsizetype i = 0; i < requests.size(); ++i) {
        if (m_db.isSqlite() && changesPool(requests.at(i)))
            writers.append(i);
        else
            responses[i] = handle(requests.at(i));
    }
    if (writers.size() < 2) {
        for (const qsizetype i : std::as_const(writers))
            responses[i] = handle(requests.at(i));
        return responses;
    }
    WriteGate gate(writeGate());
    Transaction batch(m_db);
    if (auto begun = batch.begin(); !begun) {
        for (const qsizetype i : std::as_const(writers))
            responses[i] = fromError(begun.error());
        return responses;
    }
    for (const qsizetype i : std::as_const(writers))
        responses[i] = handle(requests.at(i));
    if (auto committed = batch.commit(); !committed) {
        // A full disk or a read-only database refused one request and SQLite may have rolled the
        // whole batch back with it: that is the cause every writer is told, not the commit's own
        // "no transaction" that follows.
        Error cause = committed.error();
        for (const qsizetype i : std::as_const(writers)) {
            if (responses.at(i).writeRefusal) {
                cause = *responses.at(i).writeRefusal;
                break;
            }
        }
        if (!Sql::isWriteRefused(cause)) // those fromError logs, once a minute
            qCWarning(lcServiceApi) << "a group commit of" << writers.size()
                                    << "requests failed:" << cause.message;
        for (const qsizetype i : std::as_const(writers)) {
            const QString route = responses.at(i).route;
            responses[i] = fromError(cause);
            responses[i].route = route;
        }
    }
    return responses;
}

std::optional<ApiResponse> ServiceApi::limitByAddress(RateLimiter &limiter, const ApiRequest &request,
                                                      Charge charge) {
    const qint64 address = qint64(qHash(request.remote));
    const qint64 waitMs =
        charge == Charge::Now ? limiter.acquire(address, std::nullopt, std::nullopt) : limiter.wait(address);
    if (!waitMs)
        return std::nullopt;
    m_shared.metrics.recordRefusal(QStringLiteral("rate_limited"));
    const qint64 seconds = (waitMs + 999) / 1000;
    ApiResponse response =
        error(429, QStringLiteral("rate_limited"),
              QCoreApplication::translate("ServiceApi",
                                          "Too many requests from this address. Retry after %1 second(s).")
                  .arg(seconds),
              {{QStringLiteral("retry_after_ms"), waitMs}});
    response.headers.append({QByteArrayLiteral("Retry-After"), QByteArray::number(seconds)});
    return response;
}

std::optional<ApiResponse> ServiceApi::authenticate(const ApiRequest &request, Caller *caller) {
    const QByteArray header = request.authorization.trimmed();
    if (header.isEmpty() || !header.toLower().startsWith("bearer ")) {
        if (auto limited = limitByAddress(m_shared.unauthenticatedLimiter, request, Charge::Now))
            return limited;
        ApiResponse response =
            error(401, QStringLiteral("unauthorized"),
                  QCoreApplication::translate(
                      "ServiceApi", "Send an API key as \"Authorization: Bearer KEY\". Create one with: "
                                    "pooldeskctl service key create"));
        response.headers.append(
            {QByteArrayLiteral("WWW-Authenticate"), QByteArrayLiteral("Bearer realm=\"pooldesk\"")});
        return response;
    }
    const QString secret = QString::fromLatin1(header.mid(7).trimmed());
    const qint64 nowMs = RateLimiter::monotonicNs() / 1'000'000;
    const QString hash = ApiKeys::hashOf(secret);
    auto cached = m_keyCache.constFind(hash);
    if (cached == m_keyCache.constEnd() || cached->validUntilMs < nowMs) {
        // An address that has guessed too often is answered before the database is asked; a
        // guess is charged when it fails, so a valid key is never counted.
        if (auto limited = limitByAddress(m_shared.unauthenticatedLimiter, request, Charge::IfRefused))
            return limited;
        auto key = m_keys->authenticate(secret);
        if (!key) {
            m_keyCache.remove(hash);
            if (key.error().code != Error::Code::NotFound)
                return fromError(key.error());
            m_shared.unauthenticatedLimiter.acquire(qint64(qHash(request.remote)), std::nullopt,
                                                    std::nullopt);
            ApiResponse response =
                error(401, QStringLiteral("invalid_key"),
                      QCoreApplication::translate("ServiceApi", "The API key is not valid or was revoked."));
            response.headers.append(
                {QByteArrayLiteral("WWW-Authenticate"),
                 QByteArrayLiteral("Bearer realm=\"pooldesk\", error=\"invalid_token\"")});
            return response;
        }
        if (m_keyCache.size() > 10'000)
            m_keyCache.clear();
        cached = m_keyCache.insert(hash, {key->id, key->companyId, key->companyName, key->ratePerSecond,
                                          key->burst, nowMs + KeyCacheMs});
    }
    const CachedKey &key = *cached;
    caller->keyId = key.keyId;
    caller->companyId = key.companyId;
    caller->companyName = key.companyName;

    if (const qint64 waitMs = m_shared.rateLimiter.acquire(key.keyId, key.ratePerSecond, key.burst)) {
        m_shared.metrics.recordRefusal(QStringLiteral("rate_limited"));
        const qint64 seconds = (waitMs + 999) / 1000;
        ApiResponse response =
            error(429, QStringLiteral("rate_limited"),
                  QCoreApplication::translate(
                      "ServiceApi", "Too many requests with this API key. Retry after %1 second(s).")
                      .arg(seconds),
                  {{QStringLiteral("retry_after_ms"), waitMs}});
        response.headers.append({QByteArrayLiteral("Retry-After"), QByteArray::number(seconds)});
        response.keyId = key.keyId;
        return response;
    }

    const qint64 now = Clock::nowSecs();
    if (now - m_lastTouched.value(key.keyId, 0) >= TouchIntervalSecs) {
        m_lastTouched.insert(key.keyId, now);
        WriteGate gate(writeGate());
        if (auto touched = m_keys->touch(key.keyId, now); !touched)
            qCWarning(lcServiceApi) << "cannot record when key" << key.keyId
                                    << "was used:" << touched.error().message;
    }
    return std::nullopt;
}

std::optional<ApiResponse> ServiceApi::sessionScope(const ApiRequest &request, const Caller &caller,
                                                    std::optional<qint64> *scope) {
    const QString named = QUrlQuery(QString::fromUtf8(request.query))
                              .queryItemValue(QStringLiteral("company"), QUrl::FullyDecoded)
                              .trimmed();
    if (caller.companyId) {
        if (!named.isEmpty() && named != caller.companyName) {
            m_shared.metrics.recordRefusal(QStringLiteral("key_scope"));
            return error(403, QStringLiteral("key_scope"),
                         QCoreApplication::translate("ServiceApi", "This API key may act only for %1.")
                             .arg(caller.companyName));
        }
        *scope = caller.companyId;
        return std::nullopt;
    }
    if (named.isEmpty())
        return std::nullopt;
    // Companies::find says which company is unknown; its reason maps to 422 unknown_company.
    auto company = Companies(m_db).find(named);
    if (!company)
        return company.error().code == Error::Code::NotFound
                   ? error(422, RefusalReason::UnknownCompany, company.error().message)
                   : fromError(company.error());
    *scope = company->id;
    return std::nullopt;
}

ApiResponse ServiceApi::allocate(const ApiRequest &request, const Caller &caller) {
    ApiResponse problem;
    const auto body = parseBody(request.body, false, &problem);
    if (!body)
        return problem;
    Fields fields(*body);
    fields.allowOnly({QLatin1String("company"), QLatin1String("operator"), QLatin1String("session"),
                      QLatin1String("ttl_seconds"), QLatin1String("to")});
    AllocationRequest allocation;
    // The callee, optional: the allocator checks it (libphonenumber) and says what is wrong.
    allocation.to = fields.text(QLatin1String("to"), false, 64);
    allocation.company = fields.text(QLatin1String("company"), true, 200);
    allocation.operatorId = fields.name(QLatin1String("operator"));
    allocation.session = fields.session(QLatin1String("session"));
    if (const auto ttl = fields.integer(QLatin1String("ttl_seconds"), false, 1, MaxLeaseSeconds))
        allocation.ttlSeconds = int(*ttl);
    if (!fields.ok())
        return fields.problem();
    allocation.environment = m_shared.environment;

    if (caller.companyId && allocation.company != caller.companyName) {
        m_shared.metrics.recordRefusal(QStringLiteral("key_scope"));
        ApiResponse response =
            error(403, QStringLiteral("key_scope"),
                  QCoreApplication::translate("ServiceApi", "This API key may allocate only for %1.")
                      .arg(caller.companyName));
        response.company = allocation.company;
        return response;
    }

    WriteGate gate(writeGate());
    auto allocated = m_allocator->allocate(allocation);
    gate.unlock();
    if (!allocated) {
        ApiResponse response = fromError(allocated.error());
        response.company = allocation.company;
        return response;
    }
    const Allocation &result = allocated.value();
    m_shared.metrics.recordAllocation(result.dedicated, result.resumed);
    QJsonObject answer{
        {QStringLiteral("session"), result.session},
        {QStringLiteral("company"), result.company},
        {QStringLiteral("operator"), allocation.operatorId},
        {QStringLiteral("number"), result.e164},
        {QStringLiteral("number_id"), result.numberId},
        {QStringLiteral("kind"), result.dedicated ? QStringLiteral("dedicated") : QStringLiteral("shared")},
        {QStringLiteral("environment"), m_shared.environment},
        {QStringLiteral("lease_expires_at"), isoUtc(result.leaseExpiresAt)},
        {QStringLiteral("lease_expires_epoch"), result.leaseExpiresAt.toSecsSinceEpoch()},
        {QStringLiteral("resumed"), result.resumed},
    };
    if (!result.match.isEmpty()) {
        // Which rule of the pick order chose the number for the callee.
        answer.insert(QStringLiteral("to"), PhoneNumber::normalize(allocation.to).value_or(allocation.to));
        answer.insert(QStringLiteral("match"), result.match);
    }
    ApiResponse response = json(result.resumed ? 200 : 201, answer);
    response.company = result.company;
    return response;
}

ApiResponse ServiceApi::release(const ApiRequest &request, const Caller &caller, const QString &session) {
    ApiResponse problem;
    const auto body = parseBody(request.body, false, &problem);
    if (!body)
        return problem;
    Fields fields(*body);
    fields.allowOnly({QLatin1String("duration_seconds"), QLatin1String("direction"),
                      QLatin1String("call_sid"), QLatin1String("outcome"),
                      QLatin1String("sip_response_code")});
    ReleaseRequest release;
    release.session = session;
    release.durationSeconds =
        fields.integer(QLatin1String("duration_seconds"), true, 0, MaxLeaseSeconds).value_or(0);
    const QString direction = fields.text(QLatin1String("direction"), true, 20);
    release.callSid = fields.text(QLatin1String("call_sid"), false, 64);
    // How the call ended, optional: what the number's health is worked out from.
    release.outcome = fields.text(QLatin1String("outcome"), false, 20);
    if (const auto sip = fields.integer(QLatin1String("sip_response_code"), false, 100, 699))
        release.sipCode = int(*sip);
    if (!fields.ok())
        return fields.problem();
    if (!release.outcome.isEmpty() && !Reputation::isOutcome(release.outcome))
        return error(400, QStringLiteral("invalid_field"),
                     QCoreApplication::translate("ServiceApi", "The field \"outcome\" must be one of %1.")
                         .arg(Reputation::outcomes().join(QStringLiteral(", "))),
                     {{QStringLiteral("field"), QStringLiteral("outcome")}});
    const auto parsedDirection = directionFromString(direction);
    if (!parsedDirection)
        return error(400, QStringLiteral("invalid_field"),
                     QCoreApplication::translate(
                         "ServiceApi", "The field \"direction\" must be \"outbound\" or \"inbound\"."),
                     {{QStringLiteral("field"), QStringLiteral("direction")}});
    release.direction = *parsedDirection;
    if (!release.callSid.isEmpty() && !isCallSid(release.callSid))
        return error(400, QStringLiteral("invalid_field"),
                     QCoreApplication::translate(
                         "ServiceApi", "The field \"call_sid\" must be a Twilio call SID such as CA0123...."),
                     {{QStringLiteral("field"), QStringLiteral("call_sid")}});
    if (auto refused = sessionScope(request, caller, &release.companyId))
        return *refused;

    WriteGate gate(writeGate());
    auto released = m_allocator->release(release);
    gate.unlock();
    if (!released)
        return fromError(released.error());
    m_shared.metrics.recordRelease(QStringLiteral("api"), released->alreadyReleased);
    ApiResponse response = json(200, {{QStringLiteral("session"), session},
                                      {QStringLiteral("already_released"), released->alreadyReleased},
                                      {QStringLiteral("call_record"), recordJson(released->record)}});
    response.company = released->record.companyName;
    return response;
}

ApiResponse ServiceApi::renew(const ApiRequest &request, const Caller &caller, const QString &session) {
    ApiResponse problem;
    const auto body = parseBody(request.body, true, &problem);
    if (!body)
        return problem;
    Fields fields(*body);
    fields.allowOnly({QLatin1String("ttl_seconds")});
    std::optional<int> ttl;
    if (const auto value = fields.integer(QLatin1String("ttl_seconds"), false, 1, MaxLeaseSeconds))
        ttl = int(*value);
    if (!fields.ok())
        return fields.problem();
    SessionRef held{session, std::nullopt};
    if (auto refused = sessionScope(request, caller, &held.companyId))
        return *refused;
    WriteGate gate(writeGate());
    auto renewed = m_allocator->renew(held, ttl);
    gate.unlock();
    if (!renewed)
        return fromError(renewed.error());
    return json(200, {{QStringLiteral("session"), session},
                      {QStringLiteral("lease_expires_at"), isoUtc(renewed.value())},
                      {QStringLiteral("lease_expires_epoch"), renewed.value().toSecsSinceEpoch()}});
}

ApiResponse ServiceApi::attachCall(const ApiRequest &request, const Caller &caller, const QString &session) {
    ApiResponse problem;
    const auto body = parseBody(request.body, false, &problem);
    if (!body)
        return problem;
    Fields fields(*body);
    fields.allowOnly({QLatin1String("call_sid")});
    const QString callSid = fields.text(QLatin1String("call_sid"), true, 64);
    if (!fields.ok())
        return fields.problem();
    if (!isCallSid(callSid))
        return error(400, QStringLiteral("invalid_field"),
                     QCoreApplication::translate(
                         "ServiceApi", "The field \"call_sid\" must be a Twilio call SID such as CA0123...."),
                     {{QStringLiteral("field"), QStringLiteral("call_sid")}});
    SessionRef held{session, std::nullopt};
    if (auto refused = sessionScope(request, caller, &held.companyId))
        return *refused;
    WriteGate gate(writeGate());
    auto attached = m_allocator->attachCall(held, callSid);
    gate.unlock();
    if (!attached)
        return fromError(attached.error());
    return json(200, {{QStringLiteral("session"), session}, {QStringLiteral("call_sid"), callSid}});
}

ApiResponse ServiceApi::pool(const Caller &caller) {
    auto snapshot = PoolStatus::snapshot(m_db, m_shared.environment);
    if (!snapshot)
        return fromError(snapshot.error());
    const PoolSnapshot &pool = snapshot.value();
    QJsonArray companies;
    for (const CompanyHolding &company : pool.companies) {
        if (caller.companyId && company.company != caller.companyName)
            continue;
        companies.append(QJsonObject{{QStringLiteral("company"), company.company},
                                     {QStringLiteral("held"), company.held},
                                     // v1 clients read the same count under its first name.
                                     {QStringLiteral("in_use"), company.held},
                                     {QStringLiteral("dedicated"), company.dedicated}});
    }
    return json(200, {{QStringLiteral("environment"), pool.environment},
                      {QStringLiteral("total"), pool.total},
                      {QStringLiteral("available"), pool.available},
                      {QStringLiteral("reserved"), pool.reserved},
                      {QStringLiteral("in_use"), pool.inUse},
                      {QStringLiteral("shared"), pool.shared},
                      {QStringLiteral("dedicated"), pool.dedicated},
                      {QStringLiteral("available_shared"), pool.availableShared},
                      {QStringLiteral("threshold"), pool.threshold},
                      {QStringLiteral("below_threshold"), pool.belowThreshold},
                      {QStringLiteral("per_number_concurrency"), pool.perNumberConcurrency},
                      {QStringLiteral("companies"), companies}});
}

ApiResponse ServiceApi::healthz(const ServiceShared &shared) {
    ApiResponse response;
    response.route = Route::Health;
    response.body = QByteArrayLiteral("{\"status\":\"ok\",\"environment\":\"") + shared.environment.toUtf8() +
                    QByteArrayLiteral("\",\"uptime_seconds\":") +
                    QByteArray::number(shared.startedAt.secsTo(QDateTime::currentDateTimeUtc())) + '}';
    return response;
}

ApiResponse ServiceApi::readiness(const ServiceShared &shared, bool answered) {
    ApiResponse response;
    if (answered && shared.databaseHealth.ready()) {
        response = json(200, {{QStringLiteral("status"), QStringLiteral("ready")},
                              {QStringLiteral("environment"), shared.environment}});
    } else {
        response = databaseUnavailable();
        QJsonObject body = QJsonDocument::fromJson(response.body).object();
        body.insert(QStringLiteral("status"), QStringLiteral("unavailable"));
        // This thread may be the first to find the database gone: then it is gone since now.
        const QDateTime since = shared.databaseHealth.unavailableSince();
        body.insert(QStringLiteral("database_unavailable_since"),
                    isoUtc(since.isValid() ? since : QDateTime::currentDateTimeUtc()));
        response.body = toJson(body);
    }
    response.route = Route::Ready;
    return response;
}

ApiResponse ServiceApi::readyz() {
    // Ready means this thread's connection answers now, not only that nobody noticed a loss yet.
    auto answered = Sql::exec(m_db.connection(), QStringLiteral("SELECT 1"));
    ApiResponse response = readiness(m_shared, bool(answered));
    // The executor opens this thread's connection again.
    response.databaseLost = !answered && Sql::isConnectionLost(answered.error());
    return response;
}

ApiResponse ServiceApi::withoutDatabase(const ApiRequest &request, ServiceShared &shared) {
    const bool get = request.method == "GET" || request.method == "HEAD";
    if (get && request.path == "/healthz")
        return healthz(shared);
    if (get && request.path == "/readyz")
        return readiness(shared, false);
    if (get && request.path == "/metrics") {
        ApiResponse response;
        response.route = Route::Metrics;
        response.contentType = QByteArrayLiteral("text/plain; version=0.0.4; charset=utf-8");
        response.body = shared.metrics.render(nullptr) + shared.databaseHealth.renderMetrics();
        return response;
    }
    ApiResponse response = databaseUnavailable();
    response.route = Route::Unknown;
    return response;
}

ApiResponse ServiceApi::metrics() {
    auto snapshot = PoolStatus::snapshot(m_db, m_shared.environment);
    if (!snapshot)
        qCWarning(lcServiceApi) << "cannot read the pool for the metrics:" << snapshot.error().message;
    ApiResponse response;
    response.route = Route::Metrics;
    response.databaseLost = !snapshot && Sql::isConnectionLost(snapshot.error());
    response.contentType = QByteArrayLiteral("text/plain; version=0.0.4; charset=utf-8");
    response.body = m_shared.metrics.render(snapshot ? &snapshot.value() : nullptr) +
                    m_shared.databaseHealth.renderMetrics();
    return response;
}

ApiResponse ServiceApi::twilioStatus(const ApiRequest &request) {
    const auto finish = [this](ApiResponse response, const QString &result) {
        response.route = Route::TwilioStatus;
        m_shared.metrics.recordCallback(result);
        return response;
    };
    if (auto limited = limitByAddress(m_shared.callbackLimiter, request, Charge::IfRefused))
        return finish(*limited, QStringLiteral("rate_limited"));
    const QByteArray token =
        m_shared.webhooks ? m_shared.webhooks->authToken(m_shared.environment) : QByteArray();
    const QString base =
        m_shared.webhooks ? m_shared.webhooks->webhookBaseUrl(m_shared.environment) : QString();
    if (token.isEmpty() || base.isEmpty())
        return finish(
            error(503, QStringLiteral("webhook_not_configured"),
                  QCoreApplication::translate(
                      "ServiceApi",
                      "This service cannot check Twilio signatures: set TWILIO_AUTH_TOKEN and the public "
                      "webhook URL (--public-url or POOLDESK_PUBLIC_URL).")),
            QStringLiteral("not_configured"));

    // Nothing in the request is trusted until the signature matches. Twilio sends callbacks from
    // many addresses at any volume, so only failed signatures count against an address.
    const auto forbidden = [&] {
        m_shared.callbackLimiter.acquire(qint64(qHash(request.remote)), std::nullopt, std::nullopt);
        return finish(error(403, QStringLiteral("invalid_signature"),
                            QCoreApplication::translate(
                                "ServiceApi",
                                "The X-Twilio-Signature header is missing or does not match this request.")),
                      QStringLiteral("forbidden"));
    };
    if (request.twilioSignature.isEmpty())
        return forbidden();
    const auto form = TwilioSignature::parseForm(request.body);
    if (!form)
        return forbidden();
    QString url = base + QStringLiteral("/twilio/status");
    if (!request.query.isEmpty())
        url += QLatin1Char('?') + QString::fromUtf8(request.query);
    if (!TwilioSignature::verify(token, url, *form, request.twilioSignature))
        return forbidden();

    const StatusCallback callback = StatusCallback::fromForm(*form);
    const auto ignored = [&](const QString &why) {
        return finish(json(200, {{QStringLiteral("result"), QStringLiteral("ignored")},
                                 {QStringLiteral("reason"), why}}),
                      QStringLiteral("ignored"));
    };
    if (!callback.isFinal())
        return ignored(QStringLiteral("call_not_ended"));

    // The From number alone proves nothing about inbound calls, nor about outbound ones whose
    // start Twilio's Timestamp does not give.
    auto session =
        m_allocator->sessionForCall(callback.callSid, callback.isOutbound() ? callback.from : QString(),
                                    callback.startedAt(), m_shared.environment);
    if (!session) {
        if (session.error().code != Error::Code::Refused)
            return finish(fromError(session.error()), QStringLiteral("error"));
        if (isCallSid(callback.callSid)) {
            WriteGate gate(writeGate());
            if (auto kept = callback.recordUnmatched(m_db, m_shared.environment); !kept)
                return finish(fromError(kept.error()), QStringLiteral("error"));
        }
        return ignored(QStringLiteral("unknown_call"));
    }
    ReleaseRequest release;
    release.session = session->session;
    release.companyId = session->companyId;
    release.durationSeconds = callback.durationSeconds;
    release.direction =
        callback.isOutbound() || callback.direction.isEmpty() ? Direction::Outbound : Direction::Inbound;
    release.callSid = isCallSid(callback.callSid) ? callback.callSid : QString();
    if (Reputation::isOutcome(callback.status))
        release.outcome = callback.status;
    release.sipCode = callback.sipCode;
    WriteGate gate(writeGate());
    auto released = m_allocator->release(release);
    gate.unlock();
    if (!released) {
        if (released.error().code == Error::Code::Refused || released.error().code == Error::Code::Conflict)
            return ignored(released.error().reason.isEmpty() ? QStringLiteral("conflict")
                                                             : released.error().reason);
        return finish(fromError(released.error()), QStringLiteral("error"));
    }
    m_shared.metrics.recordRelease(QStringLiteral("twilio"), released->alreadyReleased);
    const QString result =
        released->alreadyReleased ? QStringLiteral("already_released") : QStringLiteral("released");
    ApiResponse response = json(200, {{QStringLiteral("result"), result},
                                      {QStringLiteral("session"), release.session},
                                      {QStringLiteral("call_record"), recordJson(released->record)}});
    response.company = released->record.companyName;
    return finish(response, result);
}

Result<int> ServiceApi::reviewReputation() {
    // The health is read without the gate: over weeks of calls it takes a while, and requests
    // need not wait for a read.
    auto all = Reputation::health(m_db, m_shared.environment);
    if (!all)
        return all.error();
    WriteGate gate(writeGate());
    auto rested = Reputation::act(m_db, m_shared.environment, all.value());
    gate.unlock();
    if (!rested)
        return rested.error();
    for (const NumberHealth &h : rested.value())
        qCInfo(lcServiceApi).noquote()
            << "rested" << h.e164 << "until" << h.restingUntil->toString(Qt::ISODate)
            << "(policy:reputation):" << h.restReason;
    return int(rested->size());
}

Result<int> ServiceApi::forgetStaleCallees() {
    const qint64 before = StickyCallees::staleBefore(m_db);
    StickyCallees::Cursor cursor;
    int forgotten = 0;
    while (!cursor.done) {
        WriteGate gate(writeGate());
        auto batch = StickyCallees::forgetStale(m_db, before, cursor);
        gate.unlock();
        if (!batch)
            return batch.error();
        forgotten += batch.value();
    }
    return forgotten;
}

Result<int> ServiceApi::reapExpired() {
    WriteGate gate(writeGate());
    auto reaped = m_allocator->reapExpired();
    gate.unlock();
    if (reaped && reaped.value() > 0)
        m_shared.metrics.recordReaped(reaped.value());
    return reaped;
}

ApiResponse ServiceApi::recording(const ApiRequest &request, const QByteArray &segment) {
    static const QRegularExpression sidPattern(QStringLiteral("^RE[0-9A-Za-z]{1,62}$"));
    const QString sid = QString::fromLatin1(segment.endsWith(".wav") ? segment.chopped(4) : QByteArray());
    if (!sidPattern.match(sid).hasMatch())
        return error(
            404, QStringLiteral("not_found"),
            QCoreApplication::translate("ServiceApi", "Recordings are served as /v1/recordings/RE....wav."));
    const QByteArray header = request.authorization.trimmed();
    const auto refuse = [&](const QString &code, const QString &message) {
        ApiResponse response = error(401, code, message);
        response.headers.append(
            {QByteArrayLiteral("WWW-Authenticate"), QByteArrayLiteral("Bearer realm=\"pooldesk\"")});
        return response;
    };
    if (header.isEmpty() || !header.toLower().startsWith("bearer ")) {
        if (auto limited = limitByAddress(m_shared.unauthenticatedLimiter, request, Charge::Now))
            return *limited;
        return refuse(QStringLiteral("unauthorized"),
                      QCoreApplication::translate("ServiceApi", "Send the console's recording ticket as "
                                                                "\"Authorization: Bearer TICKET\"."));
    }
    if (!m_shared.recordingMedia)
        return error(404, QStringLiteral("not_found"),
                     QCoreApplication::translate("ServiceApi", "This service does not serve recordings."));
    // Guessing tickets is charged like guessing keys, before the database is asked.
    if (auto limited = limitByAddress(m_shared.unauthenticatedLimiter, request, Charge::IfRefused))
        return *limited;
    auto ticket = RecordingTickets::redeem(m_db, sid, header.mid(7).trimmed());
    if (!ticket) {
        if (ticket.error().code != Error::Code::NotFound)
            return fromError(ticket.error());
        m_shared.unauthenticatedLimiter.acquire(qint64(qHash(request.remote)), std::nullopt, std::nullopt);
        return refuse(QStringLiteral("invalid_ticket"), ticket.error().message);
    }
    ApiResponse response;
    response.contentType = QByteArrayLiteral("audio/x-wav");
    response.headers.append({QByteArrayLiteral("Cache-Control"), QByteArrayLiteral("no-store")});
    response.recording = ApiResponse::RecordingMedia{ticket->environment, sid};
    return response;
}

} // namespace PoolDesk
