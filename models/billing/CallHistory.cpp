#include "billing/CallHistory.h"

#include "domain/Money.h"
#include "storage/Database.h"
#include "storage/SqlHelpers.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QHash>
#include <QSqlQuery>

#include <limits>

namespace PoolDesk::CallHistory {

namespace {

const QString SelectColumns = QStringLiteral(
    "SELECT cr.id, cr.started_at, cr.ended_at, cr.company_id, c.name, cr.number_id, cr.e164, cr.operator, "
    "cr.direction, cr.duration_seconds, cr.billed_minutes, cr.estimated_cost_micros, cr.twilio_price_micros, "
    "cr.environment, cr.session, cr.call_sid FROM call_records cr LEFT JOIN companies c ON c.id = "
    "cr.company_id "
    "WHERE 1 = 1");

void appendFilter(const CallFilter &filter, QString &sql, QVariantList &bindings) {
    if (filter.companyId) {
        sql += QStringLiteral(" AND cr.company_id = ?");
        bindings << *filter.companyId;
    }
    if (!filter.e164.isEmpty()) {
        sql += QStringLiteral(" AND cr.e164 = ?");
        bindings << filter.e164;
    }
    if (!filter.operatorId.isEmpty()) {
        sql += QStringLiteral(" AND COALESCE(cr.operator, '') = ?");
        bindings << filter.operatorId;
    }
    if (filter.direction) {
        sql += QStringLiteral(" AND cr.direction = ?");
        bindings << toString(*filter.direction);
    }
    if (filter.fromSecs) {
        sql += QStringLiteral(" AND cr.started_at >= ?");
        bindings << *filter.fromSecs;
    }
    if (filter.toSecs) {
        sql += QStringLiteral(" AND cr.started_at < ?");
        bindings << *filter.toSecs;
    }
    if (!filter.environment.isEmpty()) {
        sql += QStringLiteral(" AND cr.environment = ?");
        bindings << filter.environment;
    }
}

// The sort key's SQL expressions (the row id follows them) and the same values from a row.
QStringList keyExpressions(CallSort sort) {
    switch (sort) {
    case CallSort::StartedAt:
    case CallSort::Company:
        return {QStringLiteral("cr.started_at")};
    case CallSort::Number:
        return {QStringLiteral("cr.e164"), QStringLiteral("cr.started_at")};
    case CallSort::Operator:
        return {QStringLiteral("COALESCE(cr.operator, '')"), QStringLiteral("cr.started_at")};
    case CallSort::Direction:
        return {QStringLiteral("cr.direction"), QStringLiteral("cr.started_at")};
    case CallSort::Duration:
        return {QStringLiteral("cr.duration_seconds")};
    case CallSort::Cost:
        return {QStringLiteral("cr.estimated_cost_micros")};
    case CallSort::TwilioPrice:
        return {QStringLiteral("COALESCE(cr.twilio_price_micros, -1)")};
    case CallSort::Environment:
        return {QStringLiteral("cr.environment"), QStringLiteral("cr.started_at")};
    }
    return {QStringLiteral("cr.started_at")};
}

QVariantList keyValues(CallSort sort, const CallRow &row) {
    QVariantList values;
    switch (sort) {
    case CallSort::StartedAt:
    case CallSort::Company:
        values = {row.startedAt};
        break;
    case CallSort::Number:
        values = {row.e164, row.startedAt};
        break;
    case CallSort::Operator:
        values = {row.operatorId, row.startedAt};
        break;
    case CallSort::Direction:
        values = {toString(row.direction), row.startedAt};
        break;
    case CallSort::Duration:
        values = {row.durationSeconds};
        break;
    case CallSort::Cost:
        values = {row.estimatedCost};
        break;
    case CallSort::TwilioPrice:
        values = {row.twilioPrice.value_or(-1)};
        break;
    case CallSort::Environment:
        values = {row.environment, row.startedAt};
        break;
    }
    values << row.id;
    return values;
}

CallRow rowFrom(const QSqlQuery &query, QHash<qint64, QString> &names) {
    CallRow row;
    row.id = query.value(0).toLongLong();
    row.startedAt = query.value(1).toLongLong();
    row.endedAt = query.value(2).toLongLong();
    row.companyId = Sql::optionalInt(query.value(3));
    if (row.companyId) {
        // One shared string per company keeps a large page small.
        auto it = names.find(*row.companyId);
        if (it == names.end())
            it = names.insert(*row.companyId, query.value(4).toString());
        row.companyName = it.value();
    }
    row.numberId = Sql::optionalInt(query.value(5));
    row.e164 = query.value(6).toString();
    row.operatorId = query.value(7).toString();
    row.direction = directionFromString(query.value(8).toString()).value_or(Direction::Outbound);
    row.durationSeconds = query.value(9).toLongLong();
    row.billedMinutes = query.value(10).toLongLong();
    row.estimatedCost = query.value(11).toLongLong();
    row.twilioPrice = Sql::optionalInt(query.value(12));
    row.environment = query.value(13).toString();
    row.session = query.value(14).toString();
    row.callSid = query.value(15).toString();
    return row;
}

Result<QList<CallRow>> runRows(Database &db, const QString &sql, const QVariantList &bindings) {
    QSqlQuery query(db.connection());
    query.setForwardOnly(true);
    if (!query.prepare(sql))
        return Sql::storageError(query);
    for (const QVariant &value : bindings)
        query.addBindValue(value);
    if (!query.exec())
        return Sql::storageError(query);
    QList<CallRow> rows;
    QHash<qint64, QString> names;
    while (query.next())
        rows.append(rowFrom(query, names));
    return rows;
}

// One keyset step: rows after `key` (empty: from the start) in the order, with an extra condition.
Result<QList<CallRow>> keysetRows(Database &db, const CallFilter &filter, CallSort sort, Qt::SortOrder order,
                                  const QVariantList &key, const QString &extraCondition,
                                  const QVariantList &extraBindings, int limit) {
    QString sql = SelectColumns;
    QVariantList bindings;
    appendFilter(filter, sql, bindings);
    sql += extraCondition;
    bindings += extraBindings;
    QStringList keys = keyExpressions(sort);
    keys << QStringLiteral("cr.id");
    const bool descending = order == Qt::DescendingOrder;
    if (!key.isEmpty()) {
        QStringList marks;
        for (int i = 0; i < keys.size(); ++i)
            marks << QStringLiteral("?");
        sql += QStringLiteral(" AND (") + keys.join(QStringLiteral(", ")) +
               (descending ? QStringLiteral(") < (") : QStringLiteral(") > (")) +
               marks.join(QStringLiteral(", ")) + QStringLiteral(")");
        bindings += key;
    }
    const QString direction = descending ? QStringLiteral(" DESC") : QStringLiteral(" ASC");
    sql += QStringLiteral(" ORDER BY ") + keys.join(direction + QStringLiteral(", ")) + direction +
           QStringLiteral(" LIMIT ") + QString::number(limit);
    return runRows(db, sql, bindings);
}

// Companies in name order for the company sort (a NULL id stands for calls of deleted companies).
Result<QList<std::optional<qint64>>> companyOrder(Database &db, const CallFilter &filter,
                                                  Qt::SortOrder order) {
    QList<std::optional<qint64>> ids;
    if (filter.companyId) {
        ids.append(filter.companyId);
        return ids;
    }
    QSqlQuery query(db.connection());
    query.setForwardOnly(true);
    if (!query.exec(QStringLiteral("SELECT id FROM companies ORDER BY name, id")))
        return Sql::storageError(query);
    while (query.next())
        ids.append(query.value(0).toLongLong());
    ids.append(std::nullopt);
    if (order == Qt::DescendingOrder)
        std::reverse(ids.begin(), ids.end());
    return ids;
}

} // namespace

Result<CallPage> page(Database &db, const CallFilter &filter, CallSort sort, Qt::SortOrder order,
                      const CallCursor &cursor, int limit) {
    limit = std::max(1, limit);
    CallPage result;
    if (sort != CallSort::Company) {
        auto rows = keysetRows(db, filter, sort, order, cursor.atStart ? QVariantList() : cursor.key,
                               QString(), {}, limit);
        if (!rows)
            return rows.error();
        result.rows = std::move(rows).value();
        result.atEnd = result.rows.size() < limit;
        result.next = cursor;
        if (!result.rows.isEmpty()) {
            result.next.atStart = false;
            result.next.key = keyValues(sort, result.rows.constLast());
        }
        return result;
    }
    auto companies = companyOrder(db, filter, order);
    if (!companies)
        return companies.error();
    CallCursor next = cursor;
    if (next.atStart) {
        next.companyIndex = 0;
        next.key.clear();
    }
    next.atStart = false;
    while (result.rows.size() < limit && next.companyIndex < companies->size()) {
        const std::optional<qint64> company = companies->at(next.companyIndex);
        const QString condition =
            company ? QStringLiteral(" AND cr.company_id = ?") : QStringLiteral(" AND cr.company_id IS NULL");
        const QVariantList bindings = company ? QVariantList{*company} : QVariantList{};
        const int wanted = limit - static_cast<int>(result.rows.size());
        auto rows = keysetRows(db, filter, sort, order, next.key, condition, bindings, wanted);
        if (!rows)
            return rows.error();
        result.rows += rows.value();
        if (rows->size() < wanted) {
            ++next.companyIndex;
            next.key.clear();
        } else {
            next.key = keyValues(sort, rows->constLast());
        }
    }
    result.atEnd = next.companyIndex >= companies->size();
    result.next = next;
    return result;
}

Result<QList<CallRow>> newerThan(Database &db, const CallFilter &filter, qint64 startedAt, qint64 id,
                                 int limit) {
    QString sql = SelectColumns;
    QVariantList bindings;
    appendFilter(filter, sql, bindings);
    sql += QStringLiteral(
               " AND (cr.started_at, cr.id) > (?, ?) ORDER BY cr.started_at DESC, cr.id DESC LIMIT ") +
           QString::number(limit);
    bindings << startedAt << id;
    return runRows(db, sql, bindings);
}

Result<qint64> count(Database &db, const CallFilter &filter) {
    QString sql = QStringLiteral("SELECT COUNT(*) FROM call_records cr WHERE 1 = 1");
    QVariantList bindings;
    appendFilter(filter, sql, bindings);
    QSqlQuery query(db.connection());
    query.setForwardOnly(true);
    if (!query.prepare(sql))
        return Sql::storageError(query);
    for (const QVariant &value : bindings)
        query.addBindValue(value);
    if (!query.exec() || !query.next())
        return Sql::storageError(query);
    return query.value(0).toLongLong();
}

Result<CallSummary> summary(Database &db, const CallFilter &filter) {
    QString sql = QStringLiteral(
        "SELECT COUNT(*), COALESCE(SUM(cr.billed_minutes), 0), COALESCE(SUM(cr.duration_seconds), 0), "
        "COALESCE(SUM(COALESCE(cr.twilio_price_micros, cr.estimated_cost_micros)), 0), "
        "COALESCE(SUM(cr.estimated_cost_micros), 0), COALESCE(SUM(CASE WHEN cr.twilio_price_micros IS NULL "
        "THEN 0 "
        "ELSE 1 END), 0) FROM call_records cr WHERE 1 = 1");
    QVariantList bindings;
    appendFilter(filter, sql, bindings);
    QSqlQuery query(db.connection());
    query.setForwardOnly(true);
    if (!query.prepare(sql))
        return Sql::storageError(query);
    for (const QVariant &value : bindings)
        query.addBindValue(value);
    if (!query.exec() || !query.next())
        return Sql::storageError(query);
    CallSummary result;
    result.calls = query.value(0).toLongLong();
    result.billedMinutes = query.value(1).toLongLong();
    result.durationSeconds = query.value(2).toLongLong();
    result.cost = query.value(3).toLongLong();
    result.estimated = query.value(4).toLongLong();
    result.twilioPricedCalls = query.value(5).toLongLong();
    return result;
}

QStringList csvHeader() {
    return {QCoreApplication::translate("CallHistory", "Started"),
            QCoreApplication::translate("CallHistory", "Ended"),
            QCoreApplication::translate("CallHistory", "Company"),
            QCoreApplication::translate("CallHistory", "Number"),
            QCoreApplication::translate("CallHistory", "Operator"),
            QCoreApplication::translate("CallHistory", "Direction"),
            QCoreApplication::translate("CallHistory", "Duration (s)"),
            QCoreApplication::translate("CallHistory", "Billed minutes"),
            QCoreApplication::translate("CallHistory", "Cost (USD)"),
            QCoreApplication::translate("CallHistory", "Price source"),
            QCoreApplication::translate("CallHistory", "Estimate (USD)"),
            QCoreApplication::translate("CallHistory", "Twilio price (USD)"),
            QCoreApplication::translate("CallHistory", "Environment"),
            QCoreApplication::translate("CallHistory", "Session"),
            QCoreApplication::translate("CallHistory", "Call SID")};
}

namespace {
// ISO 8601 in local time with its UTC offset ("2026-03-01T09:30:00+09:00"): what the console shows,
// and unambiguous. The offset is looked up once per hour of timestamps, not per cell.
class IsoLocal {
public:
    QString operator()(qint64 secs) {
        const qint64 hour = secs / 3600;
        if (hour != m_hour) {
            m_hour = hour;
            m_offset = QDateTime::fromSecsSinceEpoch(secs).offsetFromUtc();
            m_offsetText = QDateTime::fromSecsSinceEpoch(secs, Qt::OffsetFromUTC, m_offset)
                               .toString(Qt::ISODate)
                               .mid(19); // "Z" or "+09:00"
        }
        const qint64 local = secs + m_offset;
        const qint64 day = local >= 0 ? local / 86400 : (local - 86399) / 86400;
        if (day != m_day) {
            m_day = day;
            m_dayText = QDateTime::fromSecsSinceEpoch(day * 86400, Qt::UTC).date().toString(Qt::ISODate) +
                        QLatin1Char('T');
        }
        const int seconds = static_cast<int>(local - day * 86400);
        char clock[9] = {char('0' + seconds / 36000),      char('0' + seconds / 3600 % 10), ':',
                         char('0' + seconds % 3600 / 600), char('0' + seconds % 600 / 60),  ':',
                         char('0' + seconds % 60 / 10),    char('0' + seconds % 10),        '\0'};
        return m_dayText + QLatin1String(clock, 8) + m_offsetText;
    }

private:
    qint64 m_hour = std::numeric_limits<qint64>::min();
    qint64 m_day = std::numeric_limits<qint64>::min();
    int m_offset = 0;
    QString m_offsetText;
    QString m_dayText;
};
} // namespace

Result<qint64> exportCsv(Database &db, const CallFilter &filter, QIODevice &device,
                         const ExportOptions &options, const std::function<void(qint64, qint64)> &progress,
                         const std::atomic<bool> *cancel) {
    qint64 total = -1;
    if (progress) {
        auto counted = count(db, filter);
        if (!counted)
            return counted.error();
        total = counted.value();
        progress(0, total);
    }
    CsvWriter writer(device, options.csv);
    writer.writeRow(csvHeader());
    CallCursor cursor;
    IsoLocal isoLocal;
    qint64 written = 0;
    const QString sourceTwilio = QStringLiteral("twilio");
    const QString sourceEstimate = QStringLiteral("estimate");
    for (;;) {
        if (cancel && cancel->load())
            return makeError(Error::Code::Cancelled,
                             QCoreApplication::translate("CallHistory", "The export was cancelled."));
        auto next = page(db, filter, options.sort, options.order, cursor, options.pageSize);
        if (!next)
            return next.error();
        for (const CallRow &row : next->rows) {
            writer.addText(isoLocal(row.startedAt));
            writer.addText(isoLocal(row.endedAt));
            writer.addText(row.companyName);
            writer.addText(row.e164);
            writer.addText(row.operatorId);
            writer.addText(toString(row.direction));
            writer.addNumber(row.durationSeconds);
            writer.addNumber(row.billedMinutes);
            writer.addNumber(Money::toPlainString(row.twilioPrice.value_or(row.estimatedCost), 6));
            writer.addText(row.twilioPrice ? sourceTwilio : sourceEstimate);
            writer.addNumber(Money::toPlainString(row.estimatedCost, 6));
            writer.addNumber(row.twilioPrice ? Money::toPlainString(*row.twilioPrice, 6) : QString());
            writer.addText(row.environment);
            writer.addText(row.session);
            writer.addText(row.callSid);
            if (!writer.endRow())
                break;
        }
        written += next->rows.size();
        if (writer.failed())
            break;
        if (progress)
            progress(written, total);
        if (next->atEnd)
            break;
        cursor = next->next;
    }
    if (!writer.flush())
        return makeError(
            Error::Code::Storage,
            QCoreApplication::translate(
                "CallHistory",
                "Writing the CSV file failed: %1. Check the free space and that the file is writable.")
                .arg(device.errorString()));
    return written;
}

} // namespace PoolDesk::CallHistory
