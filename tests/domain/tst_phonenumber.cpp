// E.164 is the pool's key: what a person may type, and what is refused rather than guessed.
#include "domain/PhoneNumber.h"

#include <QTest>

using namespace PoolDesk;

class TestPhoneNumber : public QObject {
    Q_OBJECT

private slots:
    void normalizeAccepts_data();
    void normalizeAccepts();
    void normalizeRejects_data();
    void normalizeRejects();
    void normalizedIsStable();
    void formValueEscapesPlus();
};

void TestPhoneNumber::normalizeAccepts_data() {
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("e164");
    QTest::newRow("already E.164") << QStringLiteral("+16076956082") << QStringLiteral("+16076956082");
    QTest::newRow("US with brackets")
        << QStringLiteral("+1 (607) 695-6082") << QStringLiteral("+16076956082");
    QTest::newRow("US with dashes") << QStringLiteral("+1-607-695-6082") << QStringLiteral("+16076956082");
    QTest::newRow("US with dots") << QStringLiteral("+1.607.695.6082") << QStringLiteral("+16076956082");
    QTest::newRow("surrounding spaces")
        << QStringLiteral("  +14179224538\t") << QStringLiteral("+14179224538");
    QTest::newRow("Tokyo") << QStringLiteral("+81 3-1234-5678") << QStringLiteral("+81312345678");
    QTest::newRow("UK mobile") << QStringLiteral("+44 7700 900123") << QStringLiteral("+447700900123");
    QTest::newRow("shortest: 7 digits") << QStringLiteral("+1234567") << QStringLiteral("+1234567");
    QTest::newRow("longest: 15 digits")
        << QStringLiteral("+123456789012345") << QStringLiteral("+123456789012345");
}

void TestPhoneNumber::normalizeAccepts() {
    QFETCH(QString, text);
    QFETCH(QString, e164);
    const auto normalized = PhoneNumber::normalize(text);
    QVERIFY2(normalized.has_value(), qPrintable(text));
    QCOMPARE(*normalized, e164);
    QVERIFY(PhoneNumber::isValid(text));
}

void TestPhoneNumber::normalizeRejects_data() {
    QTest::addColumn<QString>("text");
    QTest::newRow("empty") << QString();
    QTest::newRow("plus only") << QStringLiteral("+");
    QTest::newRow("national, no plus") << QStringLiteral("6076956082");
    QTest::newRow("international, no plus") << QStringLiteral("16076956082");
    QTest::newRow("00 prefix") << QStringLiteral("0016076956082");
    QTest::newRow("country code 0") << QStringLiteral("+06076956082");
    QTest::newRow("6 digits") << QStringLiteral("+123456");
    QTest::newRow("16 digits") << QStringLiteral("+1234567890123456");
    QTest::newRow("letter") << QStringLiteral("+1607695608a");
    QTest::newRow("vanity letters") << QStringLiteral("+1-800-FLOWERS");
    QTest::newRow("double plus") << QStringLiteral("++16076956082");
    QTest::newRow("plus inside") << QStringLiteral("+1607+6956082");
    QTest::newRow("slash") << QStringLiteral("+1/607/6956082");
    QTest::newRow("extension") << QStringLiteral("+16076956082 ext 5");
    QTest::newRow("tel URI") << QStringLiteral("tel:+16076956082");
    QTest::newRow("full-width digits")
        << QString::fromUtf8("+\uFF11\uFF16\uFF10\uFF17\uFF16\uFF19\uFF15\uFF16\uFF10\uFF18");
    QTest::newRow("SQL") << QStringLiteral("+1'; DROP TABLE phone_numbers;--");
}

void TestPhoneNumber::normalizeRejects() {
    QFETCH(QString, text);
    const auto normalized = PhoneNumber::normalize(text);
    QVERIFY2(!normalized.has_value(),
             qPrintable(QStringLiteral("\"%1\" became %2").arg(text, normalized.value_or(QString()))));
    QVERIFY(!PhoneNumber::isValid(text));
}

void TestPhoneNumber::normalizedIsStable() {
    // Normalising twice changes nothing, so stored numbers compare equal to re-typed ones.
    for (const QString &text : {QStringLiteral("+1 (607) 695-6082"), QStringLiteral("+81 3-1234-5678")}) {
        const auto once = PhoneNumber::normalize(text);
        QVERIFY(once);
        QCOMPARE(PhoneNumber::normalize(*once), once);
    }
}

void TestPhoneNumber::formValueEscapesPlus() {
    // An unescaped '+' reaches Twilio as a space.
    QCOMPARE(PhoneNumber::toFormValue(QStringLiteral("+16076956082")), QByteArray("%2B16076956082"));
}

QTEST_GUILESS_MAIN(TestPhoneNumber)
#include "tst_phonenumber.moc"
