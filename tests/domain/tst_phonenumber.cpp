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
    void displayTextIsInternational();
    void geographyOfNumbers_data();
    void geographyOfNumbers();
    void geographyOfUnparsable();
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
    // Possible is enough: libphonenumber's metadata does not know these, and Twilio and tests use them.
    QTest::newRow("Twilio test number") << QStringLiteral("+15005550006") << QStringLiteral("+15005550006");
    QTest::newRow("fictional 555") << QStringLiteral("+1 555 555 0100") << QStringLiteral("+15555550100");
    QTest::newRow("area code not yet in the metadata")
        << QStringLiteral("+1 999 888 7777") << QStringLiteral("+19998887777");
    QTest::newRow("Australia") << QStringLiteral("+61 2 1234 5678") << QStringLiteral("+61212345678");
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
    QTest::newRow("too short for North America") << QStringLiteral("+1234567");
    QTest::newRow("too long for North America") << QStringLiteral("+123456789012345");
    QTest::newRow("no such country code") << QStringLiteral("+9991234567");
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
    // libphonenumber finds this Japanese number possible, but E.164 stops at 15 digits (fuzz_e164).
    QTest::newRow("17 digits, possible in Japan") << QStringLiteral("+81549112345678-788");
    // libphonenumber drops one national prefix per reading: "+82038408813" would read back as
    // +8238408813 (fuzz_e164).
    QTest::newRow("national prefix twice") << QStringLiteral("+820038408813");
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

void TestPhoneNumber::displayTextIsInternational() {
    QCOMPARE(PhoneNumber::displayText(QStringLiteral("+16076956082")), QStringLiteral("+1 607-695-6082"));
    QCOMPARE(PhoneNumber::displayText(QStringLiteral("+81312345678")), QStringLiteral("+81 3-1234-5678"));
    // What libphonenumber cannot read is shown as stored.
    QCOMPARE(PhoneNumber::displayText(QStringLiteral("+1")), QStringLiteral("+1"));
    // libphonenumber would show this Mexican number without its "1", as +52 016 023 4567: another
    // number (fuzz_e164). It is shown as stored.
    QCOMPARE(PhoneNumber::displayText(QStringLiteral("+5210160234567")), QStringLiteral("+5210160234567"));
    // libphonenumber groups this Slovak number with a '/', which normalize refuses (fuzz_e164).
    QCOMPARE(PhoneNumber::displayText(QStringLiteral("+421360234567")), QStringLiteral("+421 36 023 45 67"));
}

void TestPhoneNumber::geographyOfNumbers_data() {
    QTest::addColumn<QString>("e164");
    QTest::addColumn<QString>("areaCode");
    QTest::addColumn<QString>("region");
    QTest::addColumn<QString>("zones");
    QTest::addColumn<bool>("valid");
    // The geocoder names a city and state for some area codes and the state alone for others.
    QTest::newRow("city, state") << QStringLiteral("+14155550100") << QStringLiteral("1415")
                                 << QStringLiteral("US-CA") << QStringLiteral("America/Los_Angeles") << true;
    QTest::newRow("state alone") << QStringLiteral("+13105551234") << QStringLiteral("1310")
                                 << QStringLiteral("US-CA") << QStringLiteral("America/Los_Angeles") << true;
    QTest::newRow("state with two zones")
        << QStringLiteral("+19155550100") << QStringLiteral("1915") << QStringLiteral("US-TX")
        << QStringLiteral("America/Chicago,America/Denver") << true;
    QTest::newRow("Canada") << QStringLiteral("+15875550100") << QStringLiteral("1587")
                            << QStringLiteral("CA-AB") << QStringLiteral("America/Edmonton") << true;
    // Unknown to the metadata: still an area code, in no known region; calling hours take it to
    // be anywhere in the calling code's main country.
    QTest::newRow("fictional 555") << QStringLiteral("+15555550100") << QStringLiteral("1555") << QString()
                                   << QStringLiteral("US zones") << false;
    QTest::newRow("toll-free has no area") << QStringLiteral("+18005550100") << QString()
                                           << QStringLiteral("US") << QStringLiteral("US zones") << true;
    QTest::newRow("Tokyo") << QStringLiteral("+81312345678") << QStringLiteral("813") << QStringLiteral("JP")
                           << QStringLiteral("Asia/Tokyo") << true;
    QTest::newRow("Japanese mobile") << QStringLiteral("+819012345678") << QString() << QStringLiteral("JP")
                                     << QStringLiteral("Asia/Tokyo") << true;
    QTest::newRow("London") << QStringLiteral("+442071234567") << QStringLiteral("4420")
                            << QStringLiteral("GB") << QStringLiteral("Europe/London") << true;
}

void TestPhoneNumber::geographyOfNumbers() {
    QFETCH(QString, e164);
    QFETCH(QString, areaCode);
    QFETCH(QString, region);
    QFETCH(QString, zones);
    QFETCH(bool, valid);
    const PhoneNumber::Geography where = PhoneNumber::geography(e164);
    QCOMPARE(where.areaCode, areaCode);
    QCOMPARE(where.region, region);
    QCOMPARE(where.valid, valid);
    // A country's zones come from Qt's list; only their presence is compared where it has many.
    if (zones == QLatin1String("US zones"))
        QVERIFY(where.timeZones.contains(QStringLiteral("America/New_York")));
    else
        QCOMPARE(where.timeZones.join(QLatin1Char(',')), zones);
}

void TestPhoneNumber::geographyOfUnparsable() {
    const PhoneNumber::Geography where = PhoneNumber::geography(QStringLiteral("12345"));
    QVERIFY(where.areaCode.isEmpty());
    QVERIFY(where.region.isEmpty());
    QVERIFY(where.timeZones.isEmpty());
    QVERIFY(!where.valid);
}

QTEST_GUILESS_MAIN(TestPhoneNumber)
#include "tst_phonenumber.moc"
