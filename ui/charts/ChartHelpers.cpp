#include "charts/ChartHelpers.h"

#include "common/Theme.h"

#include <QAbstractBarSeries>
#include <QAreaSeries>
#include <QBarSet>
#include <QChart>
#include <QLegend>
#include <QLineSeries>
#include <QPieSeries>
#include <QValueAxis>
#include <QXYSeries>

#include <cmath>

namespace PoolDesk::Ui::Charts {

QChartView *makeView(const QString &objectName, const QString &title, QWidget *parent) {
    auto *chart = new QChart;
    chart->setTitle(title);
    QFont font = chart->titleFont();
    font.setBold(true);
    chart->setTitleFont(font);
    chart->legend()->setAlignment(Qt::AlignBottom);
    chart->setMargins(QMargins(4, 4, 4, 4));
    chart->setAnimationOptions(QChart::NoAnimation);
    auto *view = new QChartView(chart, parent);
    view->setObjectName(objectName);
    view->setRenderHint(QPainter::Antialiasing);
    view->setMinimumSize(260, 200);
    view->setFrameShape(QFrame::NoFrame);
    Theme::applyTo(chart, view->palette());
    return view;
}

void clear(QChart *chart) {
    chart->removeAllSeries();
    const auto axes = chart->axes();
    for (QAbstractAxis *axis : axes) {
        chart->removeAxis(axis);
        delete axis;
    }
}

QValueAxis *valueAxis(double max, const QString &title, bool integral, QChart *chart,
                      Qt::Alignment alignment) {
    auto *axis = new QValueAxis;
    double top = std::max(1.0, max);
    // Round up to 1, 2 or 5 times a power of ten.
    const double magnitude = std::pow(10.0, std::floor(std::log10(top)));
    for (double step : {1.0, 2.0, 5.0, 10.0}) {
        if (top <= step * magnitude) {
            top = step * magnitude;
            break;
        }
    }
    axis->setRange(0, top);
    axis->setTickCount(top <= 5 && integral ? int(top) + 1 : 6);
    axis->setLabelFormat(integral && top >= 5 ? QStringLiteral("%d") : QStringLiteral("%.1f"));
    if (integral && top < 5)
        axis->setLabelFormat(QStringLiteral("%d"));
    axis->setTitleText(title);
    chart->addAxis(axis, alignment);
    return axis;
}

void style(QChart *chart) {
    const QPalette palette = chart->scene() && !chart->scene()->views().isEmpty()
                                 ? chart->scene()->views().first()->palette()
                                 : QPalette();
    Theme::applyTo(chart, palette);
    const QList<QColor> colours = Theme::seriesColours(palette);
    int next = 0;
    const auto series = chart->series();
    for (QAbstractSeries *s : series) {
        if (auto *bars = qobject_cast<QAbstractBarSeries *>(s)) {
            const auto sets = bars->barSets();
            for (QBarSet *set : sets) {
                set->setColor(colours.at(next++ % colours.size()));
                set->setBorderColor(Qt::transparent);
            }
        } else if (auto *pie = qobject_cast<QPieSeries *>(s)) {
            const auto slices = pie->slices();
            for (QPieSlice *slice : slices) {
                slice->setColor(colours.at(next++ % colours.size()));
                slice->setBorderColor(palette.color(QPalette::Base));
                slice->setLabelColor(palette.color(QPalette::Text));
            }
        } else if (auto *area = qobject_cast<QAreaSeries *>(s)) {
            QColor c = colours.at(next++ % colours.size());
            area->setBorderColor(c);
            c.setAlphaF(0.35);
            area->setColor(c);
        } else if (auto *xy = qobject_cast<QXYSeries *>(s)) {
            if (!s->property("pooldeskKeepColour").toBool()) {
                QPen pen(colours.at(next++ % colours.size()));
                pen.setWidthF(2.0);
                xy->setPen(pen);
            }
        }
    }
}

} // namespace PoolDesk::Ui::Charts
