// What `pool status` and the console's header show: counts by status and kind, per company in
// use, and whether free shared numbers fell under the threshold.
#include "PoolTestSupport.h"
#include "pool/PoolStatus.h"
#include "storage/Settings.h"

using namespace PoolDesk;
using namespace PoolDesk::Test;

class TestPoolStatus : public QObject {
    Q_OBJECT

private slots:
    void emptyPool_data() { addEngineRows(); }
    void emptyPool();
    void countsFollowAllocations_data() { addEngineRows(); }
    void countsFollowAllocations();
    void thresholdSetting_data() { addEngineRows(); }
    void thresholdSetting();
};

void TestPoolStatus::emptyPool() {
    QFETCH(QString, engine);
    PoolFixture f(engine);
    auto snapshot = PoolStatus::snapshot(*f.db, ProductionEnvironment);
    POOL_VERIFY_OK(snapshot);
    QCOMPARE(snapshot->environment, ProductionEnvironment);
    QCOMPARE(snapshot->total, 0);
    QCOMPARE(snapshot->available, 0);
    QCOMPARE(snapshot->perNumberConcurrency, 1);
    // No free shared number at all is below any positive threshold.
    QCOMPARE(snapshot->belowThreshold, snapshot->threshold > 0);
    QVERIFY(snapshot->companies.isEmpty());
}

void TestPoolStatus::countsFollowAllocations() {
    QFETCH(QString, engine);
    PoolFixture f(engine);
    const qint64 tanaka = f.addCompany(QStringLiteral("Tanaka Logistics"), Plan::Enterprise);
    f.addCompany(QStringLiteral("Sakura Dental"), Plan::Standard);
    f.addNumber(QStringLiteral("+14155550101"));
    f.addNumber(QStringLiteral("+14155550102"));
    f.addNumber(QStringLiteral("+14155550103"));
    f.addNumber(QStringLiteral("+14155550198"), tanaka);
    f.addNumber(QStringLiteral("+14155550199"), tanaka);
    f.addNumber(QStringLiteral("+16076956082"), std::nullopt, DevelopmentEnvironment);
    POOL_VERIFY_OK(f.allocate(QStringLiteral("Tanaka Logistics"), QStringLiteral("t1")));
    POOL_VERIFY_OK(f.allocator->attachCall(QStringLiteral("t1"), QStringLiteral("CA01")));
    POOL_VERIFY_OK(f.allocate(QStringLiteral("Sakura Dental"), QStringLiteral("s1")));
    POOL_VERIFY_OK(f.allocate(QStringLiteral("Sakura Dental"), QStringLiteral("s2")));
    POOL_VERIFY_OK(f.allocate(QStringLiteral("Sakura Dental"), QStringLiteral("d1"), std::nullopt,
                              DevelopmentEnvironment));

    auto snapshot = PoolStatus::snapshot(*f.db, ProductionEnvironment);
    POOL_VERIFY_OK(snapshot);
    QCOMPARE(snapshot->total, 5);
    QCOMPARE(snapshot->shared, 3);
    QCOMPARE(snapshot->dedicated, 2);
    QCOMPARE(snapshot->inUse, 1);    // the call with a CallSid
    QCOMPARE(snapshot->reserved, 2); // the two Sakura sessions
    QCOMPARE(snapshot->available, 2);
    QCOMPARE(snapshot->availableShared, 1);
    QCOMPARE(snapshot->total, snapshot->available + snapshot->reserved + snapshot->inUse);
    QCOMPARE(snapshot->companies.size(), 2);
    for (const CompanyHolding &company : snapshot->companies) {
        if (company.company == QLatin1String("Tanaka Logistics")) {
            QCOMPARE(company.held, 1);
            QCOMPARE(company.dedicated, 2);
        } else {
            QCOMPARE(company.company, QStringLiteral("Sakura Dental"));
            QCOMPARE(company.held, 2); // the development call is not counted here
            QCOMPARE(company.dedicated, 0);
        }
    }
    auto development = PoolStatus::snapshot(*f.db, DevelopmentEnvironment);
    POOL_VERIFY_OK(development);
    QCOMPARE(development->total, 1);
    QCOMPARE(development->reserved, 1);
    QCOMPARE(development->available, 0);

    POOL_VERIFY_OK(f.release(QStringLiteral("s1"), 10));
    POOL_VERIFY_OK(f.release(QStringLiteral("t1"), 10));
    snapshot = PoolStatus::snapshot(*f.db, ProductionEnvironment);
    POOL_VERIFY_OK(snapshot);
    QCOMPARE(snapshot->available, 4);
    QCOMPARE(snapshot->reserved, 1);
    QCOMPARE(snapshot->inUse, 0);
}

void TestPoolStatus::thresholdSetting() {
    QFETCH(QString, engine);
    PoolFixture f(engine);
    f.addCompany(QStringLiteral("Sakura Dental"), Plan::Standard);
    for (int i = 1; i <= 3; ++i)
        f.addNumber(QStringLiteral("+1415555010%1").arg(i));
    POOL_VERIFY_OK(Settings::set(*f.db, tester(), SettingKeys::MinAvailableThreshold, QStringLiteral("2")));
    POOL_VERIFY_OK(Settings::set(*f.db, tester(), SettingKeys::PerNumberConcurrency, QStringLiteral("1")));
    auto snapshot = PoolStatus::snapshot(*f.db, ProductionEnvironment);
    POOL_VERIFY_OK(snapshot);
    QCOMPARE(snapshot->threshold, 2);
    QVERIFY(!snapshot->belowThreshold);
    POOL_VERIFY_OK(f.allocate(QStringLiteral("Sakura Dental"), QStringLiteral("s1")));
    snapshot = PoolStatus::snapshot(*f.db, ProductionEnvironment);
    POOL_VERIFY_OK(snapshot);
    QCOMPARE(snapshot->availableShared, 2);
    QVERIFY(!snapshot->belowThreshold); // exactly at the threshold
    POOL_VERIFY_OK(f.allocate(QStringLiteral("Sakura Dental"), QStringLiteral("s2")));
    snapshot = PoolStatus::snapshot(*f.db, ProductionEnvironment);
    POOL_VERIFY_OK(snapshot);
    QVERIFY(snapshot->belowThreshold);
    POOL_VERIFY_OK(Settings::set(*f.db, tester(), SettingKeys::PerNumberConcurrency, QStringLiteral("4")));
    snapshot = PoolStatus::snapshot(*f.db, ProductionEnvironment);
    POOL_VERIFY_OK(snapshot);
    QCOMPARE(snapshot->perNumberConcurrency, 4);
}

QTEST_GUILESS_MAIN(TestPoolStatus)
#include "tst_poolstatus.moc"
