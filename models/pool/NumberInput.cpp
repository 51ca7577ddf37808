#include "pool/NumberInput.h"

#include "domain/PhoneNumber.h"
#include "domain/Types.h"

#include <QCoreApplication>
#include <QRegularExpression>

namespace PoolDesk {

namespace NumberInput {

Result<QString> e164(const QString &e164) {
    const auto normalized = PhoneNumber::normalize(e164);
    if (!normalized)
        return makeError(Error::Code::InvalidInput,
                         QCoreApplication::translate(
                             "Numbers",
                             "\"%1\" is not a phone number in E.164 form. Write it with the country code, "
                             "like +16076956082.")
                             .arg(e164.trimmed()));
    return *normalized;
}

Status environment(const QString &name) {
    if (isValidEnvironmentName(name))
        return success();
    return makeError(
        Error::Code::InvalidInput,
        QCoreApplication::translate(
            "Numbers", "\"%1\" is not a valid environment name (use lower-case letters, digits, - or _).")
            .arg(name));
}

Status twilioSid(const QString &sid) {
    static const QRegularExpression sidPattern(QStringLiteral("^PN[0-9a-fA-F]{32}$"));
    if (sid.isEmpty() || sidPattern.match(sid).hasMatch())
        return success();
    return makeError(
        Error::Code::InvalidInput,
        QCoreApplication::translate(
            "Numbers", "\"%1\" is not a Twilio phone number SID (PN followed by 32 hexadecimal digits).")
            .arg(sid));
}

} // namespace NumberInput

} // namespace PoolDesk
