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
// The language to load: the user's choice, else the system's when PoolDesk has it, else English.
// (app/pooldesk installs the catalogues of translations/ for it.)
QString effective();
// Loads the catalogues of effective() now (translations/); the open windows retranslate at once.
void apply();

} // namespace PoolDesk::Ui::Language
