#include "pool/Allocator.h"

#include "domain/Clock.h"
#include "domain/Identifiers.h"
#include "domain/PhoneNumber.h"
#include "pool/AllocationRate.h"
#include "pool/CallerPolicy.h"
#include "pool/NumberProvisioner.h"
#include "pool/Tariffs.h"
#include "storage/AuditLog.h"
#include "storage/ChangeWatcher.h"
#include "storage/Database.h"
#include "storage/PickOrder.h"
#include "storage/Settings.h"
#include "storage/SqlHelpers.h"
#include "storage/Transaction.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QSqlError>

#include <algorithm>

#include <climits>

Q_LOGGING_CATEGORY(lcAllocator, "pooldesk.pool.allocator")

namespace PoolDesk {

namespace {

Error refusal(const QString &reason, const QString &message) {
    return makeError(Error::Code::Refused, message, reason);
}

constexpr int MaxLeaseSeconds = 7 * 24 * 3600;

// The company a session name refers to (see SessionRef): the caller's scope when given, else the
// only company that has used the name, held or ended; NULL, so nothing matches, when two have.
// Binds scope, session, session.
const QString SessionCompanySql = QStringLiteral(
    "COALESCE(?, (SELECT CASE WHEN COUNT(*) = 1 THEN MIN(u.company_id) END FROM (SELECT company_id FROM "
    "reservations WHERE session = ? UNION SELECT company_id FROM call_records WHERE session = ?) u))");
constexpr qint64 SettingsCacheMs = 1000;

} // namespace

// The hot path keeps every statement prepared (parsing SQL costs more than running it here) and
// does as few of them as it can: on PostgreSQL each is a network round trip, on SQLite each
// written page is a WAL frame.
struct Allocator::Prepared {
    explicit Prepared(QSqlDatabase &db)
        : context(db)
        , existing(db)
        , take(db)
        , upsertCallee(db)
        , passedOver(db)
        , insertReservation(db)
        , deleteReservation(db)
        , updateNumberOnRelease(db)
        , insertCallRecord(db)
        , upsertUsage(db)
        , upsertOperator(db)
        , endedRecord(db)
        , pgRelease(db)
        , pgAllocate(db) {}
    QSqlQuery context, existing, take, upsertCallee, passedOver, insertReservation;
    PickOrder::Statement takeStatement, passedOverStatement; // their parameters
    QSqlQuery deleteReservation, updateNumberOnRelease, insertCallRecord, upsertUsage, upsertOperator,
        endedRecord;
    // PostgreSQL: the whole release as one statement, so it costs one network round trip.
    QSqlQuery pgRelease;
    // PostgreSQL: the whole allocation as one call of pooldesk_allocate (migration 008).
    QSqlQuery pgAllocate;

    // Pool settings and tariff, re-read at most once a second so an administrator's change
    // takes effect quickly without a query on every allocation.
    QElapsedTimer settingsAge;
    int perNumberConcurrency = 1;
    int defaultLeaseSeconds = 3600;
    bool buyWhenExhausted = false;
    CallerPolicy policy;
    Tariff tariff;
    // Usage rows are keyed by the month in the workspace's billing zone; the key is worked out
    // once per month rather than per call.
    BillingZone zone;
    QString month;
    qint64 monthFrom = 0, monthTo = 0;

    QString monthKey(qint64 now) {
        if (now < monthFrom || now >= monthTo) {
            std::tie(monthFrom, monthTo) = zone.monthHolding(now);
            month = zone.monthKey(now);
        }
        return month;
    }

    void refreshSettings(Database &db) {
        if (settingsAge.isValid() && settingsAge.elapsed() < SettingsCacheMs)
            return;
        perNumberConcurrency =
            int(std::clamp<qint64>(Settings::intValue(db, SettingKeys::PerNumberConcurrency, 1), 1, 1000));
        defaultLeaseSeconds = int(std::clamp<qint64>(
            Settings::intValue(db, SettingKeys::DefaultLeaseSeconds, 3600), 10, MaxLeaseSeconds));
        buyWhenExhausted = Settings::intValue(db, SettingKeys::BuyWhenExhausted, 0) != 0;
        policy = CallerPolicy::load(db);
        if (auto loaded = Tariffs::load(db, Settings::value(db, SettingKeys::Country, QStringLiteral("US"))))
            tariff = loaded.value();
        if (BillingZone loaded = Settings::billingZone(db); !(loaded == zone)) {
            zone = loaded;
            monthFrom = monthTo = 0;
        }
        settingsAge.start();
    }
};

Allocator::Allocator(Database &db)
    : m_db(db)
    , m_rate(std::make_unique<AllocationRate>(db)) {
    if (auto prepared = prepare(); !prepared) {
        qCWarning(lcAllocator) << "cannot prepare allocator statements:" << prepared.error().message;
        m_prepareError = prepared.error();
    }
}

Allocator::~Allocator() = default;

Status Allocator::prepare() {
    m_q = std::make_unique<Prepared>(m_db.connection());
    const bool pg = m_db.isPostgreSql();
    // Statements one engine does not use are prepared as a no-op, so every member is valid.
    const auto sqliteOnly = [pg](const QString &sql) { return pg ? QStringLiteral("SELECT 1") : sql; };
    const auto postgresqlOnly = [pg](const QString &sql) { return pg ? sql : QStringLiteral("SELECT 1"); };
    // Built once: their SQL below, their parameters for every bind.
    m_q->takeStatement = PickOrder::sqliteTake();
    m_q->passedOverStatement = PickOrder::passedOver(pg);
    const std::pair<QSqlQuery *, QString> statements[] = {
        // SQLite: everything allocation decides on, in one statement (PostgreSQL reads the same
        // columns in pooldesk_allocate).
        {&m_q->context,
         sqliteOnly(QStringLiteral(
             "SELECT c.id, c.name, c.plan, c.max_concurrent, c.monthly_minutes, c.monthly_budget_micros, "
             "(SELECT COUNT(*) FROM reservations WHERE session = ? AND company_id = c.id), "
             "(SELECT COUNT(*) FROM call_records WHERE session = ? AND company_id = c.id), "
             "(SELECT COUNT(*) FROM reservations r WHERE r.company_id = c.id), "
             "(SELECT u.billed_minutes FROM company_usage_months u WHERE u.company_id = c.id AND u.month = "
             "?), "
             "(SELECT u.cost_micros FROM company_usage_months u WHERE u.company_id = c.id AND u.month = ?), "
             "(SELECT MIN(lease_expires_at) FROM reservations) FROM companies c WHERE c.name = ?"))},
        {&m_q->pgAllocate,
         postgresqlOnly(QStringLiteral(
             "SELECT * FROM pooldesk_allocate(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"))},
        {&m_q->existing,
         QStringLiteral("SELECT r.number_id, n.e164, n.dedicated_company_id, r.lease_expires_at, "
                        "r.company_id FROM reservations r JOIN phone_numbers n ON n.id = r.number_id "
                        "WHERE r.session = ? AND r.company_id = ?")},
        // SQLite: picks and takes a number in one statement, in PickOrder's order.
        {&m_q->take, sqliteOnly(m_q->takeStatement.sql)},
        {&m_q->upsertCallee,
         sqliteOnly(QStringLiteral(
             "INSERT INTO callee_numbers (company_id, environment, callee, number_id, last_called_at) "
             "VALUES (?, ?, ?, ?, ?) ON CONFLICT (company_id, environment, callee) DO UPDATE SET "
             "number_id = excluded.number_id, last_called_at = excluded.last_called_at"))},
        // Tells numbers_capped from an exhausted pool (PickOrder::passedOver).
        {&m_q->passedOver, m_q->passedOverStatement.sql},
        {&m_q->insertReservation,
         sqliteOnly(QStringLiteral("INSERT INTO reservations (session, number_id, company_id, operator, "
                                   "reserved_at, lease_expires_at, callee, pick_match) "
                                   "VALUES (?, ?, ?, ?, ?, ?, ?, ?)"))},
        // SQLite's release, one statement at a time (PostgreSQL's is pgRelease).
        {&m_q->deleteReservation,
         sqliteOnly(
             QStringLiteral("DELETE FROM reservations WHERE session = ? AND company_id = ") +
             SessionCompanySql +
             QStringLiteral(" RETURNING number_id, company_id, operator, call_sid, callee, pick_match"))},
        {&m_q->updateNumberOnRelease,
         sqliteOnly(QStringLiteral(
             "UPDATE phone_numbers SET active_calls = CASE WHEN active_calls > 0 THEN active_calls - 1 "
             "ELSE 0 END, status = CASE WHEN active_calls <= 1 THEN 'available' ELSE status END, "
             "total_calls = total_calls + 1, total_seconds = total_seconds + ?, "
             "total_minutes = total_minutes + ?, "
             "calls_today = CASE WHEN calls_today_day = ? THEN calls_today + 1 ELSE 1 END, "
             "calls_today_day = ?, calls_hour = CASE WHEN calls_hour_start = ? THEN calls_hour + 1 ELSE 1 "
             "END, calls_hour_start = ?, last_used_at = ?, last_company_id = ? WHERE id = ? "
             "RETURNING e164, environment"))},
        {&m_q->insertCallRecord,
         sqliteOnly(QStringLiteral(
             "INSERT INTO call_records (session, call_sid, number_id, e164, company_id, operator, "
             "direction, started_at, ended_at, duration_seconds, billed_minutes, estimated_cost_micros, "
             "twilio_price_micros, environment, callee, pick_match, outcome, sip_code) "
             "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id"))},
        {&m_q->upsertUsage,
         sqliteOnly(QStringLiteral(
             "INSERT INTO company_usage_months (company_id, month, calls, billed_minutes, cost_micros) "
             "VALUES (?, ?, 1, ?, ?) ON CONFLICT (company_id, month) DO UPDATE SET "
             "calls = company_usage_months.calls + 1, "
             "billed_minutes = company_usage_months.billed_minutes + excluded.billed_minutes, "
             "cost_micros = company_usage_months.cost_micros + excluded.cost_micros "
             "RETURNING (SELECT name FROM companies WHERE id = company_usage_months.company_id)"))},
        // Operators become known to the console (filters, history) by their first call.
        {&m_q->upsertOperator,
         sqliteOnly(QStringLiteral("INSERT INTO operators (company_id, operator_key, first_seen_at) "
                                   "VALUES (?, ?, ?) ON CONFLICT (company_id, operator_key) DO NOTHING"))},
        {&m_q->endedRecord,
         QStringLiteral(
             "SELECT cr.id, cr.session, cr.call_sid, cr.number_id, cr.e164, cr.company_id, c.name, "
             "cr.operator, cr.direction, cr.started_at, cr.ended_at, cr.duration_seconds, cr.billed_minutes, "
             "cr.estimated_cost_micros, cr.twilio_price_micros, cr.environment FROM call_records cr "
             "LEFT JOIN companies c ON c.id = cr.company_id WHERE cr.session = ? AND cr.company_id = ") +
             SessionCompanySql},
        {&m_q->pgRelease,
         pg ? QStringLiteral("WITH r AS (DELETE FROM reservations WHERE session = ? AND company_id = ") +
                  SessionCompanySql +
                  QStringLiteral(
                      " RETURNING number_id, company_id, operator, call_sid, callee, pick_match), "
                      "n AS (UPDATE phone_numbers p SET active_calls = CASE WHEN p.active_calls > 0 THEN "
                      "p.active_calls - 1 ELSE 0 END, status = CASE WHEN p.active_calls <= 1 THEN "
                      "'available' "
                      "ELSE "
                      "p.status END, total_calls = p.total_calls + 1, total_seconds = p.total_seconds + ?, "
                      "total_minutes = p.total_minutes + ?, calls_today = CASE WHEN p.calls_today_day = ? "
                      "THEN "
                      "p.calls_today + 1 ELSE 1 END, calls_today_day = ?, calls_hour = CASE WHEN "
                      "p.calls_hour_start = ? THEN p.calls_hour + 1 ELSE 1 END, calls_hour_start = ?, "
                      "last_used_at = ?, last_company_id = r.company_id FROM r "
                      "WHERE p.id = r.number_id RETURNING p.id, p.e164, p.environment), "
                      "c AS (INSERT INTO call_records (session, call_sid, number_id, e164, company_id, "
                      "operator, "
                      "direction, started_at, ended_at, duration_seconds, billed_minutes, "
                      "estimated_cost_micros, "
                      "twilio_price_micros, environment, callee, pick_match, outcome, sip_code) SELECT ?, "
                      "COALESCE(?, r.call_sid), r.number_id, n.e164, r.company_id, r.operator, ?, ?, ?, ?, "
                      "?, ?, ?, n.environment, r.callee, r.pick_match, ?, ?::integer FROM r JOIN n ON n.id = "
                      "r.number_id "
                      "RETURNING id, call_sid), "
                      "u AS (INSERT INTO company_usage_months (company_id, month, calls, billed_minutes, "
                      "cost_micros) "
                      "SELECT company_id, ?, 1, ?, ? FROM r ON CONFLICT (company_id, month) DO UPDATE SET "
                      "calls = company_usage_months.calls + 1, "
                      "billed_minutes = company_usage_months.billed_minutes + excluded.billed_minutes, "
                      "cost_micros = company_usage_months.cost_micros + excluded.cost_micros), "
                      "o AS (INSERT INTO operators (company_id, operator_key, first_seen_at) SELECT "
                      "company_id, "
                      "operator, ? FROM r ON CONFLICT (company_id, operator_key) DO NOTHING), "
                      // The callee saw this number: their next call is given it again (sticky).
                      "s AS (INSERT INTO callee_numbers (company_id, environment, callee, number_id, "
                      "last_called_at) SELECT r.company_id, n.environment, r.callee, r.number_id, ? FROM r "
                      "JOIN n ON n.id = r.number_id WHERE r.callee IS NOT NULL ON CONFLICT (company_id, "
                      "environment, callee) DO UPDATE SET number_id = excluded.number_id, last_called_at = "
                      "excluded.last_called_at) "
                      "SELECT c.id, c.call_sid, r.number_id, r.company_id, r.operator, n.e164, "
                      "n.environment, "
                      "(SELECT name FROM companies WHERE id = r.company_id), pg_notify('pooldesk_changes', "
                      "'') "
                      "FROM r JOIN n ON n.id = r.number_id CROSS JOIN c")
            : QStringLiteral("SELECT 1")},
    };
    for (const auto &[query, sql] : statements) {
        if (!query->prepare(sql))
            return Sql::storageError(*query);
    }
    return success();
}

namespace {

// What an allocation decides on, read in one statement (SQLite: `context`; PostgreSQL: the first
// twelve columns of pooldesk_allocate). Column order is the same for both.
struct AllocationContext {
    qint64 companyId = 0;
    QString companyName;
    Plan plan = Plan::Standard;
    std::optional<qint64> maxConcurrent;
    std::optional<qint64> monthlyMinutes;
    std::optional<Micros> monthlyBudget;
    bool sessionHeld = false;
    bool sessionEnded = false;
    qint64 companyHeld = 0;
    qint64 minutesUsed = 0;
    Micros spent = 0;
    std::optional<qint64> earliestLease;
};

AllocationContext contextFrom(const QSqlQuery &query) {
    AllocationContext context;
    context.companyId = query.value(0).toLongLong();
    context.companyName = query.value(1).toString();
    context.plan = planFromString(query.value(2).toString()).value_or(Plan::Standard);
    context.maxConcurrent = Sql::optionalInt(query.value(3));
    context.monthlyMinutes = Sql::optionalInt(query.value(4));
    context.monthlyBudget = Sql::optionalInt(query.value(5));
    context.sessionHeld = query.value(6).toLongLong() > 0;
    context.sessionEnded = query.value(7).toLongLong() > 0;
    context.companyHeld = query.value(8).toLongLong();
    context.minutesUsed = query.value(9).toLongLong();
    context.spent = query.value(10).toLongLong();
    context.earliestLease = Sql::optionalInt(query.value(11));
    return context;
}

Error unknownCompany(const QString &company) {
    return refusal(
        RefusalReason::UnknownCompany,
        QCoreApplication::translate("Allocator", "There is no company named \"%1\".").arg(company));
}

Error sessionEnded(const QString &session) {
    return refusal(
        RefusalReason::SessionEnded,
        QCoreApplication::translate(
            "Allocator", "The session \"%1\" has already ended. Use a new session ID for each call.")
            .arg(session));
}

// The limit that refuses a new call, if any. pooldesk_allocate (migration 008) applies the same
// three comparisons before it takes a number on PostgreSQL.
std::optional<Error> limitRefusal(const AllocationContext &context) {
    // Counted outside tr(): lupdate 6.4 does not read expressions there.
    const int held = static_cast<int>(context.companyHeld);
    const int minutesLimit = static_cast<int>(qMin<qint64>(context.monthlyMinutes.value_or(0), INT_MAX));
    if (context.maxConcurrent && context.companyHeld >= *context.maxConcurrent)
        return refusal(RefusalReason::MaxConcurrentCalls,
                       QCoreApplication::translate(
                           "Allocator",
                           "%1 already has %n call(s) under way, its limit of concurrent calls. Wait for a "
                           "call to end or raise the limit.",
                           nullptr, held)
                           .arg(context.companyName));
    if (context.monthlyMinutes && context.minutesUsed >= *context.monthlyMinutes)
        return refusal(RefusalReason::MonthlyMinutes,
                       QCoreApplication::translate(
                           "Allocator",
                           "%1 has used %2 of its %n minute(s) this month. Raise its monthly minutes to call "
                           "again this month.",
                           nullptr, minutesLimit)
                           .arg(context.companyName)
                           .arg(context.minutesUsed));
    if (context.monthlyBudget && context.spent >= *context.monthlyBudget)
        return refusal(RefusalReason::MonthlyBudget,
                       QCoreApplication::translate(
                           "Allocator", "%1 has spent %2 of its %3 monthly budget. Raise its budget to "
                                        "call again this month.")
                           .arg(context.companyName, Money::format(context.spent),
                                Money::format(*context.monthlyBudget)));
    return std::nullopt;
}

Error noFreeNumber(const AllocationContext &context, const QString &environment) {
    if (context.plan == Plan::Enterprise)
        return refusal(RefusalReason::DedicatedBusy,
                       QCoreApplication::translate(
                           "Allocator",
                           "All dedicated numbers of %1 in the %2 pool are busy (or it has none). Enterprise "
                           "companies call only from their own numbers: assign another dedicated number.")
                           .arg(context.companyName, environment));
    return refusal(RefusalReason::PoolExhausted,
                   QCoreApplication::translate("Allocator",
                                               "No number is free in the %1 pool. Add numbers to "
                                               "the pool or allow buying when it is exhausted.")
                       .arg(environment));
}

// A retried request: hands back what the session already holds.
Result<Allocation> resumed(QSqlQuery &existing, const QString &session, const AllocationContext &context) {
    if (auto ran = Sql::run(existing, {session, context.companyId}); !ran)
        return ran.error();
    if (!existing.next()) {
        existing.finish();
        return refusal(RefusalReason::UnknownSession,
                       QCoreApplication::translate(
                           "Allocator",
                           "The session \"%1\" ended while it was being resumed. Use a new session "
                           "ID for each call.")
                           .arg(session));
    }
    Allocation held;
    held.numberId = existing.value(0).toLongLong();
    held.e164 = existing.value(1).toString();
    held.dedicated = !existing.value(2).isNull();
    held.leaseExpiresAt = Clock::fromSecs(existing.value(3).toLongLong());
    existing.finish();
    held.session = session;
    held.company = context.companyName;
    held.companyId = context.companyId;
    held.resumed = true;
    return held;
}

} // namespace

// A callee as the pick sees it (empty when the request named none).
struct DestinationInfo {
    QString callee;
    QString areaCode; // empty when local presence is off
    QString region;
    std::optional<CallerPolicy::OutsideHours> outside;
};

namespace {

DestinationInfo destinationFor(const QString &callee, const CallerPolicy &policy, qint64 now) {
    DestinationInfo destination;
    destination.callee = callee;
    const PhoneNumber::Locality where = PhoneNumber::locality(callee);
    if (policy.localPresence) {
        destination.areaCode = where.areaCode;
        destination.region = where.region;
    }
    destination.outside = policy.outsideCallingHours(where.timeZones, now);
    return destination;
}

QVariant stickySince(const DestinationInfo &destination, const CallerPolicy &policy, qint64 now) {
    if (destination.callee.isEmpty() || policy.stickyDays == 0)
        return QVariant(QMetaType(QMetaType::LongLong));
    return now - qint64(policy.stickyDays) * 86400;
}

struct PickInputs {
    const QString &environment;
    qint64 companyId;
    bool sharedAllowed;
    int perNumber;
    qint64 now;
    const DestinationInfo &destination;
    const CallerPolicy &policy;
};

QVariant pickValue(PickOrder::Param param, const PickInputs &in) {
    using P = PickOrder::Param;
    switch (param) {
    case P::Environment:
        return in.environment;
    case P::CompanyId:
        return in.companyId;
    case P::SharedAllowed:
        return in.sharedAllowed ? 1 : 0;
    case P::PerNumber:
        return in.perNumber;
    case P::Now:
        return in.now;
    case P::Today:
        return in.now / 86400;
    case P::DayStart:
        return in.now / 86400 * 86400;
    case P::Hour:
        return in.now / 3600;
    case P::Callee:
        return Sql::nullText(in.destination.callee);
    case P::StickySince:
        return stickySince(in.destination, in.policy, in.now);
    case P::AreaCode:
        return Sql::nullText(in.destination.areaCode);
    case P::Region:
        return Sql::nullText(in.destination.region);
    case P::DailyCap:
        return in.policy.dailyCap;
    case P::HourlyCap:
        return in.policy.hourlyCap;
    case P::MinGapSeconds:
        return in.policy.minGapSeconds;
    case P::WarmupDays:
        return in.policy.warmupDays;
    case P::CooldownSeconds:
        return qint64(in.policy.tenantCooldownDays) * 86400;
    }
    return {};
}

void bindPick(QSqlQuery &query, const PickOrder::Statement &statement, const PickInputs &inputs) {
    for (const PickOrder::Param param : statement.params) {
        if (statement.named)
            query.bindValue(PickOrder::placeholder(param), pickValue(param, inputs));
        else
            query.addBindValue(pickValue(param, inputs));
    }
}

// Nothing was taken: numbers_capped when the caller policy passed over a free number, else the
// pool has none.
Result<Allocation> noNumberTaken(QSqlQuery &passedOver, const PickOrder::Statement &statement,
                                 const PickInputs &inputs, const AllocationContext &context) {
    bindPick(passedOver, statement, inputs);
    if (!passedOver.exec())
        return Sql::storageError(passedOver);
    const bool capped = passedOver.next();
    passedOver.finish();
    const QString &environment = inputs.environment;
    if (!capped)
        return noFreeNumber(context, environment);
    return refusal(RefusalReason::NumbersCapped,
                   QCoreApplication::translate(
                       "Allocator",
                       "Every free number %1 may use in the %2 pool is resting, at its daily or hourly cap, "
                       "inside its minimum gap between calls or cooling down after another company. Try "
                       "again later, or see `pooldeskctl policy show`.")
                       .arg(context.companyName, environment));
}

} // namespace

Result<Allocation> Allocator::allocateOnce(const AllocationRequest &request) {
    if (m_prepareError)
        return *m_prepareError;
    AllocationRequest normalized = request;
    normalized.session = request.session.trimmed();
    normalized.operatorId = request.operatorId.trimmed();
    normalized.company = request.company.trimmed();
    if (!Identifiers::isValidSession(normalized.session))
        return makeError(Error::Code::InvalidInput,
                         QCoreApplication::translate(
                             "Allocator", "A session ID must be 1 to 200 characters, each an ASCII "
                                          "letter or digit or one of - _ . : @ + = ~"));
    if (!Identifiers::isValidName(normalized.operatorId))
        return makeError(Error::Code::InvalidInput,
                         QCoreApplication::translate("Allocator",
                                                     "An operator ID must be 1 to 200 characters of text "
                                                     "without control or invisible formatting characters."));
    if (normalized.company.isEmpty())
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

    m_q->refreshSettings(m_db);
    DestinationInfo destination;
    if (!request.to.trimmed().isEmpty()) {
        const auto callee = PhoneNumber::normalize(request.to);
        if (!callee)
            return makeError(Error::Code::InvalidInput,
                             QCoreApplication::translate(
                                 "Allocator", "The destination \"%1\" is not a phone number in international "
                                              "form: a + and the country code, then the number.")
                                 .arg(request.to.trimmed()));
        normalized.to = *callee;
        destination = destinationFor(*callee, m_q->policy, Clock::nowSecs());
        if (destination.outside)
            return refusal(
                RefusalReason::OutsideCallingHours,
                QCoreApplication::translate("Allocator",
                                            "It is %1 for %2 (%3), outside the calling hours %4. Call "
                                            "within them, or change them with `pooldeskctl policy set "
                                            "calling_hours`.")
                    .arg(destination.outside->localTime.toString(QStringLiteral("HH:mm")), *callee,
                         destination.outside->zone, m_q->policy.text(QStringLiteral("calling_hours"))));
    }
    Result<Allocation> outcome = m_db.isPostgreSql() ? allocateInOneCall(normalized, destination)
                                                     : allocateInTransaction(normalized, destination);
    if (!outcome && outcome.error().reason == RefusalReason::PoolExhausted && m_q->buyWhenExhausted &&
        m_provisioner &&
        m_provisioner->requestPurchase(request.environment,
                                       QStringLiteral("pool exhausted for %1").arg(normalized.company)))
        return refusal(
            RefusalReason::PurchasePending,
            QCoreApplication::translate(
                "Allocator",
                "No number is free in the %1 pool. A new number is being bought; try again in a moment.")
                .arg(request.environment));
    return outcome;
}

// SQLite: BEGIN IMMEDIATE serialises writers, so reading the context and taking a number in one
// transaction cannot race another process.
Result<Allocation> Allocator::allocateInTransaction(const AllocationRequest &request,
                                                    const DestinationInfo &destination) {
    Prepared &q = *m_q;
    Transaction transaction(m_db);
    if (auto begun = transaction.begin(); !begun)
        return begun.error();
    const qint64 now = Clock::nowSecs();
    const QString month = q.monthKey(now);
    if (auto ran = Sql::run(q.context, {request.session, request.session, month, month, request.company});
        !ran)
        return ran.error();
    if (!q.context.next()) {
        q.context.finish();
        return unknownCompany(request.company);
    }
    AllocationContext context = contextFrom(q.context);
    q.context.finish();
    if (context.sessionHeld)
        return resumed(q.existing, request.session, context);
    if (context.sessionEnded)
        return sessionEnded(request.session);

    if (context.earliestLease && *context.earliestLease < now) {
        auto reaped = reapExpiredLocked(now);
        if (!reaped)
            return reaped.error();
        if (reaped.value() > 0 && context.maxConcurrent) {
            auto recount = Sql::exec(m_db.connection(),
                                     QStringLiteral("SELECT COUNT(*) FROM reservations WHERE company_id = ?"),
                                     {context.companyId});
            if (!recount)
                return recount.error();
            recount.value().next();
            context.companyHeld = recount.value().value(0).toLongLong();
        }
    }
    if (auto refused = limitRefusal(context))
        return *refused;

    const bool sharedAllowed = context.plan != Plan::Enterprise;
    const int ttl = request.ttlSeconds.value_or(q.defaultLeaseSeconds);
    const PickInputs inputs{
        request.environment, context.companyId, sharedAllowed, q.perNumberConcurrency, now,
        destination,         q.policy};
    bindPick(q.take, q.takeStatement, inputs);
    if (!q.take.exec())
        return Sql::storageError(q.take);
    if (!q.take.next()) {
        q.take.finish();
        return noNumberTaken(q.passedOver, q.passedOverStatement, inputs, context);
    }
    Allocation allocation;
    allocation.numberId = q.take.value(0).toLongLong();
    allocation.e164 = q.take.value(1).toString();
    allocation.dedicated = !q.take.value(2).isNull();
    allocation.match = q.take.value(3).toString();
    q.take.finish();
    if (auto ran = Sql::run(q.insertReservation,
                            {request.session, allocation.numberId, context.companyId, request.operatorId, now,
                             now + ttl, Sql::nullText(destination.callee), Sql::nullText(allocation.match)});
        !ran)
        return ran.error();
    if (auto committed = transaction.commit(); !committed)
        return committed.error();
    allocation.session = request.session;
    allocation.company = context.companyName;
    allocation.companyId = context.companyId;
    allocation.leaseExpiresAt = Clock::fromSecs(now + ttl);
    return allocation;
}

// PostgreSQL: one autocommitted call of pooldesk_allocate (migration 008) locks the company, reads
// the context and takes a number, one network round trip where a transaction of statements took
// five. It takes nothing when the answer is not a plain yes; the reasons are decided here.
Result<Allocation> Allocator::allocateInOneCall(const AllocationRequest &request,
                                                const DestinationInfo &destination) {
    Prepared &q = *m_q;
    const int ttl = request.ttlSeconds.value_or(q.defaultLeaseSeconds);
    bool checkLeases = true;
    for (;;) {
        const qint64 now = Clock::nowSecs();
        const CallerPolicy &policy = q.policy;
        if (auto ran =
                Sql::run(q.pgAllocate,
                         {request.company, request.session, request.operatorId, request.environment,
                          q.perNumberConcurrency, now / 86400, q.monthKey(now), now, now + ttl, checkLeases,
                          Sql::nullText(destination.callee), stickySince(destination, policy, now),
                          Sql::nullText(destination.areaCode), Sql::nullText(destination.region),
                          policy.dailyCap, policy.hourlyCap, policy.minGapSeconds, policy.warmupDays,
                          qint64(policy.tenantCooldownDays) * 86400});
            !ran)
            return ran.error();
        if (!q.pgAllocate.next()) {
            q.pgAllocate.finish();
            return unknownCompany(request.company);
        }
        const AllocationContext context = contextFrom(q.pgAllocate);
        if (!q.pgAllocate.value(12).isNull()) {
            Allocation allocation;
            allocation.numberId = q.pgAllocate.value(12).toLongLong();
            allocation.e164 = q.pgAllocate.value(13).toString();
            allocation.dedicated = !q.pgAllocate.value(14).isNull();
            allocation.match = q.pgAllocate.value(15).toString();
            q.pgAllocate.finish();
            allocation.session = request.session;
            allocation.company = context.companyName;
            allocation.companyId = context.companyId;
            allocation.leaseExpiresAt = Clock::fromSecs(now + ttl);
            return allocation;
        }
        q.pgAllocate.finish();
        if (context.sessionHeld)
            return resumed(q.existing, request.session, context);
        if (context.sessionEnded)
            return sessionEnded(request.session);
        if (checkLeases && context.earliestLease && *context.earliestLease < now) {
            // A caller crashed holding a number: free expired leases, then ask again, once.
            if (auto reaped = reapExpired(); !reaped)
                return reaped.error();
            checkLeases = false;
            continue;
        }
        if (auto refused = limitRefusal(context))
            return *refused;
        const PickInputs inputs{request.environment,
                                context.companyId,
                                context.plan != Plan::Enterprise,
                                q.perNumberConcurrency,
                                now,
                                destination,
                                q.policy};
        return noNumberTaken(q.passedOver, q.passedOverStatement, inputs, context);
    }
}

// PostgreSQL breaks a lock cycle between concurrent transactions by aborting one of them; that
// one has changed nothing and is simply run again.
static bool isDeadlock(const Error &error) {
    return error.code == Error::Code::Storage && error.nativeCode == QLatin1String("40P01");
}

constexpr int DeadlockAttempts = 5;

Result<Allocation> Allocator::allocate(const AllocationRequest &request) {
    if (auto limited = m_rate->admit(request.company, Clock::nowUtc().toMSecsSinceEpoch() * 1000))
        return *limited;
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
    const QVariant scope = Sql::nullable(request.companyId);
    if (auto ran = Sql::run(q.deleteReservation, {session, scope, session, session}); !ran)
        return ran.error();
    if (!q.deleteReservation.next()) {
        q.deleteReservation.finish();
        return alreadyReleased({session, request.companyId});
    }
    CallRecord record;
    record.session = session;
    record.numberId = q.deleteReservation.value(0).toLongLong();
    record.companyId = q.deleteReservation.value(1).toLongLong();
    record.operatorId = q.deleteReservation.value(2).toString();
    const QString attachedSid = q.deleteReservation.value(3).toString();
    const QVariant callee = q.deleteReservation.value(4), pickMatch = q.deleteReservation.value(5);
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

    if (auto ran = Sql::run(q.updateNumberOnRelease,
                            {record.durationSeconds, record.billedMinutes, today, today, now / 3600,
                             now / 3600, now, record.companyId, record.numberId});
        !ran)
        return ran.error();
    q.updateNumberOnRelease.next();
    record.e164 = q.updateNumberOnRelease.value(0).toString();
    record.environment = q.updateNumberOnRelease.value(1).toString();
    q.updateNumberOnRelease.finish();
    if (auto ran =
            Sql::run(q.insertCallRecord,
                     {session, Sql::nullText(record.callSid), record.numberId, record.e164, record.companyId,
                      record.operatorId, toString(record.direction), now - record.durationSeconds, now,
                      record.durationSeconds, record.billedMinutes, record.estimatedCost,
                      Sql::nullable(record.twilioPrice), record.environment, callee, pickMatch,
                      Sql::nullText(request.outcome), Sql::nullable(request.sipCode)});
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
    if (auto ran = Sql::run(q.upsertUsage, {record.companyId, q.monthKey(now), record.billedMinutes,
                                            record.twilioPrice.value_or(record.estimatedCost)});
        !ran)
        return ran.error();
    q.upsertUsage.next();
    record.companyName = q.upsertUsage.value(0).toString();
    q.upsertUsage.finish();
    if (auto ran = Sql::run(q.upsertOperator, {record.companyId, record.operatorId, now}); !ran)
        return ran.error();
    // The callee saw this number: the next call to them is given it again (sticky caller ID).
    if (!callee.isNull()) {
        if (auto ran = Sql::run(q.upsertCallee,
                                {record.companyId, record.environment, callee, record.numberId, now});
            !ran)
            return ran.error();
    }
    if (auto committed = transaction.commit(); !committed)
        return committed.error();
    return Release{record, false};
}

namespace {

Error unknownSession(const QString &session) {
    return refusal(
        RefusalReason::UnknownSession,
        QCoreApplication::translate(
            "Allocator", "No number is held by the session \"%1\" (unknown session, or its lease expired).")
            .arg(session));
}

Error ambiguousSession(const QString &session) {
    return refusal(RefusalReason::AmbiguousSession,
                   QCoreApplication::translate("Allocator",
                                               "More than one company has a session named \"%1\". Name the "
                                               "company, or use an API key scoped to it.")
                       .arg(session));
}

// Unscoped, a name nothing matched may be one two companies use: say so rather than "unknown".
Result<bool> usedByTwoCompanies(Database &db, const QString &session) {
    auto query = Sql::exec(
        db.connection(),
        QStringLiteral("SELECT COUNT(*) FROM (SELECT company_id FROM reservations WHERE session = ? "
                       "UNION SELECT company_id FROM call_records WHERE session = ?) u"),
        {session, session});
    if (!query)
        return query.error();
    query.value().next();
    return query.value().value(0).toLongLong() > 1;
}

} // namespace

Result<Release> Allocator::alreadyReleased(const SessionRef &session) {
    Prepared &q = *m_q;
    if (auto ran = Sql::run(q.endedRecord, {session.session, Sql::nullable(session.companyId),
                                            session.session, session.session});
        !ran)
        return ran.error();
    if (q.endedRecord.next()) {
        Release repeated{callRecordFrom(q.endedRecord), true};
        q.endedRecord.finish();
        return repeated;
    }
    q.endedRecord.finish();
    if (!session.companyId) {
        auto ambiguous = usedByTwoCompanies(m_db, session.session);
        if (!ambiguous)
            return ambiguous.error();
        if (ambiguous.value())
            return ambiguousSession(session.session);
    }
    return unknownSession(session.session);
}

Result<qint64> Allocator::heldSessionCompany(const SessionRef &session) {
    auto query = Sql::exec(m_db.connection(),
                           QStringLiteral("SELECT company_id FROM reservations WHERE session = ? AND "
                                          "company_id = COALESCE(?, company_id) ORDER BY company_id LIMIT 2"),
                           {session.session, Sql::nullable(session.companyId)});
    if (!query)
        return query.error();
    if (!query.value().next())
        return unknownSession(session.session);
    const qint64 company = query.value().value(0).toLongLong();
    if (query.value().next())
        return ambiguousSession(session.session);
    return company;
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
    if (auto ran = Sql::run(q.pgRelease, {session,
                                          Sql::nullable(request.companyId),
                                          session,
                                          session,
                                          record.durationSeconds,
                                          record.billedMinutes,
                                          today,
                                          today,
                                          now / 3600,
                                          now / 3600,
                                          now,
                                          session,
                                          Sql::nullText(request.callSid),
                                          toString(record.direction),
                                          now - record.durationSeconds,
                                          now,
                                          record.durationSeconds,
                                          record.billedMinutes,
                                          record.estimatedCost,
                                          Sql::nullable(record.twilioPrice),
                                          Sql::nullText(request.outcome),
                                          Sql::nullable(request.sipCode),
                                          q.monthKey(now),
                                          record.billedMinutes,
                                          record.twilioPrice.value_or(record.estimatedCost),
                                          now,
                                          now});
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
        return alreadyReleased({session, request.companyId});
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

Result<QDateTime> Allocator::renew(const SessionRef &session, std::optional<int> ttlSeconds) {
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
    auto company = heldSessionCompany(session);
    if (!company)
        return company.error();
    const qint64 expires = Clock::nowSecs() + ttl;
    auto updated = Sql::exec(m_db.connection(),
                             QStringLiteral("UPDATE reservations SET lease_expires_at = ?, state = 'in_use' "
                                            "WHERE session = ? AND company_id = ?"),
                             {expires, session.session, company.value()});
    if (!updated)
        return updated.error();
    if (updated.value().numRowsAffected() < 1)
        return unknownSession(session.session);
    if (auto marked = Sql::exec(m_db.connection(),
                                QStringLiteral("UPDATE phone_numbers SET status = 'in_use' WHERE id = "
                                               "(SELECT number_id FROM reservations WHERE session = ? AND "
                                               "company_id = ?)"),
                                {session.session, company.value()});
        !marked)
        return marked.error();
    ChangeWatcher::notify(m_db);
    if (auto committed = transaction.commit(); !committed)
        return committed.error();
    return Clock::fromSecs(expires);
}

Status Allocator::attachCall(const SessionRef &session, const QString &callSid) {
    const QString sid = callSid.trimmed();
    if (sid.isEmpty())
        return makeError(Error::Code::InvalidInput,
                         QCoreApplication::translate("Allocator", "A Twilio call SID is required."));
    Transaction transaction(m_db);
    if (auto begun = transaction.begin(); !begun)
        return begun;
    auto company = heldSessionCompany(session);
    if (!company)
        return company.error();
    // Checked first rather than caught: on PostgreSQL a failed statement aborts the transaction.
    auto taken =
        Sql::exec(m_db.connection(),
                  QStringLiteral("SELECT 1 FROM reservations WHERE call_sid = ? AND NOT (session = ? "
                                 "AND company_id = ?)"),
                  {sid, session.session, company.value()});
    if (!taken)
        return taken.error();
    if (taken.value().next())
        return makeError(
            Error::Code::Conflict,
            QCoreApplication::translate("Allocator", "The call %1 is already attached to another session.")
                .arg(sid));
    taken.value().finish();
    auto updated = Sql::exec(m_db.connection(),
                             QStringLiteral("UPDATE reservations SET call_sid = ?, state = 'in_use' WHERE "
                                            "session = ? AND company_id = ?"),
                             {sid, session.session, company.value()});
    if (!updated)
        return updated.error();
    if (updated.value().numRowsAffected() < 1)
        return unknownSession(session.session);
    if (auto marked = Sql::exec(m_db.connection(),
                                QStringLiteral("UPDATE phone_numbers SET status = 'in_use' WHERE id = "
                                               "(SELECT number_id FROM reservations WHERE session = ? AND "
                                               "company_id = ?)"),
                                {session.session, company.value()});
        !marked)
        return marked.error();
    ChangeWatcher::notify(m_db);
    return transaction.commit();
}

Result<SessionRef> Allocator::sessionForCall(const QString &callSid, const QString &fromE164,
                                             std::optional<qint64> callStartedAt,
                                             const QString &environment) {
    if (!callSid.isEmpty()) {
        for (const QString &sql :
             {QStringLiteral("SELECT session, company_id FROM reservations WHERE call_sid = ?"),
              QStringLiteral("SELECT session, company_id FROM call_records WHERE call_sid = ?")}) {
            auto query = Sql::exec(m_db.connection(), sql, {callSid});
            if (!query)
                return query.error();
            if (query.value().next() && !query.value().value(0).isNull())
                return SessionRef{query.value().value(0).toString(),
                                  Sql::optionalInt(query.value().value(1))};
        }
    }
    if (!fromE164.isEmpty() && callStartedAt) {
        // Reserved strictly before the call started: a session that took the number once the
        // earlier call ended was reserved at or after that call's start.
        auto query =
            Sql::exec(m_db.connection(),
                      QStringLiteral(
                          "SELECT r.session, r.company_id FROM reservations r JOIN phone_numbers n ON n.id = "
                          "r.number_id WHERE n.e164 = ? AND n.environment = ? AND r.call_sid IS "
                          "NULL AND r.reserved_at < ? ORDER BY r.reserved_at, r.session LIMIT 2"),
                      {fromE164, environment, *callStartedAt});
        if (!query)
            return query.error();
        if (query.value().next()) {
            const SessionRef session{query.value().value(0).toString(), query.value().value(1).toLongLong()};
            if (!query.value().next())
                return session;
        }
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
                Sql::exec(m_db.connection(),
                          QStringLiteral("DELETE FROM reservations WHERE session = ? AND company_id = ?"),
                          {row.session, row.companyId});
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
