#include "common/Language.h"

#include <QCoreApplication>
#include <QLocale>
#include <QSettings>

namespace PoolDesk::Ui::Language {

static const QString Key = QStringLiteral("ui/language");

QString chosen() {
    return QSettings().value(Key).toString();
}

void setChosen(const QString &code) {
    QSettings().setValue(Key, code);
}

QStringList available() {
    return {QString(), QStringLiteral("en"), QStringLiteral("ja")};
}

QString displayName(const QString &code) {
    if (code.isEmpty())
        return QCoreApplication::translate("Language", "System default");
    if (code == QLatin1String("ja"))
        return QStringLiteral("日本語");
    if (code == QLatin1String("en"))
        return QStringLiteral("English");
    return code;
}

QString effective() {
    QString code = chosen();
    if (code.isEmpty())
        code = QLocale::system().name().section(QLatin1Char('_'), 0, 0);
    return available().contains(code) ? code : QStringLiteral("en");
}

} // namespace PoolDesk::Ui::Language
