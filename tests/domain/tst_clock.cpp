// Tests move the clock to expire leases and cross month boundaries; these check that the shift
// and the month arithmetic the limits and reports rely on are right, in the billing zone.
#include "domain/BillingZone.h"
#include "domain/Clock.h"

#include <QTest>
#include <QTimeZone>

using namespace PoolDesk;

class TestClock : public QObject {
    Q_OBJECT

private slots:
    void cleanup() { Clock::setOffsetForTesting(0); }
    void offsetShiftsNow();
    void monthBoundaries_data();
    void monthBoundaries();
    void dayStartsWhereTheZoneSays();
    void unknownZonesAreRefused();
    void printedTimesCarryTheZone();
};

void TestClock::offsetShiftsNow() {
    const qint64 before = QDateTime::currentSecsSinceEpoch();
    Clock::setOffsetForTesting(3 * 86400);
    const qint64 shifted = Clock::nowSecs();
    QVERIFY(shifted >= before + 3 * 86400);
    QVERIFY(shifted <= QDateTime::currentSecsSinceEpoch() + 3 * 86400);
    QCOMPARE(Clock::nowUtc().timeSpec(), Qt::UTC);
    QVERIFY(qAbs(Clock::nowUtc().toSecsSinceEpoch() - Clock::nowSecs()) <= 1);
    Clock::setOffsetForTesting(0);
    QVERIFY(Clock::nowSecs() < before + 86400);
}

void TestClock::monthBoundaries_data() {
    QTest::addColumn<QString>("zone");
    QTest::addColumn<QDateTime>("at");
    QTest::addColumn<QString>("month");
    QTest::addColumn<QDateTime>("start");
    QTest::addColumn<QDateTime>("next");
    const auto utc = [](int y, int m, int d, int h = 0, int min = 0, int s = 0) {
        return QDateTime(QDate(y, m, d), QTime(h, min, s), Qt::UTC);
    };
    QTest::newRow("UTC last second") << QStringLiteral("UTC") << utc(2026, 11, 30, 23, 59, 59)
                                     << QStringLiteral("2026-11") << utc(2026, 11, 1) << utc(2026, 12, 1);
    QTest::newRow("UTC first second") << QStringLiteral("UTC") << utc(2026, 12, 1)
                                      << QStringLiteral("2026-12") << utc(2026, 12, 1) << utc(2027, 1, 1);
    QTest::newRow("leap February") << QStringLiteral("UTC") << utc(2028, 2, 29, 12)
                                   << QStringLiteral("2028-02") << utc(2028, 2, 1) << utc(2028, 3, 1);
    // 08:00 on 1 December in Tokyo is still November in UTC, but December in Tokyo, whose
    // December began at 15:00 UTC on 30 November.
    QTest::newRow("Tokyo's December")
        << QStringLiteral("Asia/Tokyo") << utc(2026, 11, 30, 23) << QStringLiteral("2026-12")
        << utc(2026, 11, 30, 15) << utc(2026, 12, 31, 15);
    QTest::newRow("Tokyo's November")
        << QStringLiteral("Asia/Tokyo") << utc(2026, 11, 30, 14, 59, 59) << QStringLiteral("2026-11")
        << utc(2026, 10, 31, 15) << utc(2026, 11, 30, 15);
    // New York's March has 31 days less one hour: clocks go forward on the 8th.
    QTest::newRow("New York, March") << QStringLiteral("America/New_York") << utc(2026, 3, 15)
                                     << QStringLiteral("2026-03") << utc(2026, 3, 1, 5) << utc(2026, 4, 1, 4);
}

void TestClock::monthBoundaries() {
    QFETCH(QString, zone);
    QFETCH(QDateTime, at);
    QFETCH(QString, month);
    QFETCH(QDateTime, start);
    QFETCH(QDateTime, next);
    const auto billing = BillingZone::fromId(zone);
    QVERIFY2(billing, qPrintable(zone));
    QCOMPARE(billing->monthKey(at.toSecsSinceEpoch()), month);
    const auto [from, to] = billing->monthHolding(at.toSecsSinceEpoch());
    QCOMPARE(from, start.toSecsSinceEpoch());
    QCOMPARE(to, next.toSecsSinceEpoch());
    QCOMPARE(billing
                 ->month(start.date().addDays(1).year(),
                         QDate::fromString(month, QStringLiteral("yyyy-MM")).month())
                 .first,
             from);
}

void TestClock::dayStartsWhereTheZoneSays() {
    const auto tokyo = BillingZone::fromId(QStringLiteral("Asia/Tokyo"));
    QVERIFY(tokyo);
    QCOMPARE(tokyo->startOf(QDate(2026, 11, 5)),
             QDateTime(QDate(2026, 11, 4), QTime(15, 0), Qt::UTC).toSecsSinceEpoch());
    // Santiago skips midnight when its clocks go forward (6 September 2026): the day starts at 01:00.
    const auto santiago = BillingZone::fromId(QStringLiteral("America/Santiago"));
    QVERIFY(santiago);
    const qint64 start = santiago->startOf(QDate(2026, 9, 6));
    QCOMPARE(santiago->date(start), QDate(2026, 9, 6));
    QCOMPARE(santiago->date(start - 1), QDate(2026, 9, 5));
}

void TestClock::unknownZonesAreRefused() {
    QVERIFY(!BillingZone::fromId(QStringLiteral("Mars/Olympus_Mons")));
    QVERIFY(!BillingZone::fromId(QStringLiteral("")));
    QCOMPARE(BillingZone::fromId(QStringLiteral("Etc/UTC"))->id(), QStringLiteral("UTC"));
    QCOMPARE(BillingZone().id(), QStringLiteral("UTC"));
}

void TestClock::printedTimesCarryTheZone() {
    const qint64 at = QDateTime(QDate(2026, 11, 3), QTime(0, 30), Qt::UTC).toSecsSinceEpoch();
    const auto tokyo = BillingZone::fromId(QStringLiteral("Asia/Tokyo"));
    QCOMPARE(tokyo->isoText(at), QStringLiteral("2026-11-03T09:30:00+09:00"));
    QCOMPARE(tokyo->abbreviation(at), QStringLiteral("JST"));
    QCOMPARE(BillingZone().isoText(at), QStringLiteral("2026-11-03T00:30:00Z"));
}

QTEST_GUILESS_MAIN(TestClock)
#include "tst_clock.moc"
