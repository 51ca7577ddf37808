#pragma once
// The one version of PoolDesk: project(VERSION) in CMakeLists.txt, plus the git revision when it
// was built from a checkout. --version of the three programs, --debug-info, the About dialog and the
// packages all read it here.
#include <QString>

namespace PoolDesk::AppInfo {

// "0.1.0"
QString version();
// "10eb7aa1c2", "10eb7aa1c2-modified" (uncommitted changes), or empty outside git.
QString revision();
// The first line of --version, as GNU asks: "pooldeskctl (PoolDesk) 0.1.0".
QString versionLine(const QString &program);
// The whole --version text: that line, the revision, copyright and licence, each line ending "\n".
QString versionText(const QString &program);
// The organisation and application name every program sets (settings, data folder).
QString productName();
// Sets them, and the version, on the running QCoreApplication: each program does at start.
void identifyApplication();
// The reverse-DNS id of the desktop file, the AppStream component and the icon.
QString applicationId();
QString homepage();
QString copyrightLine();

} // namespace PoolDesk::AppInfo
