// PhoneNumber::normalize, the E.164 reader every number passes through (pooldeskctl, the console,
// number import, the service's allocate and Twilio's callbacks), and what is read of a number once
// it is E.164: its display text and its locality.
#include "FuzzCheck.h"

#include "domain/PhoneNumber.h"

#include <QString>

#include <cstddef>
#include <cstdint>

using namespace PoolDesk;

namespace {

bool isE164(const QString &text) {
    if (text.size() < 2 || text.size() > 16 || text.at(0) != QLatin1Char('+') ||
        text.at(1) == QLatin1Char('0'))
        return false;
    for (qsizetype i = 1; i < text.size(); ++i)
        if (text.at(i) < QLatin1Char('0') || text.at(i) > QLatin1Char('9'))
            return false;
    return true;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const QString text = QString::fromUtf8(reinterpret_cast<const char *>(data), qsizetype(size));
    const auto e164 = PhoneNumber::normalize(text);
    FUZZ_CHECK(PhoneNumber::isValid(text) == e164.has_value());
    // The answer does not depend on what was asked before (normalize remembers verdicts).
    FUZZ_CHECK(PhoneNumber::normalize(text) == e164);
    if (!e164)
        return 0;
    FUZZ_CHECK(isE164(*e164));
    // E.164 is a fixed point, and the text shown to people reads back as the same number.
    FUZZ_CHECK(PhoneNumber::normalize(*e164) == e164);
    // Written with a dash it is read afresh by libphonenumber, not answered from the verdicts
    // normalize remembers for E.164 text: both must agree.
    FUZZ_CHECK(PhoneNumber::normalize(e164->left(2) + QLatin1Char('-') + e164->mid(2)) == e164);
    const QString shown = PhoneNumber::displayText(*e164);
    FUZZ_CHECK(PhoneNumber::normalize(shown) == e164);
    // A callee's area code (country code and area code) begins the number; it is what local
    // presence matches numbers on.
    const PhoneNumber::Locality where = PhoneNumber::locality(*e164);
    FUZZ_CHECK(where.areaCode.isEmpty() || e164->mid(1).startsWith(where.areaCode));
    return 0;
}
