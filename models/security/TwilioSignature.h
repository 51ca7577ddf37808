#pragma once

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QString>

#include <optional>

namespace PoolDesk {

using FormFields = QList<QPair<QString, QString>>;

// Twilio signs each webhook request: base64(HMAC-SHA1(auth token, URL + every POST parameter's
// name and value, sorted by name)) in the X-Twilio-Signature header. The URL is the public one
// Twilio called (with its query string), not the address the service listens on.
namespace TwilioSignature {

QByteArray compute(const QByteArray &authToken, const QString &url, const FormFields &postFields);

// Compares in constant time, so a forger learns nothing from how long a refusal takes.
bool verify(const QByteArray &authToken, const QString &url, const FormFields &postFields,
            const QByteArray &signatureHeader);

// Parses an application/x-www-form-urlencoded body ('+' is a space, %XX escapes); nullopt when it
// is malformed (a bad escape or text that is not UTF-8).
std::optional<FormFields> parseForm(const QByteArray &body);

bool constantTimeEquals(const QByteArray &a, const QByteArray &b);

} // namespace TwilioSignature
} // namespace PoolDesk
