#include "security/TwilioSignature.h"

#include <QMessageAuthenticationCode>
#include <QStringDecoder>

#include <algorithm>
#include <cctype>
#include <vector>

namespace PoolDesk::TwilioSignature {

QByteArray compute(const QByteArray &authToken, const QString &url, const FormFields &postFields) {
    // Twilio sorts by name in UTF-8 byte order; repeated names keep their values in sorted order
    // too. Each field is encoded once, not in every comparison the sort makes.
    std::vector<std::pair<QByteArray, QByteArray>> sorted;
    sorted.reserve(size_t(postFields.size()));
    qsizetype length = 0;
    for (const auto &[name, value] : postFields) {
        sorted.emplace_back(name.toUtf8(), value.toUtf8());
        length += sorted.back().first.size() + sorted.back().second.size();
    }
    std::sort(sorted.begin(), sorted.end());
    QByteArray data = url.toUtf8();
    data.reserve(data.size() + length);
    for (const auto &[name, value] : sorted) {
        data += name;
        data += value;
    }
    return QMessageAuthenticationCode::hash(data, authToken, QCryptographicHash::Sha1).toBase64();
}

bool constantTimeEquals(const QByteArray &a, const QByteArray &b) {
    // The length of a valid signature is public (28 characters); only the content is secret.
    const qsizetype length = std::max(a.size(), b.size());
    unsigned char difference = a.size() == b.size() ? 0 : 1;
    for (qsizetype i = 0; i < length; ++i) {
        const unsigned char x = i < a.size() ? static_cast<unsigned char>(a.at(i)) : 0;
        const unsigned char y = i < b.size() ? static_cast<unsigned char>(b.at(i)) : 0;
        difference |= static_cast<unsigned char>(x ^ y);
    }
    return difference == 0;
}

bool verify(const QByteArray &authToken, const QString &url, const FormFields &postFields,
            const QByteArray &signatureHeader) {
    if (authToken.isEmpty() || signatureHeader.isEmpty())
        return false;
    return constantTimeEquals(compute(authToken, url, postFields), signatureHeader.trimmed());
}

static std::optional<QString> decodeComponent(const QByteArray &raw) {
    QByteArray bytes;
    bytes.reserve(raw.size());
    for (qsizetype i = 0; i < raw.size(); ++i) {
        const char c = raw.at(i);
        if (c == '+') {
            bytes += ' ';
        } else if (c == '%') {
            if (i + 2 >= raw.size() || !std::isxdigit(uchar(raw.at(i + 1))) ||
                !std::isxdigit(uchar(raw.at(i + 2))))
                return std::nullopt;
            bytes += QByteArray::fromHex(raw.mid(i + 1, 2));
            i += 2;
        } else {
            bytes += c;
        }
    }
    auto decoder = QStringDecoder(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
    QString text = decoder(bytes);
    if (decoder.hasError())
        return std::nullopt;
    return text;
}

std::optional<FormFields> parseForm(const QByteArray &body) {
    FormFields fields;
    if (body.isEmpty())
        return fields;
    for (const QByteArray &pair : body.split('&')) {
        if (pair.isEmpty())
            continue;
        const qsizetype equals = pair.indexOf('=');
        const auto name = decodeComponent(equals < 0 ? pair : pair.left(equals));
        const auto value = decodeComponent(equals < 0 ? QByteArray() : pair.mid(equals + 1));
        if (!name || !value || name->isEmpty())
            return std::nullopt;
        fields.append({*name, *value});
    }
    return fields;
}

} // namespace PoolDesk::TwilioSignature
