#include "CostSeed.h"
#include "billing/UsageSeries.h"
#include "storage/Settings.h"

using namespace PoolDesk;

class TestUsageSeries : public QObject {
    Q_OBJECT
private slots:
    void concurrencyPeaksAndAvailability_data() { Test::addEngineRows(); }
    void concurrencyPeaksAndAvailability();
    void perDayAndPerNumber_data() { Test::addEngineRows(); }
    void perDayAndPerNumber();
    void daysAreTheBillingZones_data() { Test::addEngineRows(); }
    void daysAreTheBillingZones();
};

void TestUsageSeries::concurrencyPeaksAndAvailability() {
    QFETCH(QString, engine);
    Test::CostFixture f = Test::seedCostMonth(engine);
    // 10 March: Acme 10:00-10:02:05 on S1 and 10:30-10:31 on S2; add one overlapping the first
    // (10:01-10:03 on S3) and one crossing into 11:00 (10:59:30-11:00:30 on S1).
    Test::seedCall(*f.db, f.s3, QStringLiteral("+15550000003"), f.cafe, QStringLiteral("outbound"),
                   Test::utc(2026, 3, 10, 10, 1), 120, 26'000);
    Test::seedCall(*f.db, f.s1, QStringLiteral("+15550000001"), f.cafe, QStringLiteral("outbound"),
                   Test::utc(2026, 3, 10, 10, 59) + 30, 60, 13'000);
    auto series = UsageSeries::concurrency(*f.db, Test::utc(2026, 3, 10, 9), Test::utc(2026, 3, 10, 12),
                                           QStringLiteral("production"), true);
    QVERIFY2(series, qPrintable(series ? QString() : series.error().message));
    QCOMPARE(series->hours.size(), 3);
    QCOMPARE(series->hours[0].peakConcurrent, 0);
    QCOMPARE(series->hours[1].peakConcurrent, 2);
    QCOMPARE(series->hours[2].peakConcurrent, 1); // the call carried over from 10:59:30
    QCOMPARE(series->peak, 2);
    QCOMPARE(series->peakAt, Test::utc(2026, 3, 10, 10));
    // 125 + 60 + 120 + 30 seconds in the 10:00 hour; 30 in the 11:00 hour.
    QCOMPARE(series->hours[1].averageConcurrent, 335.0 / 3600.0);
    QCOMPARE(series->hours[2].averageConcurrent, 30.0 / 3600.0);
    // Four shared production numbers now (the April one included).
    QCOMPARE(series->sharedNumbers, 4);
    QCOMPARE(series->hours[1].minAvailable, 2);
    QCOMPARE(series->threshold, 2);
    // The dedicated number's call is left out of the shared series, counted in the full one.
    auto all = UsageSeries::concurrency(*f.db, Test::utc(2026, 3, 12, 15), Test::utc(2026, 3, 12, 16),
                                        QStringLiteral("production"), false);
    QVERIFY(all);
    QCOMPARE(all->hours[0].peakConcurrent, 1);
    auto shared = UsageSeries::concurrency(*f.db, Test::utc(2026, 3, 12, 15), Test::utc(2026, 3, 12, 16),
                                           QStringLiteral("production"), true);
    QCOMPARE(shared->hours[0].peakConcurrent, 0);
    QVERIFY(!UsageSeries::concurrency(*f.db, 100, 100, QString()));
}

void TestUsageSeries::perDayAndPerNumber() {
    QFETCH(QString, engine);
    Test::CostFixture f = Test::seedCostMonth(engine);
    auto days = UsageSeries::perDayByCompany(*f.db, Test::utc(2026, 3, 1), Test::utc(2026, 4, 1));
    QVERIFY(days);
    QCOMPARE(days->size(), 3); // 10 March Acme, 11 March Cafe, 12 March Bank
    QCOMPARE(days->at(0).dayStart, Test::utc(2026, 3, 10));
    QCOMPARE(days->at(0).companyName, QStringLiteral("Acme Dental"));
    QCOMPARE(days->at(0).calls, 2);
    QCOMPARE(days->at(0).billedMinutes, 4);
    auto numbers = UsageSeries::perNumber(*f.db, Test::utc(2026, 3, 1), Test::utc(2026, 4, 1),
                                          QStringLiteral("production"));
    QVERIFY(numbers);
    QCOMPARE(numbers->size(), 6);
    QCOMPARE(numbers->at(0).e164, QStringLiteral("+15550000004")); // 600 s: the busiest
    QVERIFY(!numbers->at(0).shared);
    QCOMPARE(numbers->at(0).utilization, 600.0 / (31 * 86400.0));
}

// The Usage view's days begin at midnight in the billing zone, across a change of clocks (New York
// moves to summer time on 8 March 2026, so that day lasts 23 hours).
void TestUsageSeries::daysAreTheBillingZones() {
    QFETCH(QString, engine);
    Test::CostFixture f = Test::seedCostMonth(engine);
    QVERIFY(Settings::set(*f.db, Actor{QStringLiteral("user:test")}, SettingKeys::BillingTimeZone,
                          QStringLiteral("America/New_York")));
    for (const qint64 start : {Test::utc(2026, 3, 8, 4, 30),  // 7 March, 23:30 EST
                               Test::utc(2026, 3, 8, 5, 30),  // 8 March, 00:30 EST
                               Test::utc(2026, 3, 9, 3, 30),  // 8 March, 23:30 EDT
                               Test::utc(2026, 3, 9, 4, 30)}) // 9 March, 00:30 EDT
        Test::seedCall(*f.db, f.s1, QStringLiteral("+15550000001"), f.cafe, QStringLiteral("outbound"), start,
                       60, 13'000);
    auto days = UsageSeries::perDayByCompany(*f.db, Test::utc(2026, 3, 7, 5), Test::utc(2026, 3, 10, 4));
    QVERIFY(days);
    QList<std::pair<qint64, qint64>> seen;
    for (const UsageSeries::DayCompanyPoint &day : days.value())
        seen.append({day.dayStart, day.calls});
    const QList<std::pair<qint64, qint64>> expected{
        {Test::utc(2026, 3, 7, 5), 1}, {Test::utc(2026, 3, 8, 5), 2}, {Test::utc(2026, 3, 9, 4), 1}};
    QCOMPARE(seen, expected);
}

QTEST_GUILESS_MAIN(TestUsageSeries)
#include "tst_usageseries.moc"
