#pragma once

#include <QIcon>
#include <QString>

namespace PoolDesk::Ui::Icons {

// The console's icons: monochrome SVGs from resources/icons, drawn in the palette's text colour
// (so they follow light and dark themes and stay crisp at any device pixel ratio). Falls back to
// the desktop theme's icon of the given name when the SVG cannot be rendered.
QIcon get(const QString &name, const QString &themeFallback = {});
// The full-colour application icon.
QIcon application();

} // namespace PoolDesk::Ui::Icons

namespace PoolDesk::Ui {
// Registers the resources of the static ui library (call once from main() and from tests).
void initResources();
} // namespace PoolDesk::Ui
