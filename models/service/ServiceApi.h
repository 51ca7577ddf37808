#pragma once

#include "domain/Result.h"
#include "security/RateLimiter.h"
#include "service/DatabaseHealth.h"
#include "service/ServiceMetrics.h"

#include <QByteArray>
#include <QDateTime>
#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QPair>
#include <QRecursiveMutex>
#include <QSqlQuery>
#include <QString>

#include <functional>
#include <memory>
#include <optional>

namespace PoolDesk {

class Allocator;
class ApiKeys;
class Database;
class WebhookCredentials;

// What every thread of the service shares. Everything here is thread-safe.
struct ServiceShared {
    QString environment;
    const WebhookCredentials *webhooks = nullptr; // not owned; may be null (callbacks refused)
    RateLimiter rateLimiter;
    // Per client address, checked before the database is asked anything: requests with no key or
    // an unknown one, and Twilio status callbacks with a bad signature. Valid ones are never counted.
    RateLimiter unauthenticatedLimiter{RateLimit{5, 20}};
    RateLimiter callbackLimiter{RateLimit{50, 100}};
    ServiceMetrics metrics;
    DatabaseHealth databaseHealth;
    // On SQLite, writers in this process take turns here instead of meeting SQLite's busy
    // handler, which sleeps for milliseconds at a time. Recursive: a group commit holds it for
    // the whole batch while each request in it takes it again.
    QRecursiveMutex sqliteWriteGate;
    QDateTime startedAt = QDateTime::currentDateTimeUtc();
    // Fetches a recording's audio from Twilio (RecordingRelay, on the service's main thread) and
    // calls `done` on the receiver's thread; nothing when the receiver is gone. Set before the
    // HTTP threads start; unset, recordings are not served.
    std::function<void(const QString &environment, const QString &recordingSid, QObject *receiver,
                       std::function<void(Result<QByteArray>)> done)>
        recordingMedia;
};

// A request as the service sees it, independent of the HTTP library.
struct ApiRequest {
    QByteArray method; // "GET", "POST", ...
    QByteArray path;   // percent-encoded path, without the query
    QByteArray query;  // raw query string, without '?'
    QByteArray authorization;
    QByteArray twilioSignature;
    QByteArray contentType;
    QByteArray body;
    QByteArray remote; // the client's address
};

struct ApiResponse {
    int status = 200;
    QByteArray contentType = QByteArrayLiteral("application/json");
    QByteArray body;
    QList<QPair<QByteArray, QByteArray>> headers;
    // For the access log and metrics.
    QString route;
    qint64 keyId = 0;
    QString company;
    QString reason;
    // A redeemed recording ticket: the HTTP front fetches the audio and answers with it.
    struct RecordingMedia {
        QString environment;
        QString sid;
    };
    std::optional<RecordingMedia> recording;
    // The request failed because the database connection is lost: the thread's connection is to
    // be opened again (see ApiExecutor).
    bool databaseLost = false;
    // The request failed because the database is read-only or its disk is full (see
    // Sql::isWriteRefused): the cause a group commit reports for all its requests.
    std::optional<Error> writeRefusal;
};

// The pool service's HTTP API, transport aside: one object per thread and database connection.
class ServiceApi final {
public:
    ServiceApi(Database &db, ServiceShared &shared);
    ~ServiceApi();
    ServiceApi(const ServiceApi &) = delete;
    ServiceApi &operator=(const ServiceApi &) = delete;

    ApiResponse handle(const ApiRequest &request);
    // Answers several requests that arrived together. On SQLite, whose writers take turns anyway,
    // they share one transaction and so one commit (group commit): each request's changes are a
    // savepoint of it, so a refused request takes back only its own. Nothing is answered as done
    // before the commit; if the commit fails, every request that changed the pool is answered 503
    // and nothing of the batch remains.
    QList<ApiResponse> handleBatch(const QList<ApiRequest> &requests);
    // The most requests one group commit takes: bounds the wait of the first one.
    static constexpr int MaxBatch = 64;
    // How long a successful key check is reused before the database is asked again: revoking a
    // key takes effect within this time.
    static constexpr qint64 KeyCacheMs = 1000;
    // Frees numbers whose lease ran out; the service calls this on a timer.
    Result<int> reapExpired();
    // Rests the numbers significantly worse than their peers (Reputation::review); how many.
    Result<int> reviewReputation();
    // Forgets callees whose number is no longer sticky (StickyCallees), a batch at a time, giving
    // way to requests between batches; how many.
    Result<int> forgetStaleCallees();

    static ApiResponse error(int status, const QString &code, const QString &message,
                             const QJsonObject &extra = {});
    // How requests are answered while this thread has no database connection: /healthz and
    // /metrics as usual, /readyz and everything else 503 with Retry-After.
    static ApiResponse withoutDatabase(const ApiRequest &request, ServiceShared &shared);
    // Seconds a client is told to wait (Retry-After) while the database is unreachable.
    static constexpr int RetryAfterUnavailableSecs = 2;
    // ... and while its database is read-only or its disk full: a person has to act first.
    static constexpr int RetryAfterWriteRefusedSecs = 30;

private:
    struct Caller {
        qint64 keyId = 0;
        std::optional<qint64> companyId;
        QString companyName;
    };

    // 429 with Retry-After when the client's address has used up its share of `limiter`; Now also
    // takes a share, IfRefused only looks (the caller charges the request if it turns out bad).
    enum class Charge { Now, IfRefused };
    std::optional<ApiResponse> limitByAddress(RateLimiter &limiter, const ApiRequest &request, Charge charge);
    std::optional<ApiResponse> authenticate(const ApiRequest &request, Caller *caller);
    ApiResponse allocate(const ApiRequest &request, const Caller &caller);
    ApiResponse release(const ApiRequest &request, const Caller &caller, const QString &session);
    ApiResponse renew(const ApiRequest &request, const Caller &caller, const QString &session);
    ApiResponse attachCall(const ApiRequest &request, const Caller &caller, const QString &session);
    // GET /v1/recordings/{RE...}.wav with a ticket from the database (Recordings::issueTicket).
    ApiResponse recording(const ApiRequest &request, const QByteArray &segment);
    ApiResponse pool(const Caller &caller);
    static ApiResponse healthz(const ServiceShared &shared);
    // Ready when this thread's connection answered and no other part of the service is without.
    static ApiResponse readiness(const ServiceShared &shared, bool answered);
    static ApiResponse databaseUnavailable();
    ApiResponse readyz();
    ApiResponse metrics();
    ApiResponse twilioStatus(const ApiRequest &request);
    // Scoped keys may act only on their company's sessions: an answer when this one is not theirs.
    // The company a session in the path belongs to: the key's; for an unscoped key the one named
    // by ?company=NAME, or, with none named, whichever single company uses that session name.
    std::optional<ApiResponse> sessionScope(const ApiRequest &request, const Caller &caller,
                                            std::optional<qint64> *scope);
    ApiResponse fromError(const Error &error);
    QRecursiveMutex *writeGate();

    Database &m_db;
    ServiceShared &m_shared;
    std::unique_ptr<Allocator> m_allocator;
    std::unique_ptr<ApiKeys> m_keys;
    QHash<qint64, qint64> m_lastTouched; // key id -> when last_used_at was last written (secs)
    struct CachedKey {
        qint64 keyId = 0;
        std::optional<qint64> companyId;
        QString companyName;
        std::optional<int> ratePerSecond;
        std::optional<int> burst;
        qint64 validUntilMs = 0;
    };
    QHash<QString, CachedKey> m_keyCache; // by the SHA-256 of the secret
};

} // namespace PoolDesk
