#include "domain/PhoneNumber.h"

#include "domain/NanpRegions.h"

#include <QLocale>
#include <QTimeZone>
#include <QUrl>

#include <phonenumbers/geocoding/phonenumber_offline_geocoder.h>
#include <phonenumbers/phonenumberutil.h>

#include <QHash>

#include <mutex>

namespace PoolDesk::PhoneNumber {

namespace lpn = i18n::phonenumbers;

namespace {

// libphonenumber also reads letters ("1-800-FLOWERS"), extensions, "tel:" and full-width digits;
// a pool's numbers are none of those, so they are refused before it sees them.
bool onlyDigitsAndSeparators(const QString &text) {
    if (!text.startsWith(QLatin1Char('+')) || text.size() < 2)
        return false;
    for (qsizetype i = 1; i < text.size(); ++i) {
        const QChar c = text.at(i);
        if (!(c >= QLatin1Char('0') && c <= QLatin1Char('9')) && c != QLatin1Char(' ') &&
            c != QLatin1Char('-') && c != QLatin1Char('(') && c != QLatin1Char(')') && c != QLatin1Char('.'))
            return false;
    }
    return true;
}

QString digitsOf(const QString &text) {
    QString digits;
    for (const QChar c : text)
        if (c >= QLatin1Char('0') && c <= QLatin1Char('9'))
            digits += c;
    return digits;
}

std::optional<lpn::PhoneNumber> parse(const QString &text) {
    const QString trimmed = text.trimmed();
    if (!onlyDigitsAndSeparators(trimmed))
        return std::nullopt;
    const lpn::PhoneNumberUtil &util = *lpn::PhoneNumberUtil::GetInstance();
    lpn::PhoneNumber number;
    // "ZZ": no default region, so only international numbers parse.
    if (util.Parse(trimmed.toStdString(), "ZZ", &number) != lpn::PhoneNumberUtil::NO_PARSING_ERROR ||
        !util.IsPossibleNumber(number))
        return std::nullopt;
    return number;
}

QString englishDescription(const lpn::PhoneNumber &number) {
    // The geocoder loads its data lazily and is not documented as thread-safe.
    static std::mutex lock;
    static lpn::PhoneNumberOfflineGeocoder geocoder;
    const std::lock_guard guard(lock);
    return QString::fromStdString(geocoder.GetDescriptionForNumber(number, icu::Locale::getEnglish()));
}

QStringList zonesOfCountry(const QString &country) {
    const QLocale::Territory territory = QLocale::codeToTerritory(country);
    if (territory == QLocale::AnyTerritory)
        return {};
    QStringList zones;
    for (const QByteArray &id : QTimeZone::availableTimeZoneIds(territory))
        zones.append(QString::fromLatin1(id));
    return zones;
}

// A number already in E.164 form ("+" and digits) whose verdict is known: possible or not
// depends only on its country calling code and length (libphonenumber compares the length with
// the country's possible lengths), so it is remembered per first seven digits and length.
class Verdicts {
public:
    static bool isCanonical(const QString &text) {
        if (text.size() < 8 || text.size() > 16 || text.at(0) != QLatin1Char('+') ||
            text.at(1) == QLatin1Char('0'))
            return false;
        for (qsizetype i = 1; i < text.size(); ++i) {
            if (text.at(i) < QLatin1Char('0') || text.at(i) > QLatin1Char('9'))
                return false;
        }
        return true;
    }
    std::optional<bool> possible(const QString &e164) {
        const std::lock_guard guard(m_lock);
        const auto found = m_possible.constFind(key(e164));
        return found == m_possible.constEnd() ? std::nullopt : std::optional<bool>(*found);
    }
    void setPossible(const QString &e164, bool possible) {
        const std::lock_guard guard(m_lock);
        trim();
        m_possible.insert(key(e164), possible);
    }
    std::optional<Locality> locality(const QString &e164) {
        const std::lock_guard guard(m_lock);
        const auto found = m_localities.constFind(e164.left(8));
        return found == m_localities.constEnd() ? std::nullopt : std::optional<Locality>(*found);
    }
    void setLocality(const QString &e164, const Locality &locality) {
        const std::lock_guard guard(m_lock);
        trim();
        m_localities.insert(e164.left(8), locality);
    }

private:
    static QString key(const QString &e164) {
        return e164.left(8) + QLatin1Char('/') + QString::number(e164.size());
    }
    // Bounded: a pool's callees span at most some tens of thousands of prefixes.
    void trim() {
        constexpr qsizetype Most = 100'000;
        if (m_possible.size() > Most)
            m_possible.clear();
        if (m_localities.size() > Most)
            m_localities.clear();
    }
    std::mutex m_lock;
    QHash<QString, bool> m_possible;
    QHash<QString, Locality> m_localities;
};

Verdicts &verdicts() {
    static Verdicts instance;
    return instance;
}

} // namespace

std::optional<QString> normalize(const QString &text) {
    const QString trimmed = text.trimmed();
    const bool canonical = Verdicts::isCanonical(trimmed);
    if (canonical) {
        if (const auto known = verdicts().possible(trimmed))
            return *known ? std::optional<QString>(trimmed) : std::nullopt;
    }
    const auto number = parse(trimmed);
    if (!number) {
        if (canonical)
            verdicts().setPossible(trimmed, false);
        return std::nullopt;
    }
    std::string formatted;
    lpn::PhoneNumberUtil::GetInstance()->Format(*number, lpn::PhoneNumberUtil::E164, &formatted);
    const QString e164 = QString::fromStdString(formatted);
    // E.164 allows at most 15 digits; libphonenumber finds some longer national numbers possible
    // (Japan's), which no international call reaches.
    if (e164.size() > 16)
        return std::nullopt;
    // libphonenumber drops a national prefix written after the country code ("+82 0 ...") once per
    // reading, so "+82 0 0..." gives a form that reads back as yet another number. Such a form is
    // the E.164 of nothing: a stored number must read back as itself.
    if (e164 != trimmed) {
        const auto again = parse(e164);
        std::string reformatted;
        if (again)
            lpn::PhoneNumberUtil::GetInstance()->Format(*again, lpn::PhoneNumberUtil::E164, &reformatted);
        if (QString::fromStdString(reformatted) != e164)
            return std::nullopt;
    }
    // Only a number already in its E.164 form vouches for its shape: "+1 1 415..." written with
    // a trunk prefix is normalised to something else, and must not be handed back as typed.
    if (canonical && e164 == trimmed)
        verdicts().setPossible(trimmed, true);
    return e164;
}

Locality locality(const QString &e164) {
    if (!Verdicts::isCanonical(e164))
        return {};
    if (auto known = verdicts().locality(e164))
        return *known;
    const Geography where = geography(e164);
    const Locality found{where.areaCode, where.region, where.timeZones};
    verdicts().setLocality(e164, found);
    return found;
}

Geography geography(const QString &e164) {
    Geography geography;
    const auto number = parse(e164);
    if (!number)
        return geography;
    const lpn::PhoneNumberUtil &util = *lpn::PhoneNumberUtil::GetInstance();
    geography.valid = util.IsValidNumber(*number);
    std::string country;
    util.GetRegionCodeForNumber(*number, &country);
    if (country != "ZZ")
        geography.country = QString::fromStdString(country);
    std::string significant;
    util.GetNationalSignificantNumber(*number, &significant);
    const QString countryCode = QString::number(number->country_code());
    const bool nanp = number->country_code() == 1;
    int areaLength = util.GetLengthOfGeographicalAreaCode(*number);
    // North American numbers always begin with a three-digit area code; a new one libphonenumber
    // does not know yet (or +1 555) is still one. Toll-free and other valid non-geographic
    // numbers have none.
    if (nanp && areaLength == 0 && !geography.valid)
        areaLength = 3;
    if (areaLength > 0)
        geography.areaCode = countryCode + QString::fromStdString(significant.substr(0, areaLength));
    geography.place = englishDescription(*number);
    const NanpRegions::Region *state = nanp ? NanpRegions::fromDescription(geography.place) : nullptr;
    if (state) {
        geography.country = QString::fromLatin1(state->country);
        geography.region = geography.country + QLatin1Char('-') + QString::fromLatin1(state->code);
        geography.timeZones = state->timeZones;
    } else if (!geography.country.isEmpty()) {
        geography.region = geography.country;
        geography.timeZones = zonesOfCountry(geography.country);
    }
    // Calling hours must hold wherever the callee may be: a number the metadata does not place
    // (a new area code) is taken to be anywhere in its calling code's main country.
    if (geography.timeZones.isEmpty()) {
        std::string main;
        util.GetRegionCodeForCountryCode(number->country_code(), &main);
        if (main != "ZZ")
            geography.timeZones = zonesOfCountry(QString::fromStdString(main));
    }
    return geography;
}

QString displayText(const QString &e164) {
    const auto number = parse(e164);
    if (!number)
        return e164;
    std::string formatted;
    lpn::PhoneNumberUtil::GetInstance()->Format(*number, lpn::PhoneNumberUtil::INTERNATIONAL, &formatted);
    // What is shown must read back as the same number. Slovakia's formats group with '/' ("+421 36/023
    // 45 67"), which normalize does not read; a space groups as well. And the digits must be the same:
    // libphonenumber's Mexican formats drop the old mobile "1" ("+52 1 016..." shows as "+52 016..."),
    // which a reader would dial as another number.
    QString text = QString::fromStdString(formatted);
    text.replace(QLatin1Char('/'), QLatin1Char(' '));
    return onlyDigitsAndSeparators(text) && digitsOf(text) == digitsOf(e164) ? text : e164;
}

QByteArray toFormValue(const QString &e164) {
    return QUrl::toPercentEncoding(e164);
}

} // namespace PoolDesk::PhoneNumber
