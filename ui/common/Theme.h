#pragma once

#include "domain/Types.h"

#include <QColor>
#include <QList>
#include <QPalette>

class QChart;

namespace PoolDesk::Ui::Theme {

// Meanings a colour can carry. Actual colours are derived from the current palette, so they work
// in light and dark themes alike and never hard-code a light background.
enum class Tone { Neutral, Information, Positive, Warning, Negative, Busy };

bool isDark(const QPalette &palette = QPalette());
// A background for a cell, chip or banner: the tone's hue blended into the palette's base colour.
QColor tint(Tone tone, const QPalette &palette = QPalette());
// A foreground (text, line, dot) in the tone's hue with enough contrast against the palette.
QColor accent(Tone tone, const QPalette &palette = QPalette());

Tone toneFor(NumberStatus status);

// Distinct series colours for charts that read well on the palette's base colour.
QList<QColor> seriesColours(const QPalette &palette = QPalette());
// Applies the palette (background, text, grid) to a chart.
void applyTo(QChart *chart, const QPalette &palette = QPalette());

} // namespace PoolDesk::Ui::Theme
