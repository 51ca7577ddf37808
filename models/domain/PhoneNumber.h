#pragma once

#include <QStringList>

#include <optional>

namespace PoolDesk::PhoneNumber {

// Normalises a number typed by a person ("+1 (607) 695-6082", "+1-607-695-6082") to E.164
// ("+16076956082"), with libphonenumber. Returns nullopt unless the text is '+' and digits with
// spaces, dashes, dots or brackets between them, and libphonenumber finds the number *possible*
// for its country (right country code, right length). Validity is not asked: its metadata ages,
// and Twilio sells numbers in new area codes (and tests use +1 555 and Twilio's +1 500 numbers).
// Numbers without '+' are rejected: a pool spans countries, so a national number is ambiguous.
std::optional<QString> normalize(const QString &text);

inline bool isValid(const QString &text) {
    return normalize(text).has_value();
}

// Where a number is, as far as its digits tell: what local presence matches on and what
// calling hours are counted in.
struct Geography {
    QString country;  // ISO 3166-1 alpha-2 ("US"); empty when libphonenumber cannot tell
    QString areaCode; // country calling code and area code ("1415", "4420"); empty when not geographic
    QString region;   // state or province in North America ("US-CA"), else the country ("GB")
    QString place;    // libphonenumber's English description ("San Francisco, CA"), may be empty
    // The IANA zones the number may be in: one for most, every zone of the region or country when
    // the digits do not narrow it down.
    QStringList timeZones;
    bool valid = false; // libphonenumber's metadata knows the number (a warning when false, never a refusal)
};

// The geography of an E.164 number; an empty Geography when it cannot be parsed.
Geography geography(const QString &e164);

// What picking a local number needs of the callee (area code, region, zones), as geography()
// gives them, remembered per first seven digits: libphonenumber takes a tenth of a millisecond
// per number, and every number sharing those digits shares its area code and region.
struct Locality {
    QString areaCode;
    QString region;
    QStringList timeZones;
};
Locality locality(const QString &e164);

// For people to read: libphonenumber's international format ("+1 417-555-0100"); the text as it
// is when libphonenumber cannot read it.
QString displayText(const QString &e164);

// Percent-encodes for Twilio query strings and form bodies: '+' must travel as %2B.
QByteArray toFormValue(const QString &e164);

} // namespace PoolDesk::PhoneNumber
