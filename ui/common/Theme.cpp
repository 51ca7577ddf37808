#include "common/Theme.h"

#include <QAbstractAxis>
#include <QChart>
#include <QLegend>

namespace PoolDesk::Ui::Theme {

bool isDark(const QPalette &palette) {
    return palette.color(QPalette::Window).lightnessF() < 0.5;
}

static QColor hue(Tone tone, bool dark) {
    switch (tone) {
    case Tone::Neutral:
        return dark ? QColor(0x9a, 0xa0, 0xa6) : QColor(0x5f, 0x63, 0x68);
    case Tone::Information:
        return dark ? QColor(0x6c, 0xa8, 0xf0) : QColor(0x1a, 0x66, 0xc9);
    case Tone::Positive:
        return dark ? QColor(0x5c, 0xc8, 0x7a) : QColor(0x1e, 0x8e, 0x3e);
    case Tone::Warning:
        return dark ? QColor(0xf2, 0xb8, 0x4b) : QColor(0xb0, 0x6a, 0x00);
    case Tone::Negative:
        return dark ? QColor(0xf2, 0x7b, 0x72) : QColor(0xc5, 0x22, 0x1f);
    case Tone::Busy:
        return dark ? QColor(0xb3, 0x8c, 0xf0) : QColor(0x6a, 0x3d, 0xc0);
    }
    return {};
}

static QColor blend(const QColor &over, const QColor &under, qreal alpha) {
    return QColor::fromRgbF(over.redF() * alpha + under.redF() * (1 - alpha),
                            over.greenF() * alpha + under.greenF() * (1 - alpha),
                            over.blueF() * alpha + under.blueF() * (1 - alpha));
}

QColor tint(Tone tone, const QPalette &palette) {
    const bool dark = isDark(palette);
    return blend(hue(tone, dark), palette.color(QPalette::Base), dark ? 0.30 : 0.18);
}

QColor accent(Tone tone, const QPalette &palette) {
    return hue(tone, isDark(palette));
}

Tone toneFor(NumberStatus status) {
    switch (status) {
    case NumberStatus::Available:
        return Tone::Positive;
    case NumberStatus::Reserved:
        return Tone::Warning;
    case NumberStatus::InUse:
        return Tone::Busy;
    }
    return Tone::Neutral;
}

QList<QColor> seriesColours(const QPalette &palette) {
    if (isDark(palette))
        return {QColor(0x6c, 0xa8, 0xf0), QColor(0xf2, 0xb8, 0x4b), QColor(0x5c, 0xc8, 0x7a),
                QColor(0xf2, 0x7b, 0x72), QColor(0xb3, 0x8c, 0xf0), QColor(0x4d, 0xd0, 0xe1),
                QColor(0xf4, 0x8f, 0xb1), QColor(0xc5, 0xe1, 0xa5), QColor(0xff, 0xcc, 0x80),
                QColor(0x90, 0xa4, 0xae)};
    return {QColor(0x1a, 0x66, 0xc9), QColor(0xe0, 0x8a, 0x00), QColor(0x1e, 0x8e, 0x3e),
            QColor(0xc5, 0x22, 0x1f), QColor(0x6a, 0x3d, 0xc0), QColor(0x00, 0x83, 0x8f),
            QColor(0xc2, 0x18, 0x5b), QColor(0x55, 0x8b, 0x2f), QColor(0x8d, 0x6e, 0x63),
            QColor(0x54, 0x6e, 0x7a)};
}

void applyTo(QChart *chart, const QPalette &palette) {
    if (!chart)
        return;
    const QColor text = palette.color(QPalette::Text);
    const QColor base = palette.color(QPalette::Base);
    QColor grid = blend(text, base, 0.15);
    chart->setBackgroundBrush(base);
    chart->setBackgroundRoundness(0);
    chart->setPlotAreaBackgroundVisible(false);
    chart->setTitleBrush(text);
    chart->legend()->setLabelColor(text);
    const auto axes = chart->axes();
    for (QAbstractAxis *axis : axes) {
        axis->setLabelsColor(text);
        axis->setTitleBrush(text);
        axis->setGridLineColor(grid);
        axis->setLinePenColor(blend(text, base, 0.4));
        axis->setMinorGridLineColor(blend(text, base, 0.07));
    }
}

} // namespace PoolDesk::Ui::Theme
