#include "service/StatusCallback.h"

#include "domain/Clock.h"
#include "domain/PhoneNumber.h"
#include "storage/Database.h"
#include "storage/SqlHelpers.h"

#include <QDateTime>
#include <QStringList>

namespace PoolDesk {

StatusCallback StatusCallback::fromFields(const QHash<QString, QString> &fields) {
    StatusCallback callback;
    callback.callSid = fields.value(QStringLiteral("CallSid"));
    callback.status = fields.value(QStringLiteral("CallStatus"));
    callback.direction = fields.value(QStringLiteral("Direction"));
    callback.from = PhoneNumber::normalize(fields.value(QStringLiteral("From"))).value_or(QString());
    callback.to = PhoneNumber::normalize(fields.value(QStringLiteral("To"))).value_or(QString());
    bool durationOk = false;
    callback.durationSeconds = fields.value(QStringLiteral("CallDuration")).toLongLong(&durationOk);
    if (!durationOk || callback.durationSeconds < 0)
        callback.durationSeconds = 0;
    bool sipOk = false;
    const int sip = fields.value(QStringLiteral("SipResponseCode")).toInt(&sipOk);
    if (sipOk && sip >= 100 && sip <= 699)
        callback.sipCode = sip;
    const QDateTime at = QDateTime::fromString(fields.value(QStringLiteral("Timestamp")), Qt::RFC2822Date);
    if (at.isValid())
        callback.eventAt = at.toSecsSinceEpoch();
    return callback;
}

bool StatusCallback::isFinal() const {
    static const QStringList finalStatuses{QStringLiteral("completed"), QStringLiteral("busy"),
                                           QStringLiteral("no-answer"), QStringLiteral("failed"),
                                           QStringLiteral("canceled")};
    return finalStatuses.contains(status);
}

std::optional<qint64> StatusCallback::startedAt() const {
    if (!eventAt)
        return std::nullopt;
    return *eventAt - durationSeconds;
}

Status StatusCallback::recordUnmatched(Database &db, const QString &environment) const {
    const auto recorded = Sql::exec(
        db.connection(),
        QStringLiteral(
            "INSERT INTO twilio_unmatched_callbacks (environment, call_sid, call_status, direction, "
            "from_e164, to_e164, duration_seconds, event_at, received_at) VALUES (?, ?, ?, ?, ?, ?, "
            "?, ?, ?) ON CONFLICT (environment, call_sid, call_status) DO NOTHING"),
        {environment, callSid, status, Sql::nullText(direction), Sql::nullText(from), Sql::nullText(to),
         durationSeconds, eventAt ? QVariant(*eventAt) : QVariant(QMetaType(QMetaType::LongLong)),
         Clock::nowSecs()});
    if (!recorded)
        return recorded.error();
    return success();
}

} // namespace PoolDesk
