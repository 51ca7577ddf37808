// TwilioSignature: the check every webhook request passes before anything in it is believed, and
// the form reader it runs on. The input is split into the auth token, the URL, the form body and the
// X-Twilio-Signature header, at the first three NUL bytes.
#include "FuzzCheck.h"

#include "security/TwilioSignature.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <QUrl>

#include <algorithm>
#include <cstddef>
#include <cstdint>

using namespace PoolDesk;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const QByteArray input(reinterpret_cast<const char *>(data), qsizetype(size));
    QList<QByteArray> parts = input.split('\0');
    while (parts.size() < 4)
        parts.append(QByteArray());
    const QByteArray &token = parts.at(0);
    const QString url = QString::fromUtf8(parts.at(1));
    const QByteArray &body = parts.at(2);
    const QByteArray &header = parts.at(3);

    const auto form = TwilioSignature::parseForm(body);
    if (!form)
        return 0;
    // The fields written as a form again read back the same.
    QByteArray written;
    for (const auto &[name, value] : *form) {
        FUZZ_CHECK(!name.isEmpty());
        if (!written.isEmpty())
            written += '&';
        written += QUrl::toPercentEncoding(name) + '=' + QUrl::toPercentEncoding(value);
    }
    FUZZ_CHECK(TwilioSignature::parseForm(written) == form);
    // What a forger sends is refused unless it is the signature itself; whatever is sent, verify
    // agrees with comparing it with the signature computed.
    const QByteArray signature = TwilioSignature::compute(token, url, *form);
    FUZZ_CHECK(signature.size() == 28); // base64 of a SHA-1
    const bool accepted = TwilioSignature::verify(token, url, *form, header);
    FUZZ_CHECK(accepted == (!token.isEmpty() && !header.isEmpty() &&
                            TwilioSignature::constantTimeEquals(signature, header.trimmed())));
    FUZZ_CHECK(TwilioSignature::verify(token, url, *form, signature) == !token.isEmpty());
    // Twilio signs the fields sorted by name: the order they arrive in does not matter.
    FormFields reversed = *form;
    std::reverse(reversed.begin(), reversed.end());
    FUZZ_CHECK(TwilioSignature::compute(token, url, reversed) == signature);
    // Any change to the signature is refused.
    if (!token.isEmpty()) {
        QByteArray forged = signature;
        forged[qsizetype(size % 28)] = forged.at(qsizetype(size % 28)) == 'A' ? 'B' : 'A';
        FUZZ_CHECK(!TwilioSignature::verify(token, url, *form, forged));
        FUZZ_CHECK(!TwilioSignature::verify(token, url, *form, signature + 'A'));
    }
    FUZZ_CHECK(TwilioSignature::constantTimeEquals(header, header));
    FUZZ_CHECK(TwilioSignature::constantTimeEquals(header, token) == (header == token));
    return 0;
}
