#include "OperationHistory.h"

#include "storage/Database.h"
#include "storage/SqlHelpers.h"

#include <QHash>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMutexLocker>
#include <QSet>

#include <algorithm>
#include <chrono>
#include <climits>
#include <utility>
#include <vector>

namespace PoolDesk::Test {

qint64 wallMicros() {
    return std::chrono::duration_cast<std::chrono::microseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

int OperationHistory::invoke(const QString &process, Kind kind, const QString &session,
                             const QString &company, qint64 durationSeconds) {
    Operation op;
    op.process = process;
    op.kind = kind;
    op.session = session;
    op.company = company;
    op.durationSeconds = durationSeconds;
    op.invokedUs = wallMicros();
    QMutexLocker lock(&m_mutex);
    op.id = int(m_operations.size());
    m_operations.append(op);
    return op.id;
}

void OperationHistory::allocated(int id, const QString &number, qint64 leaseExpiresSecs) {
    const qint64 now = wallMicros();
    QMutexLocker lock(&m_mutex);
    Operation &op = m_operations[id];
    op.completedUs = now;
    op.outcome = Outcome::Ok;
    op.number = number;
    op.leaseExpiresSecs = leaseExpiresSecs;
}

void OperationHistory::ok(int id) {
    const qint64 now = wallMicros();
    QMutexLocker lock(&m_mutex);
    m_operations[id].completedUs = now;
    m_operations[id].outcome = Outcome::Ok;
}

void OperationHistory::fail(int id, const QString &detail) {
    const qint64 now = wallMicros();
    QMutexLocker lock(&m_mutex);
    m_operations[id].completedUs = now;
    m_operations[id].outcome = Outcome::Fail;
    m_operations[id].detail = detail;
}

void OperationHistory::unknown(int id, const QString &detail) {
    const qint64 now = wallMicros();
    QMutexLocker lock(&m_mutex);
    m_operations[id].completedUs = now;
    m_operations[id].outcome = Outcome::Unknown;
    m_operations[id].detail = detail;
}

QList<OperationHistory::Operation> OperationHistory::operations() const {
    QMutexLocker lock(&m_mutex);
    return m_operations;
}

int OperationHistory::count(Kind kind, Outcome outcome) const {
    QMutexLocker lock(&m_mutex);
    return int(std::count_if(m_operations.cbegin(), m_operations.cend(),
                             [&](const Operation &op) { return op.kind == kind && op.outcome == outcome; }));
}

QString OperationHistory::summary() const {
    QStringList parts;
    for (const Kind kind : {Kind::Allocate, Kind::Release})
        parts.append(QStringLiteral("%1 ok %2, fail %3, unknown %4, pending %5")
                         .arg(kind == Kind::Allocate ? QStringLiteral("allocate") : QStringLiteral("release"))
                         .arg(count(kind, Outcome::Ok))
                         .arg(count(kind, Outcome::Fail))
                         .arg(count(kind, Outcome::Unknown))
                         .arg(count(kind, Outcome::Pending)));
    return parts.join(QStringLiteral("; "));
}

QString OperationHistory::line(const Operation &op) {
    static const char *const outcomes[] = {"pending", "ok", "fail", "unknown"};
    QString text =
        QStringLiteral("#%1 %2 %3 %4 [%5] invoked %6 completed %7: %8")
            .arg(op.id)
            .arg(op.process,
                 op.kind == Kind::Allocate ? QStringLiteral("allocate") : QStringLiteral("release"),
                 op.session, op.company)
            .arg(op.invokedUs)
            .arg(op.completedUs)
            .arg(QLatin1String(outcomes[int(op.outcome)]));
    if (op.kind == Kind::Allocate && op.outcome == Outcome::Ok)
        text += QStringLiteral(" %1 until %2").arg(op.number).arg(op.leaseExpiresSecs);
    if (op.kind == Kind::Release)
        text += QStringLiteral(" %1 s").arg(op.durationSeconds);
    if (!op.detail.isEmpty())
        text += QStringLiteral(" (%1)").arg(op.detail);
    return text;
}

namespace {

// Rows of a query as text, or the query's error as the only row.
QList<QStringList> rows(Database &db, const QString &sql, int columns) {
    QList<QStringList> result;
    auto query = Sql::exec(db.connection(), sql);
    if (!query) {
        result.append({QStringLiteral("query failed: %1: %2").arg(sql, query.error().message)});
        return result;
    }
    while (query.value().next()) {
        QStringList row;
        for (int i = 0; i < columns; ++i)
            row.append(query.value().value(i).toString());
        result.append(row);
    }
    return result;
}

// A check that compares aggregates by SQL: every row it returns is a violation.
void expectNoRows(Database &db, const QString &what, const QString &sql, int columns, QStringList &problems) {
    for (const QStringList &row : rows(db, sql, columns))
        problems.append(QStringLiteral("%1: %2").arg(what, row.join(QLatin1Char(' '))));
}

} // namespace

QStringList OperationHistory::checkLive(Database &db, int perNumber) {
    QStringList problems;
    expectNoRows(
        db, QStringLiteral("number held beyond its concurrency or out of step with its reservations"),
        QStringLiteral("SELECT n.e164, n.active_calls, COALESCE(r.held, 0) FROM phone_numbers n LEFT "
                       "JOIN (SELECT number_id, COUNT(*) AS held FROM reservations GROUP BY "
                       "number_id) r ON r.number_id = n.id WHERE COALESCE(r.held, 0) <> "
                       "n.active_calls OR n.active_calls > %1")
            .arg(perNumber),
        3, problems);
    return problems;
}

QStringList OperationHistory::check(Database &db, int perNumber) const {
    const QList<Operation> history = operations();
    QStringList problems;
    QSet<QString> suspects; // sessions whose history lines are printed with the problems

    QHash<QString, QList<const Operation *>> bySession;
    for (const Operation &op : history)
        bySession[op.session].append(&op);

    // 0 numbers stuck.
    expectNoRows(db, QStringLiteral("reservation left after the leases ran out"),
                 QStringLiteral("SELECT r.session, n.e164, r.lease_expires_at FROM reservations r JOIN "
                                "phone_numbers n ON n.id = r.number_id"),
                 3, problems);
    expectNoRows(db, QStringLiteral("number stuck"),
                 QStringLiteral("SELECT e164, status, active_calls FROM phone_numbers WHERE status <> "
                                "'available' OR active_calls <> 0"),
                 3, problems);

    // 0 double holds, by what the clients were told.
    struct Interval {
        qint64 from;
        qint64 to;
        QString session;
    };
    QHash<QString, std::vector<Interval>> holds;
    for (auto it = bySession.cbegin(); it != bySession.cend(); ++it) {
        const Operation *granted = nullptr;
        qint64 releasing = LLONG_MAX;
        for (const Operation *op : it.value()) {
            if (op->kind == Kind::Allocate && op->outcome == Outcome::Ok &&
                (!granted || op->completedUs < granted->completedUs))
                granted = op;
            if (op->kind == Kind::Release)
                releasing = std::min(releasing, op->invokedUs);
        }
        if (!granted)
            continue;
        // The reaper takes a lease back once the clock has passed lease_expires_at.
        const qint64 to = std::min(releasing, granted->leaseExpiresSecs * 1'000'000);
        if (granted->completedUs < to)
            holds[granted->number].push_back({granted->completedUs, to, it.key()});
    }
    for (auto it = holds.begin(); it != holds.end(); ++it) {
        std::vector<Interval> &intervals = it.value();
        std::sort(intervals.begin(), intervals.end(),
                  [](const Interval &a, const Interval &b) { return a.from < b.from; });
        // A sweep over starts: the intervals still open when each one starts.
        std::vector<const Interval *> open;
        for (const Interval &interval : intervals) {
            std::erase_if(open, [&](const Interval *o) { return o->to <= interval.from; });
            open.push_back(&interval);
            if (int(open.size()) > perNumber) {
                QStringList sessions;
                for (const Interval *o : open) {
                    sessions.append(o->session);
                    suspects.insert(o->session);
                }
                problems.append(QStringLiteral("%1 held by %2 sessions at once: %3")
                                    .arg(it.key())
                                    .arg(open.size())
                                    .arg(sessions.join(QStringLiteral(", "))));
            }
        }
    }

    // Call records against releases.
    struct Record {
        QString e164;
        qint64 duration;
    };
    QHash<QString, QList<Record>> records;
    for (const QStringList &row :
         rows(db, QStringLiteral("SELECT session, e164, duration_seconds FROM call_records"), 3)) {
        if (row.size() < 3) {
            problems.append(row.value(0));
            continue;
        }
        records[row[0]].append({row[1], row[2].toLongLong()});
    }
    QSet<QString> reaped;
    for (const QStringList &row :
         rows(db,
              QStringLiteral("SELECT before_json FROM audit_log WHERE action = 'allocation.lease_expired'"),
              1))
        reaped.insert(QJsonDocument::fromJson(row.value(0).toUtf8())
                          .object()
                          .value(QStringLiteral("session"))
                          .toString());
    for (auto it = bySession.cbegin(); it != bySession.cend(); ++it) {
        const QString &session = it.key();
        const QList<Record> found = records.value(session);
        bool releaseAcknowledged = false;
        bool releaseMaybe = false;
        bool allocationMaybe = false;
        const Operation *granted = nullptr;
        QSet<qint64> acknowledgedDurations;
        for (const Operation *op : it.value()) {
            const bool ok = op->outcome == Outcome::Ok;
            const bool maybe = op->outcome == Outcome::Unknown || op->outcome == Outcome::Pending;
            if (op->kind == Kind::Release) {
                releaseAcknowledged |= ok;
                releaseMaybe |= maybe;
                if (ok)
                    acknowledgedDurations.insert(op->durationSeconds);
            } else {
                allocationMaybe |= ok || maybe;
                if (ok && !granted)
                    granted = op;
            }
        }
        const auto problem = [&](const QString &text) {
            problems.append(QStringLiteral("%1: %2").arg(session, text));
            suspects.insert(session);
        };
        if (found.size() > 1)
            problem(QStringLiteral("%1 call records").arg(found.size()));
        if (releaseAcknowledged && found.isEmpty())
            problem(QStringLiteral("release acknowledged, no call record"));
        if (!found.isEmpty()) {
            if (!releaseAcknowledged && !releaseMaybe)
                problem(QStringLiteral("call record without an acknowledged or unknown release"));
            if (!allocationMaybe)
                problem(QStringLiteral("call record for a session whose allocation was refused"));
            if (granted && found.first().e164 != granted->number)
                problem(QStringLiteral("call record on %1, allocation acknowledged with %2")
                            .arg(found.first().e164, granted->number));
            if (releaseAcknowledged && !acknowledgedDurations.contains(found.first().duration))
                problem(QStringLiteral("call record of %1 s, release acknowledged with another duration")
                            .arg(found.first().duration));
        }
        if (granted && found.isEmpty() && !reaped.contains(session))
            problem(QStringLiteral("allocation acknowledged, neither released nor reaped"));
    }
    for (auto it = records.cbegin(); it != records.cend(); ++it) {
        if (!bySession.contains(it.key()))
            problems.append(QStringLiteral("%1: call record for a session nobody asked for").arg(it.key()));
    }

    // Usage equals the sums over the call records, per number and per company.
    expectNoRows(
        db, QStringLiteral("number usage differs from its call records (number, calls, seconds, minutes)"),
        QStringLiteral(
            "SELECT n.e164, n.total_calls, n.total_seconds, n.total_minutes FROM phone_numbers n LEFT "
            "JOIN (SELECT number_id, COUNT(*) AS calls, SUM(duration_seconds) AS seconds, "
            "SUM(billed_minutes) AS minutes FROM call_records GROUP BY number_id) r ON r.number_id "
            "= n.id WHERE n.total_calls <> COALESCE(r.calls, 0) OR n.total_seconds <> "
            "COALESCE(r.seconds, 0) OR n.total_minutes <> COALESCE(r.minutes, 0)"),
        4, problems);
    // The daily and hourly counters the caller policy's caps read, for the day and hour they name.
    expectNoRows(
        db, QStringLiteral("number's calls today or this hour differ from its call records"),
        QStringLiteral("SELECT n.e164, n.calls_today, n.calls_hour FROM phone_numbers n WHERE "
                       "n.calls_today <> (SELECT COUNT(*) FROM call_records c WHERE c.number_id = n.id "
                       "AND c.ended_at / 86400 = n.calls_today_day) OR n.calls_hour <> (SELECT "
                       "COUNT(*) FROM call_records c WHERE c.number_id = n.id AND c.ended_at / 3600 = "
                       "n.calls_hour_start)"),
        3, problems);
    expectNoRows(
        db, QStringLiteral("company usage differs from its call records (company, calls, minutes, cost)"),
        QStringLiteral(
            "SELECT c.name, COALESCE(u.calls, 0), COALESCE(u.minutes, 0), COALESCE(u.cost, 0) FROM "
            "companies c LEFT JOIN (SELECT company_id, SUM(calls) AS calls, SUM(billed_minutes) AS "
            "minutes, SUM(cost_micros) AS cost FROM company_usage_months GROUP BY company_id) u ON "
            "u.company_id = c.id LEFT JOIN (SELECT company_id, COUNT(*) AS calls, "
            "SUM(billed_minutes) AS minutes, SUM(COALESCE(twilio_price_micros, "
            "estimated_cost_micros)) AS cost FROM call_records GROUP BY company_id) r ON "
            "r.company_id = c.id WHERE COALESCE(u.calls, 0) <> COALESCE(r.calls, 0) OR "
            "COALESCE(u.minutes, 0) <> COALESCE(r.minutes, 0) OR COALESCE(u.cost, 0) <> "
            "COALESCE(r.cost, 0)"),
        4, problems);

    if (!problems.isEmpty()) {
        problems.append(QStringLiteral("-- history of the sessions involved:"));
        QStringList sessions = suspects.values();
        std::sort(sessions.begin(), sessions.end());
        for (const QString &session : std::as_const(sessions).mid(0, 40)) {
            for (const Operation *op : bySession.value(session))
                problems.append(line(*op));
        }
    }
    return problems;
}

} // namespace PoolDesk::Test
