#pragma once

#include <QStringList>

namespace PoolDesk::NanpRegions {

// A state, district, territory or province of the North American Numbering Plan, as
// libphonenumber's geocoder names it, and the IANA zones its numbers may be in.
struct Region {
    const char *country; // ISO 3166-1 alpha-2
    const char *code;    // postal abbreviation, as in "Denver, CO"
    const char *name;    // full English name, as in "Colorado"
    QStringList timeZones;
};

// The region a geocoder description names ("San Francisco, CA", "California"), or nullptr.
const Region *fromDescription(const QString &description);

} // namespace PoolDesk::NanpRegions
