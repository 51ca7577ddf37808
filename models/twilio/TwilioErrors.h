#pragma once

#include "domain/Result.h"

#include <QByteArray>
#include <QString>

namespace PoolDesk::Twilio {

// Machine-readable reasons carried by Error::reason for Twilio failures. Twilio's own error codes
// travel as "twilio_<code>" (e.g. "twilio_21422"), so callers can branch on them.
namespace Reason {
inline const QString OutcomeUnknown = QStringLiteral("twilio_outcome_unknown");
inline const QString Timeout = QStringLiteral("twilio_timeout");
inline const QString BadResponse = QStringLiteral("twilio_bad_response");
inline const QString Unreachable = QStringLiteral("twilio_unreachable");
inline const QString Busy = QStringLiteral("twilio_busy");
inline const QString Authenticate = QStringLiteral("twilio_20003");
inline const QString NotFound = QStringLiteral("twilio_20404");
inline const QString NumberTaken = QStringLiteral("twilio_21422");
inline const QString TooManyRequests = QStringLiteral("twilio_20429");
QString forCode(int twilioCode);
int codeOf(const Error &error); // 0 when the error is not a Twilio API error
} // namespace Reason

// Twilio's error body: {"code": 20003, "message": "Authenticate", "more_info": "https://...", "status": 401}.
struct ApiError {
    int httpStatus = 0;
    int code = 0;
    QString message;
    QString moreInfo;

    static ApiError parse(int httpStatus, const QByteArray &body);
    // A translated, actionable message with Twilio's code, message and link.
    Error toError() const;
};

} // namespace PoolDesk::Twilio
