// Contract tests: PoolDesk's requests against Prism serving Twilio's official OpenAPI description
// (twilio_api_v2010.json). Prism rejects requests that do not match the spec (422 for bad
// parameters, 401 without credentials) and answers with the spec's examples, which PoolDesk must
// parse. Started by the CTest fixture "prism" (prism/prism.sh); POOLDESK_PRISM_URL says where.
#include "TwilioTestSupport.h"
#include "twilio/TwilioApi.h"
#include "twilio/TwilioClient.h"

#include <QNetworkAccessManager>
#include <QTest>

using namespace PoolDesk;
using namespace PoolDesk::Test;

class TestTwilioPrism : public QObject {
    Q_OBJECT

    QNetworkAccessManager m_network;
    Twilio::Client *m_client = nullptr;

private slots:
    void initTestCase() {
        const QString url = qEnvironmentVariable("POOLDESK_PRISM_URL");
        if (url.isEmpty())
            QFAIL("POOLDESK_PRISM_URL is not set: run through ctest (fixture \"prism\")");
        m_client = new Twilio::Client(&m_network, this);
        m_client->setCredentials(testCredentials(QUrl(url)));
        Twilio::Client::Options options;
        options.maxAttempts = 1; // a contract failure must show, not be retried away
        options.timeoutMs = 20000;
        m_client->setOptions(options);
    }

    void fetchAccount() {
        Awaited<Result<Twilio::AccountInfo>> account;
        Twilio::Api::fetchAccount(*m_client, this, account.sink());
        QVERIFY(account.wait());
        QVERIFY2(account.value->ok(),
                 qPrintable(account.value->ok() ? QString() : account.value->error().message));
        QVERIFY(account.value->value().sid.startsWith(QLatin1String("AC")));
        QVERIFY(!account.value->value().status.isEmpty());
    }

    void listIncomingNumbersFirstPage() {
        QList<Twilio::IncomingNumber> numbers;
        Awaited<Status> done;
        Twilio::Api::listIncomingNumbers(
            *m_client, this,
            [&](const QList<Twilio::IncomingNumber> &page) {
                numbers.append(page);
                return false; // Prism's examples are static: one page is the contract
            },
            done.sink());
        QVERIFY(done.wait());
        QVERIFY2(done.value->ok(), qPrintable(done.value->ok() ? QString() : done.value->error().message));
        QVERIFY(!numbers.isEmpty());
        QVERIFY(numbers.first().sid.startsWith(QLatin1String("PN")));
        QVERIFY(numbers.first().e164.startsWith(QLatin1Char('+')));
        QVERIFY(numbers.first().dateCreated.isValid()); // RFC 2822 parsed
    }

    void findIncomingNumberByE164() {
        // '+' must arrive as %2B or Prism (and Twilio) would read a space and reject the filter.
        Awaited<Result<std::optional<Twilio::IncomingNumber>>> found;
        Twilio::Api::findIncomingNumber(*m_client, QStringLiteral("+19876543210"), this, found.sink());
        QVERIFY(found.wait());
        QVERIFY2(found.value->ok(), qPrintable(found.value->ok() ? QString() : found.value->error().message));
    }

    void searchLocalAndTollFree() {
        for (bool tollFree : {false, true}) {
            Twilio::SearchQuery query;
            query.country = QStringLiteral("US");
            query.areaCode = tollFree ? QString() : QStringLiteral("510");
            query.contains = QStringLiteral("555");
            query.tollFree = tollFree;
            Awaited<Result<QList<Twilio::AvailableNumber>>> found;
            Twilio::Api::searchAvailable(*m_client, query, this, found.sink());
            QVERIFY(found.wait());
            QVERIFY2(found.value->ok(),
                     qPrintable(found.value->ok() ? QString() : found.value->error().message));
            QVERIFY(!found.value->value().isEmpty());
            QVERIFY(found.value->value().first().e164.startsWith(QLatin1Char('+')));
        }
    }

    void buyUpdateRelease() {
        Awaited<Result<Twilio::Purchase>> bought;
        Twilio::Api::buyNumber(*m_client, QStringLiteral("+15005550006"),
                               QUrl(QStringLiteral("https://dev.example.org/twilio/voice")),
                               QUrl(QStringLiteral("https://dev.example.org/twilio/status")),
                               QStringLiteral("PoolDesk development"), this, bought.sink());
        QVERIFY(bought.wait());
        QVERIFY2(bought.value->ok(),
                 qPrintable(bought.value->ok() ? QString() : bought.value->error().message));
        const QString sid = bought.value->value().number.sid;
        QVERIFY(sid.startsWith(QLatin1String("PN")));

        Awaited<Result<Twilio::IncomingNumber>> updated;
        Twilio::Api::updateWebhooks(
            *m_client, sid, QUrl(QStringLiteral("https://prod.example.org/twilio/voice")),
            QUrl(QStringLiteral("https://prod.example.org/twilio/status")), this, updated.sink());
        QVERIFY(updated.wait());
        QVERIFY2(updated.value->ok(),
                 qPrintable(updated.value->ok() ? QString() : updated.value->error().message));

        Awaited<Result<bool>> released;
        Twilio::Api::releaseNumber(*m_client, sid, this, released.sink());
        QVERIFY(released.wait());
        QVERIFY2(released.value->ok(),
                 qPrintable(released.value->ok() ? QString() : released.value->error().message));
    }

    void callsAndRecordingsFirstPage() {
        int calls = 0;
        Awaited<Status> done;
        m_client->fetchPages(
            Twilio::Api::callsUrl(*m_client, QDate(2026, 11, 1), 50), QStringLiteral("calls"), this,
            [&](const QJsonArray &items, const QJsonObject &) {
                for (const QJsonValue &item : items) {
                    const Twilio::CallInfo call = Twilio::Json::call(item.toObject());
                    if (call.sid.startsWith(QLatin1String("CA")) && call.startTime.isValid())
                        ++calls;
                }
                return false; // the spec's own next_page_uri example fails validation on page 2
            },
            done.sink());
        QVERIFY(done.wait());
        QVERIFY2(done.value->ok(), qPrintable(done.value->ok() ? QString() : done.value->error().message));
        QVERIFY(calls > 0);

        int recordings = 0;
        Awaited<Status> recDone;
        m_client->fetchPages(
            Twilio::Api::recordingsUrl(*m_client, QDate(2026, 11, 1), 50), QStringLiteral("recordings"), this,
            [&](const QJsonArray &items, const QJsonObject &) {
                for (const QJsonValue &item : items)
                    recordings +=
                        Twilio::Json::recording(item.toObject()).sid.startsWith(QLatin1String("RE")) ? 1 : 0;
                return false;
            },
            recDone.sink());
        QVERIFY(recDone.wait());
        QVERIFY2(recDone.value->ok(),
                 qPrintable(recDone.value->ok() ? QString() : recDone.value->error().message));
        QVERIFY(recordings > 0);
    }

    void deleteRecordingAndMonthlyUsage() {
        Awaited<Result<bool>> deleted;
        Twilio::Api::deleteRecording(*m_client, QStringLiteral("RE%1").arg(QString(32, QLatin1Char('a'))),
                                     this, deleted.sink());
        QVERIFY(deleted.wait());
        QVERIFY2(deleted.value->ok(),
                 qPrintable(deleted.value->ok() ? QString() : deleted.value->error().message));

        // The request ReconcileOperation sends, and the fields it reads.
        int records = 0;
        Awaited<Status> done;
        m_client->fetchPages(
            m_client->accountUrl(QStringLiteral("Usage/Records/Monthly.json"),
                                 {{QStringLiteral("StartDate"), QStringLiteral("2026-11-01")},
                                  {QStringLiteral("EndDate"), QStringLiteral("2026-11-30")},
                                  {QStringLiteral("PageSize"), QStringLiteral("1000")}}),
            QStringLiteral("usage_records"), this,
            [&](const QJsonArray &items, const QJsonObject &) {
                for (const QJsonValue &item : items)
                    records += item.toObject().contains(QStringLiteral("category")) ? 1 : 0;
                return false;
            },
            done.sink());
        QVERIFY(done.wait());
        QVERIFY2(done.value->ok(), qPrintable(done.value->ok() ? QString() : done.value->error().message));
        QVERIFY(records > 0);
    }

    void malformedRequestIsRejectedByTheSpec() {
        // A purchase without PhoneNumber or AreaCode breaks the contract: the error is typed.
        Twilio::HttpRequest request{Twilio::HttpRequest::Method::Post,
                                    m_client->accountUrl(QStringLiteral("IncomingPhoneNumbers.json")),
                                    {{QStringLiteral("VoiceMethod"), QStringLiteral("NOT-A-METHOD")}},
                                    false};
        Awaited<Result<Twilio::HttpResponse>> response;
        m_client->send(request, this, response.sink());
        QVERIFY(response.wait());
        QVERIFY(!response.value->ok());
        QCOMPARE(response.value->error().code, Error::Code::InvalidInput);
    }
};

QTEST_GUILESS_MAIN(TestTwilioPrism)
#include "tst_twilioprism.moc"
