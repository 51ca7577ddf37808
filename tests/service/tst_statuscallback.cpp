// A status callback's fields as the service reads them (StatusCallback::fromForm).

#include "service/StatusCallback.h"

#include <QDateTime>
#include <QTest>

using namespace PoolDesk;

class TestStatusCallback : public QObject {
    Q_OBJECT
private slots:
    void readsTwiliosFields();
    void lastValueOfARepeatedName();
    void durationOutOfBoundsIsNone_data();
    void durationOutOfBoundsIsNone();
};

void TestStatusCallback::readsTwiliosFields() {
    const auto form = TwilioSignature::parseForm(
        "CallSid=CA1&CallStatus=busy&Direction=outbound-dial&From=%2B14175550100&To=%2B1+416+555+0199&"
        "CallDuration=61&SipResponseCode=486&Timestamp=Tue%2C+01+Dec+2026+10%3A01%3A01+%2B0000");
    QVERIFY(form);
    const StatusCallback callback = StatusCallback::fromForm(*form);
    QCOMPARE(callback.callSid, QStringLiteral("CA1"));
    QVERIFY(callback.isFinal());
    QVERIFY(callback.isOutbound());
    QCOMPARE(callback.from, QStringLiteral("+14175550100"));
    QCOMPARE(callback.to, QStringLiteral("+14165550199"));
    QCOMPARE(callback.durationSeconds, qint64(61));
    QCOMPARE(callback.sipCode.value_or(0), 486);
    QCOMPARE(callback.startedAt().value_or(0),
             QDateTime(QDate(2026, 12, 1), QTime(10, 0), Qt::UTC).toSecsSinceEpoch());
}

void TestStatusCallback::lastValueOfARepeatedName() {
    const StatusCallback callback =
        StatusCallback::fromForm({{QStringLiteral("CallStatus"), QStringLiteral("ringing")},
                                  {QStringLiteral("CallStatus"), QStringLiteral("completed")}});
    QCOMPARE(callback.status, QStringLiteral("completed"));
}

void TestStatusCallback::durationOutOfBoundsIsNone_data() {
    QTest::addColumn<QString>("duration");
    QTest::addColumn<qint64>("seconds");
    QTest::newRow("negative") << QStringLiteral("-5") << qint64(0);
    QTest::newRow("not a number") << QStringLiteral("61s") << qint64(0);
    QTest::newRow("a week") << QString::number(StatusCallback::MaxDurationSeconds)
                            << StatusCallback::MaxDurationSeconds;
    QTest::newRow("beyond a week") << QString::number(StatusCallback::MaxDurationSeconds + 1) << qint64(0);
    // Found by fuzz_status_callback: with a Timestamp of year 1, startedAt() overflowed.
    QTest::newRow("largest qint64") << QStringLiteral("9223372036854775807") << qint64(0);
}

void TestStatusCallback::durationOutOfBoundsIsNone() {
    QFETCH(QString, duration);
    QFETCH(qint64, seconds);
    const StatusCallback callback = StatusCallback::fromForm(
        {{QStringLiteral("CallDuration"), duration},
         {QStringLiteral("Timestamp"), QStringLiteral("Mon, 01 Jan 0001 00:00:00 +0000")}});
    QCOMPARE(callback.durationSeconds, seconds);
    QVERIFY(callback.eventAt);
    QCOMPARE(callback.startedAt().value_or(0), *callback.eventAt - seconds);
}

QTEST_GUILESS_MAIN(TestStatusCallback)
#include "tst_statuscallback.moc"
