#include "about/DebugInfo.h"

#include "about/AppInfo.h"
#include "credentials/SecretStore.h"
#include "storage/DatabaseUrl.h"

#include <QLocale>
#include <QSqlDatabase>
#include <QSysInfo>
#include <QTimeZone>
#include <QtGlobal>

namespace PoolDesk::DebugInfo {

QString text(const QString &program, const QStringList &extra) {
    // Not translated: a maintainer reads it, whatever language the reporter uses.
    QStringList lines;
    lines << AppInfo::versionLine(program);
    lines << QStringLiteral("Revision: %1")
                 .arg(AppInfo::revision().isEmpty() ? QStringLiteral("(not built from git)")
                                                    : AppInfo::revision());
    lines << QStringLiteral("Qt: %1 at run time, built with %2")
                 .arg(QString::fromLatin1(qVersion()), QStringLiteral(POOLDESK_QT_BUILD_VERSION));
    lines << QStringLiteral("Operating system: %1 (%2 %3, %4)")
                 .arg(QSysInfo::prettyProductName(), QSysInfo::kernelType(), QSysInfo::kernelVersion(),
                      QSysInfo::currentCpuArchitecture());
    lines << QStringLiteral("SQL drivers: %1").arg(QSqlDatabase::drivers().join(QStringLiteral(", ")));
    lines << QStringLiteral("Keychain: %1").arg(SecretStore::backendDescription());
    lines << QStringLiteral("Default database: %1").arg(DatabaseUrl::defaultSqlitePath());
    lines << QStringLiteral("Locale: %1; time zone: %2")
                 .arg(QLocale::system().name(), QString::fromUtf8(QTimeZone::systemTimeZoneId()));
    lines << extra;
    return lines.join(QLatin1Char('\n')) + QLatin1Char('\n');
}

} // namespace PoolDesk::DebugInfo
