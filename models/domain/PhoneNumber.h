#pragma once

#include <QString>

#include <optional>

namespace PoolDesk::PhoneNumber {

// Normalises a number typed by a person ("+1 (607) 695-6082", "+1-607-695-6082") to E.164
// ("+16076956082"). Returns nullopt unless the result is '+', a non-zero country digit and
// 7 to 15 digits in all. Numbers without '+' are rejected: a pool spans countries, so a
// national number is ambiguous.
std::optional<QString> normalize(const QString &text);

inline bool isValid(const QString &text) {
    return normalize(text).has_value();
}

// Percent-encodes for Twilio query strings and form bodies: '+' must travel as %2B.
QByteArray toFormValue(const QString &e164);

} // namespace PoolDesk::PhoneNumber
