#include "twilio/CallIngest.h"

#include "domain/Clock.h"
#include "domain/Types.h"
#include "storage/Database.h"
#include "storage/Settings.h"
#include "storage/SqlHelpers.h"
#include "storage/SqliteHandle.h"
#include "twilio/TwilioTypes.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QJsonObject>
#include <QLoggingCategory>

#include <sqlite3.h>

Q_LOGGING_CATEGORY(lcCallIngest, "pooldesk.twilio.callingest")

namespace PoolDesk::Twilio {

namespace {

// Completed, busy, failed, no-answer or canceled: nothing about the call will change.
bool isFinalStatus(const QString &status) {
    return status == QLatin1String("completed") || status == QLatin1String("busy") ||
           status == QLatin1String("failed") || status == QLatin1String("no-answer") ||
           status == QLatin1String("canceled");
}

constexpr int Columns = 13;
const QString InsertColumns = QStringLiteral(
    "INSERT INTO call_records (call_sid, number_id, e164, company_id, direction, started_at, ended_at, "
    "duration_seconds, billed_minutes, estimated_cost_micros, twilio_price_micros, environment, outcome) "
    "VALUES ");
const QString InsertTuple = QStringLiteral("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
const QString OnConflict = QStringLiteral(" ON CONFLICT (call_sid) WHERE call_sid IS NOT NULL DO NOTHING");

Error sqliteError(sqlite3 *handle) {
    const QString detail = QString::fromUtf8(sqlite3_errmsg(handle));
    qCWarning(lcCallIngest) << "storing calls failed:" << detail;
    return makeError(Error::Code::Storage,
                     QCoreApplication::translate("Sql", "The database reported an error: %1").arg(detail));
}

int bindText(sqlite3_stmt *statement, int index, const QString &text) {
    // UTF-16 straight from the QString, which outlives the step (SQLITE_STATIC).
    return sqlite3_bind_text16(statement, index, text.utf16(), int(text.size() * sizeof(char16_t)),
                               SQLITE_STATIC);
}

} // namespace

void CallIngest::StatementDeleter::operator()(sqlite3_stmt *statement) const {
    sqlite3_finalize(statement);
}

CallIngest::CallIngest(Database &db, QString environment)
    : m_db(db)
    , m_environment(std::move(environment))
    , m_zone(Settings::billingZone(db)) {}

CallIngest::~CallIngest() {
    m_sqliteInserts.clear();
    if (m_savedAutoCheckpoint >= 0)
        (void)Sql::exec(m_db.connection(),
                        QStringLiteral("PRAGMA wal_autocheckpoint = %1").arg(m_savedAutoCheckpoint));
}

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
        // A sync writes call_records and its indexes at once: a 64 MB page cache keeps the
        // transaction from spilling pages to the WAL half-way (3x faster on large syncs).
        if (auto sized = Sql::exec(c, QStringLiteral("PRAGMA cache_size = -65536")); !sized)
            return sized.error();
        // Each batch rewrites pages spread over every index of call_records; copying them from the
        // WAL into the database after every batch (the default checkpoint at 4 MB of WAL, with its
        // fsyncs) costs as much again as storing them. Checkpoint every 64 MB while this sync runs.
        if (m_savedAutoCheckpoint < 0) {
            auto current = Sql::exec(c, QStringLiteral("PRAGMA wal_autocheckpoint"));
            if (!current)
                return current.error();
            const int saved = current.value().next() ? current.value().value(0).toInt() : 1000;
            // Only ever later: a connection that checkpoints elsewhere (0, or a larger threshold set
            // by a busy writer) keeps its setting.
            if (saved > 0 && saved < AutoCheckpointPages) {
                if (auto set = Sql::exec(
                        c, QStringLiteral("PRAGMA wal_autocheckpoint = %1").arg(AutoCheckpointPages));
                    !set)
                    return set.error();
                m_savedAutoCheckpoint = saved;
            }
        }
    }
    m_inserts.clear();
    m_sqliteInserts.clear();
    m_useSqliteApi = sqliteHandleOf(m_db) != nullptr;
    if (m_useSqliteApi) {
        m_environmentUtf8 = m_environment.toUtf8();
        if (auto full = sqliteStatement(RowsPerStatement); !full)
            return full.error();
    } else if (auto full = insertStatement(RowsPerStatement); !full) {
        return full.error();
    }
    m_price = QSqlQuery(c);
    m_numberUsage = QSqlQuery(c);
    m_companyUsage = QSqlQuery(c);
    m_unmatched = QSqlQuery(c);
    m_dropInserted = QSqlQuery(c);
    m_adopt = QSqlQuery(c);
    m_usageCost = QSqlQuery(c);
    // Each returns what the month's usage needs: the company, which month counted the call (the
    // pool counts a call in the month it ended, a sync in the month it started) and the estimate.
    if (!m_price.prepare(
            QStringLiteral("UPDATE call_records SET twilio_price_micros = ? WHERE call_sid = ? AND "
                           "twilio_price_micros IS NULL RETURNING company_id, session, started_at, ended_at, "
                           "estimated_cost_micros")))
        return Sql::storageError(m_price);
    if (!m_unmatched.prepare(
            QStringLiteral("SELECT id, e164, direction, started_at, duration_seconds FROM call_records WHERE "
                           "call_sid IS NULL AND environment = ? AND started_at BETWEEN ? AND ?")))
        return Sql::storageError(m_unmatched);
    if (!m_dropInserted.prepare(
            QStringLiteral("DELETE FROM call_records WHERE call_sid = ? AND session IS NULL")))
        return Sql::storageError(m_dropInserted);
    if (!m_adopt.prepare(
            QStringLiteral("UPDATE call_records SET call_sid = ?, twilio_price_micros = "
                           "COALESCE(twilio_price_micros, ?), outcome = COALESCE(outcome, ?) WHERE id "
                           "= ? AND call_sid IS NULL RETURNING company_id, session, started_at, "
                           "ended_at, estimated_cost_micros")))
        return Sql::storageError(m_adopt);
    if (!m_usageCost.prepare(QStringLiteral("UPDATE company_usage_months SET cost_micros = cost_micros + ? "
                                            "WHERE company_id = ? AND month = ?")))
        return Sql::storageError(m_usageCost);
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

QString CallIngest::insertSql(int rows) {
    QString sql = InsertColumns;
    sql.reserve(sql.size() + rows * (InsertTuple.size() + 2) + 100);
    for (int i = 0; i < rows; ++i) {
        if (i)
            sql += QLatin1String(", ");
        sql += InsertTuple;
    }
    // RETURNING lists the calls this statement added: the others were stored before.
    return sql + OnConflict + QLatin1String(" RETURNING call_sid");
}

Result<QSqlQuery *> CallIngest::insertStatement(int rows) {
    auto found = m_inserts.find(rows);
    if (found != m_inserts.end())
        return found->second.get();
    const QString sql = insertSql(rows);
    auto query = std::make_unique<QSqlQuery>(m_db.connection());
    if (!query->prepare(sql))
        return Sql::storageError(*query);
    QSqlQuery *raw = query.get();
    m_inserts.emplace(rows, std::move(query));
    return raw;
}

Result<sqlite3_stmt *> CallIngest::sqliteStatement(int rows) {
    auto &slot = m_sqliteInserts[rows];
    if (slot)
        return slot.get();
    sqlite3 *handle = sqliteHandleOf(m_db);
    const QByteArray sql = insertSql(rows).toUtf8();
    sqlite3_stmt *statement = nullptr;
    if (sqlite3_prepare_v3(handle, sql.constData(), int(sql.size()), SQLITE_PREPARE_PERSISTENT, &statement,
                           nullptr) != SQLITE_OK) {
        sqlite3_finalize(statement);
        m_sqliteInserts.erase(rows);
        return sqliteError(handle);
    }
    slot.reset(statement);
    return statement;
}

Status CallIngest::insertRowsSqlite(const Row *rows, int count, QList<bool> &inserted) {
    auto prepared = sqliteStatement(count);
    if (!prepared)
        return prepared.error();
    sqlite3_stmt *statement = prepared.value();
    sqlite3 *handle = sqlite3_db_handle(statement);
    int rc = SQLITE_OK;
    for (int i = 0; i < count && rc == SQLITE_OK; ++i) {
        const Row &r = rows[i];
        const int p = i * Columns;
        rc = bindText(statement, p + 1, r.sid);
        if (rc == SQLITE_OK)
            rc = r.number ? sqlite3_bind_int64(statement, p + 2, r.number->id)
                          : sqlite3_bind_null(statement, p + 2);
        if (rc == SQLITE_OK)
            rc = bindText(statement, p + 3, r.ours);
        if (rc == SQLITE_OK)
            rc = r.number && r.number->companyId ? sqlite3_bind_int64(statement, p + 4, r.number->companyId)
                                                 : sqlite3_bind_null(statement, p + 4);
        if (rc == SQLITE_OK)
            rc = sqlite3_bind_text(statement, p + 5, r.outbound ? "outbound" : "inbound", -1, SQLITE_STATIC);
        const qint64 integers[] = {r.start, r.end, r.duration, r.minutes, r.estimate};
        for (int c = 0; c < 5 && rc == SQLITE_OK; ++c)
            rc = sqlite3_bind_int64(statement, p + 6 + c, integers[c]);
        if (rc == SQLITE_OK)
            rc = r.price ? sqlite3_bind_int64(statement, p + 11, *r.price)
                         : sqlite3_bind_null(statement, p + 11);
        if (rc == SQLITE_OK)
            rc = sqlite3_bind_text(statement, p + 12, m_environmentUtf8.constData(),
                                   int(m_environmentUtf8.size()), SQLITE_STATIC);
        if (rc == SQLITE_OK)
            rc = bindText(statement, p + 13, r.outcome);
    }
    inserted.fill(false, count);
    // RETURNING gives the calls this statement added, in the order of the rows.
    int next = 0;
    while (rc == SQLITE_OK || rc == SQLITE_ROW) {
        rc = sqlite3_step(statement);
        if (rc != SQLITE_ROW)
            break;
        const QUtf8StringView sid(reinterpret_cast<const char *>(sqlite3_column_text(statement, 0)),
                                  sqlite3_column_bytes(statement, 0));
        int at = next;
        while (at < count && !QAnyStringView::equal(rows[at].sid, sid))
            ++at;
        if (at == count) { // not in row order: look from the start
            at = 0;
            while (at < count && (inserted.at(at) || !QAnyStringView::equal(rows[at].sid, sid)))
                ++at;
        }
        if (at < count) {
            inserted[at] = true;
            next = at + 1;
        }
    }
    if (rc != SQLITE_DONE) {
        const Error error = sqliteError(handle);
        sqlite3_reset(statement);
        return error;
    }
    sqlite3_reset(statement);
    return success();
}

Status CallIngest::insertRows(const Row *rows, int count, QList<bool> &inserted) {
    if (m_useSqliteApi)
        return insertRowsSqlite(rows, count, inserted);
    auto statement = insertStatement(count);
    if (!statement)
        return statement.error();
    QSqlQuery &q = *statement.value();
    const QVariant nullInt(QMetaType(QMetaType::LongLong));
    const QVariant environment(m_environment);
    const QVariant outbound(QStringLiteral("outbound")), inbound(QStringLiteral("inbound"));
    int p = 0;
    for (int i = 0; i < count; ++i) {
        const Row &r = rows[i];
        q.bindValue(p++, r.sid);
        q.bindValue(p++, r.number ? QVariant(r.number->id) : nullInt);
        q.bindValue(p++, r.ours);
        q.bindValue(p++, r.number && r.number->companyId ? QVariant(r.number->companyId) : nullInt);
        q.bindValue(p++, r.outbound ? outbound : inbound);
        q.bindValue(p++, r.start);
        q.bindValue(p++, r.end);
        q.bindValue(p++, r.duration);
        q.bindValue(p++, r.minutes);
        q.bindValue(p++, r.estimate);
        q.bindValue(p++, r.price ? QVariant(*r.price) : nullInt);
        q.bindValue(p++, environment);
        q.bindValue(p++, r.outcome);
    }
    if (!q.exec())
        return Sql::storageError(q);
    inserted.fill(false, count);
    // The returned SIDs come in the order of the rows (both engines insert VALUES in order); a
    // lookup covers any other order.
    int next = 0;
    QHash<QString, int> bySid;
    while (q.next()) {
        const QString sid = q.value(0).toString();
        while (next < count && rows[next].sid != sid)
            ++next;
        if (next < count) {
            inserted[next++] = true;
            continue;
        }
        if (bySid.isEmpty())
            for (int i = count - 1; i >= 0; --i)
                bySid.insert(rows[i].sid, i);
        if (const auto it = bySid.constFind(sid); it != bySid.constEnd())
            inserted[*it] = true;
    }
    q.finish();
    return success();
}

namespace {
QString matchKey(const QString &e164, bool outbound) {
    return e164 + (outbound ? QLatin1Char('>') : QLatin1Char('<'));
}
} // namespace

int CallIngest::monthNumber(qint64 secs) {
    if (secs < m_monthFrom || secs >= m_monthTo) {
        std::tie(m_monthFrom, m_monthTo) = m_zone.monthHolding(secs);
        const QDate day = m_zone.date(secs);
        m_month = day.year() * 100 + day.month();
    }
    return m_month;
}

Result<QHash<QString, QList<CallIngest::Unmatched>>> CallIngest::unmatchedAround(const QList<Row> &rows) {
    QHash<QString, QList<Unmatched>> unmatched;
    if (rows.isEmpty())
        return unmatched;
    qint64 from = rows.constFirst().start, to = from;
    for (const Row &r : rows) {
        from = std::min(from, r.start);
        to = std::max(to, r.start);
    }
    if (auto ran = Sql::run(m_unmatched, {m_environment, from - MatchStartSeconds, to + MatchStartSeconds});
        !ran)
        return ran.error();
    while (m_unmatched.next())
        unmatched[matchKey(m_unmatched.value(1).toString(),
                           m_unmatched.value(2).toString() == QLatin1String("outbound"))]
            .append({m_unmatched.value(0).toLongLong(), m_unmatched.value(3).toLongLong(),
                     m_unmatched.value(4).toLongLong()});
    m_unmatched.finish();
    return unmatched;
}

CallIngest::Unmatched *CallIngest::bestMatch(QHash<QString, QList<Unmatched>> &unmatched, const Row &row) {
    auto found = unmatched.find(matchKey(row.ours, row.outbound));
    if (found == unmatched.end())
        return nullptr;
    Unmatched *best = nullptr;
    for (Unmatched &candidate : *found) {
        if (candidate.taken || std::abs(candidate.start - row.start) > MatchStartSeconds ||
            std::abs(candidate.duration - row.duration) > MatchDurationSeconds)
            continue;
        if (!best || std::abs(candidate.start - row.start) < std::abs(best->start - row.start))
            best = &candidate;
    }
    return best;
}

Result<bool> CallIngest::chargePrice(QSqlQuery &returned, Micros price) {
    if (!returned.next()) {
        returned.finish();
        return false;
    }
    const bool hasCompany = !returned.value(0).isNull();
    const qint64 company = returned.value(0).toLongLong();
    const bool pool = !returned.value(1).isNull();
    const QString month =
        m_zone.monthKey(pool ? returned.value(3).toLongLong() : returned.value(2).toLongLong());
    const Micros estimate = returned.value(4).toLongLong();
    returned.finish();
    if (hasCompany && price != estimate)
        if (auto ran = Sql::run(m_usageCost, {price - estimate, company, month}); !ran)
            return ran.error();
    return true;
}

Status CallIngest::adopt(const Row &row, qint64 recordId) {
    if (auto ran = Sql::run(m_dropInserted, {row.sid}); !ran)
        return ran;
    if (auto ran = Sql::run(
            m_adopt, {row.sid, row.price ? QVariant(*row.price) : QVariant(QMetaType(QMetaType::LongLong)),
                      row.outcome, recordId});
        !ran)
        return ran;
    // The pool counted the call with its estimate (or a price it was given) when it ended.
    if (!row.price) {
        m_adopt.finish();
        return success();
    }
    if (auto charged = chargePrice(m_adopt, *row.price); !charged)
        return charged.error();
    return success();
}

Result<IngestStats> CallIngest::ingest(const QJsonArray &calls) {
    IngestStats stats;
    QList<Row> rows;
    rows.reserve(calls.size());
    for (const QJsonValue &value : calls) {
        const auto entry = Json::callEntry(value.toObject());
        if (!entry)
            continue;
        Row row;
        row.sid = entry->sid;
        row.start = entry->start;
        row.outcome = entry->status;
        if (!isFinalStatus(row.outcome)) {
            ++stats.pending;
            if (!stats.oldestPendingStart || row.start < stats.oldestPendingStart)
                stats.oldestPendingStart = row.start;
            continue;
        }
        stats.newestFinalStart = std::max(stats.newestFinalStart, row.start);
        row.outbound = entry->outbound;
        row.ours = entry->ours;
        const auto number = m_numbers.constFind(row.ours);
        row.number = number != m_numbers.constEnd() ? &number.value() : nullptr;
        row.duration = entry->duration;
        row.minutes = billedMinutesFor(row.duration);
        row.estimate =
            m_tariff.callCost(row.outbound ? Direction::Outbound : Direction::Inbound, row.minutes);
        row.end = entry->end;
        row.price = entry->price;
        if (row.number && row.number->companyId)
            row.month = monthNumber(row.start);
        rows.append(std::move(row));
    }

    auto unmatched = unmatchedAround(rows);
    if (!unmatched)
        return unmatched.error();
    QHash<qint64, NumberTotals> numberTotals;
    std::map<std::pair<qint64, int>, CompanyTotals> companyTotals;
    QList<bool> inserted;
    for (qsizetype first = 0; first < rows.size(); first += RowsPerStatement) {
        const int count = int(std::min<qsizetype>(RowsPerStatement, rows.size() - first));
        if (auto stored = insertRows(rows.constData() + first, count, inserted); !stored)
            return stored.error();
        for (int i = 0; i < count; ++i) {
            const Row &r = rows.at(first + i);
            if (inserted.at(i)) {
                if (Unmatched *same = unmatched->isEmpty() ? nullptr : bestMatch(unmatched.value(), r)) {
                    same->taken = true;
                    if (auto adopted = adopt(r, same->id); !adopted)
                        return adopted.error();
                    ++stats.matched;
                    continue;
                }
                ++stats.added;
                if (!r.number)
                    continue;
                NumberTotals &t = numberTotals[r.number->id];
                ++t.calls;
                t.seconds += r.duration;
                t.minutes += r.minutes;
                t.lastUsed = std::max(t.lastUsed, r.end);
                if (r.number->companyId) {
                    CompanyTotals &c = companyTotals[{r.number->companyId, r.month}];
                    ++c.calls;
                    c.minutes += r.minutes;
                    c.cost += r.price.value_or(r.estimate);
                }
            } else if (r.price) {
                if (auto ran = Sql::run(m_price, {*r.price, r.sid}); !ran)
                    return ran.error();
                auto charged = chargePrice(m_price, *r.price);
                if (!charged)
                    return charged.error();
                ++(charged.value() ? stats.priced : stats.unchanged);
            } else {
                ++stats.unchanged;
            }
        }
    }
    for (auto it = numberTotals.cbegin(); it != numberTotals.cend(); ++it)
        if (auto ran = Sql::run(m_numberUsage,
                                {it->calls, it->seconds, it->minutes, it->lastUsed, it->lastUsed, it.key()});
            !ran)
            return ran.error();
    for (const auto &[key, totals] : companyTotals) {
        const QString month = QStringLiteral("%1-%2")
                                  .arg(key.second / 100, 4, 10, QLatin1Char('0'))
                                  .arg(key.second % 100, 2, 10, QLatin1Char('0'));
        if (auto ran =
                Sql::run(m_companyUsage, {key.first, month, totals.calls, totals.minutes, totals.cost});
            !ran)
            return ran.error();
    }
    return stats;
}

} // namespace PoolDesk::Twilio
