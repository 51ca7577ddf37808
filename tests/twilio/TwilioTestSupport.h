#pragma once

#include "FakeTwilioServer.h"
#include "credentials/TwilioCredentials.h"
#include "twilio/TwilioClient.h"

#include <QDeadlineTimer>
#include <QJsonArray>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QProcess>
#include <QTest>

#include <algorithm>
#include <cmath>
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

// Twilio's state for the fake server: the account's numbers, kept across requests. Lists them
// `pageSize` per page (or the one asked for with PhoneNumber=), buys (`unavailable` answers
// 21422, taken meanwhile), updates webhooks and releases. offer() adds the search of numbers to buy.
struct FakeTwilioAccount {
    QList<QJsonObject> numbers;
    int pageSize = 2;
    QString unavailable = QStringLiteral("+15005550000");
    QStringList offered; // what the search offers (in the US), less the numbers the account owns

    bool owns(const QString &e164) const {
        return std::any_of(numbers.cbegin(), numbers.cend(), [&](const QJsonObject &n) {
            return n.value(QStringLiteral("phone_number")).toString() == e164;
        });
    }
    // Serves AvailablePhoneNumbers/US/Local.json, by AreaCode when the request names one.
    void offer(FakeTwilioServer &server) {
        server.on("GET", accountPath("AvailablePhoneNumbers/US/Local.json"),
                  [this](const FakeTwilioServer::Request &request) {
                      QStringList free;
                      for (const QString &e164 : std::as_const(offered))
                          if (!owns(e164))
                              free.append(e164);
                      return FakeTwilioServer::availableNumbers(free, request);
                  });
    }

    void install(FakeTwilioServer &server) {
        using Server = FakeTwilioServer;
        const QByteArray base = accountPath("IncomingPhoneNumbers");
        server.on("GET", base + ".json", [this, base](const Server::Request &request) {
            const QString path = QString::fromLatin1(base) + QStringLiteral(".json");
            QJsonArray items;
            const QString wanted = request.queryField("PhoneNumber");
            if (!wanted.isEmpty()) {
                for (const QJsonObject &n : std::as_const(numbers))
                    if (n.value(QStringLiteral("phone_number")).toString() == wanted)
                        items.append(n);
                return Server::Response::json(
                    200, Server::page(QStringLiteral("incoming_phone_numbers"), items, path, {}, 0, 50));
            }
            const int page = request.queryField("Page").toInt();
            for (int i = page * pageSize; i < std::min<int>(int(numbers.size()), (page + 1) * pageSize); ++i)
                items.append(numbers.at(i));
            const bool more = (page + 1) * pageSize < numbers.size();
            return Server::Response::json(
                200, Server::page(QStringLiteral("incoming_phone_numbers"), items, path,
                                  more ? path + QStringLiteral("?PageSize=%1&Page=%2&PageToken=PT%2")
                                                    .arg(pageSize)
                                                    .arg(page + 1)
                                       : QString(),
                                  page, pageSize));
        });
        server.on("POST", base + ".json", [this](const Server::Request &request) {
            const QString e164 = request.field("PhoneNumber");
            if (e164 == unavailable)
                return Server::Response::error(400, 21422,
                                               QStringLiteral("PhoneNumber requested is not available"));
            QJsonObject n = incomingNumberJson(pnSid(100 + int(numbers.size())), e164,
                                               request.field("VoiceUrl"), request.field("StatusCallback"));
            numbers.append(n);
            return Server::Response::json(201, n);
        });
        server.on("POST", base + "/", [this](const Server::Request &request) {
            const QString sid = QString::fromLatin1(request.path().split('/').last()).chopped(5);
            for (QJsonObject &n : numbers) {
                if (n.value(QStringLiteral("sid")).toString() == sid) {
                    n.insert(QStringLiteral("voice_url"), request.field("VoiceUrl"));
                    n.insert(QStringLiteral("status_callback"), request.field("StatusCallback"));
                    return Server::Response::json(200, n);
                }
            }
            return Server::Response::error(404, 20404, QStringLiteral("not found"));
        });
        server.on("DELETE", base + "/", [this](const Server::Request &request) {
            const QString sid = QString::fromLatin1(request.path().split('/').last()).chopped(5);
            for (qsizetype i = 0; i < numbers.size(); ++i) {
                if (numbers.at(i).value(QStringLiteral("sid")).toString() == sid) {
                    numbers.removeAt(i);
                    Server::Response gone;
                    gone.status = 204;
                    return gone;
                }
            }
            return Server::Response::error(404, 20404, QStringLiteral("not found"));
        });
    }
};

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

// A short WAV (8 kHz, mono, 16-bit PCM, a 440 Hz tone), as Twilio serves a recording.
inline QByteArray testWav(int milliseconds = 500) {
    const quint32 samples = 8000u * quint32(milliseconds) / 1000u;
    QByteArray pcm;
    pcm.reserve(int(samples * 2));
    for (quint32 i = 0; i < samples; ++i) {
        const auto v = static_cast<qint16>(8000.0 * std::sin(2.0 * M_PI * 440.0 * i / 8000.0));
        pcm.append(char(v & 0xff)).append(char((v >> 8) & 0xff));
    }
    const auto le = [](quint32 v, int bytes) {
        QByteArray out;
        for (int i = 0; i < bytes; ++i)
            out.append(char((v >> (8 * i)) & 0xff));
        return out;
    };
    const auto le32 = [&](quint32 v) { return le(v, 4); };
    const auto le16 = [&](quint16 v) { return le(v, 2); };
    return "RIFF" + le32(36 + quint32(pcm.size())) + "WAVEfmt " + le32(16) + le16(1) + le16(1) + le32(8000) +
           le32(16000) + le16(2) + le16(16) + "data" + le32(quint32(pcm.size())) + pcm;
}

// pooldeskctl (POOLDESK_CTL) against the fake server at `base`, with the test credentials in the
// variables (never on the command line). Waits without blocking this thread's event loop, where the
// fake server answers.
struct CtlRun {
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};
inline CtlRun runCtl(const QUrl &base, const QStringList &arguments, const QByteArray &input = {}) {
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("TWILIO_ACCOUNT_SID"), TestAccountSid);
    env.insert(QStringLiteral("TWILIO_API_KEY"), TestApiKey);
    env.insert(QStringLiteral("TWILIO_API_SECRET"), TestApiSecret);
    env.insert(QStringLiteral("POOLDESK_TWILIO_BASE_URL"), base.toString());
    p.setProcessEnvironment(env);
    p.start(qEnvironmentVariable("POOLDESK_CTL"), arguments);
    p.waitForStarted();
    if (!input.isNull()) {
        p.write(input);
        p.closeWriteChannel();
    }
    QDeadlineTimer deadline(60000);
    while (p.state() != QProcess::NotRunning && !deadline.hasExpired())
        QTest::qWait(20);
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, p.readAllStandardOutput(),
            p.readAllStandardError()};
}

} // namespace PoolDesk::Test
