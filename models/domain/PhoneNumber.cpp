#include "domain/PhoneNumber.h"

#include <QUrl>

namespace PoolDesk::PhoneNumber {

std::optional<QString> normalize(const QString &text) {
    const QString trimmed = text.trimmed();
    if (!trimmed.startsWith(QLatin1Char('+')))
        return std::nullopt;
    QString digitsOnly;
    digitsOnly.reserve(trimmed.size());
    for (qsizetype i = 1; i < trimmed.size(); ++i) {
        const QChar c = trimmed.at(i);
        if (c >= QLatin1Char('0') && c <= QLatin1Char('9'))
            digitsOnly.append(c);
        else if (c == QLatin1Char(' ') || c == QLatin1Char('-') || c == QLatin1Char('(') ||
                 c == QLatin1Char(')') || c == QLatin1Char('.'))
            continue;
        else
            return std::nullopt;
    }
    if (digitsOnly.size() < 7 || digitsOnly.size() > 15 || digitsOnly.startsWith(QLatin1Char('0')))
        return std::nullopt;
    return QLatin1Char('+') + digitsOnly;
}

QByteArray toFormValue(const QString &e164) {
    return QUrl::toPercentEncoding(e164);
}

} // namespace PoolDesk::PhoneNumber
