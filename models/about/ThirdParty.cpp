#include "about/ThirdParty.h"

#include <QCoreApplication>

namespace PoolDesk::ThirdParty {

QList<Component> components() {
    const QString qtUrl = QStringLiteral("https://www.qt.io/");
    const QString lgpl = QStringLiteral("LGPL-3.0-only OR GPL-2.0-only OR GPL-3.0-only");
    return {
        {QStringLiteral("Qt Core, Gui, Widgets, Network, Sql, PrintSupport, Svg"),
         QCoreApplication::translate(
             "ThirdParty", "Application framework, windows, networking, databases, printing and icons"),
         lgpl, qtUrl},
        {QStringLiteral("Qt Multimedia"),
         QCoreApplication::translate("ThirdParty", "Playing call recordings"), lgpl, qtUrl},
        {QStringLiteral("Qt Charts"), QCoreApplication::translate("ThirdParty", "Usage charts"),
         QStringLiteral("GPL-3.0-only"), qtUrl},
        {QStringLiteral("QtKeychain"),
         QCoreApplication::translate("ThirdParty", "Storing Twilio credentials in the system keychain"),
         QStringLiteral("BSD-3-Clause"), QStringLiteral("https://github.com/frankosterfeld/qtkeychain")},
        {QStringLiteral("SQLite"), QCoreApplication::translate("ThirdParty", "The embedded database"),
         QStringLiteral("blessing (public domain)"), QStringLiteral("https://sqlite.org/")},
        {QStringLiteral("libphonenumber"),
         QCoreApplication::translate("ThirdParty",
                                     "Reading phone numbers, and where they are for local presence"),
         QStringLiteral("Apache-2.0"), QStringLiteral("https://github.com/google/libphonenumber")},
        {QStringLiteral("libpq"),
         QCoreApplication::translate("ThirdParty", "PostgreSQL client, through Qt's PostgreSQL driver"),
         QStringLiteral("PostgreSQL"), QStringLiteral("https://www.postgresql.org/")},
        {QStringLiteral("OpenSSL"),
         QCoreApplication::translate("ThirdParty", "TLS for Twilio's API, through Qt Network"),
         QStringLiteral("Apache-2.0"), QStringLiteral("https://www.openssl.org/")},
    };
}

} // namespace PoolDesk::ThirdParty
