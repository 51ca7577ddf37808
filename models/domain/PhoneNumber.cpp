#include "domain/PhoneNumber.h"

#include "domain/NanpRegions.h"

#include <QLocale>
#include <QTimeZone>
#include <QUrl>

#include <phonenumbers/geocoding/phonenumber_offline_geocoder.h>
#include <phonenumbers/phonenumberutil.h>

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

} // namespace

std::optional<QString> normalize(const QString &text) {
    const auto number = parse(text);
    if (!number)
        return std::nullopt;
    std::string e164;
    lpn::PhoneNumberUtil::GetInstance()->Format(*number, lpn::PhoneNumberUtil::E164, &e164);
    return QString::fromStdString(e164);
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
    return geography;
}

QByteArray toFormValue(const QString &e164) {
    return QUrl::toPercentEncoding(e164);
}

} // namespace PoolDesk::PhoneNumber
