#include "billing/AnswerRates.h"

#include "billing/ZoneDays.h"
#include "pool/AnswerRule.h"
#include "storage/Database.h"
#include "storage/Settings.h"
#include "storage/SqlHelpers.h"

#include <QCoreApplication>
#include <QHash>

#include <algorithm>

namespace PoolDesk::AnswerRates {

namespace {

void count(Line &line, qsizetype bucket, qint64 calls, qint64 answered) {
    line.calls += calls;
    line.answered += answered;
    line.buckets[bucket].calls += calls;
    line.buckets[bucket].answered += answered;
}

void rate(Line &line) {
    for (Bucket &bucket : line.buckets) {
        if (bucket.calls >= MinCalls)
            bucket.rate = double(bucket.answered) / double(bucket.calls);
    }
}

} // namespace

Result<Series> byNumber(Database &db, qint64 fromSecs, qint64 toSecs, const QString &environment) {
    if (toSecs <= fromSecs)
        return makeError(Error::Code::InvalidInput,
                         QCoreApplication::translate("AnswerRates", "The period must end after it starts."));
    const BillingZone zone = Settings::billingZone(db);
    Series series;
    series.fromSecs = fromSecs;
    series.toSecs = toSecs;
    series.zoneId = zone.id();
    series.bucketing = toSecs - fromSecs > qint64(DailyUpToDays) * 86400 ? Bucketing::Week : Bucketing::Day;
    const int step = series.bucketing == Bucketing::Week ? 7 : 1;
    QDate first = zone.date(fromSecs);
    if (series.bucketing == Bucketing::Week)
        first = first.addDays(1 - first.dayOfWeek());
    const QDate last = zone.date(toSecs - 1);
    for (QDate day = first; day <= last; day = day.addDays(step))
        series.spans.append(
            {std::max(fromSecs, zone.startOf(day)), std::min(toSecs, zone.startOf(day.addDays(step)))});
    series.pool.buckets.resize(series.spans.size());

    // Grouped by the zone's day in SQL (at most numbers x days rows), then into weeks here.
    const QString day = ZoneDays::dayNumberSql(zone, fromSecs, toSecs, QStringLiteral("cr.started_at"));
    const QString cr = QStringLiteral("cr.");
    auto query = Sql::exec(
        db.connection(),
        QStringLiteral("SELECT cr.number_id, cr.e164, %1, COUNT(*), SUM(CASE WHEN %2 THEN 1 ELSE 0 END), "
                       "SUM(CASE WHEN cr.outcome IS NOT NULL THEN 1 ELSE 0 END) FROM call_records cr "
                       "WHERE cr.environment = ? AND cr.started_at >= ? AND cr.started_at < ? AND %3 AND %4 "
                       "GROUP BY cr.number_id, cr.e164, %1")
            .arg(day, AnswerRule::answered(cr), AnswerRule::outbound(cr), AnswerRule::judged(cr)),
        {environment, fromSecs, toSecs});
    if (!query)
        return query.error();
    // A number's calls name it (the same e164 always); a removed number's keep their e164 only.
    QHash<QString, Line> byNumber;
    while (query.value().next()) {
        const QSqlQuery &row = query.value();
        const std::optional<qint64> id = Sql::optionalInt(row.value(0));
        const QString e164 = row.value(1).toString();
        const qsizetype bucket = first.daysTo(ZoneDays::dateOf(row.value(2).toLongLong())) / step;
        if (bucket < 0 || bucket >= series.spans.size())
            continue; // cannot happen: the period's calls fall in its days
        const qint64 calls = row.value(3).toLongLong(), answered = row.value(4).toLongLong();
        series.withOutcome += row.value(5).toLongLong();
        Line &line = byNumber[id ? QString::number(*id) : e164];
        if (line.buckets.isEmpty()) {
            line.numberId = id;
            line.e164 = e164;
            line.buckets.resize(series.spans.size());
        }
        count(line, bucket, calls, answered);
        count(series.pool, bucket, calls, answered);
    }
    rate(series.pool);
    series.numbersWithCalls = int(byNumber.size());

    auto health = Reputation::health(db, environment);
    if (!health)
        return health.error();
    QHash<qint64, const NumberHealth *> healthOf;
    for (const NumberHealth &h : health.value())
        healthOf.insert(h.numberId, &h);
    QList<Line> busiest = byNumber.values();
    for (Line &line : busiest) {
        rate(line);
        if (const NumberHealth *h = line.numberId ? healthOf.value(*line.numberId) : nullptr)
            line.state = h->state;
    }
    std::sort(busiest.begin(), busiest.end(), [](const Line &a, const Line &b) {
        return a.calls != b.calls ? a.calls > b.calls : a.e164 < b.e164;
    });
    series.numbers = busiest.mid(0, TopNumbers);
    // The numbers whose health is in question, should they be quieter than the busiest: resting
    // first, then the furthest below their peers.
    QList<Line> flagged;
    for (qsizetype i = TopNumbers; i < busiest.size(); ++i) {
        if (busiest[i].state != NumberHealth::State::Good)
            flagged.append(busiest[i]);
    }
    std::sort(flagged.begin(), flagged.end(), [&](const Line &a, const Line &b) {
        const bool aResting = a.state == NumberHealth::State::Resting,
                   bResting = b.state == NumberHealth::State::Resting;
        if (aResting != bResting)
            return aResting;
        return healthOf.value(*a.numberId)->zScore < healthOf.value(*b.numberId)->zScore;
    });
    series.numbers += flagged.mid(0, MaxFlagged);
    return series;
}

} // namespace PoolDesk::AnswerRates
