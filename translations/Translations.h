#pragma once

#include <QString>
#include <QStringList>

namespace PoolDesk::Translations {

// Installs PoolDesk's and Qt's own catalogues for `language` ("ja", "en", or empty for the
// system's language). Safe to call again to switch languages.
void install(const QString &language = {});

// The languages PoolDesk ships: {"en", "ja"}.
QStringList available();

} // namespace PoolDesk::Translations
