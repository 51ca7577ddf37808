#include "common/Language.h"

#ifdef POOLDESK_HAVE_TRANSLATIONS
#include "Translations.h"
#endif

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

void apply() {
#ifdef POOLDESK_HAVE_TRANSLATIONS
    // Installing catalogues makes Qt send QEvent::LanguageChange to every window.
    Translations::install(effective());
#endif
}

} // namespace PoolDesk::Ui::Language
