#include "CostSeed.h"
#include "billing/CostReport.h"

#include <QBuffer>
#include <QJsonArray>
#include <QRandomGenerator>

using namespace PoolDesk;

class TestCostReport : public QObject {
    Q_OBJECT
private slots:
    void splitProRataIsExact_data();
    void splitProRataIsExact();
    void splitProRataSumsForAnyInput();
    void monthRange();
    void handComputedMonth_data() { Test::addEngineRows(); }
    void handComputedMonth();
    void adviceAndSizing_data() { Test::addEngineRows(); }
    void adviceAndSizing();
    void csvAndJson_data() { Test::addEngineRows(); }
    void csvAndJson();
};

void TestCostReport::splitProRataIsExact_data() {
    QTest::addColumn<qint64>("total");
    QTest::addColumn<QList<qint64>>("weights");
    QTest::addColumn<QList<qint64>>("shares");
    QTest::newRow("even") << qint64(300) << QList<qint64>{1, 1, 1} << QList<qint64>{100, 100, 100};
    // 100/3 = 33.33 each: one micro-dollar left, equal remainders and weights: the first gets it.
    QTest::newRow("thirds") << qint64(100) << QList<qint64>{1, 1, 1} << QList<qint64>{34, 33, 33};
    // 3,300,001 * 4/5 = 2,640,000.8 and * 1/5 = 660,000.2: the larger remainder gets the micro-dollar.
    QTest::newRow("report case") << qint64(3'300'001) << QList<qint64>{4, 1}
                                 << QList<qint64>{2'640'001, 660'000};
    QTest::newRow("zero weight") << qint64(10) << QList<qint64>{0, 5} << QList<qint64>{0, 10};
    QTest::newRow("nobody") << qint64(10) << QList<qint64>{0, 0} << QList<qint64>{0, 0};
    // 7 * 1/6 = 1.167, * 2/6 = 2.333, * 3/6 = 3.5: floors 1, 2, 3; remainders .167, .333, .5.
    QTest::newRow("largest remainder") << qint64(7) << QList<qint64>{1, 2, 3} << QList<qint64>{1, 2, 4};
}

void TestCostReport::splitProRataIsExact() {
    QFETCH(qint64, total);
    QFETCH(QList<qint64>, weights);
    QFETCH(QList<qint64>, shares);
    QCOMPARE(CostReports::splitProRata(total, weights), shares);
}

void TestCostReport::splitProRataSumsForAnyInput() {
    QRandomGenerator random(42);
    for (int round = 0; round < 2000; ++round) {
        const Micros total = random.bounded(1'000'000'000);
        QList<qint64> weights;
        const int count = 1 + random.bounded(30);
        for (int i = 0; i < count; ++i)
            weights << random.bounded(100'000);
        weights[0] += 1; // at least one positive weight
        const QList<Micros> shares = CostReports::splitProRata(total, weights);
        Micros sum = 0;
        qint64 weightSum = 0;
        for (qint64 w : weights)
            weightSum += w;
        for (int i = 0; i < count; ++i) {
            sum += shares[i];
            // Never more than one micro-dollar away from the exact share.
            const double exact = double(total) * double(weights[i]) / double(weightSum);
            QVERIFY(std::abs(double(shares[i]) - exact) < 1.0 + 1e-6);
        }
        QCOMPARE(sum, total);
    }
}

void TestCostReport::monthRange() {
    const BillingZone utc;
    auto march = CostReports::monthRange(QStringLiteral("2026-03"), utc);
    QVERIFY(march);
    QCOMPARE(march->first, Test::utc(2026, 3, 1));
    QCOMPARE(march->second, Test::utc(2026, 4, 1));
    auto december = CostReports::monthRange(QStringLiteral("2026-12"), utc);
    QCOMPARE(december->second, Test::utc(2027, 1, 1));
    // Tokyo's March begins nine hours before UTC's.
    auto tokyo = CostReports::monthRange(QStringLiteral("2026-03"),
                                         *BillingZone::fromId(QStringLiteral("Asia/Tokyo")));
    QCOMPARE(tokyo->first, Test::utc(2026, 3, 1) - 9 * 3600);
    QCOMPARE(tokyo->second, Test::utc(2026, 4, 1) - 9 * 3600);
    for (const char *bad : {"2026-13", "2026-3", "March", "", "2026-00"}) {
        auto parsed = CostReports::monthRange(QString::fromLatin1(bad), utc);
        QVERIFY(!parsed);
        QCOMPARE(parsed.error().code, Error::Code::InvalidInput);
    }
}

namespace {
const CompanyCost *companyNamed(const CostReport &report, const QString &name) {
    for (const CompanyCost &company : report.companies) {
        if (company.name == name)
            return &company;
    }
    return nullptr;
}
} // namespace

void TestCostReport::handComputedMonth() {
    QFETCH(QString, engine);
    Test::CostFixture f = Test::seedCostMonth(engine);
    auto built = CostReports::build(*f.db, QStringLiteral("2026-03"));
    QVERIFY2(built, qPrintable(built ? QString() : built.error().message));
    const CostReport &report = built.value();

    // Shared production rental: 1.15 + 1.15 + 1.000001 = 3.300001 (the April number is not charged
    // yet). Shared minutes: Acme 3 + 1 = 4, Cafe 1.
    const CompanyCost *acme = companyNamed(report, QStringLiteral("Acme Dental"));
    const CompanyCost *bank = companyNamed(report, QStringLiteral("Bank Corp"));
    const CompanyCost *cafe = companyNamed(report, QStringLiteral("Cafe Hybrid"));
    QVERIFY(acme && bank && cafe);
    QCOMPARE(report.companies.size(), 3);

    QCOMPARE(acme->sharedMinutes, 4);
    QCOMPARE(acme->sharedRentalShare, 2'640'001);
    QCOMPARE(acme->dedicatedRental, 0);
    QCOMPARE(acme->outboundCalls, 1);
    QCOMPARE(acme->outboundMinutes, 3);
    QCOMPARE(acme->outbound, 40'000); // Twilio's price, not the 39,000 estimate
    QCOMPARE(acme->inboundCalls, 1);
    QCOMPARE(acme->inbound, 8'500);
    QCOMPARE(acme->total, 2'640'001 + 40'000 + 8'500);
    QCOMPARE(acme->twilioPricedCalls, 1);
    QCOMPARE(acme->twilioBilled, 40'000);
    QCOMPARE(acme->estimateOfTwilioPriced, 39'000);

    QCOMPARE(cafe->sharedMinutes, 1);
    QCOMPARE(cafe->sharedRentalShare, 660'000);
    QCOMPARE(cafe->total, 660'000 + 13'000);

    QCOMPARE(bank->dedicatedNumbers, 2);
    QCOMPARE(bank->dedicatedRental, 1'150'000 + 2'000'000);
    QCOMPARE(bank->sharedRentalShare, 0);
    QCOMPARE(bank->outbound, 130'000);
    QCOMPARE(bank->total, 3'280'000);

    QCOMPARE(acme->sharedRentalShare + cafe->sharedRentalShare, 3'300'001);
    QCOMPARE(report.sharedRental, 3'300'001 + 1'150'000);
    QCOMPARE(report.unallocatedSharedRental, 1'150'000); // the development number nobody called from
    QCOMPARE(report.dedicatedRental, 3'150'000);
    QCOMPARE(report.outbound, 40'000 + 13'000 + 130'000);
    QCOMPARE(report.inbound, 8'500);
    QCOMPARE(report.total, 2'688'501 + 673'000 + 3'280'000 + 1'150'000);
    QCOMPARE(report.total, report.sharedRental + report.dedicatedRental + report.outbound + report.inbound);
    QCOMPARE(report.calls, 4);

    // Per number.
    QCOMPARE(report.numbers.size(), 6); // the April number is left out
    for (const NumberCost &number : report.numbers) {
        if (number.numberId == f.s1) {
            QCOMPARE(number.calls, 2);
            QCOMPARE(number.minutes, 4);
            QCOMPARE(number.callCost, 53'000);
            QCOMPARE(number.busySeconds, 155);
        }
        QVERIFY(number.numberId != f.late);
    }
    QVERIFY(!CostReport::sharingRule().isEmpty());
}

void TestCostReport::adviceAndSizing() {
    QFETCH(QString, engine);
    Test::CostFixture f = Test::seedCostMonth(engine);
    auto report = CostReports::build(*f.db, QStringLiteral("2026-03"));
    QVERIFY(report);
    QSet<QString> idle;
    QString underused;
    const CostAdvice *tooLarge = nullptr;
    for (const CostAdvice &advice : report->advice) {
        QVERIFY(!advice.message.isEmpty());
        if (advice.kind == CostAdvice::Kind::ReleaseIdle) {
            idle.insert(advice.e164);
            if (advice.e164 == QStringLiteral("+15550000005"))
                QCOMPARE(advice.monthlyChange, 2'000'000);
        } else if (advice.kind == CostAdvice::Kind::UnderusedDedicated) {
            underused = advice.e164;
            QCOMPARE(advice.monthlyChange, 1'150'000);
        } else if (advice.kind == CostAdvice::Kind::PoolTooLarge) {
            tooLarge = &advice;
        }
    }
    QCOMPARE(idle, (QSet<QString>{QStringLiteral("+15550000003"), QStringLiteral("+15550000005"),
                                  QStringLiteral("+16076956082")}));
    // 600 s in a 31-day month is far under 1%.
    QCOMPARE(underused, QStringLiteral("+15550000004"));
    // Busiest production hour: 10:00 on 10 March, 125 + 60 s = 0.0514 erlangs; Erlang B at 1% needs
    // 2 lines (B(1) = 4.9%, B(2) = 0.13%); the pool has 3 shared numbers.
    const PoolSizing *production = nullptr;
    for (const PoolSizing &sizing : report->sizing) {
        if (sizing.environment == QStringLiteral("production"))
            production = &sizing;
    }
    QVERIFY(production);
    QCOMPARE(production->sharedNumbers, 3);
    QCOMPARE(production->busiestHourStart, Test::utc(2026, 3, 10, 10));
    QCOMPARE(production->busiestHourCalls, 2);
    QCOMPARE(production->erlangs, 185.0 / 3600.0);
    QCOMPARE(production->recommended, 2);
    QVERIFY(tooLarge);
    QCOMPARE(tooLarge->numbers, 1);
    QCOMPARE(tooLarge->monthlyChange, 1'100'000); // 3,300,001 / 3 numbers, rounded down
}

void TestCostReport::csvAndJson() {
    QFETCH(QString, engine);
    Test::CostFixture f = Test::seedCostMonth(engine);
    auto report = CostReports::build(*f.db, QStringLiteral("2026-03"));
    QVERIFY(report);
    QBuffer buffer;
    buffer.open(QIODevice::WriteOnly);
    QVERIFY(CostReports::writeCsv(report.value(), CostReports::CsvSection::Companies, buffer, {}));
    const QStringList lines =
        QString::fromUtf8(buffer.data()).split(QStringLiteral("\r\n"), Qt::SkipEmptyParts);
    // Header, three companies, the unallocated shared rental, the total.
    QCOMPARE(lines.size(), 6);
    QVERIFY(lines[1].startsWith(QStringLiteral("2026-03,Acme Dental,standard,0,0.000000,4,2.640001,")));
    QVERIFY(lines[1].contains(QStringLiteral(",2.688501,")));
    QVERIFY(lines.last().contains(QStringLiteral(",7.791501,")));

    const QJsonObject json = CostReports::toJson(report.value());
    QCOMPARE(json.value(QStringLiteral("total_micros")).toInteger(), 7'791'501);
    QCOMPARE(json.value(QStringLiteral("total")).toString(), QStringLiteral("7.791501"));
    QCOMPARE(json.value(QStringLiteral("companies")).toArray().size(), 3);
}

QTEST_GUILESS_MAIN(TestCostReport)
#include "tst_costreport.moc"
