#include "twilio/ReleaseMarks.h"

#include "domain/Clock.h"
#include "storage/ChangeWatcher.h"
#include "storage/Database.h"
#include "storage/SqlHelpers.h"
#include "storage/Transaction.h"

#include <QCoreApplication>

namespace PoolDesk::Twilio {

namespace {

const QString MarkColumns = QStringLiteral(
    "SELECT number_id, environment, e164, previous_missing, started_at, actor, trigger_reason FROM "
    "twilio_releases_in_flight ");

ReleaseMarks::Mark markFrom(const QSqlQuery &q) {
    return {q.value(0).toLongLong(), q.value(1).toString(), q.value(2).toString(), q.value(3).toInt(),
            q.value(4).toLongLong(), q.value(5).toString(), q.value(6).toString()};
}

} // namespace

Result<ReleaseMarks::Mark> ReleaseMarks::mark(Database &db, qint64 numberId, const Actor &actor,
                                              const QString &trigger) {
    Transaction transaction(db);
    if (auto begun = transaction.begin(); !begun)
        return begun.error();
    const qint64 now = Clock::nowSecs();
    auto current =
        Sql::exec(db.connection(),
                  QStringLiteral("SELECT e164, environment, missing_from_twilio, status, active_calls "
                                 "FROM phone_numbers WHERE id = ?"),
                  {numberId});
    if (!current)
        return current.error();
    if (!current.value().next())
        return makeError(Error::Code::NotFound,
                         QCoreApplication::translate("Twilio", "The number is no longer in the pool."));
    const QString e164 = current.value().value(0).toString();
    const QString environment = current.value().value(1).toString();
    const int missing = current.value().value(2).toInt();
    if (missing == Releasing) {
        auto existing = find(db, numberId);
        if (!existing)
            return existing.error();
        if (*existing && !(*existing)->isStale(now))
            return makeError(Error::Code::Refused,
                             QCoreApplication::translate("Twilio",
                                                         "%1 is already being released (by %2). Wait for "
                                                         "that release to finish.")
                                 .arg(e164, (*existing)->actor),
                             QStringLiteral("release_under_way"));
        // An interrupted release: this one takes it over, restoring the same flag if it fails.
        Mark mark = existing.value().value_or(Mark{numberId, environment, e164, 0, now, actor.name, trigger});
        mark.startedAt = now;
        mark.actor = actor.name;
        mark.trigger = trigger;
        if (auto taken = Sql::exec(
                db.connection(),
                QStringLiteral(
                    "INSERT INTO twilio_releases_in_flight (number_id, environment, e164, "
                    "previous_missing, started_at, actor, trigger_reason) VALUES (?, ?, ?, ?, ?, ?, ?) "
                    "ON CONFLICT (number_id) DO UPDATE SET started_at = excluded.started_at, "
                    "actor = excluded.actor, trigger_reason = excluded.trigger_reason"),
                {numberId, environment, e164, mark.previousMissing, now, actor.name, trigger});
            !taken)
            return taken.error();
        if (auto committed = transaction.commit(); !committed)
            return committed.error();
        return mark;
    }
    // The check and the mark in one statement: an allocation that took the number first leaves it
    // reserved or in use and this changes nothing; one that comes after finds the flag set.
    auto marked =
        Sql::exec(db.connection(),
                  QStringLiteral("UPDATE phone_numbers SET missing_from_twilio = ? WHERE id = ? AND "
                                 "missing_from_twilio = ? AND status = 'available' AND "
                                 "active_calls = 0"),
                  {Releasing, numberId, missing});
    if (!marked)
        return marked.error();
    if (marked.value().numRowsAffected() != 1)
        return makeError(
            Error::Code::Refused,
            QCoreApplication::translate("Twilio", "%1 was just taken for a call: release it after the call "
                                                  "ends and it is available again.")
                .arg(e164),
            QStringLiteral("number_in_use"));
    if (auto recorded = Sql::exec(
            db.connection(),
            QStringLiteral(
                "INSERT INTO twilio_releases_in_flight (number_id, environment, e164, previous_missing, "
                "started_at, actor, trigger_reason) VALUES (?, ?, ?, ?, ?, ?, ?)"),
            {numberId, environment, e164, missing, now, actor.name, trigger});
        !recorded)
        return recorded.error();
    ChangeWatcher::notify(db);
    if (auto committed = transaction.commit(); !committed)
        return committed.error();
    return Mark{numberId, environment, e164, missing, now, actor.name, trigger};
}

Status ReleaseMarks::undo(Database &db, qint64 numberId) {
    Transaction transaction(db);
    if (auto begun = transaction.begin(); !begun)
        return begun;
    auto mark = find(db, numberId);
    if (!mark)
        return mark.error();
    const int previous = *mark ? (*mark)->previousMissing : 0;
    if (auto restored =
            Sql::exec(db.connection(),
                      QStringLiteral("UPDATE phone_numbers SET missing_from_twilio = ? WHERE id = ? "
                                     "AND missing_from_twilio = ?"),
                      {previous, numberId, Releasing});
        !restored)
        return restored.error();
    if (auto removed = Sql::exec(db.connection(),
                                 QStringLiteral("DELETE FROM twilio_releases_in_flight WHERE number_id = ?"),
                                 {numberId});
        !removed)
        return removed.error();
    ChangeWatcher::notify(db);
    return transaction.commit();
}

Result<std::optional<ReleaseMarks::Mark>> ReleaseMarks::find(Database &db, qint64 numberId) {
    auto q = Sql::exec(db.connection(), MarkColumns + QStringLiteral("WHERE number_id = ?"), {numberId});
    if (!q)
        return q.error();
    if (!q.value().next())
        return std::optional<Mark>();
    return std::optional<Mark>(markFrom(q.value()));
}

Result<QList<ReleaseMarks::Mark>> ReleaseMarks::list(Database &db, const QString &environment) {
    auto q =
        Sql::exec(db.connection(), MarkColumns + QStringLiteral("WHERE environment = ? ORDER BY started_at"),
                  {environment});
    if (!q)
        return q.error();
    QList<Mark> marks;
    while (q.value().next())
        marks.append(markFrom(q.value()));
    return marks;
}

} // namespace PoolDesk::Twilio
