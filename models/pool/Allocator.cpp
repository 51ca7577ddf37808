#include "pool/Allocator.h"

#include "domain/Clock.h"
#include "pool/NumberProvisioner.h"
#include "pool/Tariffs.h"
#include "storage/AuditLog.h"
#include "storage/ChangeWatcher.h"
#include "storage/Database.h"
#include "storage/Settings.h"
#include "storage/SqlHelpers.h"
#include "storage/Transaction.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QSqlError>

#include <algorithm>

Q_LOGGING_CATEGORY(lcAllocator, "pooldesk.pool.allocator")

namespace PoolDesk {

namespace {

Error refusal(const QString &reason, const QString &message) {
    return makeError(Error::Code::Refused, message, reason);
}

constexpr int MaxLeaseSeconds = 7 * 24 * 3600;
constexpr qint64 SettingsCacheMs = 1000;

QString monthKey(qint64 secs) {
    return Clock::fromSecs(secs).toString(QStringLiteral("yyyy-MM"));
}

} // namespace

// The hot path keeps every statement prepared (parsing SQL costs more than running it here) and
// does as few of them as it can: on PostgreSQL each is a network round trip, on SQLite each
// written page is a WAL frame.
struct Allocator::Prepared {
    explicit Prepared(QSqlDatabase &db)
        : context(db)
        , existing(db)
        , take(db)
        , insertReservation(db)
        , deleteReservation(db)
        , updateNumberOnRelease(db)
        , insertCallRecord(db)
        , upsertUsage(db)
        , upsertOperator(db)
        , endedRecord(db)
        , pgRelease(db)
        , pgLockCompany(db)
        , pgTakeWaiting(db) {}
    QSqlQuery context, existing, take, insertReservation;
    QSqlQuery deleteReservation, updateNumberOnRelease, insertCallRecord, upsertUsage, upsertOperator,
        endedRecord;
    // PostgreSQL: the whole release as one statement, so it costs one network round trip.
    QSqlQuery pgRelease;
    // PostgreSQL: the company row lock, taken before the context query so that query's snapshot
    // (READ COMMITTED: one per statement) sees every allocation committed while it waited.
    QSqlQuery pgLockCompany;
    // PostgreSQL: take again, waiting for rows others hold, when SKIP LOCKED found none free:
    // a number being released at that moment is not a reason to refuse.
    QSqlQuery pgTakeWaiting;

    // Pool settings and tariff, re-read at most once a second so an administrator's change
    // takes effect quickly without a query on every allocation.
    QElapsedTimer settingsAge;
    int perNumberConcurrency = 1;
    int defaultLeaseSeconds = 3600;
    bool buyWhenExhausted = false;
    Tariff tariff;

    void refreshSettings(Database &db) {
        if (settingsAge.isValid() && settingsAge.elapsed() < SettingsCacheMs)
            return;
        perNumberConcurrency =
            int(std::clamp<qint64>(Settings::intValue(db, SettingKeys::PerNumberConcurrency, 1), 1, 1000));
        defaultLeaseSeconds = int(std::clamp<qint64>(
            Settings::intValue(db, SettingKeys::DefaultLeaseSeconds, 3600), 10, MaxLeaseSeconds));
        buyWhenExhausted = Settings::intValue(db, SettingKeys::BuyWhenExhausted, 0) != 0;
        if (auto loaded = Tariffs::load(db, Settings::value(db, SettingKeys::Country, QStringLiteral("US"))))
            tariff = loaded.value();
        settingsAge.start();
    }
};

Allocator::Allocator(Database &db)
    : m_db(db) {
    if (auto prepared = prepare(); !prepared) {
        qCWarning(lcAllocator) << "cannot prepare allocator statements:" << prepared.error().message;
        m_prepareError = prepared.error();
    }
}

Allocator::~Allocator() = default;

Status Allocator::prepare() {
    m_q = std::make_unique<Prepared>(m_db.connection());
    const bool pg = m_db.isPostgreSql();
    // Picks and takes a number in one statement: dedicated numbers first, then (when the plan
    // allows) shared ones; among equals the number with the fewest calls today, then the one idle
    // longest, spreading calls and caller-ID wear. PostgreSQL skips rows another transaction is
    // taking, and inserts the reservation in the same statement.
    const QString takeSql =
        (pg ? QStringLiteral("WITH taken AS (") : QString()) +
        QStringLiteral("UPDATE phone_numbers SET active_calls = active_calls + 1, "
                       "status = CASE WHEN status = 'in_use' THEN 'in_use' ELSE 'reserved' END "
                       "WHERE id = (SELECT id FROM phone_numbers WHERE environment = ? AND active_calls < ? "
                       "AND missing_from_twilio = 0 "
                       "AND (dedicated_company_id = ? OR (? = 1 AND dedicated_company_id IS NULL)) "
                       "ORDER BY CASE WHEN dedicated_company_id IS NULL THEN 1 ELSE 0 END, "
                       "CASE WHEN calls_today_day = ? THEN calls_today ELSE 0 END, "
                       "COALESCE(last_used_at, 0), id LIMIT 1") +
        (pg ? QStringLiteral(" FOR UPDATE SKIP LOCKED) RETURNING id, e164, dedicated_company_id), "
                             "held AS (INSERT INTO reservations (session, number_id, company_id, operator, "
                             "reserved_at, lease_expires_at) SELECT ?, id, ?, ?, ?, ? FROM taken) "
                             "SELECT id, e164, dedicated_company_id FROM taken")
            : QStringLiteral(") RETURNING id, e164, dedicated_company_id"));
    const std::pair<QSqlQuery *, QString> statements[] = {
        // Everything allocation decides on, in one statement. On PostgreSQL the company row lock
        // serialises one company's allocations, so its limits hold under concurrency; other
        // companies proceed in parallel.
        {&m_q->context,
         QStringLiteral(
             "SELECT c.id, c.name, c.plan, c.max_concurrent, c.monthly_minutes, c.monthly_budget_micros, "
             "(SELECT COUNT(*) FROM reservations WHERE session = ?), "
             "(SELECT COUNT(*) FROM call_records WHERE session = ?), "
             "(SELECT COUNT(*) FROM reservations r WHERE r.company_id = c.id), "
             "(SELECT u.billed_minutes FROM company_usage_months u WHERE u.company_id = c.id AND u.month = "
             "?), "
             "(SELECT u.cost_micros FROM company_usage_months u WHERE u.company_id = c.id AND u.month = ?), "
             "(SELECT MIN(lease_expires_at) FROM reservations)") +
             // Listeners hear of the change when (and only if) the transaction commits.
             (pg ? QStringLiteral(", pg_notify('pooldesk_changes', '')") : QString()) +
             QStringLiteral(" FROM companies c WHERE c.name = ?")},
        // NO KEY UPDATE: serialises the company's allocations without blocking the key-share
        // locks that a release's inserts take on the company row (their foreign keys); FOR UPDATE
        // blocked them and made allocations and releases deadlock under load.
        {&m_q->pgLockCompany, pg ? QStringLiteral("SELECT id FROM companies WHERE name = ? FOR NO KEY UPDATE")
                                 : QStringLiteral("SELECT 1")},
        {&m_q->existing,
         QStringLiteral("SELECT r.number_id, n.e164, n.dedicated_company_id, r.lease_expires_at, "
                        "r.company_id FROM reservations r JOIN phone_numbers n ON n.id = r.number_id "
                        "WHERE r.session = ?")},
        {&m_q->take, takeSql},
        {&m_q->pgTakeWaiting, pg ? QString(takeSql).replace(QStringLiteral(" FOR UPDATE SKIP LOCKED)"),
                                                            QStringLiteral(" FOR UPDATE)"))
                                 : QStringLiteral("SELECT 1")},
        {&m_q->insertReservation,
         QStringLiteral("INSERT INTO reservations (session, number_id, company_id, operator, "
                        "reserved_at, lease_expires_at) VALUES (?, ?, ?, ?, ?, ?)")},
        {&m_q->deleteReservation,
         QStringLiteral(
             "DELETE FROM reservations WHERE session = ? RETURNING number_id, company_id, operator, "
             "call_sid")},
        {&m_q->updateNumberOnRelease,
         QStringLiteral(
             "UPDATE phone_numbers SET active_calls = CASE WHEN active_calls > 0 THEN active_calls - 1 "
             "ELSE 0 END, status = CASE WHEN active_calls <= 1 THEN 'available' ELSE status END, "
             "total_calls = total_calls + 1, total_seconds = total_seconds + ?, "
             "total_minutes = total_minutes + ?, "
             "calls_today = CASE WHEN calls_today_day = ? THEN calls_today + 1 ELSE 1 END, "
             "calls_today_day = ?, last_used_at = ? WHERE id = ? RETURNING e164, environment")},
        {&m_q->insertCallRecord,
         QStringLiteral(
             "INSERT INTO call_records (session, call_sid, number_id, e164, company_id, operator, "
             "direction, started_at, ended_at, duration_seconds, billed_minutes, estimated_cost_micros, "
             "twilio_price_micros, environment) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
             "RETURNING id")},
        {&m_q->upsertUsage,
         QStringLiteral(
             "INSERT INTO company_usage_months (company_id, month, calls, billed_minutes, cost_micros) "
             "VALUES (?, ?, 1, ?, ?) ON CONFLICT (company_id, month) DO UPDATE SET "
             "calls = company_usage_months.calls + 1, "
             "billed_minutes = company_usage_months.billed_minutes + excluded.billed_minutes, "
             "cost_micros = company_usage_months.cost_micros + excluded.cost_micros "
             "RETURNING (SELECT name FROM companies WHERE id = company_usage_months.company_id)")},
        // Operators become known to the console (filters, history) by their first call.
        {&m_q->upsertOperator,
         QStringLiteral("INSERT INTO operators (company_id, operator_key, first_seen_at) "
                        "VALUES (?, ?, ?) ON CONFLICT (company_id, operator_key) DO NOTHING")},
        {&m_q->endedRecord,
         QStringLiteral(
             "SELECT cr.id, cr.session, cr.call_sid, cr.number_id, cr.e164, cr.company_id, c.name, "
             "cr.operator, cr.direction, cr.started_at, cr.ended_at, cr.duration_seconds, cr.billed_minutes, "
             "cr.estimated_cost_micros, cr.twilio_price_micros, cr.environment FROM call_records cr "
             "LEFT JOIN companies c ON c.id = cr.company_id WHERE cr.session = ?")},
        {&m_q->pgRelease,
         pg ? QStringLiteral(
                  "WITH r AS (DELETE FROM reservations WHERE session = ? "
                  "RETURNING number_id, company_id, operator, call_sid), "
                  "n AS (UPDATE phone_numbers p SET active_calls = CASE WHEN p.active_calls > 0 THEN "
                  "p.active_calls - 1 ELSE 0 END, status = CASE WHEN p.active_calls <= 1 THEN 'available' "
                  "ELSE "
                  "p.status END, total_calls = p.total_calls + 1, total_seconds = p.total_seconds + ?, "
                  "total_minutes = p.total_minutes + ?, calls_today = CASE WHEN p.calls_today_day = ? THEN "
                  "p.calls_today + 1 ELSE 1 END, calls_today_day = ?, last_used_at = ? FROM r "
                  "WHERE p.id = r.number_id RETURNING p.id, p.e164, p.environment), "
                  "c AS (INSERT INTO call_records (session, call_sid, number_id, e164, company_id, operator, "
                  "direction, started_at, ended_at, duration_seconds, billed_minutes, estimated_cost_micros, "
                  "twilio_price_micros, environment) SELECT ?, COALESCE(?, r.call_sid), r.number_id, n.e164, "
                  "r.company_id, r.operator, ?, ?, ?, ?, ?, ?, ?, n.environment FROM r JOIN n ON n.id = "
                  "r.number_id "
                  "RETURNING id, call_sid), "
                  "u AS (INSERT INTO company_usage_months (company_id, month, calls, billed_minutes, "
                  "cost_micros) "
                  "SELECT company_id, ?, 1, ?, ? FROM r ON CONFLICT (company_id, month) DO UPDATE SET "
                  "calls = company_usage_months.calls + 1, "
                  "billed_minutes = company_usage_months.billed_minutes + excluded.billed_minutes, "
                  "cost_micros = company_usage_months.cost_micros + excluded.cost_micros), "
                  "o AS (INSERT INTO operators (company_id, operator_key, first_seen_at) SELECT company_id, "
                  "operator, ? FROM r ON CONFLICT (company_id, operator_key) DO NOTHING) "
                  "SELECT c.id, c.call_sid, r.number_id, r.company_id, r.operator, n.e164, n.environment, "
                  "(SELECT name FROM companies WHERE id = r.company_id), pg_notify('pooldesk_changes', '') "
                  "FROM r JOIN n ON n.id = r.number_id CROSS JOIN c")
            : QStringLiteral("SELECT 1")},
    };
    for (const auto &[query, sql] : statements) {
        if (!query->prepare(sql))
            return Sql::storageError(*query);
    }
    return success();
}

Result<Allocation> Allocator::allocateOnce(const AllocationRequest &request) {
    if (m_prepareError)
        return *m_prepareError;
    const QString session = request.session.trimmed();
    const QString operatorId = request.operatorId.trimmed();
    if (session.isEmpty() || session.size() > 200)
        return makeError(
            Error::Code::InvalidInput,
            QCoreApplication::translate("Allocator", "A session ID of 1 to 200 characters is required."));
    if (operatorId.isEmpty() || operatorId.size() > 200)
        return makeError(
            Error::Code::InvalidInput,
            QCoreApplication::translate("Allocator", "An operator ID of 1 to 200 characters is required."));
    if (request.company.trimmed().isEmpty())
        return makeError(Error::Code::InvalidInput,
                         QCoreApplication::translate("Allocator", "A company name is required."));
    if (request.ttlSeconds && (*request.ttlSeconds < 1 || *request.ttlSeconds > MaxLeaseSeconds))
        return makeError(Error::Code::InvalidInput,
                         QCoreApplication::translate(
                             "Allocator", "The lease must last between 1 second and 7 days (%1 seconds).")
                             .arg(MaxLeaseSeconds));
    if (!isValidEnvironmentName(request.environment))
        return makeError(Error::Code::InvalidInput,
                         QCoreApplication::translate("Allocator", "\"%1\" is not a valid environment.")
                             .arg(request.environment));

    Prepared &q = *m_q;
    q.refreshSettings(m_db);
    bool purchaseWanted = false;
    Result<Allocation> outcome = [&]() -> Result<Allocation> {
        Transaction transaction(m_db);
        if (auto begun = transaction.begin(); !begun)
            return begun.error();
        const qint64 now = Clock::nowSecs();
        const QString month = monthKey(now);

        if (m_db.isPostgreSql()) {
            if (auto ran = Sql::run(q.pgLockCompany, {request.company.trimmed()}); !ran)
                return ran.error();
            q.pgLockCompany.finish();
        }
        if (auto ran = Sql::run(q.context, {session, session, month, month, request.company.trimmed()}); !ran)
            return ran.error();
        if (!q.context.next()) {
            q.context.finish();
            return refusal(RefusalReason::UnknownCompany,
                           QCoreApplication::translate("Allocator", "There is no company named \"%1\".")
                               .arg(request.company.trimmed()));
        }
        const qint64 companyId = q.context.value(0).toLongLong();
        const QString companyName = q.context.value(1).toString();
        const Plan plan = planFromString(q.context.value(2).toString()).value_or(Plan::Standard);
        const auto maxConcurrent = Sql::optionalInt(q.context.value(3));
        const auto monthlyMinutes = Sql::optionalInt(q.context.value(4));
        const auto monthlyBudget = Sql::optionalInt(q.context.value(5));
        const bool sessionHeld = q.context.value(6).toLongLong() > 0;
        const bool sessionEnded = q.context.value(7).toLongLong() > 0;
        qint64 companyHeld = q.context.value(8).toLongLong();
        const qint64 minutesUsed = q.context.value(9).toLongLong();
        const Micros spent = q.context.value(10).toLongLong();
        const QVariant earliestLease = q.context.value(11);
        q.context.finish();

        if (sessionHeld) {
            // A retried request: hand back what the session already holds.
            if (auto ran = Sql::run(q.existing, {session}); !ran)
                return ran.error();
            q.existing.next();
            Allocation held;
            held.numberId = q.existing.value(0).toLongLong();
            held.e164 = q.existing.value(1).toString();
            held.dedicated = !q.existing.value(2).isNull();
            held.leaseExpiresAt = Clock::fromSecs(q.existing.value(3).toLongLong());
            const qint64 holderCompany = q.existing.value(4).toLongLong();
            q.existing.finish();
            if (holderCompany != companyId)
                return makeError(
                    Error::Code::Conflict,
                    QCoreApplication::translate(
                        "Allocator", "The session \"%1\" belongs to another company. Use a new session ID.")
                        .arg(session));
            held.session = session;
            held.company = companyName;
            held.companyId = companyId;
            held.resumed = true;
            return held;
        }
        if (sessionEnded)
            return refusal(
                RefusalReason::SessionEnded,
                QCoreApplication::translate(
                    "Allocator", "The session \"%1\" has already ended. Use a new session ID for each call.")
                    .arg(session));

        if (!earliestLease.isNull() && earliestLease.toLongLong() < now) {
            auto reaped = reapExpiredLocked(now);
            if (!reaped)
                return reaped.error();
            if (reaped.value() > 0 && maxConcurrent) {
                auto recount = Sql::exec(
                    m_db.connection(),
                    QStringLiteral("SELECT COUNT(*) FROM reservations WHERE company_id = ?"), {companyId});
                if (!recount)
                    return recount.error();
                recount.value().next();
                companyHeld = recount.value().value(0).toLongLong();
            }
        }

        if (maxConcurrent && companyHeld >= *maxConcurrent)
            return refusal(RefusalReason::MaxConcurrentCalls,
                           QCoreApplication::translate(
                               "Allocator", "%1 already has %2 calls under way, its limit of concurrent "
                                            "calls. Wait for a call to end or raise the limit.")
                               .arg(companyName)
                               .arg(companyHeld));
        if (monthlyMinutes && minutesUsed >= *monthlyMinutes)
            return refusal(RefusalReason::MonthlyMinutes,
                           QCoreApplication::translate(
                               "Allocator", "%1 has used %2 of its %3 minutes this month. Raise its monthly "
                                            "minutes to call again this month.")
                               .arg(companyName)
                               .arg(minutesUsed)
                               .arg(*monthlyMinutes));
        if (monthlyBudget && spent >= *monthlyBudget)
            return refusal(RefusalReason::MonthlyBudget,
                           QCoreApplication::translate(
                               "Allocator", "%1 has spent %2 of its %3 monthly budget. Raise its budget to "
                                            "call again this month.")
                               .arg(companyName, Money::format(spent), Money::format(*monthlyBudget)));

        const bool sharedAllowed = plan != Plan::Enterprise;
        const int ttl = request.ttlSeconds.value_or(q.defaultLeaseSeconds);
        const bool pg = m_db.isPostgreSql();
        const auto took = pg ? Sql::run(q.take, {request.environment, q.perNumberConcurrency, companyId,
                                                 sharedAllowed ? 1 : 0, now / 86400, session, companyId,
                                                 operatorId, now, now + ttl})
                             : Sql::run(q.take, {request.environment, q.perNumberConcurrency, companyId,
                                                 sharedAllowed ? 1 : 0, now / 86400});
        if (!took)
            return took.error();
        QSqlQuery *taken = &q.take;
        bool found = q.take.next();
        if (!found && pg) {
            q.take.finish();
            taken = &q.pgTakeWaiting;
            if (auto ran = Sql::run(q.pgTakeWaiting, {request.environment, q.perNumberConcurrency, companyId,
                                                      sharedAllowed ? 1 : 0, now / 86400, session, companyId,
                                                      operatorId, now, now + ttl});
                !ran)
                return ran.error();
            found = q.pgTakeWaiting.next();
        }
        if (!found) {
            taken->finish();
            if (!sharedAllowed)
                return refusal(
                    RefusalReason::DedicatedBusy,
                    QCoreApplication::translate(
                        "Allocator",
                        "All dedicated numbers of %1 in the %2 pool are busy (or it has none). Enterprise "
                        "companies call only from their own numbers: assign another dedicated number.")
                        .arg(companyName, request.environment));
            purchaseWanted = q.buyWhenExhausted && m_provisioner;
            return refusal(RefusalReason::PoolExhausted,
                           QCoreApplication::translate(
                               "Allocator", "No number is free in the %1 pool. Add numbers to the pool or "
                                            "allow buying when it is exhausted.")
                               .arg(request.environment));
        }
        Allocation allocation;
        allocation.numberId = taken->value(0).toLongLong();
        allocation.e164 = taken->value(1).toString();
        allocation.dedicated = !taken->value(2).isNull();
        taken->finish();

        if (!pg) {
            if (auto ran = Sql::run(q.insertReservation,
                                    {session, allocation.numberId, companyId, operatorId, now, now + ttl});
                !ran)
                return ran.error();
        }
        if (auto committed = transaction.commit(); !committed)
            return committed.error();
        allocation.session = session;
        allocation.company = companyName;
        allocation.companyId = companyId;
        allocation.leaseExpiresAt = Clock::fromSecs(now + ttl);
        return allocation;
    }();

    if (!outcome && purchaseWanted &&
        m_provisioner->requestPurchase(request.environment,
                                       QStringLiteral("pool exhausted for %1").arg(request.company)))
        return refusal(
            RefusalReason::PurchasePending,
            QCoreApplication::translate(
                "Allocator",
                "No number is free in the %1 pool. A new number is being bought; try again in a moment.")
                .arg(request.environment));
    return outcome;
}

// PostgreSQL breaks a lock cycle between concurrent transactions by aborting one of them; that
// one has changed nothing and is simply run again.
static bool isDeadlock(const Error &error) {
    return error.code == Error::Code::Storage &&
           (error.message.contains(QLatin1String("40P01")) ||
            error.message.contains(QLatin1String("deadlock detected"), Qt::CaseInsensitive));
}

constexpr int DeadlockAttempts = 5;

Result<Allocation> Allocator::allocate(const AllocationRequest &request) {
    for (int attempt = 1;; ++attempt) {
        auto outcome = allocateOnce(request);
        if (outcome || attempt == DeadlockAttempts || !isDeadlock(outcome.error()))
            return outcome;
        qCInfo(lcAllocator) << "allocation chosen as a deadlock victim; trying again";
    }
}

Result<Release> Allocator::release(const ReleaseRequest &request) {
    for (int attempt = 1;; ++attempt) {
        auto outcome = releaseOnce(request);
        if (outcome || attempt == DeadlockAttempts || !isDeadlock(outcome.error()))
            return outcome;
        qCInfo(lcAllocator) << "release chosen as a deadlock victim; trying again";
    }
}

static CallRecord callRecordFrom(const QSqlQuery &query) {
    CallRecord record;
    record.id = query.value(0).toLongLong();
    record.session = query.value(1).toString();
    record.callSid = query.value(2).toString();
    record.numberId = query.value(3).toLongLong();
    record.e164 = query.value(4).toString();
    record.companyId = query.value(5).toLongLong();
    record.companyName = query.value(6).toString();
    record.operatorId = query.value(7).toString();
    record.direction = directionFromString(query.value(8).toString()).value_or(Direction::Outbound);
    record.startedAt = Clock::fromSecs(query.value(9).toLongLong());
    record.endedAt = Clock::fromSecs(query.value(10).toLongLong());
    record.durationSeconds = query.value(11).toLongLong();
    record.billedMinutes = query.value(12).toLongLong();
    record.estimatedCost = query.value(13).toLongLong();
    record.twilioPrice = Sql::optionalInt(query.value(14));
    record.environment = query.value(15).toString();
    return record;
}

Result<Release> Allocator::releaseOnce(const ReleaseRequest &request) {
    if (m_prepareError)
        return *m_prepareError;
    const QString session = request.session.trimmed();
    if (session.isEmpty())
        return makeError(Error::Code::InvalidInput,
                         QCoreApplication::translate("Allocator", "A session ID is required."));
    if (request.durationSeconds < 0)
        return makeError(
            Error::Code::InvalidInput,
            QCoreApplication::translate("Allocator", "A call cannot last a negative number of seconds."));
    if (request.durationSeconds > MaxLeaseSeconds)
        return makeError(Error::Code::InvalidInput,
                         QCoreApplication::translate("Allocator", "A call cannot last longer than 7 days."));
    Prepared &q = *m_q;
    q.refreshSettings(m_db);

    if (m_db.isPostgreSql())
        return releaseInOneStatement(request);

    Transaction transaction(m_db);
    if (auto begun = transaction.begin(); !begun)
        return begun.error();
    const qint64 now = Clock::nowSecs();
    if (auto ran = Sql::run(q.deleteReservation, {session}); !ran)
        return ran.error();
    if (!q.deleteReservation.next()) {
        q.deleteReservation.finish();
        return alreadyReleased(session);
    }
    CallRecord record;
    record.session = session;
    record.numberId = q.deleteReservation.value(0).toLongLong();
    record.companyId = q.deleteReservation.value(1).toLongLong();
    record.operatorId = q.deleteReservation.value(2).toString();
    const QString attachedSid = q.deleteReservation.value(3).toString();
    q.deleteReservation.finish();
    record.callSid = request.callSid.isEmpty() ? attachedSid : request.callSid;
    record.direction = request.direction;
    record.durationSeconds = request.durationSeconds;
    record.billedMinutes = billedMinutesFor(request.durationSeconds);
    record.estimatedCost = q.tariff.callCost(request.direction, record.billedMinutes);
    record.twilioPrice = request.twilioPrice;
    record.endedAt = Clock::fromSecs(now);
    record.startedAt = Clock::fromSecs(now - request.durationSeconds);
    const qint64 today = now / 86400;

    if (auto ran = Sql::run(q.updateNumberOnRelease, {record.durationSeconds, record.billedMinutes, today,
                                                      today, now, record.numberId});
        !ran)
        return ran.error();
    q.updateNumberOnRelease.next();
    record.e164 = q.updateNumberOnRelease.value(0).toString();
    record.environment = q.updateNumberOnRelease.value(1).toString();
    q.updateNumberOnRelease.finish();
    if (auto ran = Sql::run(q.insertCallRecord,
                            {session, Sql::nullText(record.callSid), record.numberId, record.e164,
                             record.companyId, record.operatorId, toString(record.direction),
                             now - record.durationSeconds, now, record.durationSeconds, record.billedMinutes,
                             record.estimatedCost, Sql::nullable(record.twilioPrice), record.environment});
        !ran) {
        if (Sql::isUniqueViolation(q.insertCallRecord))
            return makeError(Error::Code::Conflict,
                             QCoreApplication::translate(
                                 "Allocator", "The call %1 is already recorded under another session.")
                                 .arg(record.callSid));
        return ran.error();
    }
    q.insertCallRecord.next();
    record.id = q.insertCallRecord.value(0).toLongLong();
    q.insertCallRecord.finish();
    if (auto ran = Sql::run(q.upsertUsage, {record.companyId, monthKey(now), record.billedMinutes,
                                            record.twilioPrice.value_or(record.estimatedCost)});
        !ran)
        return ran.error();
    q.upsertUsage.next();
    record.companyName = q.upsertUsage.value(0).toString();
    q.upsertUsage.finish();
    if (auto ran = Sql::run(q.upsertOperator, {record.companyId, record.operatorId, now}); !ran)
        return ran.error();
    if (auto committed = transaction.commit(); !committed)
        return committed.error();
    return Release{record, false};
}

Result<Release> Allocator::alreadyReleased(const QString &session) {
    Prepared &q = *m_q;
    if (auto ran = Sql::run(q.endedRecord, {session}); !ran)
        return ran.error();
    if (q.endedRecord.next()) {
        Release repeated{callRecordFrom(q.endedRecord), true};
        q.endedRecord.finish();
        return repeated;
    }
    q.endedRecord.finish();
    return refusal(
        RefusalReason::UnknownSession,
        QCoreApplication::translate(
            "Allocator", "No number is held by the session \"%1\" (unknown session, or its lease expired).")
            .arg(session));
}

Result<Release> Allocator::releaseInOneStatement(const ReleaseRequest &request) {
    Prepared &q = *m_q;
    const QString session = request.session.trimmed();
    const qint64 now = Clock::nowSecs();
    const qint64 today = now / 86400;
    CallRecord record;
    record.session = session;
    record.direction = request.direction;
    record.durationSeconds = request.durationSeconds;
    record.billedMinutes = billedMinutesFor(request.durationSeconds);
    record.estimatedCost = q.tariff.callCost(request.direction, record.billedMinutes);
    record.twilioPrice = request.twilioPrice;
    record.endedAt = Clock::fromSecs(now);
    record.startedAt = Clock::fromSecs(now - request.durationSeconds);
    // Autocommit: the statement is its own transaction.
    if (auto ran = Sql::run(q.pgRelease,
                            {session, record.durationSeconds, record.billedMinutes, today, today, now,
                             session, Sql::nullText(request.callSid), toString(record.direction),
                             now - record.durationSeconds, now, record.durationSeconds, record.billedMinutes,
                             record.estimatedCost, Sql::nullable(record.twilioPrice), monthKey(now),
                             record.billedMinutes, record.twilioPrice.value_or(record.estimatedCost), now});
        !ran) {
        if (Sql::isUniqueViolation(q.pgRelease))
            return makeError(Error::Code::Conflict,
                             QCoreApplication::translate(
                                 "Allocator", "The call %1 is already recorded under another session.")
                                 .arg(request.callSid));
        return ran.error();
    }
    if (!q.pgRelease.next()) {
        q.pgRelease.finish();
        return alreadyReleased(session);
    }
    record.id = q.pgRelease.value(0).toLongLong();
    record.callSid = q.pgRelease.value(1).toString();
    record.numberId = q.pgRelease.value(2).toLongLong();
    record.companyId = q.pgRelease.value(3).toLongLong();
    record.operatorId = q.pgRelease.value(4).toString();
    record.e164 = q.pgRelease.value(5).toString();
    record.environment = q.pgRelease.value(6).toString();
    record.companyName = q.pgRelease.value(7).toString();
    q.pgRelease.finish();
    return Release{record, false};
}

Result<QDateTime> Allocator::renew(const QString &session, std::optional<int> ttlSeconds) {
    Prepared &q = *m_q;
    q.refreshSettings(m_db);
    const int ttl = ttlSeconds.value_or(q.defaultLeaseSeconds);
    if (ttl < 1 || ttl > MaxLeaseSeconds)
        return makeError(Error::Code::InvalidInput,
                         QCoreApplication::translate(
                             "Allocator", "The lease must last between 1 second and 7 days (%1 seconds).")
                             .arg(MaxLeaseSeconds));
    Transaction transaction(m_db);
    if (auto begun = transaction.begin(); !begun)
        return begun.error();
    const qint64 expires = Clock::nowSecs() + ttl;
    auto updated = Sql::exec(m_db.connection(),
                             QStringLiteral("UPDATE reservations SET lease_expires_at = ?, state = 'in_use' "
                                            "WHERE session = ?"),
                             {expires, session});
    if (!updated)
        return updated.error();
    if (updated.value().numRowsAffected() < 1)
        return refusal(RefusalReason::UnknownSession,
                       QCoreApplication::translate(
                           "Allocator",
                           "No number is held by the session \"%1\" (unknown session, or its lease expired).")
                           .arg(session));
    if (auto marked = Sql::exec(m_db.connection(),
                                QStringLiteral("UPDATE phone_numbers SET status = 'in_use' WHERE id = "
                                               "(SELECT number_id FROM reservations WHERE session = ?)"),
                                {session});
        !marked)
        return marked.error();
    ChangeWatcher::notify(m_db);
    if (auto committed = transaction.commit(); !committed)
        return committed.error();
    return Clock::fromSecs(expires);
}

Status Allocator::attachCall(const QString &session, const QString &callSid) {
    if (callSid.trimmed().isEmpty())
        return makeError(Error::Code::InvalidInput,
                         QCoreApplication::translate("Allocator", "A Twilio call SID is required."));
    Transaction transaction(m_db);
    if (auto begun = transaction.begin(); !begun)
        return begun;
    // Checked first rather than caught: on PostgreSQL a failed statement aborts the transaction.
    auto taken =
        Sql::exec(m_db.connection(),
                  QStringLiteral("SELECT session FROM reservations WHERE call_sid = ? AND session <> ?"),
                  {callSid.trimmed(), session});
    if (!taken)
        return taken.error();
    if (taken.value().next())
        return makeError(
            Error::Code::Conflict,
            QCoreApplication::translate("Allocator", "The call %1 is already attached to another session.")
                .arg(callSid.trimmed()));
    taken.value().finish();
    auto updated =
        Sql::exec(m_db.connection(),
                  QStringLiteral("UPDATE reservations SET call_sid = ?, state = 'in_use' WHERE session = ?"),
                  {callSid.trimmed(), session});
    if (!updated)
        return updated.error();
    if (updated.value().numRowsAffected() < 1)
        return refusal(RefusalReason::UnknownSession,
                       QCoreApplication::translate(
                           "Allocator",
                           "No number is held by the session \"%1\" (unknown session, or its lease expired).")
                           .arg(session));
    if (auto marked = Sql::exec(m_db.connection(),
                                QStringLiteral("UPDATE phone_numbers SET status = 'in_use' WHERE id = "
                                               "(SELECT number_id FROM reservations WHERE session = ?)"),
                                {session});
        !marked)
        return marked.error();
    ChangeWatcher::notify(m_db);
    return transaction.commit();
}

Result<QString> Allocator::sessionForCall(const QString &callSid, const QString &fromE164,
                                          const QString &environment) {
    if (!callSid.isEmpty()) {
        for (const QString &sql : {QStringLiteral("SELECT session FROM reservations WHERE call_sid = ?"),
                                   QStringLiteral("SELECT session FROM call_records WHERE call_sid = ?")}) {
            auto query = Sql::exec(m_db.connection(), sql, {callSid});
            if (!query)
                return query.error();
            if (query.value().next() && !query.value().value(0).isNull())
                return query.value().value(0).toString();
        }
    }
    if (!fromE164.isEmpty()) {
        // An outbound call whose backend never attached the CallSid: the oldest unattached
        // session on the calling number is the one this call belongs to.
        auto query =
            Sql::exec(m_db.connection(),
                      QStringLiteral("SELECT r.session FROM reservations r JOIN phone_numbers n ON n.id = "
                                     "r.number_id WHERE n.e164 = ? AND n.environment = ? AND r.call_sid IS "
                                     "NULL ORDER BY r.reserved_at, r.session LIMIT 1"),
                      {fromE164, environment});
        if (!query)
            return query.error();
        if (query.value().next())
            return query.value().value(0).toString();
    }
    return refusal(RefusalReason::UnknownSession,
                   QCoreApplication::translate("Allocator", "No session holds the call %1.").arg(callSid));
}

Result<int> Allocator::reapExpired() {
    Transaction transaction(m_db);
    if (auto begun = transaction.begin(); !begun)
        return begun.error();
    auto reaped = reapExpiredLocked(Clock::nowSecs());
    if (!reaped)
        return reaped;
    if (auto committed = transaction.commit(); !committed)
        return committed.error();
    return reaped;
}

Result<int> Allocator::reapExpiredLocked(qint64 now) {
    const QString select =
        QStringLiteral("SELECT r.session, r.number_id, r.company_id, r.operator, n.e164 "
                       "FROM reservations r JOIN phone_numbers n ON n.id = r.number_id "
                       "WHERE r.lease_expires_at < ? ORDER BY r.lease_expires_at LIMIT 500") +
        (m_db.isPostgreSql() ? QStringLiteral(" FOR UPDATE OF r SKIP LOCKED") : QString());
    auto expired = Sql::exec(m_db.connection(), select, {now});
    if (!expired)
        return expired.error();
    struct Expired {
        QString session;
        qint64 numberId;
        qint64 companyId;
        QString operatorId;
        QString e164;
    };
    QList<Expired> rows;
    while (expired.value().next())
        rows.append({expired.value().value(0).toString(), expired.value().value(1).toLongLong(),
                     expired.value().value(2).toLongLong(), expired.value().value(3).toString(),
                     expired.value().value(4).toString()});
    expired.value().finish();
    for (const Expired &row : rows) {
        if (auto done =
                Sql::exec(m_db.connection(), QStringLiteral("DELETE FROM reservations WHERE session = ?"),
                          {row.session});
            !done)
            return done.error();
        if (auto done =
                Sql::exec(m_db.connection(),
                          QStringLiteral("UPDATE phone_numbers SET active_calls = CASE WHEN active_calls > 0 "
                                         "THEN active_calls - 1 ELSE 0 END, status = CASE WHEN active_calls "
                                         "<= 1 THEN 'available' ELSE status END WHERE id = ?"),
                          {row.numberId});
            !done)
            return done.error();
        // No call record: nobody reported how long the call lasted. The audit entry says why
        // the number came back.
        if (auto audited =
                AuditLog::write(m_db, Actor::system(QStringLiteral("lease-reaper")),
                                QStringLiteral("allocation.lease_expired"), row.e164, row.companyId,
                                QJsonObject{{QStringLiteral("session"), row.session},
                                            {QStringLiteral("operator"), row.operatorId}},
                                {});
            !audited)
            return audited.error();
    }
    if (!rows.isEmpty()) {
        qCInfo(lcAllocator) << "reaped" << rows.size() << "expired leases";
        ChangeWatcher::notify(m_db);
    }
    return int(rows.size());
}

} // namespace PoolDesk
