#include "billing/UsageSeries.h"

#include "billing/ZoneDays.h"
#include "storage/Database.h"
#include "storage/Settings.h"
#include "storage/SqlHelpers.h"

#include <QCoreApplication>
#include <QSqlQuery>

#include <algorithm>

namespace PoolDesk::UsageSeries {

namespace {

Error badRange() {
    return makeError(Error::Code::InvalidInput,
                     QCoreApplication::translate("UsageSeries", "The period must end after it starts."));
}

Result<QSqlQuery> run(Database &db, const QString &sql, const QVariantList &bindings) {
    QSqlQuery query(db.connection());
    query.setForwardOnly(true);
    if (!query.prepare(sql))
        return Sql::storageError(query);
    for (const QVariant &value : bindings)
        query.addBindValue(value);
    if (!query.exec())
        return Sql::storageError(query);
    return query;
}

} // namespace

Result<ConcurrencySeries> concurrency(Database &db, qint64 fromSecs, qint64 toSecs,
                                      const QString &environment, bool sharedOnly) {
    if (toSecs <= fromSecs)
        return badRange();
    const qint64 firstHour = fromSecs / 3600;
    const qint64 lastHour = (toSecs - 1) / 3600;
    ConcurrencySeries series;
    series.threshold = static_cast<int>(Settings::intValue(db, SettingKeys::MinAvailableThreshold, 2));
    {
        QString sql = QStringLiteral("SELECT COUNT(*) FROM phone_numbers WHERE dedicated_company_id IS NULL");
        QVariantList bindings;
        if (!environment.isEmpty()) {
            sql += QStringLiteral(" AND environment = ?");
            bindings << environment;
        }
        auto query = run(db, sql, bindings);
        if (!query)
            return query.error();
        if (query.value().next())
            series.sharedNumbers = query.value().value(0).toInt();
    }
    // Calls overlapping the period: started before its end and ended after its start. Calls last
    // at most a few hours, so starting the scan a day early finds every one that overlaps.
    QString sql = QStringLiteral("SELECT cr.started_at, cr.ended_at FROM call_records cr");
    if (sharedOnly)
        sql +=
            QStringLiteral(" JOIN phone_numbers n ON n.id = cr.number_id AND n.dedicated_company_id IS NULL");
    sql += QStringLiteral(" WHERE cr.started_at >= ? AND cr.started_at < ? AND cr.ended_at > ?");
    QVariantList bindings{fromSecs - 86400, toSecs, fromSecs};
    if (!environment.isEmpty()) {
        sql += QStringLiteral(" AND cr.environment = ?");
        bindings << environment;
    }
    auto query = run(db, sql, bindings);
    if (!query)
        return query.error();
    // +1 at each start, -1 at each end; an end sorts before a start at the same second.
    QList<std::pair<qint64, int>> events;
    QList<qint64> busy(lastHour - firstHour + 1, 0);
    while (query.value().next()) {
        const qint64 start = std::max(query.value().value(0).toLongLong(), fromSecs);
        const qint64 end = std::min(query.value().value(1).toLongLong(), toSecs);
        if (end <= start)
            continue;
        events.append({start, +1});
        events.append({end, -1});
        for (qint64 h = start / 3600; h <= (end - 1) / 3600; ++h) {
            const qint64 overlap = std::min(end, (h + 1) * 3600) - std::max(start, h * 3600);
            busy[h - firstHour] += overlap;
        }
    }
    std::sort(events.begin(), events.end());
    QList<int> peak(busy.size(), 0);
    int current = 0;
    qsizetype e = 0;
    for (qint64 h = firstHour; h <= lastHour; ++h) {
        int hourPeak = current; // calls carried over from the previous hour
        while (e < events.size() && events[e].first < (h + 1) * 3600) {
            current += events[e].second;
            hourPeak = std::max(hourPeak, current);
            ++e;
        }
        peak[h - firstHour] = hourPeak;
    }
    for (qint64 h = firstHour; h <= lastHour; ++h) {
        HourPoint point;
        point.hourStart = h * 3600;
        point.peakConcurrent = peak[h - firstHour];
        point.averageConcurrent = static_cast<double>(busy[h - firstHour]) / 3600.0;
        point.minAvailable = std::max(0, series.sharedNumbers - point.peakConcurrent);
        if (point.peakConcurrent > series.peak) {
            series.peak = point.peakConcurrent;
            series.peakAt = point.hourStart;
        }
        series.hours.append(point);
    }
    return series;
}

Result<QList<DayCompanyPoint>> perDayByCompany(Database &db, qint64 fromSecs, qint64 toSecs,
                                               const QString &environment) {
    if (toSecs <= fromSecs)
        return badRange();
    // Days are the billing zone's, grouped in SQL.
    const BillingZone zone = Settings::billingZone(db);
    const QString day = ZoneDays::dayNumberSql(zone, fromSecs, toSecs, QStringLiteral("cr.started_at"));
    QString sql = QStringLiteral("SELECT %1, cr.company_id, MAX(c.name), COUNT(*), "
                                 "SUM(cr.billed_minutes) FROM call_records cr LEFT JOIN companies c ON "
                                 "c.id = cr.company_id WHERE cr.started_at >= ? AND cr.started_at < ?")
                      .arg(day);
    QVariantList bindings{fromSecs, toSecs};
    if (!environment.isEmpty()) {
        sql += QStringLiteral(" AND cr.environment = ?");
        bindings << environment;
    }
    sql += QStringLiteral(" GROUP BY %1, cr.company_id ORDER BY 1, 3").arg(day);
    auto query = run(db, sql, bindings);
    if (!query)
        return query.error();
    QList<DayCompanyPoint> points;
    while (query.value().next()) {
        DayCompanyPoint point;
        point.dayStart = zone.startOf(ZoneDays::dateOf(query.value().value(0).toLongLong()));
        point.companyId = Sql::optionalInt(query.value().value(1));
        point.companyName = query.value().value(2).toString();
        point.calls = query.value().value(3).toLongLong();
        point.billedMinutes = query.value().value(4).toLongLong();
        points.append(point);
    }
    return points;
}

Result<QList<NumberUtilization>> perNumber(Database &db, qint64 fromSecs, qint64 toSecs,
                                           const QString &environment) {
    if (toSecs <= fromSecs)
        return badRange();
    QString sql = QStringLiteral(
        "SELECT n.id, n.e164, n.dedicated_company_id, COALESCE(u.calls, 0), COALESCE(u.seconds, 0) "
        "FROM phone_numbers n LEFT JOIN (SELECT number_id, COUNT(*) AS calls, SUM(duration_seconds) AS "
        "seconds "
        "FROM call_records WHERE started_at >= ? AND started_at < ? GROUP BY number_id) u ON u.number_id = "
        "n.id");
    QVariantList bindings{fromSecs, toSecs};
    if (!environment.isEmpty()) {
        sql += QStringLiteral(" WHERE n.environment = ?");
        bindings << environment;
    }
    auto query = run(db, sql, bindings);
    if (!query)
        return query.error();
    QList<NumberUtilization> numbers;
    const double period = static_cast<double>(toSecs - fromSecs);
    while (query.value().next()) {
        NumberUtilization number;
        number.numberId = query.value().value(0).toLongLong();
        number.e164 = query.value().value(1).toString();
        number.shared = query.value().value(2).isNull();
        number.calls = query.value().value(3).toLongLong();
        number.busySeconds = query.value().value(4).toLongLong();
        number.utilization = static_cast<double>(number.busySeconds) / period;
        numbers.append(number);
    }
    std::stable_sort(
        numbers.begin(), numbers.end(),
        [](const NumberUtilization &a, const NumberUtilization &b) { return a.busySeconds > b.busySeconds; });
    return numbers;
}

} // namespace PoolDesk::UsageSeries
