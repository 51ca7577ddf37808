#pragma once
// The report a person pastes into a bug: version and revision, Qt at build and run time, the
// operating system, the SQL drivers Qt found, the keychain backend and the default database. Printed
// by --debug-info of the three programs and shown, copyable, in the console's About dialog.
#include <QString>
#include <QStringList>

namespace PoolDesk::DebugInfo {

// `extra` lines are the caller's own (the console adds its platform plugin and screen).
QString text(const QString &program, const QStringList &extra = {});

} // namespace PoolDesk::DebugInfo
