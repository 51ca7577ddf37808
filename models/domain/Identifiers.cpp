#include "domain/Identifiers.h"

#include <QStringView>

#include <algorithm>

namespace PoolDesk::Identifiers {

namespace {

// Well-formed UTF-16 without control characters or noncharacters (and, unless allowed, without
// format characters such as zero-width joiners and bidirectional overrides).
bool isWellFormed(const QString &text, bool formatAllowed) {
    if (!QStringView(text).isValidUtf16())
        return false;
    for (qsizetype i = 0; i < text.size(); ++i) {
        char32_t code = text.at(i).unicode();
        if (QChar::isHighSurrogate(code) && i + 1 < text.size()) {
            code = QChar::surrogateToUcs4(text.at(i), text.at(i + 1));
            ++i;
        }
        const QChar::Category category = QChar::category(code);
        if (category == QChar::Other_Control || QChar::isNonCharacter(code) ||
            (!formatAllowed && category == QChar::Other_Format))
            return false;
    }
    return true;
}

} // namespace

bool isValidSession(const QString &text) {
    if (text.isEmpty() || text.size() > MaxLength)
        return false;
    return std::all_of(text.cbegin(), text.cend(), [](QChar c) {
        const char16_t u = c.unicode();
        return (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9') || u == '-' ||
               u == '_' || u == '.' || u == ':' || u == '@' || u == '+' || u == '=' || u == '~';
    });
}

bool isCleanText(const QString &text) {
    return isWellFormed(text, true);
}

bool isValidName(const QString &text) {
    return !text.isEmpty() && text.size() <= MaxLength && text.trimmed() == text && isWellFormed(text, false);
}

} // namespace PoolDesk::Identifiers
