// Money is integer micro-dollars end to end: these cases pin down what a person may type, what
// Twilio sends, how amounts are shown and how a sum is split without losing a micro-dollar.
#include "domain/Money.h"

#include <QTest>

#include <cmath>
#include <numeric>

using namespace PoolDesk;

class TestMoney : public QObject {
    Q_OBJECT

private slots:
    void parseUsd_data();
    void parseUsd();
    void parseUsdRejects_data();
    void parseUsdRejects();
    void parseTwilioPrice_data();
    void parseTwilioPrice();
    void toPlainString_data();
    void toPlainString();
    void format_data();
    void format();
    void formatFollowsLocale();
    void prorate_data();
    void prorate();
    void prorateDoesNotOverflow();
    void cumulativeProrateSumsExactly_data();
    void cumulativeProrateSumsExactly();
    void roundTripThroughPlainString();
};

void TestMoney::parseUsd_data() {
    QTest::addColumn<QString>("text");
    QTest::addColumn<qint64>("micros");
    QTest::newRow("dollars and cents") << QStringLiteral("1.15") << qint64(1'150'000);
    QTest::newRow("dollar sign") << QStringLiteral("$1.15") << qint64(1'150'000);
    QTest::newRow("whole dollars") << QStringLiteral("2") << qint64(2'000'000);
    QTest::newRow("zero") << QStringLiteral("0") << qint64(0);
    QTest::newRow("negative tariff") << QStringLiteral("-0.0130") << qint64(-13'000);
    QTest::newRow("explicit plus") << QStringLiteral("+4.25") << qint64(4'250'000);
    QTest::newRow("surrounding spaces") << QStringLiteral("  3.5 ") << qint64(3'500'000);
    QTest::newRow("leading point") << QStringLiteral(".5") << qint64(500'000);
    QTest::newRow("trailing point") << QStringLiteral("7.") << qint64(7'000'000);
    QTest::newRow("one micro-dollar") << QStringLiteral("0.000001") << qint64(1);
    QTest::newRow("six decimals") << QStringLiteral("0.008500") << qint64(8'500);
    QTest::newRow("zeros beyond six decimals") << QStringLiteral("-0.01300000") << qint64(-13'000);
    QTest::newRow("largest whole part")
        << QStringLiteral("999999999999.999999") << qint64(999'999'999'999'999'999);
    QTest::newRow("leading zeros") << QStringLiteral("007.10") << qint64(7'100'000);
}

void TestMoney::parseUsd() {
    QFETCH(QString, text);
    QFETCH(qint64, micros);
    const auto parsed = Money::parseUsd(text);
    QVERIFY2(parsed.has_value(), qPrintable(text));
    QCOMPARE(*parsed, micros);
}

void TestMoney::parseUsdRejects_data() {
    QTest::addColumn<QString>("text");
    QTest::newRow("empty") << QString();
    QTest::newRow("blank") << QStringLiteral("   ");
    QTest::newRow("sign only") << QStringLiteral("-");
    QTest::newRow("dollar only") << QStringLiteral("$");
    QTest::newRow("point only") << QStringLiteral(".");
    QTest::newRow("words") << QStringLiteral("ten dollars");
    QTest::newRow("two points") << QStringLiteral("1.2.3");
    QTest::newRow("thousands comma") << QStringLiteral("1,000");
    QTest::newRow("inner space") << QStringLiteral("1 000");
    QTest::newRow("seven decimals") << QStringLiteral("1.1234567");
    QTest::newRow("exponent") << QStringLiteral("1e3");
    QTest::newRow("hex") << QStringLiteral("0x10");
    QTest::newRow("double sign") << QStringLiteral("--1");
    QTest::newRow("plus minus") << QStringLiteral("+-1");
    QTest::newRow("trailing dollar") << QStringLiteral("1.50$");
    QTest::newRow("currency code") << QStringLiteral("USD 1");
    QTest::newRow("nan") << QStringLiteral("NaN");
    QTest::newRow("thirteen digit dollars") << QStringLiteral("1234567890123");
    QTest::newRow("arabic-indic digits") << QString::fromUtf8("\u0661\u0662");
    QTest::newRow("full-width digits") << QString::fromUtf8("\uFF11\uFF12");
}

void TestMoney::parseUsdRejects() {
    QFETCH(QString, text);
    const auto parsed = Money::parseUsd(text);
    QVERIFY2(!parsed.has_value(),
             qPrintable(QStringLiteral("\"%1\" parsed as %2").arg(text).arg(parsed.value_or(0))));
}

void TestMoney::parseTwilioPrice_data() {
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("known");
    QTest::addColumn<qint64>("micros");
    QTest::newRow("charge per minute") << QStringLiteral("-0.01300") << true << qint64(13'000);
    QTest::newRow("number rental") << QStringLiteral("-1.15") << true << qint64(1'150'000);
    QTest::newRow("positive stays positive") << QStringLiteral("0.0085") << true << qint64(8'500);
    QTest::newRow("free") << QStringLiteral("-0.00000") << true << qint64(0);
    QTest::newRow("null") << QString() << false << qint64(0);
    QTest::newRow("empty") << QStringLiteral("") << false << qint64(0);
    QTest::newRow("blank") << QStringLiteral("  ") << false << qint64(0);
    QTest::newRow("garbage") << QStringLiteral("n/a") << false << qint64(0);
}

void TestMoney::parseTwilioPrice() {
    QFETCH(QString, text);
    QFETCH(bool, known);
    QFETCH(qint64, micros);
    const auto parsed = Money::parseTwilioPrice(text);
    QCOMPARE(parsed.has_value(), known);
    if (known)
        QCOMPARE(*parsed, micros);
}

void TestMoney::toPlainString_data() {
    QTest::addColumn<qint64>("micros");
    QTest::addColumn<int>("decimals");
    QTest::addColumn<QString>("text");
    QTest::newRow("cents") << qint64(1'150'000) << 2 << QStringLiteral("1.15");
    QTest::newRow("six decimals") << qint64(13'000) << 6 << QStringLiteral("0.013000");
    QTest::newRow("negative six") << qint64(-13'000) << 6 << QStringLiteral("-0.013000");
    QTest::newRow("rounds half up") << qint64(5'000) << 2 << QStringLiteral("0.01");
    QTest::newRow("rounds down") << qint64(4'999) << 2 << QStringLiteral("0.00");
    QTest::newRow("negative rounds away") << qint64(-5'000) << 2 << QStringLiteral("-0.01");
    QTest::newRow("no negative zero") << qint64(-4'999) << 2 << QStringLiteral("0.00");
    QTest::newRow("whole") << qint64(1'500'000) << 0 << QStringLiteral("2");
    QTest::newRow("large") << qint64(123'456'789'012'345) << 2 << QStringLiteral("123456789.01");
}

void TestMoney::toPlainString() {
    QFETCH(qint64, micros);
    QFETCH(int, decimals);
    QFETCH(QString, text);
    QCOMPARE(Money::toPlainString(micros, decimals), text);
}

void TestMoney::format_data() {
    QTest::addColumn<qint64>("micros");
    QTest::addColumn<int>("decimals");
    QTest::addColumn<QString>("text");
    QTest::newRow("rental") << qint64(1'150'000) << 2 << QStringLiteral("$1.15");
    QTest::newRow("zero") << qint64(0) << 2 << QStringLiteral("$0.00");
    QTest::newRow("negative") << qint64(-1'150'000) << 2 << QStringLiteral("-$1.15");
    QTest::newRow("thousands grouped") << qint64(1'234'567'890'000) << 2 << QStringLiteral("$1,234,567.89");
    QTest::newRow("half cent up") << qint64(1'005'000) << 2 << QStringLiteral("$1.01");
    QTest::newRow("half cent away from zero") << qint64(-1'005'000) << 2 << QStringLiteral("-$1.01");
    QTest::newRow("tiny negative shows no sign") << qint64(-4'999) << 2 << QStringLiteral("$0.00");
    QTest::newRow("per-minute price") << qint64(13'000) << 4 << QStringLiteral("$0.0130");
    QTest::newRow("whole dollars") << qint64(1'500'000) << 0 << QStringLiteral("$2");
}

void TestMoney::format() {
    QFETCH(qint64, micros);
    QFETCH(int, decimals);
    QFETCH(QString, text);
    QCOMPARE(Money::format(micros, QLocale(QLocale::English, QLocale::UnitedStates), decimals), text);
}

void TestMoney::formatFollowsLocale() {
    const Micros amount = 1'234'567'890'000;
    QCOMPARE(Money::format(amount, QLocale(QLocale::German, QLocale::Germany)),
             QStringLiteral("$1.234.567,89"));
    QCOMPARE(Money::format(amount, QLocale(QLocale::Japanese, QLocale::Japan)),
             QStringLiteral("$1,234,567.89"));
    // The amount itself never passes through a double: the last micro-dollar survives.
    QCOMPARE(Money::format(999'999'999'999'999'999, QLocale(QLocale::English, QLocale::UnitedStates), 6),
             QStringLiteral("$999,999,999,999.999999"));
}

void TestMoney::prorate_data() {
    QTest::addColumn<qint64>("amount");
    QTest::addColumn<qint64>("numerator");
    QTest::addColumn<qint64>("denominator");
    QTest::addColumn<qint64>("expected");
    QTest::newRow("third rounds down") << qint64(100) << qint64(1) << qint64(3) << qint64(33);
    QTest::newRow("two thirds rounds up") << qint64(200) << qint64(1) << qint64(3) << qint64(67);
    QTest::newRow("half away from zero") << qint64(1) << qint64(1) << qint64(2) << qint64(1);
    QTest::newRow("negative half away from zero") << qint64(-1) << qint64(1) << qint64(2) << qint64(-1);
    QTest::newRow("quarter") << qint64(5) << qint64(1) << qint64(4) << qint64(1);
    QTest::newRow("whole") << qint64(1'150'000) << qint64(37) << qint64(37) << qint64(1'150'000);
    QTest::newRow("nothing used") << qint64(1'150'000) << qint64(0) << qint64(90) << qint64(0);
    QTest::newRow("rental by minutes") << qint64(1'150'000) << qint64(12) << qint64(90) << qint64(153'333);
    QTest::newRow("zero denominator") << qint64(1'150'000) << qint64(3) << qint64(0) << qint64(0);
}

void TestMoney::prorate() {
    QFETCH(qint64, amount);
    QFETCH(qint64, numerator);
    QFETCH(qint64, denominator);
    QFETCH(qint64, expected);
    QCOMPARE(Money::prorate(amount, numerator, denominator), expected);
}

void TestMoney::prorateDoesNotOverflow() {
    // A million dollars of rental shared by a billion minutes: the product exceeds 64 bits.
    const Micros amount = 1'000'000 * MicrosPerDollar;
    QCOMPARE(Money::prorate(amount, 1'000'000'000, 3'000'000'000), Micros(333'333'333'333));
    QCOMPARE(Money::prorate(amount, 2'000'000'000, 3'000'000'000), Micros(666'666'666'667));
}

void TestMoney::cumulativeProrateSumsExactly_data() {
    QTest::addColumn<qint64>("amount");
    QTest::addColumn<QList<qint64>>("weights");
    QTest::newRow("three equal") << qint64(100) << QList<qint64>{1, 1, 1};
    QTest::newRow("rental by minutes") << qint64(1'150'000) << QList<qint64>{17, 3, 0, 41, 9, 1};
    QTest::newRow("one micro among many") << qint64(1) << QList<qint64>{1, 1, 1, 1, 1, 1, 1};
    QTest::newRow("primes") << qint64(9'999'991) << QList<qint64>{7, 11, 13, 17, 19, 23};
}

void TestMoney::cumulativeProrateSumsExactly() {
    // Sharing a sum by prorating the running total and taking differences never loses or invents
    // a micro-dollar, and every share is within one micro-dollar of its exact value.
    QFETCH(qint64, amount);
    QFETCH(QList<qint64>, weights);
    const qint64 total = std::accumulate(weights.cbegin(), weights.cend(), qint64(0));
    qint64 running = 0;
    Micros previous = 0;
    Micros sum = 0;
    for (const qint64 weight : weights) {
        running += weight;
        const Micros upTo = Money::prorate(amount, running, total);
        const Micros share = upTo - previous;
        previous = upTo;
        sum += share;
        QVERIFY(share >= 0);
        const long double exact = static_cast<long double>(amount) * weight / total;
        QVERIFY2(std::abs(static_cast<long double>(share) - exact) <= 1.0L,
                 qPrintable(QStringLiteral("share %1 for weight %2").arg(share).arg(weight)));
    }
    QCOMPARE(sum, amount);
}

void TestMoney::roundTripThroughPlainString() {
    for (const Micros amount :
         {Micros(0), Micros(1), Micros(-13'000), Micros(1'150'000), Micros(123'456'789'012)}) {
        const auto back = Money::parseUsd(Money::toPlainString(amount, 6));
        QVERIFY(back.has_value());
        QCOMPARE(*back, amount);
    }
}

QTEST_GUILESS_MAIN(TestMoney)
#include "tst_money.moc"
