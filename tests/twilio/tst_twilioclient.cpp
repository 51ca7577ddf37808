// The Twilio client against the in-process fake server: paging, retries, errors, timeouts,
// truncated answers, purchases that are never repeated blindly, and the exact request encoding.
#include "FakeTwilioServer.h"
#include "TwilioTestSupport.h"
#include "twilio/TwilioApi.h"
#include "twilio/TwilioClient.h"

#include <QNetworkAccessManager>
#include <QSignalSpy>
#include <QTest>

using namespace PoolDesk;
using namespace PoolDesk::Test;
using Twilio::Client;
using Server = FakeTwilioServer;

class TestTwilioClient : public QObject {
    Q_OBJECT

private:
    QNetworkAccessManager *m_network = nullptr;
    Server *m_server = nullptr;
    Client *m_client = nullptr;

private slots:
    void init() {
        m_network = new QNetworkAccessManager(this);
        m_server = new Server(this);
        m_client = new Client(m_network, this);
        m_client->setCredentials(testCredentials(m_server->baseUrl()));
        Client::Options options;
        options.backoffBaseMs = 5;
        options.backoffCapMs = 50;
        options.timeoutMs = 400;
        options.maxAttempts = 4;
        m_client->setOptions(options);
    }
    void cleanup() {
        delete m_client;
        delete m_server;
        delete m_network;
    }

    void followsNextPageUriExactlyAcrossPages() {
        // The page token carries characters that must travel exactly as Twilio wrote them.
        const QString token2 = QStringLiteral("PAxy%2Bz%3D%3D");
        const QByteArray base = accountPath("IncomingPhoneNumbers.json");
        m_server->on("GET", base, [&](const Server::Request &request) {
            const QString path = QString::fromLatin1(base);
            if (!request.target.contains("Page="))
                return Server::Response::json(
                    200, Server::page(QStringLiteral("incoming_phone_numbers"),
                                      {incomingNumberJson(pnSid(1), QStringLiteral("+16076956082")),
                                       incomingNumberJson(pnSid(2), QStringLiteral("+14179224538"))},
                                      path, path + QStringLiteral("?PageSize=2&Page=1&PageToken=") + token2,
                                      0, 2));
            if (request.target.contains("Page=1&"))
                return Server::Response::json(
                    200, Server::page(QStringLiteral("incoming_phone_numbers"),
                                      {incomingNumberJson(pnSid(3), QStringLiteral("+14155550100"))}, path,
                                      path + QStringLiteral("?PageSize=2&Page=2&PageToken=PA3"), 1, 2));
            return Server::Response::json(
                200, Server::page(QStringLiteral("incoming_phone_numbers"), {}, path, {}, 2, 2));
        });
        QStringList seen;
        int pages = 0;
        Awaited<Status> done;
        Twilio::Api::listIncomingNumbers(
            *m_client, this,
            [&](const QList<Twilio::IncomingNumber> &page) {
                ++pages;
                for (const auto &number : page)
                    seen.append(number.e164);
                return true;
            },
            done.sink());
        QVERIFY(done.wait());
        QVERIFY2(done.value->ok(), qPrintable(done.value->ok() ? QString() : done.value->error().message));
        QCOMPARE(pages, 3);
        QCOMPARE(seen, (QStringList{QStringLiteral("+16076956082"), QStringLiteral("+14179224538"),
                                    QStringLiteral("+14155550100")}));
        const auto requests = m_server->requestsTo("GET", base);
        QCOMPARE(requests.size(), 3);
        QCOMPARE(requests.at(1).target, base + "?PageSize=2&Page=1&PageToken=" + token2.toLatin1());
        QCOMPARE(requests.at(2).target, base + "?PageSize=2&Page=2&PageToken=PA3");
    }

    void nextPageOnAnotherHostIsNotFollowed() {
        // A page that names another server as its next page ends the listing with an error: that
        // server hears nothing, least of all the account's credentials.
        Server elsewhere;
        const QByteArray base = accountPath("IncomingPhoneNumbers.json");
        const QString path = QString::fromLatin1(base);
        const QString stolen = elsewhere.baseUrl().toString() + path + QStringLiteral("?Page=1");
        m_server->on("GET", base, [&](const Server::Request &) {
            return Server::Response::json(
                200, Server::page(QStringLiteral("incoming_phone_numbers"),
                                  {incomingNumberJson(pnSid(1), QStringLiteral("+16076956082"))}, path,
                                  stolen, 0, 1));
        });
        int pages = 0;
        Awaited<Status> done;
        Twilio::Api::listIncomingNumbers(
            *m_client, this, [&](const QList<Twilio::IncomingNumber> &) { return ++pages, true; },
            done.sink());
        QVERIFY(done.wait());
        QVERIFY(!done.value->ok());
        QCOMPARE(done.value->error().reason, Twilio::Reason::BadResponse);
        QVERIFY2(done.value->error().message.contains(elsewhere.baseUrl().host()),
                 qPrintable(done.value->error().message));
        QCOMPARE(pages, 1);
        QCOMPARE(m_server->requestsTo("GET", base).size(), 1);
        QTest::qWait(50);
        QVERIFY(elsewhere.requests().isEmpty());
    }

    void credentialsGoToTwilioOnly() {
        Server elsewhere;
        const QByteArray path = accountPath("Calls.json");
        for (Server *server : {m_server, &elsewhere})
            server->on("GET", path, [](const Server::Request &) {
                return Server::Response::json(200, QJsonObject{{QStringLiteral("calls"), QJsonArray()}});
            });
        for (Server *server : {m_server, &elsewhere}) {
            QUrl url = server->baseUrl();
            url.setPath(QString::fromLatin1(path));
            Awaited<Result<Twilio::HttpResponse>> answered;
            m_client->send({Twilio::HttpRequest::Method::Get, url, {}, true}, this, answered.sink());
            QVERIFY(answered.wait());
            QVERIFY(answered.value->ok());
        }
        QVERIFY(m_server->requests().constFirst().headers.contains("authorization"));
        QCOMPARE(elsewhere.requests().size(), 1);
        QVERIFY2(!elsewhere.requests().constFirst().headers.contains("authorization"),
                 "the account's credentials went to another host");
    }

    void redirectToAnotherHostIsNotFollowed() {
        Server elsewhere;
        const QByteArray path = "/2010-04-01/Accounts/" + TestAccountSid.toLatin1() + ".json";
        QUrl target = elsewhere.baseUrl();
        target.setPath(QString::fromLatin1(path));
        Server::Response moved;
        moved.status = 302;
        moved.headers = {{"Location", target.toEncoded()}};
        m_server->queue("GET", path, moved);
        Awaited<Result<Twilio::AccountInfo>> account;
        Twilio::Api::fetchAccount(*m_client, this, account.sink());
        QVERIFY(account.wait());
        QVERIFY(!account.value->ok());
        QCOMPARE(account.value->error().reason, Twilio::Reason::BadResponse);
        QTest::qWait(50);
        QVERIFY(elsewhere.requests().isEmpty());
    }

    void honoursRetryAfterOn429() {
        const QByteArray path = "/2010-04-01/Accounts/" + TestAccountSid.toLatin1() + ".json";
        Server::Response busy = Server::Response::error(429, 20429, QStringLiteral("Too Many Requests"));
        busy.headers.append(std::make_pair(QByteArray("Retry-After"), QByteArray("1")));
        m_server->queue("GET", path, busy, 1);
        m_server->on("GET", path, [](const Server::Request &) {
            return Server::Response::json(200, {{QStringLiteral("sid"), TestAccountSid},
                                                {QStringLiteral("status"), QStringLiteral("active")}});
        });
        QSignalSpy retries(m_client, &Client::retryScheduled);
        Awaited<Result<Twilio::AccountInfo>> account;
        Twilio::Api::fetchAccount(*m_client, this, account.sink());
        QVERIFY(account.wait());
        QVERIFY(account.value->ok());
        QCOMPARE(account.value->value().status, QStringLiteral("active"));
        QCOMPARE(m_server->requestsTo("GET", path).size(), 2);
        QCOMPARE(retries.size(), 1);
        QVERIFY2(retries.at(0).at(2).toInt() >= 1000, "the retry must wait at least Retry-After");
    }

    void rateLimitedPurchaseIsRepeatedBecauseTwilioDidNotProcessIt() {
        const QByteArray path = accountPath("IncomingPhoneNumbers.json");
        m_server->queue("POST", path,
                        Server::Response::error(429, 20429, QStringLiteral("Too Many Requests")), 1);
        m_server->on("POST", path, [](const Server::Request &request) {
            return Server::Response::json(201, incomingNumberJson(pnSid(9), request.field("PhoneNumber")));
        });
        Awaited<Result<Twilio::Purchase>> bought;
        Twilio::Api::buyNumber(*m_client, QStringLiteral("+15005550006"), {}, {}, {}, this, bought.sink());
        QVERIFY(bought.wait());
        QVERIFY(bought.value->ok());
        QCOMPARE(m_server->requestsTo("POST", path).size(), 2);
    }

    void authenticationErrorIsTypedAndNotRetried() {
        const QByteArray path = "/2010-04-01/Accounts/" + TestAccountSid.toLatin1() + ".json";
        m_server->on("GET", path, [](const Server::Request &) {
            return Server::Response::error(401, 20003, QStringLiteral("Authenticate"));
        });
        Awaited<Result<Twilio::AccountInfo>> account;
        Twilio::Api::fetchAccount(*m_client, this, account.sink());
        QVERIFY(account.wait());
        QVERIFY(!account.value->ok());
        const Error error = account.value->error();
        QCOMPARE(error.reason, Twilio::Reason::Authenticate);
        QCOMPARE(Twilio::Reason::codeOf(error), 20003);
        QVERIFY(error.message.contains(QLatin1String("20003")));
        QVERIFY(error.message.contains(QLatin1String("Authenticate")));
        QVERIFY(error.message.contains(QLatin1String("https://www.twilio.com/docs/errors/20003")));
        QVERIFY2(!error.message.contains(TestApiSecret), "an error message must never carry the secret");
        QCOMPARE(m_server->requests().size(), 1);
    }

    void numberTakenIsReportedAsConflictWithoutRetry() {
        const QByteArray path = accountPath("IncomingPhoneNumbers.json");
        m_server->on("POST", path, [](const Server::Request &) {
            return Server::Response::error(400, 21422,
                                           QStringLiteral("PhoneNumber requested is not available"));
        });
        Awaited<Result<Twilio::Purchase>> bought;
        Twilio::Api::buyNumber(*m_client, QStringLiteral("+15005550000"), {}, {}, {}, this, bought.sink());
        QVERIFY(bought.wait());
        QVERIFY(!bought.value->ok());
        QCOMPARE(bought.value->error().reason, Twilio::Reason::NumberTaken);
        QCOMPARE(bought.value->error().code, Error::Code::Conflict);
        QCOMPARE(m_server->requestsTo("POST", path).size(), 1);
    }

    void serverErrorOnGetIsRetried() {
        const QByteArray path = "/2010-04-01/Accounts/" + TestAccountSid.toLatin1() + ".json";
        m_server->queue("GET", path,
                        Server::Response::error(500, 20500, QStringLiteral("Internal Server Error")), 2);
        m_server->on("GET", path, [](const Server::Request &) {
            return Server::Response::json(200, {{QStringLiteral("sid"), TestAccountSid}});
        });
        Awaited<Result<Twilio::AccountInfo>> account;
        Twilio::Api::fetchAccount(*m_client, this, account.sink());
        QVERIFY(account.wait());
        QVERIFY(account.value->ok());
        QCOMPARE(m_server->requests().size(), 3);
    }

    void retriesAreBounded() {
        const QByteArray path = "/2010-04-01/Accounts/" + TestAccountSid.toLatin1() + ".json";
        m_server->on("GET", path, [](const Server::Request &) {
            return Server::Response::error(503, 20503, QStringLiteral("Service Unavailable"));
        });
        Awaited<Result<Twilio::AccountInfo>> account;
        Twilio::Api::fetchAccount(*m_client, this, account.sink());
        QVERIFY(account.wait());
        QVERIFY(!account.value->ok());
        QCOMPARE(m_server->requests().size(), m_client->options().maxAttempts);
    }

    void purchaseAfterServerErrorIsCheckedNotRepeated() {
        // Twilio bought the number but answered 500: the client must find it, not buy again.
        const QByteArray path = accountPath("IncomingPhoneNumbers.json");
        m_server->on("POST", path, [](const Server::Request &) {
            return Server::Response::error(500, 20500, QStringLiteral("Internal Server Error"));
        });
        m_server->on("GET", path, [](const Server::Request &request) {
            QJsonArray list;
            if (request.queryField("PhoneNumber") == QLatin1String("+15005550006"))
                list.append(incomingNumberJson(pnSid(7), QStringLiteral("+15005550006")));
            return Server::Response::json(
                200, Server::page(QStringLiteral("incoming_phone_numbers"), list, {}, {}, 0, 50));
        });
        Awaited<Result<Twilio::Purchase>> bought;
        Twilio::Api::buyNumber(*m_client, QStringLiteral("+15005550006"), {}, {}, {}, this, bought.sink());
        QVERIFY(bought.wait());
        QVERIFY(bought.value->ok());
        QVERIFY(bought.value->value().confirmedAfterUnclearFailure);
        QCOMPARE(bought.value->value().number.sid, pnSid(7));
        QCOMPARE(m_server->requestsTo("POST", path).size(), 1);
        const auto checks = m_server->requestsTo("GET", path);
        QCOMPARE(checks.size(), 1);
        QVERIFY2(checks.first().target.endsWith("?PhoneNumber=%2B15005550006"),
                 checks.first().target.constData());
    }

    void purchaseTimeoutWhenNumberIsNotOwnedIsSentOnceMore() {
        const QByteArray path = accountPath("IncomingPhoneNumbers.json");
        Server::Response silent;
        silent.mode = Server::Response::Mode::NoAnswer;
        m_server->queue("POST", path, silent, 1);
        m_server->on("POST", path, [](const Server::Request &request) {
            return Server::Response::json(201, incomingNumberJson(pnSid(8), request.field("PhoneNumber")));
        });
        m_server->on("GET", path, [](const Server::Request &) {
            return Server::Response::json(
                200, Server::page(QStringLiteral("incoming_phone_numbers"), {}, {}, {}, 0, 50));
        });
        Awaited<Result<Twilio::Purchase>> bought;
        Twilio::Api::buyNumber(*m_client, QStringLiteral("+15005550006"), {}, {}, {}, this, bought.sink());
        QVERIFY(bought.wait());
        QVERIFY2(bought.value->ok(),
                 qPrintable(bought.value->ok() ? QString() : bought.value->error().message));
        QVERIFY(!bought.value->value().confirmedAfterUnclearFailure);
        QCOMPARE(m_server->requestsTo("POST", path).size(), 2);
        QCOMPARE(m_server->requestsTo("GET", path).size(), 1);
    }

    void purchaseThatFailsUnclearlyTwiceIsNotSentAThirdTime() {
        const QByteArray path = accountPath("IncomingPhoneNumbers.json");
        m_server->on("POST", path, [](const Server::Request &) {
            return Server::Response::error(502, 20502, QStringLiteral("Bad Gateway"));
        });
        m_server->on("GET", path, [](const Server::Request &) {
            return Server::Response::json(
                200, Server::page(QStringLiteral("incoming_phone_numbers"), {}, {}, {}, 0, 50));
        });
        Awaited<Result<Twilio::Purchase>> bought;
        Twilio::Api::buyNumber(*m_client, QStringLiteral("+15005550006"), {}, {}, {}, this, bought.sink());
        QVERIFY(bought.wait());
        QVERIFY(!bought.value->ok());
        QCOMPARE(bought.value->error().reason, Twilio::Reason::OutcomeUnknown);
        QCOMPARE(m_server->requestsTo("POST", path).size(), 2);
    }

    void timedOutGetIsRetried() {
        const QByteArray path = "/2010-04-01/Accounts/" + TestAccountSid.toLatin1() + ".json";
        Server::Response silent;
        silent.mode = Server::Response::Mode::NoAnswer;
        m_server->queue("GET", path, silent, 1);
        m_server->on("GET", path, [](const Server::Request &) {
            return Server::Response::json(200, {{QStringLiteral("sid"), TestAccountSid}});
        });
        Awaited<Result<Twilio::AccountInfo>> account;
        Twilio::Api::fetchAccount(*m_client, this, account.sink());
        QVERIFY(account.wait());
        QVERIFY(account.value->ok());
        QCOMPARE(m_server->requests().size(), 2);
    }

    void truncatedJsonIsRetriedThenReported() {
        const QByteArray path = "/2010-04-01/Accounts/" + TestAccountSid.toLatin1() + ".json";
        m_server->on("GET", path, [](const Server::Request &) {
            Server::Response cut;
            cut.body = "{\"sid\": \"AC0123456789abcdef01234567";
            return cut;
        });
        Awaited<Result<Twilio::AccountInfo>> account;
        Twilio::Api::fetchAccount(*m_client, this, account.sink());
        QVERIFY(account.wait());
        QVERIFY(!account.value->ok());
        QCOMPARE(account.value->error().reason, Twilio::Reason::BadResponse);
        QCOMPARE(m_server->requests().size(), m_client->options().maxAttempts);
    }

    void truncatedJsonOnPageStopsPagingWithAnError() {
        const QByteArray base = accountPath("IncomingPhoneNumbers.json");
        m_server->on("GET", base, [&](const Server::Request &request) {
            if (!request.target.contains("Page=1"))
                return Server::Response::json(
                    200, Server::page(QStringLiteral("incoming_phone_numbers"),
                                      {incomingNumberJson(pnSid(1), QStringLiteral("+16076956082"))},
                                      QString::fromLatin1(base),
                                      QString::fromLatin1(base) + QStringLiteral("?Page=1"), 0, 1));
            Server::Response cut;
            cut.body = "{\"incoming_phone_numbers\": [{\"sid\": \"PN";
            return cut;
        });
        int pages = 0;
        Awaited<Status> done;
        Twilio::Api::listIncomingNumbers(
            *m_client, this, [&](const QList<Twilio::IncomingNumber> &) { return ++pages, true; },
            done.sink());
        QVERIFY(done.wait());
        QVERIFY(!done.value->ok());
        QCOMPARE(pages, 1);
    }

    void requestEncodingIsExact() {
        const QByteArray path = accountPath("IncomingPhoneNumbers.json");
        m_server->on("POST", path, [](const Server::Request &request) {
            return Server::Response::json(201, incomingNumberJson(pnSid(5), request.field("PhoneNumber")));
        });
        Awaited<Result<Twilio::Purchase>> bought;
        Twilio::Api::buyNumber(*m_client, QStringLiteral("+15005550006"),
                               QUrl(QStringLiteral("https://dev.example.org/twilio/voice?env=development")),
                               QUrl(QStringLiteral("https://dev.example.org/twilio/status")),
                               QStringLiteral("Pool A+B"), this, bought.sink());
        QVERIFY(bought.wait());
        QVERIFY(bought.value->ok());
        QCOMPARE(bought.value->value().number.e164, QStringLiteral("+15005550006"));
        const auto post = m_server->requestsTo("POST", path).first();
        QCOMPARE(post.body,
                 QByteArray("PhoneNumber=%2B15005550006"
                            "&VoiceUrl=https%3A%2F%2Fdev.example.org%2Ftwilio%2Fvoice%3Fenv%3Ddevelopment"
                            "&VoiceMethod=POST"
                            "&StatusCallback=https%3A%2F%2Fdev.example.org%2Ftwilio%2Fstatus"
                            "&StatusCallbackMethod=POST"
                            "&FriendlyName=Pool%20A%2BB"));
        QCOMPARE(post.headers.value("content-type"), QByteArray("application/x-www-form-urlencoded"));
        QCOMPARE(post.headers.value("authorization"),
                 "Basic " + (TestApiKey + QLatin1Char(':') + TestApiSecret).toUtf8().toBase64());
        QCOMPARE(post.headers.value("accept"), QByteArray("application/json"));

        // Filters with '<' / '>' in their keys and '+' in values.
        const QUrl calls = Twilio::Api::callsUrl(*m_client, QDate(2026, 11, 1), 1000);
        QCOMPARE(calls.toEncoded(QUrl::RemoveScheme | QUrl::RemoveAuthority),
                 accountPath("Calls.json") + "?StartTime%3E=2026-11-01&PageSize=1000");
    }

    void requestsInFlightAreCapped() {
        Client::Options options = m_client->options();
        options.maxInFlight = 2;
        options.timeoutMs = 5000;
        m_client->setOptions(options);
        const QByteArray path = "/2010-04-01/Accounts/" + TestAccountSid.toLatin1() + ".json";
        m_server->on("GET", path, [](const Server::Request &) {
            return Server::Response::json(200, {{QStringLiteral("sid"), TestAccountSid}});
        });
        int done = 0;
        for (int i = 0; i < 8; ++i)
            Twilio::Api::fetchAccount(*m_client, this,
                                      [&](Result<Twilio::AccountInfo> r) { done += r.ok() ? 1 : 0; });
        QCOMPARE(m_client->inFlight(), 2);
        QTRY_COMPARE_WITH_TIMEOUT(done, 8, 20000);
        QVERIFY(m_server->maxConcurrent() <= 2);
        QCOMPARE(m_client->peakInFlight(), 2);
    }

    void cancelEndsQueuedAndRunningRequests() {
        const QByteArray path = "/2010-04-01/Accounts/" + TestAccountSid.toLatin1() + ".json";
        Server::Response silent;
        silent.mode = Server::Response::Mode::NoAnswer;
        m_server->on("GET", path, [silent](const Server::Request &) { return silent; });
        Client::Options options = m_client->options();
        options.maxInFlight = 1;
        options.timeoutMs = 60000;
        m_client->setOptions(options);
        QObject operation;
        Awaited<Result<Twilio::AccountInfo>> first, second;
        Twilio::Api::fetchAccount(*m_client, &operation, first.sink());
        Twilio::Api::fetchAccount(*m_client, &operation, second.sink());
        QTRY_COMPARE(m_server->requests().size(), 1);
        m_client->cancel(&operation);
        QVERIFY(first.wait());
        QVERIFY(second.wait());
        QCOMPARE(first.value->error().code, Error::Code::Cancelled);
        QCOMPARE(second.value->error().code, Error::Code::Cancelled);
        QCOMPARE(m_client->inFlight(), 0);
    }

    void releaseOfUnknownNumberCountsAsGone() {
        m_server->on("DELETE", accountPath("IncomingPhoneNumbers/"), [](const Server::Request &) {
            return Server::Response::error(404, 20404,
                                           QStringLiteral("The requested resource was not found"));
        });
        Awaited<Result<bool>> released;
        Twilio::Api::releaseNumber(*m_client, pnSid(3), this, released.sink());
        QVERIFY(released.wait());
        QVERIFY(released.value->ok());
        QVERIFY(released.value->value());
    }

    void nextPageUriResolvesAgainstRegionalBase() {
        TwilioCredentials credentials =
            testCredentials(QUrl(QStringLiteral("https://api.dublin.ie1.twilio.com")));
        m_client->setCredentials(credentials);
        QCOMPARE(
            m_client->resolve(QStringLiteral("/2010-04-01/Accounts/AC1/Calls.json?Page=1&PageToken=PA%2B1"))
                .toEncoded(),
            QByteArray("https://api.dublin.ie1.twilio.com/2010-04-01/Accounts/AC1/"
                       "Calls.json?Page=1&PageToken=PA%2B1"));
        QCOMPARE(m_client->pricingBaseUrl(), QUrl(QStringLiteral("https://pricing.twilio.com")));
    }
};

QTEST_GUILESS_MAIN(TestTwilioClient)
#include "tst_twilioclient.moc"
