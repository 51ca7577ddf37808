#pragma once

#include "domain/Result.h"

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
    qint64 durationSeconds = 0;
    std::optional<int> sipCode;    // SipResponseCode, when Twilio sends one (603, 608, ...)
    std::optional<qint64> eventAt; // Twilio's Timestamp (RFC 2822), UTC seconds

    static StatusCallback fromFields(const QHash<QString, QString> &fields);
    bool isFinal() const;
    bool isOutbound() const { return direction.startsWith(QLatin1String("outbound")); }
    // When the call began talking (its end less its duration); unknown without Twilio's
    // Timestamp, since the time the callback arrives says nothing about when the call ended.
    std::optional<qint64> startedAt() const;

    // Keeps a final callback that proved no session; a retried one is kept once.
    Status recordUnmatched(Database &db, const QString &environment) const;
};

} // namespace PoolDesk
