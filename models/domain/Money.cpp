#include "domain/Money.h"

#include <cstdlib>

namespace PoolDesk::Money {

std::optional<Micros> parseUsd(QString text) {
    text = text.trimmed();
    if (text.startsWith(QLatin1Char('$')))
        text.remove(0, 1);
    bool negative = false;
    if (text.startsWith(QLatin1Char('-'))) {
        negative = true;
        text.remove(0, 1);
    } else if (text.startsWith(QLatin1Char('+'))) {
        text.remove(0, 1);
    }
    if (text.isEmpty())
        return std::nullopt;
    const qsizetype dot = text.indexOf(QLatin1Char('.'));
    const QString whole = dot < 0 ? text : text.left(dot);
    QString fraction = dot < 0 ? QString() : text.mid(dot + 1);
    if ((whole.isEmpty() && fraction.isEmpty()) || whole.size() > 12)
        return std::nullopt;
    // Trailing zeros beyond six decimals carry no value ("-0.01300000").
    while (fraction.size() > 6 && fraction.endsWith(QLatin1Char('0')))
        fraction.chop(1);
    if (fraction.size() > 6)
        return std::nullopt;
    for (const QChar c : QString(whole + fraction)) {
        if (!c.isDigit() || c.unicode() > '9')
            return std::nullopt;
    }
    const qint64 dollars = whole.isEmpty() ? 0 : whole.toLongLong();
    const qint64 micros = fraction.leftJustified(6, QLatin1Char('0')).toLongLong();
    const Micros value = dollars * MicrosPerDollar + micros;
    return negative ? -value : value;
}

std::optional<Micros> parseTwilioPrice(const QString &text) {
    if (text.trimmed().isEmpty())
        return std::nullopt;
    const auto value = parseUsd(text);
    if (!value)
        return std::nullopt;
    return std::llabs(*value);
}

static QString digits(Micros amount, int decimals, QChar point) {
    decimals = qBound(0, decimals, 6);
    const bool negative = amount < 0;
    qint64 magnitude = negative ? -amount : amount;
    qint64 scale = 1;
    for (int i = decimals; i < 6; ++i)
        scale *= 10;
    // Round half away from zero to the requested number of decimals.
    magnitude = (magnitude + scale / 2) / scale;
    qint64 unit = 1;
    for (int i = 0; i < decimals; ++i)
        unit *= 10;
    QString result = QString::number(magnitude / unit);
    if (decimals > 0)
        result += point + QString::number(magnitude % unit).rightJustified(decimals, QLatin1Char('0'));
    return negative && magnitude != 0 ? QLatin1Char('-') + result : result;
}

QString toPlainString(Micros amount, int decimals) {
    return digits(amount, decimals, QLatin1Char('.'));
}

QString format(Micros amount, const QLocale &locale, int decimals) {
    const QString plain = digits(amount, decimals, QLatin1Char('.'));
    // Let the locale group thousands and pick its decimal point, working from the exact digits.
    const bool negative = plain.startsWith(QLatin1Char('-'));
    const QString body = negative ? plain.mid(1) : plain;
    const qsizetype dot = body.indexOf(QLatin1Char('.'));
    const QString whole = locale.toString(body.left(dot < 0 ? body.size() : dot).toLongLong());
    QString text = QLatin1Char('$') + whole;
    if (dot >= 0)
        text += locale.decimalPoint() + body.mid(dot + 1);
    return negative ? locale.negativeSign() + text : text;
}

Micros prorate(Micros amount, qint64 numerator, qint64 denominator) {
    if (denominator == 0)
        return 0;
#if defined(__SIZEOF_INT128__)
    // 128-bit intermediate: a year of minutes times a rental sum overflows 64 bits.
    __extension__ typedef __int128 Wide;
    const Wide product = static_cast<Wide>(amount) * numerator;
    const Wide half = denominator / 2;
    const Wide rounded = product >= 0 ? (product + half) / denominator : (product - half) / denominator;
    return static_cast<Micros>(rounded);
#else
    const qint64 whole = amount / denominator * numerator;
    const qint64 rest = amount % denominator * numerator;
    return whole + (rest >= 0 ? rest + denominator / 2 : rest - denominator / 2) / denominator;
#endif
}

} // namespace PoolDesk::Money
