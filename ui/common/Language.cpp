#include "common/Language.h"

#include <QCoreApplication>
#include <QDir>
#include <QLibraryInfo>
#include <QLocale>
#include <QLoggingCategory>
#include <QSettings>
#include <QTranslator>

Q_LOGGING_CATEGORY(lcLanguage, "pooldesk.ui.language")

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

static QStringList searchPaths() {
    const QString appDir = QCoreApplication::applicationDirPath();
    return {QStringLiteral(":/i18n"),
            QStringLiteral(":/translations"),
            appDir + QStringLiteral("/translations"),
            appDir + QStringLiteral("/../translations"),
            appDir + QStringLiteral("/../../translations"),
            appDir + QStringLiteral("/../share/pooldesk/translations")};
}

QString install() {
    QString code = chosen();
    if (code.isEmpty())
        code = QLocale::system().name().section(QLatin1Char('_'), 0, 0);
    if (code != QLatin1String("ja"))
        code = QStringLiteral("en");
    if (code == QLatin1String("en"))
        return code; // the source strings are English
    auto *app = QCoreApplication::instance();
    auto *ours = new QTranslator(app);
    bool loaded = false;
    for (const QString &dir : searchPaths()) {
        if (ours->load(QStringLiteral("pooldesk_") + code, dir)) {
            loaded = true;
            break;
        }
    }
    if (loaded)
        QCoreApplication::installTranslator(ours);
    else
        qCInfo(lcLanguage) << "No PoolDesk translation found for" << code;
    auto *qt = new QTranslator(app);
    if (qt->load(QStringLiteral("qtbase_") + code, QLibraryInfo::path(QLibraryInfo::TranslationsPath)))
        QCoreApplication::installTranslator(qt);
    return code;
}

} // namespace PoolDesk::Ui::Language
