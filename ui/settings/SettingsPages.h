#pragma once

#include <QList>
#include <QString>
#include <QWidget>

#include <functional>

namespace PoolDesk::Ui {

class Workspace;

// Extra sections of the Settings view contributed by feature folders (the Twilio environments
// page in ui/twilio/ registers itself here), so the Settings view needs no edit to show them:
//   static const bool registered = SettingsPages::add({QStringLiteral("environments"),
//       QT_TRANSLATE_NOOP("SettingsPages", "Environments"), 10, [](Workspace &w, QWidget *parent) {
//           return new EnvironmentsSettingsPage(w, parent); }});
struct SettingsPage {
    QString id;
    const char *title = nullptr; // QT_TRANSLATE_NOOP("SettingsPages", ...)
    int order = 100;             // smaller first; the built-in sections are 20 (pool) .. 60 (language)
    std::function<QWidget *(Workspace &, QWidget *)> create;
};

namespace SettingsPages {
bool add(SettingsPage page);
QList<SettingsPage> all(); // sorted by order
} // namespace SettingsPages

} // namespace PoolDesk::Ui
