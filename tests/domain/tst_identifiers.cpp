// The identifiers call backends choose: what every entry point accepts as a session ID or a name.

#include "domain/Identifiers.h"

#include <QTest>

using namespace PoolDesk;

class TestIdentifiers : public QObject {
    Q_OBJECT
private slots:
    void sessions_data();
    void sessions();
    void names_data();
    void names();
};

void TestIdentifiers::sessions_data() {
    QTest::addColumn<QString>("session");
    QTest::addColumn<bool>("valid");
    QTest::newRow("word") << QStringLiteral("call-123") << true;
    QTest::newRow("uuid") << QStringLiteral("3f2c1a9e-8b7d-4c6e-9f00-1a2b3c4d5e6f") << true;
    QTest::newRow("every allowed sign") << QStringLiteral("a-b_c.d:e@f+g=h~i") << true;
    QTest::newRow("200 characters") << QString(200, QLatin1Char('s')) << true;
    QTest::newRow("201 characters") << QString(201, QLatin1Char('s')) << false;
    QTest::newRow("empty") << QString() << false;
    QTest::newRow("space") << QStringLiteral("a b") << false;
    QTest::newRow("slash") << QStringLiteral("a/b") << false;
    QTest::newRow("percent") << QStringLiteral("a%20b") << false;
    QTest::newRow("control") << QStringLiteral("a\x01") << false;
    QTest::newRow("non-ASCII letter") << QStringLiteral("caf\u00e9") << false;
    QTest::newRow("lone surrogate") << QString(QChar(0xdfff)) << false;
}

void TestIdentifiers::sessions() {
    QFETCH(QString, session);
    QFETCH(bool, valid);
    QCOMPARE(Identifiers::isValidSession(session), valid);
}

void TestIdentifiers::names_data() {
    QTest::addColumn<QString>("name");
    QTest::addColumn<bool>("valid");
    QTest::newRow("ascii") << QStringLiteral("op-1") << true;
    QTest::newRow("japanese") << QStringLiteral("\u3055\u304f\u3089\u6b6f\u79d1 \u5c71\u7530") << true;
    QTest::newRow("emoji (a surrogate pair)") << QStringLiteral("agent \U0001F4DE") << true;
    QTest::newRow("inner space") << QStringLiteral("Team A") << true;
    QTest::newRow("surrounding space") << QStringLiteral(" op") << false;
    QTest::newRow("empty") << QString() << false;
    QTest::newRow("201 characters") << QString(201, QLatin1Char('o')) << false;
    QTest::newRow("lone high surrogate") << (QStringLiteral("op") + QChar(0xd800)) << false;
    QTest::newRow("lone low surrogate") << (QChar(0xdc00) + QStringLiteral("op")) << false;
    QTest::newRow("tab") << QStringLiteral("op\t1") << false;
    QTest::newRow("right-to-left override") << QStringLiteral("op\u202e1") << false;
    QTest::newRow("zero-width space") << QStringLiteral("op\u200b1") << false;
    QTest::newRow("noncharacter") << QStringLiteral("op\ufffe") << false;
}

void TestIdentifiers::names() {
    QFETCH(QString, name);
    QFETCH(bool, valid);
    QCOMPARE(Identifiers::isValidName(name), valid);
}

QTEST_GUILESS_MAIN(TestIdentifiers)
#include "tst_identifiers.moc"
