// A company's allocation rate: a burst is admitted at once, then one allocation per interval; a
// refusal says when to come back and takes nothing; every connection shares one budget.

#include "PoolTestSupport.h"

using namespace PoolDesk;
using namespace PoolDesk::Test;

namespace {

const QString Maple = QStringLiteral("Maple Tutoring");

CompanyLimits rate(int perSecond, std::optional<int> burst) {
    CompanyLimits limits;
    limits.allocationsPerSecond = perSecond;
    limits.allocationBurst = burst;
    return limits;
}

void addNumbers(PoolFixture &f, int count) {
    for (int i = 0; i < count; ++i)
        f.addNumber(QStringLiteral("+141555501%1").arg(i, 2, 10, QLatin1Char('0')));
}

} // namespace

class TestAllocationRate : public QObject {
    Q_OBJECT
private slots:
    void cleanup() { Clock::setOffsetForTesting(0); }
    void burstThenRate_data() { addEngineRows(); }
    void burstThenRate();
    void connectionsShareOneBudget_data() { addEngineRows(); }
    void connectionsShareOneBudget();
    void otherCompaniesAreNotLimited_data() { addEngineRows(); }
    void otherCompaniesAreNotLimited();
    void clearingTheRateAdmitsAtOnce_data() { addEngineRows(); }
    void clearingTheRateAdmitsAtOnce();
    void invalidRatesChangeNothing_data() { addEngineRows(); }
    void invalidRatesChangeNothing();
};

void TestAllocationRate::burstThenRate() {
    QFETCH(QString, engine);
    PoolFixture f(engine);
    // One a second, three at once: an interval of a second leaves this test a second of slack.
    f.addCompany(Maple, Plan::Standard, rate(1, 3));
    addNumbers(f, 10);
    for (int i = 0; i < 3; ++i)
        POOL_VERIFY_OK(f.allocate(Maple, QStringLiteral("burst-%1").arg(i)));
    auto refused = f.allocate(Maple, QStringLiteral("too-soon"));
    POOL_VERIFY_REFUSED(refused, RefusalReason::RateLimited);
    QVERIFY(refused.error().retryAfterSeconds >= 1);
    QVERIFY2(refused.error().message.contains(Maple), qPrintable(refused.error().message));
    // A refusal takes nothing and leaves no session behind.
    QCOMPARE(f.reservations(), 3);
    QCOMPARE(scalar(*f.db, QStringLiteral("SELECT COUNT(*) FROM reservations WHERE session = 'too-soon'")),
             0);

    // Two seconds later two more are admitted, and the third is refused again.
    Clock::setOffsetForTesting(2);
    POOL_VERIFY_OK(f.allocate(Maple, QStringLiteral("later-1")));
    POOL_VERIFY_OK(f.allocate(Maple, QStringLiteral("later-2")));
    POOL_VERIFY_REFUSED(f.allocate(Maple, QStringLiteral("later-3")), RefusalReason::RateLimited);
    QCOMPARE(f.reservations(), 5);
}

void TestAllocationRate::connectionsShareOneBudget() {
    QFETCH(QString, engine);
    PoolFixture f(engine);
    f.addCompany(Maple, Plan::Standard, rate(1, 2));
    addNumbers(f, 10);
    // A second connection, as a second process (another backend, pooldeskctl) would have.
    auto other = f.db->openAnother();
    QVERIFY(other);
    Allocator second(*other.value());
    POOL_VERIFY_OK(f.allocate(Maple, QStringLiteral("first")));
    POOL_VERIFY_OK(second.allocate(
        {Maple, QStringLiteral("op-2"), QStringLiteral("second"), std::nullopt, ProductionEnvironment}));
    POOL_VERIFY_REFUSED(f.allocate(Maple, QStringLiteral("third")), RefusalReason::RateLimited);
    POOL_VERIFY_REFUSED(second.allocate({Maple, QStringLiteral("op-2"), QStringLiteral("fourth"),
                                         std::nullopt, ProductionEnvironment}),
                        RefusalReason::RateLimited);
    QCOMPARE(f.reservations(), 2);
}

void TestAllocationRate::otherCompaniesAreNotLimited() {
    QFETCH(QString, engine);
    PoolFixture f(engine);
    f.addCompany(Maple, Plan::Standard, rate(1, 1));
    f.addCompany(QStringLiteral("Birch Dental"), Plan::Standard);
    addNumbers(f, 10);
    POOL_VERIFY_OK(f.allocate(Maple, QStringLiteral("maple-1")));
    POOL_VERIFY_REFUSED(f.allocate(Maple, QStringLiteral("maple-2")), RefusalReason::RateLimited);
    for (int i = 0; i < 5; ++i)
        POOL_VERIFY_OK(f.allocate(QStringLiteral("Birch Dental"), QStringLiteral("birch-%1").arg(i)));
}

void TestAllocationRate::clearingTheRateAdmitsAtOnce() {
    QFETCH(QString, engine);
    PoolFixture f(engine);
    f.addCompany(Maple, Plan::Standard, rate(1, 1));
    addNumbers(f, 4);
    POOL_VERIFY_OK(f.allocate(Maple, QStringLiteral("one")));
    POOL_VERIFY_REFUSED(f.allocate(Maple, QStringLiteral("two")), RefusalReason::RateLimited);
    POOL_VERIFY_OK(f.companies.setLimits(tester(), Maple, CompanyLimits{}));
    f.renewAllocator(); // an allocator learns of a new or cleared rate within a second
    POOL_VERIFY_OK(f.allocate(Maple, QStringLiteral("two")));
    QCOMPARE(
        scalar(*f.db, QStringLiteral("SELECT COUNT(*) FROM companies WHERE allocation_tat_us IS NOT NULL")),
        0);
    // Setting it again starts from a whole budget.
    POOL_VERIFY_OK(f.companies.setLimits(tester(), Maple, rate(1, 1)));
    f.renewAllocator();
    POOL_VERIFY_OK(f.allocate(Maple, QStringLiteral("three")));
    POOL_VERIFY_REFUSED(f.allocate(Maple, QStringLiteral("four")), RefusalReason::RateLimited);
}

void TestAllocationRate::invalidRatesChangeNothing() {
    QFETCH(QString, engine);
    PoolFixture f(engine);
    f.addCompany(Maple, Plan::Standard, rate(5, 10));
    CompanyLimits burstWithoutRate;
    burstWithoutRate.allocationBurst = 4;
    for (const CompanyLimits &bad :
         {rate(0, std::nullopt), rate(-1, std::nullopt), rate(5, 0), burstWithoutRate}) {
        auto refused = f.companies.setLimits(tester(), Maple, bad);
        QVERIFY(!refused);
        QCOMPARE(refused.error().code, Error::Code::InvalidInput);
    }
    auto company = f.companies.find(Maple);
    QVERIFY(company);
    QCOMPARE(company->limits.allocationsPerSecond, std::optional<int>(5));
    QCOMPARE(company->limits.allocationBurst, std::optional<int>(10));
}

QTEST_GUILESS_MAIN(TestAllocationRate)
#include "tst_allocationrate.moc"
