#include "Translations.h"

#include <QCoreApplication>
#include <QLibraryInfo>
#include <QLocale>
#include <QTranslator>

#include <memory>

namespace PoolDesk::Translations {

namespace {
std::unique_ptr<QTranslator> s_pooldesk;
std::unique_ptr<QTranslator> s_qt;
} // namespace

QStringList available() {
    return {QStringLiteral("en"), QStringLiteral("ja")};
}

void install(const QString &language) {
    for (auto *translator : {&s_pooldesk, &s_qt}) {
        if (*translator) {
            QCoreApplication::removeTranslator(translator->get());
            translator->reset();
        }
    }
    const QLocale locale = language.isEmpty() ? QLocale() : QLocale(language);
    auto pooldesk = std::make_unique<QTranslator>();
    // A language PoolDesk does not speak (or the C locale of scripts and services) gets English,
    // whose translation holds the plural forms the source strings only sketch ("%n call(s)").
    if (pooldesk->load(locale, QStringLiteral("pooldesk"), QStringLiteral("_"), QStringLiteral(":/i18n")) ||
        pooldesk->load(QLocale(QLocale::English), QStringLiteral("pooldesk"), QStringLiteral("_"),
                       QStringLiteral(":/i18n"))) {
        QCoreApplication::installTranslator(pooldesk.get());
        s_pooldesk = std::move(pooldesk);
    }
    auto qt = std::make_unique<QTranslator>();
    if (qt->load(locale, QStringLiteral("qtbase"), QStringLiteral("_"),
                 QLibraryInfo::path(QLibraryInfo::TranslationsPath))) {
        QCoreApplication::installTranslator(qt.get());
        s_qt = std::move(qt);
    }
}

} // namespace PoolDesk::Translations
