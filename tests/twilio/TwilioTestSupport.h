#pragma once

#include "FakeTwilioServer.h"
#include "credentials/TwilioCredentials.h"
#include "twilio/TwilioClient.h"

#include <QDeadlineTimer>
#include <QJsonArray>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QTest>

#include <optional>

namespace PoolDesk::Test {

inline const QString TestAccountSid = QStringLiteral("AC0123456789abcdef0123456789abcdef");
inline const QString TestApiKey = QStringLiteral("SK0123456789abcdef0123456789abcdef");
// Not a real secret: a fixed test value the fake server checks.
inline const QString TestApiSecret = QStringLiteral("test-secret-value");

inline TwilioCredentials testCredentials(const QUrl &base) {
    TwilioCredentials c;
    c.environment = QStringLiteral("development");
    c.accountSid = TestAccountSid;
    c.username = TestApiKey;
    c.password = TestApiSecret;
    c.apiBaseUrl = base;
    c.source = QStringLiteral("test");
    return c;
}

inline QByteArray accountPath(const QByteArray &relative) {
    return "/2010-04-01/Accounts/" + TestAccountSid.toLatin1() + '/' + relative;
}

inline QJsonObject incomingNumberJson(const QString &sid, const QString &e164, const QString &voiceUrl = {},
                                      const QString &statusCallback = {}) {
    return {{QStringLiteral("sid"), sid},
            {QStringLiteral("account_sid"), TestAccountSid},
            {QStringLiteral("phone_number"), e164},
            {QStringLiteral("friendly_name"), e164},
            {QStringLiteral("voice_url"), voiceUrl},
            {QStringLiteral("voice_method"), QStringLiteral("POST")},
            {QStringLiteral("status_callback"), statusCallback},
            {QStringLiteral("date_created"), QStringLiteral("Fri, 18 Oct 2019 17:02:00 +0000")}};
}

inline QString pnSid(int n) {
    return QStringLiteral("PN%1").arg(n, 32, 10, QLatin1Char('0'));
}
inline QString caSid(int n) {
    return QStringLiteral("CA%1").arg(n, 32, 10, QLatin1Char('0'));
}

// Waits for an asynchronous callback's value (bounded: a hang fails the test, it does not block it).
template <typename T>
struct Awaited {
    std::optional<T> value;
    auto sink() {
        return [this](T v) { value.emplace(std::move(v)); };
    }
    bool wait(int ms = 20000) {
        QDeadlineTimer deadline(ms);
        while (!value && !deadline.hasExpired())
            QTest::qWait(5);
        return value.has_value();
    }
};

} // namespace PoolDesk::Test
