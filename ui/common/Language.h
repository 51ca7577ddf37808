#pragma once

#include <QString>
#include <QStringList>

namespace PoolDesk::Ui::Language {

// The user's language choice ("" = follow the system, "en", "ja"), kept in the user's settings.
QString chosen();
void setChosen(const QString &code);
// The languages offered, as codes; names via displayName().
QStringList available();
QString displayName(const QString &code);
// Installs the translators for the chosen language (PoolDesk's and Qt's own) on the application.
// Returns the language in effect.
QString install();

} // namespace PoolDesk::Ui::Language
