#include "domain/NanpRegions.h"

#include <QHash>

namespace PoolDesk::NanpRegions {

namespace {

// Where a region spans zones, each is listed, so calling hours hold in all of them. Territories
// with country codes of their own in ISO 3166 (Puerto Rico, Guam and the rest) are countries to
// libphonenumber, and take their zone from Qt's list for that country.
const QList<Region> &regions() {
    static const QList<Region> all = {
        {"US", "AL", "Alabama", {QStringLiteral("America/Chicago")}},
        {"US", "AK", "Alaska", {QStringLiteral("America/Anchorage"), QStringLiteral("America/Adak")}},
        {"US", "AZ", "Arizona", {QStringLiteral("America/Phoenix")}},
        {"US", "AR", "Arkansas", {QStringLiteral("America/Chicago")}},
        {"US", "CA", "California", {QStringLiteral("America/Los_Angeles")}},
        {"US", "CO", "Colorado", {QStringLiteral("America/Denver")}},
        {"US", "CT", "Connecticut", {QStringLiteral("America/New_York")}},
        {"US", "DE", "Delaware", {QStringLiteral("America/New_York")}},
        {"US", "DC", "Washington D.C.", {QStringLiteral("America/New_York")}},
        {"US", "FL", "Florida", {QStringLiteral("America/New_York"), QStringLiteral("America/Chicago")}},
        {"US", "GA", "Georgia", {QStringLiteral("America/New_York")}},
        {"US", "HI", "Hawaii", {QStringLiteral("Pacific/Honolulu")}},
        {"US", "ID", "Idaho", {QStringLiteral("America/Boise"), QStringLiteral("America/Los_Angeles")}},
        {"US", "IL", "Illinois", {QStringLiteral("America/Chicago")}},
        {"US",
         "IN",
         "Indiana",
         {QStringLiteral("America/Indiana/Indianapolis"), QStringLiteral("America/Chicago")}},
        {"US", "IA", "Iowa", {QStringLiteral("America/Chicago")}},
        {"US", "KS", "Kansas", {QStringLiteral("America/Chicago"), QStringLiteral("America/Denver")}},
        {"US", "KY", "Kentucky", {QStringLiteral("America/New_York"), QStringLiteral("America/Chicago")}},
        {"US", "LA", "Louisiana", {QStringLiteral("America/Chicago")}},
        {"US", "ME", "Maine", {QStringLiteral("America/New_York")}},
        {"US", "MD", "Maryland", {QStringLiteral("America/New_York")}},
        {"US", "MA", "Massachusetts", {QStringLiteral("America/New_York")}},
        {"US", "MI", "Michigan", {QStringLiteral("America/Detroit"), QStringLiteral("America/Menominee")}},
        {"US", "MN", "Minnesota", {QStringLiteral("America/Chicago")}},
        {"US", "MS", "Mississippi", {QStringLiteral("America/Chicago")}},
        {"US", "MO", "Missouri", {QStringLiteral("America/Chicago")}},
        {"US", "MT", "Montana", {QStringLiteral("America/Denver")}},
        {"US", "NE", "Nebraska", {QStringLiteral("America/Chicago"), QStringLiteral("America/Denver")}},
        {"US", "NV", "Nevada", {QStringLiteral("America/Los_Angeles")}},
        {"US", "NH", "New Hampshire", {QStringLiteral("America/New_York")}},
        {"US", "NJ", "New Jersey", {QStringLiteral("America/New_York")}},
        {"US", "NM", "New Mexico", {QStringLiteral("America/Denver")}},
        {"US", "NY", "New York", {QStringLiteral("America/New_York")}},
        {"US", "NC", "North Carolina", {QStringLiteral("America/New_York")}},
        {"US", "ND", "North Dakota", {QStringLiteral("America/Chicago"), QStringLiteral("America/Denver")}},
        {"US", "OH", "Ohio", {QStringLiteral("America/New_York")}},
        {"US", "OK", "Oklahoma", {QStringLiteral("America/Chicago")}},
        {"US", "OR", "Oregon", {QStringLiteral("America/Los_Angeles"), QStringLiteral("America/Boise")}},
        {"US", "PA", "Pennsylvania", {QStringLiteral("America/New_York")}},
        {"US", "RI", "Rhode Island", {QStringLiteral("America/New_York")}},
        {"US", "SC", "South Carolina", {QStringLiteral("America/New_York")}},
        {"US", "SD", "South Dakota", {QStringLiteral("America/Chicago"), QStringLiteral("America/Denver")}},
        {"US", "TN", "Tennessee", {QStringLiteral("America/Chicago"), QStringLiteral("America/New_York")}},
        {"US", "TX", "Texas", {QStringLiteral("America/Chicago"), QStringLiteral("America/Denver")}},
        {"US", "UT", "Utah", {QStringLiteral("America/Denver")}},
        {"US", "VT", "Vermont", {QStringLiteral("America/New_York")}},
        {"US", "VA", "Virginia", {QStringLiteral("America/New_York")}},
        {"US", "WA", "Washington", {QStringLiteral("America/Los_Angeles")}},
        {"US", "WV", "West Virginia", {QStringLiteral("America/New_York")}},
        {"US", "WI", "Wisconsin", {QStringLiteral("America/Chicago")}},
        {"US", "WY", "Wyoming", {QStringLiteral("America/Denver")}},
        {"CA", "AB", "Alberta", {QStringLiteral("America/Edmonton")}},
        {"CA",
         "BC",
         "British Columbia",
         {QStringLiteral("America/Vancouver"), QStringLiteral("America/Edmonton")}},
        {"CA", "MB", "Manitoba", {QStringLiteral("America/Winnipeg")}},
        {"CA", "NB", "New Brunswick", {QStringLiteral("America/Moncton")}},
        {"CA",
         "NL",
         "Newfoundland and Labrador",
         {QStringLiteral("America/St_Johns"), QStringLiteral("America/Goose_Bay")}},
        {"CA", "NS", "Nova Scotia", {QStringLiteral("America/Halifax")}},
        {"CA", "NT", "Northwest Territories", {QStringLiteral("America/Yellowknife")}},
        {"CA",
         "NU",
         "Nunavut",
         {QStringLiteral("America/Iqaluit"), QStringLiteral("America/Winnipeg"),
          QStringLiteral("America/Edmonton")}},
        {"CA", "ON", "Ontario", {QStringLiteral("America/Toronto"), QStringLiteral("America/Winnipeg")}},
        {"CA", "PE", "Prince Edward Island", {QStringLiteral("America/Halifax")}},
        {"CA", "QC", "Quebec", {QStringLiteral("America/Toronto"), QStringLiteral("America/Halifax")}},
        {"CA", "SK", "Saskatchewan", {QStringLiteral("America/Regina")}},
        {"CA", "YT", "Yukon", {QStringLiteral("America/Whitehorse")}},
    };
    return all;
}

} // namespace

const Region *fromDescription(const QString &description) {
    static const QHash<QString, const Region *> byKey = [] {
        QHash<QString, const Region *> keys;
        for (const Region &region : regions()) {
            keys.insert(QString::fromLatin1(region.code), &region);
            keys.insert(QString::fromLatin1(region.name), &region);
        }
        return keys;
    }();
    // "Denver, CO" names a city and its state; "Colorado" a state alone.
    const qsizetype comma = description.lastIndexOf(QLatin1String(", "));
    const QString key = comma >= 0 ? description.mid(comma + 2) : description;
    return byKey.value(key.trimmed(), nullptr);
}

} // namespace PoolDesk::NanpRegions
