#pragma once

#include <QChartView>
#include <QString>

class QAbstractAxis;
class QValueAxis;

namespace PoolDesk::Ui::Charts {

// A chart view in the console's style: antialiased, palette-derived colours, legend at the bottom.
// Views say when they have nothing to show in the chart's title.
QChartView *makeView(const QString &objectName, const QString &title, QWidget *parent);
// Removes every series and axis (before new data arrives).
void clear(QChart *chart);
// A value axis from 0 to a round number above max (never 0..0: an empty series leaves the axis at
// 0..0 otherwise), with whole-number labels when integral.
QValueAxis *valueAxis(double max, const QString &title, bool integral, QChart *chart,
                      Qt::Alignment alignment);
// Re-applies the palette to the chart and the series colours in order.
void style(QChart *chart);

} // namespace PoolDesk::Ui::Charts
