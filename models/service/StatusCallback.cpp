#include "service/StatusCallback.h"

#include "domain/PhoneNumber.h"

#include <QDateTime>
#include <QStringList>

namespace PoolDesk {

StatusCallback StatusCallback::fromForm(const FormFields &form) {
    // A name sent twice counts with its last value.
    QHash<QString, QString> fields;
    for (const auto &[name, value] : form)
        fields.insert(name, value);
    return fromFields(fields);
}

StatusCallback StatusCallback::fromFields(const QHash<QString, QString> &fields) {
    StatusCallback callback;
    callback.callSid = fields.value(QStringLiteral("CallSid"));
    callback.status = fields.value(QStringLiteral("CallStatus"));
    callback.direction = fields.value(QStringLiteral("Direction"));
    callback.from = PhoneNumber::normalize(fields.value(QStringLiteral("From"))).value_or(QString());
    callback.to = PhoneNumber::normalize(fields.value(QStringLiteral("To"))).value_or(QString());
    bool durationOk = false;
    callback.durationSeconds = fields.value(QStringLiteral("CallDuration")).toLongLong(&durationOk);
    // A figure beyond the bound is no duration, and must not make startedAt() overflow.
    if (!durationOk || callback.durationSeconds < 0 || callback.durationSeconds > MaxDurationSeconds)
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

} // namespace PoolDesk
