#pragma once

#include <QString>

namespace PoolDesk::SqlText {

// A LIKE pattern matching `text` anywhere, with %, _ and \ escaped (use with ESCAPE '\').
inline QString containsPattern(const QString &text) {
    QString escaped;
    escaped.reserve(text.size() + 2);
    for (const QChar c : text.toLower()) {
        if (c == QLatin1Char('%') || c == QLatin1Char('_') || c == QLatin1Char('\\'))
            escaped += QLatin1Char('\\');
        escaped += c;
    }
    return QLatin1Char('%') + escaped + QLatin1Char('%');
}

} // namespace PoolDesk::SqlText
