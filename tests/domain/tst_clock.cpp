// Tests move the clock to expire leases and cross month boundaries; these check that the shift
// and the month arithmetic the limits rely on are right.
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
    QTest::addColumn<QDateTime>("at");
    QTest::addColumn<QDateTime>("start");
    QTest::addColumn<QDateTime>("next");
    const auto utc = [](int y, int m, int d, int h = 0, int min = 0, int s = 0) {
        return QDateTime(QDate(y, m, d), QTime(h, min, s), Qt::UTC);
    };
    QTest::newRow("mid month") << utc(2026, 11, 24, 9, 30) << utc(2026, 11, 1) << utc(2026, 12, 1);
    QTest::newRow("last second") << utc(2026, 11, 30, 23, 59, 59) << utc(2026, 11, 1) << utc(2026, 12, 1);
    QTest::newRow("first second") << utc(2026, 12, 1) << utc(2026, 12, 1) << utc(2027, 1, 1);
    QTest::newRow("leap February") << utc(2028, 2, 29, 12) << utc(2028, 2, 1) << utc(2028, 3, 1);
    // 09:00 in Tokyo on the 1st is still the previous month in UTC.
    QTest::newRow("from Tokyo time") << QDateTime(QDate(2026, 12, 1), QTime(8, 0), QTimeZone("Asia/Tokyo"))
                                     << utc(2026, 11, 1) << utc(2026, 12, 1);
}

void TestClock::monthBoundaries() {
    QFETCH(QDateTime, at);
    QFETCH(QDateTime, start);
    QFETCH(QDateTime, next);
    QCOMPARE(Clock::monthStartUtc(at), start);
    QCOMPARE(Clock::nextMonthStartUtc(at), next);
}

QTEST_GUILESS_MAIN(TestClock)
#include "tst_clock.moc"
