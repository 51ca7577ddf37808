#pragma once

#include "domain/Result.h"
#include "domain/Types.h"

#include <QSqlQuery>

#include <memory>

namespace PoolDesk {

class AllocationRate;
class Database;
struct DestinationInfo;
class NumberProvisioner;

// Machine-readable reasons carried by Error::reason when Error::code is Refused.
namespace RefusalReason {
inline const QString PoolExhausted = QStringLiteral("pool_exhausted");
inline const QString PurchasePending = QStringLiteral("pool_exhausted_purchase_pending");
inline const QString DedicatedBusy = QStringLiteral("dedicated_numbers_busy");
inline const QString MaxConcurrentCalls = QStringLiteral("max_concurrent_calls");
inline const QString MonthlyMinutes = QStringLiteral("monthly_minutes");
inline const QString MonthlyBudget = QStringLiteral("monthly_budget");
inline const QString UnknownCompany = QStringLiteral("unknown_company");
inline const QString UnknownSession = QStringLiteral("unknown_session");
inline const QString SessionEnded = QStringLiteral("session_ended");
inline const QString AmbiguousSession = QStringLiteral("ambiguous_session");
inline const QString RateLimited = QStringLiteral("rate_limited");     // see AllocationRate
inline const QString NumbersCapped = QStringLiteral("numbers_capped"); // every free number rests or is capped
inline const QString OutsideCallingHours = QStringLiteral("outside_calling_hours");
} // namespace RefusalReason

struct AllocationRequest {
    QString company;
    QString operatorId;
    QString session;
    std::optional<int> ttlSeconds; // the pool's default lease when empty
    QString environment;           // development / production
    QString to = {};               // the callee (E.164), optional: what sticky and local picks match
};

// Which rule of the pick order (PickOrder) chose the number for the callee.
namespace PickMatch {
inline const QString Sticky = QStringLiteral("sticky");
inline const QString AreaCode = QStringLiteral("area_code");
inline const QString Region = QStringLiteral("region");
inline const QString Any = QStringLiteral("any");
} // namespace PickMatch

struct Allocation {
    qint64 numberId = 0;
    QString e164;
    bool dedicated = false;
    QString session;
    QString company;
    qint64 companyId = 0;
    QDateTime leaseExpiresAt;
    bool resumed = false; // the session already held this number (a retried request)
    QString match;        // a PickMatch value; empty when the request named no callee
};

// Backends name their sessions, and a session belongs to its company: two companies may use one
// name, and neither can end, renew or even detect the other's. A caller scoped to a company (its
// API key) passes companyId; an unscoped caller leaves it empty and reaches the only company that
// has used the name, or is refused with ambiguous_session when two have.
struct SessionRef {
    // Implicit from a name alone: an unscoped reference.
    SessionRef(QString name, std::optional<qint64> company = std::nullopt)
        : session(std::move(name))
        , companyId(company) {}
    QString session;
    std::optional<qint64> companyId;
};

struct ReleaseRequest {
    QString session;
    qint64 durationSeconds = 0;
    Direction direction = Direction::Outbound;
    QString callSid;
    std::optional<Micros> twilioPrice;
    std::optional<qint64> companyId; // the session's company, as in SessionRef
    // How the call ended, when known (Twilio's CallStatus: completed, busy, no-answer, failed,
    // canceled) and the SIP response Twilio reports (603 declined, 608 rejected as spam, ...):
    // what a number's health is worked out from (Reputation).
    QString outcome = {};
    std::optional<int> sipCode = {};
};

struct Release {
    CallRecord record;
    bool alreadyReleased = false; // a repeated release: nothing was counted again
};

// Hands out numbers and takes them back. Each call is one short transaction that is correct
// with any number of processes allocating at once: SQLite serialises writers with
// BEGIN IMMEDIATE, PostgreSQL locks the company row and skips number rows locked by others (in
// one server-side call, pooldesk_allocate, so an allocation costs one network round trip).
// One Allocator per connection and thread; it keeps its statements prepared.
class Allocator final {
public:
    explicit Allocator(Database &db);
    ~Allocator();
    Allocator(const Allocator &) = delete;
    Allocator &operator=(const Allocator &) = delete;

    void setProvisioner(NumberProvisioner *provisioner) { m_provisioner = provisioner; }

    // A free number in PickOrder's order (sticky for the callee, the company's dedicated numbers,
    // then shared ones, local to the callee first, then least used), within the caller policy's
    // caps and calling hours (CallerPolicy); else a typed refusal. The company's allocation rate is
    // checked first (AllocationRate), then its limits (concurrent calls, monthly minutes, monthly
    // budget). Asking again with a session that holds a number returns that number (resumed).
    Result<Allocation> allocate(const AllocationRequest &request);
    // Returns the number to the pool and writes the call record and usage in one transaction.
    // A session that was already released returns its record with alreadyReleased set.
    Result<Release> release(const ReleaseRequest &request);
    // Extends a lease; the call is under way, so the number shows as in use.
    Result<QDateTime> renew(const SessionRef &session, std::optional<int> ttlSeconds);
    // Links Twilio's CallSid to the session (status callbacks find it by this) and marks in use.
    Status attachCall(const SessionRef &session, const QString &callSid);
    // The session a call provably belongs to: the one its CallSid is attached to; else, for an
    // outbound call whose start is known, the only reservation on its From number without a
    // CallSid that began before the call did. A callback that arrives after the number passed to
    // the next session (another company's, perhaps) so matches nothing, and nor does a tie.
    // The answer names the session's company.
    Result<SessionRef> sessionForCall(const QString &callSid, const QString &fromE164,
                                      std::optional<qint64> callStartedAt, const QString &environment);
    // Frees numbers whose lease ran out (a caller that crashed). Returns how many.
    Result<int> reapExpired();

private:
    struct Prepared;
    Status prepare();
    Result<Allocation> allocateOnce(const AllocationRequest &request);
    // The request is validated and trimmed; each engine's way to decide and take.
    Result<Allocation> allocateInTransaction(const AllocationRequest &request,
                                             const DestinationInfo &destination);
    Result<Allocation> allocateInOneCall(const AllocationRequest &request,
                                         const DestinationInfo &destination);
    Result<Release> releaseOnce(const ReleaseRequest &request);
    Result<int> reapExpiredLocked(qint64 now);
    Result<Release> releaseInOneStatement(const ReleaseRequest &request);
    Result<Release> alreadyReleased(const SessionRef &session);
    // The company a session name refers to among the held sessions (see SessionRef).
    Result<qint64> heldSessionCompany(const SessionRef &session);

    Database &m_db;
    NumberProvisioner *m_provisioner = nullptr;
    std::unique_ptr<Prepared> m_q;
    std::unique_ptr<AllocationRate> m_rate;
    std::optional<Error> m_prepareError; // a schema this build does not match: every call reports it
};

} // namespace PoolDesk
