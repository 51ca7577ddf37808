#include "twilio/CallIngest.h"

#include "domain/Clock.h"
#include "domain/Types.h"
#include "storage/Database.h"
#include "storage/SqlHelpers.h"
#include "twilio/TwilioTypes.h"

#include <QJsonObject>
#include <QMap>

namespace PoolDesk::Twilio {

CallIngest::CallIngest(Database &db, QString environment)
    : m_db(db)
    , m_environment(std::move(environment)) {}

Status CallIngest::prepare() {
    auto tariff = Tariffs::load(m_db);
    if (!tariff)
        return tariff.error();
    m_tariff = tariff.value();
    auto numbers = Sql::exec(m_db.connection(),
                             QStringLiteral("SELECT e164, id, dedicated_company_id FROM phone_numbers WHERE "
                                            "environment = ?"),
                             {m_environment});
    if (!numbers)
        return numbers.error();
    m_numbers.clear();
    while (numbers.value().next())
        m_numbers.insert(numbers.value().value(0).toString(),
                         {numbers.value().value(1).toLongLong(), numbers.value().value(2).toLongLong()});

    QSqlDatabase &c = m_db.connection();
    if (m_db.isSqlite()) {
        // A sync writes call_records and its five indexes at once: a 64 MB page cache keeps the
        // transaction from spilling pages to the WAL half-way (3x faster on large syncs).
        if (auto sized = Sql::exec(c, QStringLiteral("PRAGMA cache_size = -65536")); !sized)
            return sized.error();
    }
    m_insert = QSqlQuery(c);
    m_price = QSqlQuery(c);
    m_numberUsage = QSqlQuery(c);
    m_companyUsage = QSqlQuery(c);
    if (!m_insert.prepare(QStringLiteral(
            "INSERT INTO call_records (call_sid, number_id, e164, company_id, direction, started_at, "
            "ended_at, "
            "duration_seconds, billed_minutes, estimated_cost_micros, twilio_price_micros, environment) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (call_sid) WHERE call_sid IS NOT NULL DO NOTHING")))
        return Sql::storageError(m_insert);
    if (!m_price.prepare(
            QStringLiteral("UPDATE call_records SET twilio_price_micros = ? WHERE call_sid = ? AND "
                           "twilio_price_micros IS NULL")))
        return Sql::storageError(m_price);
    if (!m_numberUsage.prepare(QStringLiteral(
            "UPDATE phone_numbers SET total_calls = total_calls + ?, total_seconds = total_seconds + ?, "
            "total_minutes = total_minutes + ?, last_used_at = CASE WHEN last_used_at IS NULL OR "
            "last_used_at < ? "
            "THEN ? ELSE last_used_at END WHERE id = ?")))
        return Sql::storageError(m_numberUsage);
    if (!m_companyUsage.prepare(QStringLiteral(
            "INSERT INTO company_usage_months (company_id, month, calls, billed_minutes, cost_micros) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (company_id, month) DO UPDATE SET "
            "calls = company_usage_months.calls + excluded.calls, "
            "billed_minutes = company_usage_months.billed_minutes + excluded.billed_minutes, "
            "cost_micros = company_usage_months.cost_micros + excluded.cost_micros")))
        return Sql::storageError(m_companyUsage);
    return success();
}

Result<IngestStats> CallIngest::ingest(const QJsonArray &calls) {
    IngestStats stats;
    struct NumberTotals {
        qint64 calls = 0, seconds = 0, minutes = 0, lastUsed = 0;
    };
    struct CompanyTotals {
        qint64 calls = 0, minutes = 0, cost = 0;
    };
    QHash<qint64, NumberTotals> numberTotals;
    QMap<std::pair<qint64, QString>, CompanyTotals> companyTotals;
    const QVariant nullInt(QMetaType(QMetaType::LongLong));

    for (const QJsonValue &value : calls) {
        const CallInfo call = Json::call(value.toObject());
        if (call.sid.isEmpty() || !call.startTime.isValid())
            continue;
        const qint64 start = call.startTime.toSecsSinceEpoch();
        if (!call.isFinal()) {
            ++stats.pending;
            if (!stats.oldestPendingStart || start < stats.oldestPendingStart)
                stats.oldestPendingStart = start;
            continue;
        }
        stats.newestFinalStart = std::max(stats.newestFinalStart, start);
        const bool outbound = call.isOutbound();
        const QString &ours = outbound ? call.from : call.to;
        const auto number = m_numbers.constFind(ours);
        const bool known = number != m_numbers.constEnd();
        const qint64 minutes = billedMinutesFor(call.durationSeconds);
        const Micros estimate =
            m_tariff.callCost(outbound ? Direction::Outbound : Direction::Inbound, minutes);
        const qint64 end =
            call.endTime.isValid() ? call.endTime.toSecsSinceEpoch() : start + call.durationSeconds;
        const qint64 companyId = known ? number->companyId : 0; // 0: shared or unknown number
        if (auto ran = Sql::run(m_insert, {call.sid, known ? QVariant(number->id) : nullInt, ours,
                                           companyId ? QVariant(companyId) : nullInt,
                                           outbound ? QStringLiteral("outbound") : QStringLiteral("inbound"),
                                           start, end, call.durationSeconds, minutes, estimate,
                                           Sql::nullable(call.price), m_environment});
            !ran)
            return ran.error();
        if (m_insert.numRowsAffected() > 0) {
            ++stats.added;
            if (known) {
                NumberTotals &t = numberTotals[number->id];
                ++t.calls;
                t.seconds += call.durationSeconds;
                t.minutes += minutes;
                t.lastUsed = std::max(t.lastUsed, end);
                if (companyId) {
                    CompanyTotals &c =
                        companyTotals[{companyId, call.startTime.toString(QStringLiteral("yyyy-MM"))}];
                    ++c.calls;
                    c.minutes += minutes;
                    c.cost += call.price.value_or(estimate);
                }
            }
        } else if (call.price) {
            if (auto ran = Sql::run(m_price, {*call.price, call.sid}); !ran)
                return ran.error();
            if (m_price.numRowsAffected() > 0)
                ++stats.priced;
            else
                ++stats.unchanged;
        } else {
            ++stats.unchanged;
        }
    }
    for (auto it = numberTotals.cbegin(); it != numberTotals.cend(); ++it)
        if (auto ran = Sql::run(m_numberUsage,
                                {it->calls, it->seconds, it->minutes, it->lastUsed, it->lastUsed, it.key()});
            !ran)
            return ran.error();
    for (auto it = companyTotals.cbegin(); it != companyTotals.cend(); ++it)
        if (auto ran =
                Sql::run(m_companyUsage, {it.key().first, it.key().second, it->calls, it->minutes, it->cost});
            !ran)
            return ran.error();
    return stats;
}

} // namespace PoolDesk::Twilio
