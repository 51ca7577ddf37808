#pragma once

#include "domain/Result.h"
#include "storage/AuditLog.h"

#include <QList>
#include <QString>

namespace PoolDesk {
class Database;
}

namespace PoolDesk::Twilio {

// The "releasing" state of a number while its release at Twilio is under way (migration 007).
// mark() sets the number's missing_from_twilio to 2 in the same statement that checks it holds no
// call, and records since when: the allocator takes only numbers whose flag is 0, so an allocation
// can never hand out a number whose release has begun, and a release never removes a number that
// an allocation took first. undo() puts the flag back when the release fails. A release interrupted
// for longer than StaleAfterSecs (the process died mid-way) is taken over by the next release of
// that number, skipped by nothing, and finished or undone by RecoverReleasesOperation.
class ReleaseMarks final {
public:
    static constexpr qint64 StaleAfterSecs = 600;
    static constexpr int StaleAfterMinutes = 10; // the same, for messages
    static_assert(StaleAfterMinutes * 60 == StaleAfterSecs);
    static constexpr int Releasing = 2; // the value of missing_from_twilio while releasing

    struct Mark {
        qint64 numberId = 0;
        QString environment;
        QString e164;
        int previousMissing = 0;
        qint64 startedAt = 0;
        QString actor;
        QString trigger;
        bool isStale(qint64 now) const { return now - startedAt > StaleAfterSecs; }
    };

    // Marks the number as being released. Refused (Error::Code::Refused) while it is reserved or in
    // use, and while another release of it is under way (unless that one is stale: then this one
    // takes it over).
    static Result<Mark> mark(Database &db, qint64 numberId, const Actor &actor, const QString &trigger);
    // The release failed or was called off: the number goes back to what it was.
    static Status undo(Database &db, qint64 numberId);
    // The number's release under way, if any.
    static Result<std::optional<Mark>> find(Database &db, qint64 numberId);
    // Every release under way in the environment.
    static Result<QList<Mark>> list(Database &db, const QString &environment);
};

} // namespace PoolDesk::Twilio
