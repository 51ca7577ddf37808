#include "common/Format.h"

#include "domain/BillingZone.h"

#include <QLocale>

namespace PoolDesk::Ui::Format {

QString money(Micros amount, int decimals) {
    return Money::format(amount, QLocale(), decimals);
}

QString integer(qint64 value) {
    return QLocale().toString(value);
}

QString decimal(double value, int decimals) {
    return QLocale().toString(value, 'f', decimals);
}

QString percent(double fraction, int decimals) {
    return QLocale().toString(fraction * 100.0, 'f', decimals) + QLocale().percent();
}

QString dateTime(const QDateTime &utc) {
    if (!utc.isValid())
        return {};
    return DisplayZone::current().displayText(utc.toSecsSinceEpoch());
}

QString date(const QDate &value) {
    if (!value.isValid())
        return {};
    return QLocale().toString(value, QLocale::ShortFormat);
}

QString month(const QDate &firstOfMonth) {
    const QLocale locale;
    if (locale.language() == QLocale::Japanese || locale.language() == QLocale::Chinese)
        return locale.toString(firstOfMonth, QStringLiteral("yyyy年M月"));
    return locale.toString(firstOfMonth, QStringLiteral("MMMM yyyy"));
}

QString duration(qint64 seconds) {
    if (seconds < 0)
        seconds = 0;
    const qint64 h = seconds / 3600;
    const qint64 m = (seconds % 3600) / 60;
    const qint64 s = seconds % 60;
    if (h > 0)
        return QStringLiteral("%1:%2:%3")
            .arg(h)
            .arg(m, 2, 10, QLatin1Char('0'))
            .arg(s, 2, 10, QLatin1Char('0'));
    return QStringLiteral("%1:%2").arg(m).arg(s, 2, 10, QLatin1Char('0'));
}

} // namespace PoolDesk::Ui::Format
