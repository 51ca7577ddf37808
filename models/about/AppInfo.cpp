#include "about/AppInfo.h"

#include <QCoreApplication>

namespace PoolDesk::AppInfo {

QString version() {
    return QStringLiteral(POOLDESK_VERSION);
}

QString versionLine(const QString &program) {
    return QStringLiteral("%1 (%2) %3").arg(program, productName(), version());
}

QString versionText(const QString &program) {
    QString text = versionLine(program) + QLatin1Char('\n');
    if (!revision().isEmpty())
        text += QCoreApplication::translate("AppInfo", "Built from git revision %1.").arg(revision()) +
                QLatin1Char('\n');
    text += copyrightLine() + QLatin1Char('\n');
    text += QCoreApplication::translate(
                "AppInfo", "License GPLv3+: GNU GPL version 3 or later <https://gnu.org/licenses/gpl.html>.\n"
                           "This is free software: you are free to change and redistribute it.\n"
                           "There is NO WARRANTY, to the extent permitted by law.") +
            QLatin1Char('\n');
    return text;
}

QString productName() {
    return QStringLiteral("PoolDesk");
}

void identifyApplication() {
    QCoreApplication::setOrganizationName(productName());
    QCoreApplication::setApplicationName(productName());
    QCoreApplication::setApplicationVersion(version());
}

QString applicationId() {
    return QStringLiteral(POOLDESK_APP_ID);
}

QString homepage() {
    return QStringLiteral(POOLDESK_HOMEPAGE);
}

QString copyrightLine() {
    return QStringLiteral("Copyright (C) 2026 The PoolDesk developers.");
}

} // namespace PoolDesk::AppInfo
