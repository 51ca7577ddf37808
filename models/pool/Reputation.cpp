#include "pool/Reputation.h"

#include "domain/Clock.h"
#include "pool/AnswerRule.h"
#include "pool/CallerPolicy.h"
#include "pool/Numbers.h"
#include "storage/AuditLog.h"
#include "storage/Database.h"
#include "storage/SqlHelpers.h"

#include <QCoreApplication>
#include <QHash>

#include <cmath>

namespace PoolDesk {

namespace {

// Sums of calls and answers, to take one member out again (a number is not its own peer).
struct Tally {
    qint64 calls = 0;
    qint64 answered = 0;
    void add(const NumberHealth &h) {
        calls += h.calls;
        answered += h.answered;
    }
};

QString peerKey(const NumberHealth &h) {
    return (h.companyId ? QString::number(*h.companyId) : QStringLiteral("shared")) + QLatin1Char('/') +
           h.areaCode;
}

// The peers' rate without the number itself; the environment's when the peers have too few calls;
// a neutral half when nothing is known.
double peerRateOf(const NumberHealth &h, const Tally &peers, const Tally &everyone) {
    constexpr qint64 Enough = 30;
    const qint64 peerCalls = peers.calls - h.calls, peerAnswered = peers.answered - h.answered;
    if (peerCalls >= Enough)
        return double(peerAnswered) / double(peerCalls);
    const qint64 allCalls = everyone.calls - h.calls, allAnswered = everyone.answered - h.answered;
    if (allCalls >= Enough)
        return double(allAnswered) / double(allCalls);
    return 0.5;
}

// The allocator's flag follows the state; only numbers whose state changed are written, so the
// pick indexes holding it move a few entries per review rather than one per number.
Status storeWatch(Database &db, const QList<NumberHealth> &all, const QList<NumberHealth> &rested) {
    QSqlQuery update(db.connection());
    if (!update.prepare(QStringLiteral("UPDATE phone_numbers SET health_watch = ? WHERE id = ?")))
        return Sql::storageError(update);
    for (const NumberHealth &h : all) {
        const bool restedNow = std::any_of(rested.cbegin(), rested.cend(),
                                           [&](const NumberHealth &r) { return r.numberId == h.numberId; });
        const bool watch = h.state == NumberHealth::State::Watch && !restedNow;
        if (watch == h.watchStored)
            continue;
        if (auto ran = Sql::run(update, {watch ? 1 : 0, h.numberId}); !ran)
            return ran.error();
    }
    return success();
}

bool significantlyWorse(const NumberHealth &h) {
    return (h.calls >= Reputation::RestCalls && h.zScore <= Reputation::RestZ) ||
           h.blocked >= Reputation::RestBlocked;
}

} // namespace

QJsonObject NumberHealth::figures() const {
    return {{QStringLiteral("window_days"), Reputation::WindowDays},
            {QStringLiteral("calls"), calls},
            {QStringLiteral("answered"), answered},
            {QStringLiteral("short_calls"), shortCalls},
            {QStringLiteral("blocked"), blocked},
            {QStringLiteral("answer_rate"), std::round(answerRate * 1000) / 1000},
            {QStringLiteral("peer_rate"), std::round(peerRate * 1000) / 1000},
            {QStringLiteral("z"), std::round(zScore * 100) / 100}};
}

namespace Reputation {

const QStringList &outcomes() {
    static const QStringList all{QStringLiteral("completed"), QStringLiteral("busy"),
                                 QStringLiteral("no-answer"), QStringLiteral("failed"),
                                 QStringLiteral("canceled")};
    return all;
}

bool isOutcome(const QString &status) {
    return outcomes().contains(status);
}

QString stateName(NumberHealth::State state) {
    switch (state) {
    case NumberHealth::State::Good:
        return QStringLiteral("good");
    case NumberHealth::State::Watch:
        return QStringLiteral("watch");
    case NumberHealth::State::Resting:
        return QStringLiteral("resting");
    }
    return {};
}

QString stateText(NumberHealth::State state) {
    switch (state) {
    case NumberHealth::State::Good:
        return QCoreApplication::translate("Reputation", "Good");
    case NumberHealth::State::Watch:
        return QCoreApplication::translate("Reputation", "Watch");
    case NumberHealth::State::Resting:
        return QCoreApplication::translate("Reputation", "Resting");
    }
    return {};
}

Result<QList<NumberHealth>> health(Database &db, const QString &environment, const QString &e164) {
    const qint64 now = Clock::nowSecs();
    const qint64 since = now - qint64(WindowDays) * 86400;
    // Which calls count and which were answered: AnswerRule, shared with the Usage view's chart.
    const QString c = QStringLiteral("c.");
    auto query = Sql::exec(
        db.connection(),
        QStringLiteral(
            "SELECT n.id, n.e164, n.dedicated_company_id, COALESCE(n.area_code, ''), n.resting_until, "
            "n.rest_reason, CASE WHEN n.calls_today_day = ? THEN n.calls_today ELSE 0 END, n.health_watch, "
            "COALESCE(h.calls, 0), COALESCE(h.answered, 0), COALESCE(h.short_calls, 0), COALESCE(h.blocked, "
            "0) "
            "FROM phone_numbers n LEFT JOIN (SELECT number_id, "
            "SUM(CASE WHEN %1 THEN 1 ELSE 0 END) AS calls, SUM(CASE WHEN %2 THEN 1 ELSE 0 END) AS answered, "
            "SUM(CASE WHEN %3 THEN 1 ELSE 0 END) AS short_calls, SUM(CASE WHEN %4 THEN 1 ELSE 0 END) AS "
            "blocked "
            // Calls before a number's last rest ended were judged already: only later ones count.
            "FROM call_records c JOIN phone_numbers r ON r.id = c.number_id WHERE c.environment = ? AND "
            "%5 AND c.started_at >= ? AND (r.resting_until IS NULL OR c.started_at >= "
            "r.resting_until) GROUP BY c.number_id) h ON h.number_id = n.id WHERE n.environment = ? "
            "ORDER BY n.e164")
            .arg(AnswerRule::judged(c), AnswerRule::answered(c), AnswerRule::shortCall(c),
                 AnswerRule::blocked(c), AnswerRule::outbound(c)),
        {now / 86400, environment, since, environment});
    if (!query)
        return query.error();
    QList<NumberHealth> all;
    QHash<QString, Tally> peers;
    Tally everyone;
    while (query.value().next()) {
        const QSqlQuery &row = query.value();
        NumberHealth h;
        h.numberId = row.value(0).toLongLong();
        h.e164 = row.value(1).toString();
        h.companyId = Sql::optionalInt(row.value(2));
        h.areaCode = row.value(3).toString();
        if (const auto until = Sql::optionalInt(row.value(4)); until && *until > now)
            h.restingUntil = Clock::fromSecs(*until);
        h.restReason = row.value(5).toString();
        h.callsToday = row.value(6).toLongLong();
        h.watchStored = row.value(7).toInt() != 0;
        h.calls = row.value(8).toLongLong();
        h.answered = row.value(9).toLongLong();
        h.shortCalls = row.value(10).toLongLong();
        h.blocked = row.value(11).toLongLong();
        peers[peerKey(h)].add(h);
        everyone.add(h);
        all.append(h);
    }
    QList<NumberHealth> result;
    for (NumberHealth &h : all) {
        if (!e164.isEmpty() && h.e164 != e164)
            continue;
        h.peerRate = peerRateOf(h, peers.value(peerKey(h)), everyone);
        // Beta-Binomial: a prior worth PriorCalls calls at the peers' rate.
        h.answerRate = (double(h.answered) + PriorCalls * h.peerRate) / (double(h.calls) + PriorCalls);
        // The raw rate against the peers', in standard errors of a binomial at the peers' rate.
        // Peers that answered every call (or none) still leave a number that did not far below them.
        const double p = std::clamp(h.peerRate, 0.02, 0.98);
        if (h.calls > 0)
            h.zScore = (double(h.answered) / double(h.calls) - p) / std::sqrt(p * (1 - p) / double(h.calls));
        if (h.restingUntil)
            h.state = NumberHealth::State::Resting;
        else if ((h.calls >= WatchCalls && h.zScore <= WatchZ) || h.blocked > 0)
            h.state = NumberHealth::State::Watch;
        result.append(h);
    }
    return result;
}

Result<QList<NumberHealth>> review(Database &db, const QString &environment) {
    auto all = health(db, environment);
    if (!all)
        return all.error();
    return act(db, environment, all.value());
}

Result<QList<NumberHealth>> act(Database &db, const QString &environment, const QList<NumberHealth> &all) {
    const CallerPolicy policy = CallerPolicy::load(db);
    Numbers numbers(db);
    QList<NumberHealth> rested;
    for (NumberHealth h : all) {
        if (h.state == NumberHealth::State::Resting || !significantlyWorse(h))
            continue;
        const QDateTime until = Clock::nowUtc().addDays(std::max(policy.restDays, 1));
        const QString reason = h.blocked >= RestBlocked
                                   ? QStringLiteral("%1 calls blocked as spam (SIP 603/607/608) in %2 days")
                                         .arg(h.blocked)
                                         .arg(WindowDays)
                                   : QStringLiteral("answered %1 of %2 calls in %3 days (%4%), peers %5%")
                                         .arg(h.answered)
                                         .arg(h.calls)
                                         .arg(WindowDays)
                                         .arg(std::round(100.0 * double(h.answered) / double(h.calls)))
                                         .arg(std::round(100.0 * h.peerRate));
        if (auto done = numbers.rest(Actor::policy(QStringLiteral("reputation")), h.e164, environment, until,
                                     reason, h.figures());
            !done)
            return done.error();
        h.state = NumberHealth::State::Resting;
        h.restingUntil = until;
        h.restReason = reason;
        rested.append(h);
    }
    if (auto stored = storeWatch(db, all, rested); !stored)
        return stored.error();
    return rested;
}

} // namespace Reputation

} // namespace PoolDesk
