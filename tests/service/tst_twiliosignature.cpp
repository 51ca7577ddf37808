// X-Twilio-Signature: Twilio's published example, and the ways a forged request differs from it.

#include "security/TwilioSignature.h"

#include <QTest>

using namespace PoolDesk;

namespace {
// From Twilio's "Webhooks security" documentation.
const QByteArray ExampleToken = QByteArrayLiteral("12345");
const QString ExampleUrl = QStringLiteral("https://mycompany.com/myapp.php?foo=1&bar=2");
const QByteArray ExampleSignature = QByteArrayLiteral("0/KCTR6DLpKmkAf8muzZqo1nDgQ=");
FormFields exampleFields() {
    // Deliberately not in sorted order: the signature sorts them.
    return {{QStringLiteral("To"), QStringLiteral("+18005551212")},
            {QStringLiteral("Digits"), QStringLiteral("1234")},
            {QStringLiteral("CallSid"), QStringLiteral("CA1234567890ABCDE")},
            {QStringLiteral("From"), QStringLiteral("+12349013030")},
            {QStringLiteral("Caller"), QStringLiteral("+12349013030")}};
}
} // namespace

class TestTwilioSignature : public QObject {
    Q_OBJECT
private slots:
    void publishedExample() {
        QCOMPARE(TwilioSignature::compute(ExampleToken, ExampleUrl, exampleFields()), ExampleSignature);
        QVERIFY(TwilioSignature::verify(ExampleToken, ExampleUrl, exampleFields(), ExampleSignature));
    }

    void publishedExampleFromTheWire() {
        // The same request as Twilio sends it: form-encoded, '+' escaped as %2B.
        const QByteArray body =
            "CallSid=CA1234567890ABCDE&Caller=%2B12349013030&Digits=1234&From=%2B12349013030"
            "&To=%2B18005551212";
        const auto fields = TwilioSignature::parseForm(body);
        QVERIFY(fields);
        QVERIFY(TwilioSignature::verify(ExampleToken, ExampleUrl, *fields, ExampleSignature));
    }

    void forgeries_data() {
        QTest::addColumn<QByteArray>("token");
        QTest::addColumn<QString>("url");
        QTest::addColumn<QString>("changedField");
        QTest::addColumn<QString>("changedValue");
        QTest::addColumn<QByteArray>("signature");
        QTest::newRow("wrong token") << QByteArray("54321") << ExampleUrl << QString() << QString()
                                     << ExampleSignature;
        QTest::newRow("other URL") << ExampleToken
                                   << QStringLiteral("https://mycompany.com/myapp.php?foo=1&bar=3")
                                   << QString() << QString() << ExampleSignature;
        QTest::newRow("listen address instead of public URL")
            << ExampleToken << QStringLiteral("http://127.0.0.1:8736/myapp.php?foo=1&bar=2") << QString()
            << QString() << ExampleSignature;
        QTest::newRow("changed parameter") << ExampleToken << ExampleUrl << QStringLiteral("Digits")
                                           << QStringLiteral("9999") << ExampleSignature;
        QTest::newRow("added parameter") << ExampleToken << ExampleUrl << QStringLiteral("CallDuration")
                                         << QStringLiteral("600") << ExampleSignature;
        QTest::newRow("empty signature")
            << ExampleToken << ExampleUrl << QString() << QString() << QByteArray();
        QTest::newRow("truncated signature")
            << ExampleToken << ExampleUrl << QString() << QString() << ExampleSignature.left(27);
        QTest::newRow("one character off") << ExampleToken << ExampleUrl << QString() << QString()
                                           << QByteArray("1/KCTR6DLpKmkAf8muzZqo1nDgQ=");
        QTest::newRow("no token configured")
            << QByteArray() << ExampleUrl << QString() << QString() << ExampleSignature;
    }

    void forgeries() {
        QFETCH(QByteArray, token);
        QFETCH(QString, url);
        QFETCH(QString, changedField);
        QFETCH(QString, changedValue);
        QFETCH(QByteArray, signature);
        FormFields fields = exampleFields();
        if (!changedField.isEmpty()) {
            bool replaced = false;
            for (auto &field : fields) {
                if (field.first == changedField) {
                    field.second = changedValue;
                    replaced = true;
                }
            }
            if (!replaced)
                fields.append({changedField, changedValue});
        }
        QVERIFY(!TwilioSignature::verify(token, url, fields, signature));
    }

    void formParsing() {
        const auto fields = TwilioSignature::parseForm("A=1+2&B=%C3%A9t%C3%A9&Empty=&Flag");
        QVERIFY(fields);
        QCOMPARE(fields->size(), 4);
        QCOMPARE(fields->at(0).second, QStringLiteral("1 2"));
        QCOMPARE(fields->at(1).second, QStringLiteral("été"));
        QCOMPARE(fields->at(2).second, QString());
        QCOMPARE(fields->at(3).first, QStringLiteral("Flag"));
        QVERIFY(!TwilioSignature::parseForm("A=%ZZ"));
        QVERIFY(!TwilioSignature::parseForm("A=%4"));
        QVERIFY(!TwilioSignature::parseForm("A=%FF%FE")); // not UTF-8
        QVERIFY(!TwilioSignature::parseForm("=value"));
    }

    void constantTimeEquality() {
        QVERIFY(TwilioSignature::constantTimeEquals("abc", "abc"));
        QVERIFY(!TwilioSignature::constantTimeEquals("abc", "abd"));
        QVERIFY(!TwilioSignature::constantTimeEquals("abc", "abcd"));
        QVERIFY(!TwilioSignature::constantTimeEquals("", "a"));
        QVERIFY(TwilioSignature::constantTimeEquals("", ""));
    }
};

QTEST_GUILESS_MAIN(TestTwilioSignature)
#include "tst_twiliosignature.moc"
