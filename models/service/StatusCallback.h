#pragma once

#include "domain/Result.h"
#include "domain/Types.h"
#include "security/TwilioSignature.h"

#include <QHash>
#include <QString>

#include <optional>

namespace PoolDesk {

class Database;

// A Twilio call status callback, read from its (already verified) form fields.
struct StatusCallback {
    QString callSid;
    QString status;    // "completed", "busy", "no-answer", "failed", "canceled", "ringing", ...
    QString direction; // Twilio's: "outbound-api", "outbound-dial", "inbound"
    QString from;      // E.164 when it parses, else empty
    QString to;
    qint64 durationSeconds = 0;    // 0 when Twilio sent none, or none in 0..MaxDurationSeconds
    std::optional<int> sipCode;    // SipResponseCode, when Twilio sends one (603, 608, ...)
    std::optional<qint64> eventAt; // Twilio's Timestamp (RFC 2822), UTC seconds

    static constexpr qint64 MaxDurationSeconds = MaxCallSeconds;

    // From the form Twilio posted, as TwilioSignature::parseForm reads it (the whole parse lives in
    // these two, with no database, so that the fuzz target runs exactly what the service runs).
    static StatusCallback fromForm(const FormFields &form);
    static StatusCallback fromFields(const QHash<QString, QString> &fields);
    bool isFinal() const;
    bool isOutbound() const { return direction.startsWith(QLatin1String("outbound")); }
    // When the call began talking (its end less its duration); unknown without Twilio's
    // Timestamp, since the time the callback arrives says nothing about when the call ended.
    std::optional<qint64> startedAt() const;

    // Keeps a final callback (StatusCallbackRecord.cpp) that proved no session; a retried one is kept once.
    Status recordUnmatched(Database &db, const QString &environment) const;
};

} // namespace PoolDesk
