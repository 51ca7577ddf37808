// Entries of Twilio's pages as the call sync and the reconciliation read them (TwilioTypes.h).

#include "domain/Types.h"
#include "twilio/TwilioTypes.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace PoolDesk;
using namespace PoolDesk::Twilio;

namespace {
QJsonObject object(const char *json) {
    return QJsonDocument::fromJson(QByteArray(json)).object();
}
} // namespace

class TestTwilioJson : public QObject {
    Q_OBJECT
private slots:
    void callEntry();
    void callEntryNeedsSidAndStart();
    void durationOutOfBoundsIsNone();
    void integersBeyondQint64AreNone();
    void usageRecord();
};

void TestTwilioJson::callEntry() {
    const auto entry = Json::callEntry(object(
        R"({"sid":"CA1","from":"+14175550100","to":"+14165550199","direction":"outbound-api",
            "status":"completed","start_time":"Tue, 01 Dec 2026 10:00:00 +0000","duration":"61",
            "price":"-0.01300"})"));
    QVERIFY(entry);
    QCOMPARE(entry->sid, QStringLiteral("CA1"));
    QVERIFY(entry->outbound);
    QCOMPARE(entry->ours, QStringLiteral("+14175550100"));
    QCOMPARE(entry->duration, qint64(61));
    // Without end_time the end is the start plus the duration.
    QCOMPARE(entry->end, entry->start + 61);
    QCOMPARE(entry->price.value_or(0), Micros(13000));
}

void TestTwilioJson::callEntryNeedsSidAndStart() {
    QVERIFY(!Json::callEntry(object(R"({"sid":"","start_time":"Tue, 01 Dec 2026 10:00:00 +0000"})")));
    QVERIFY(!Json::callEntry(object(R"({"sid":"CA1","start_time":"yesterday"})")));
}

void TestTwilioJson::durationOutOfBoundsIsNone() {
    // Found by fuzz_twilio_page: start + duration overflowed.
    for (const char *json :
         {R"({"sid":"CA1","start_time":"2026-12-01T10:00:00Z","duration":"9223372036854775807"})",
          R"({"sid":"CA1","start_time":"2026-12-01T10:00:00Z","duration":-5})",
          R"({"sid":"CA1","start_time":"2026-12-01T10:00:00Z","duration":1e300})"}) {
        const auto entry = Json::callEntry(object(json));
        QVERIFY(entry);
        QCOMPARE(entry->duration, qint64(0));
        QCOMPARE(entry->end, entry->start);
    }
}

void TestTwilioJson::integersBeyondQint64AreNone() {
    // Found by fuzz_twilio_page: converting such a double to qint64 is undefined.
    QCOMPARE(Json::parseInt(QJsonValue(-9.3e21)), qint64(0));
    QCOMPARE(Json::parseInt(QJsonValue(1e300)), qint64(0));
    QCOMPARE(Json::parseInt(QJsonValue(42.0)), qint64(42));
    QCOMPARE(Json::parseInt(QJsonValue(QStringLiteral("42"))), qint64(42));
}

void TestTwilioJson::usageRecord() {
    const UsageRecord record =
        Json::usageRecord(object(R"({"category":"calls-outbound","count":"120","price":"10.5"})"));
    QCOMPARE(record.category, QStringLiteral("calls-outbound"));
    QCOMPARE(record.count, qint64(120));
    QCOMPARE(record.price, Micros(10'500'000));
    QCOMPARE(Json::usageRecord(object(R"({"category":"sms","price":null})")).price, Micros(0));
}

QTEST_GUILESS_MAIN(TestTwilioJson)
#include "tst_twiliojson.moc"
