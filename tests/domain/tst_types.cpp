// The stored and printed names of plans, statuses and directions are a stable interface (the
// database, pooldeskctl --json and the service all carry them), and billing rounds per minute.
#include "domain/Types.h"

#include <QTest>

using namespace PoolDesk;

Q_DECLARE_METATYPE(PoolDesk::Plan)
Q_DECLARE_METATYPE(PoolDesk::NumberStatus)
Q_DECLARE_METATYPE(PoolDesk::Direction)

class TestTypes : public QObject {
    Q_OBJECT

private slots:
    void planRoundTrip_data();
    void planRoundTrip();
    void statusRoundTrip_data();
    void statusRoundTrip();
    void directionRoundTrip_data();
    void directionRoundTrip();
    void lenientParsing();
    void unknownNamesRefused();
    void displayNamesDistinct();
    void environmentNames_data();
    void environmentNames();
    void billedMinutes_data();
    void billedMinutes();
};

void TestTypes::planRoundTrip_data() {
    QTest::addColumn<Plan>("plan");
    QTest::addColumn<QString>("name");
    QTest::newRow("standard") << Plan::Standard << QStringLiteral("standard");
    QTest::newRow("enterprise") << Plan::Enterprise << QStringLiteral("enterprise");
    QTest::newRow("hybrid") << Plan::Hybrid << QStringLiteral("hybrid");
}

void TestTypes::planRoundTrip() {
    QFETCH(Plan, plan);
    QFETCH(QString, name);
    QCOMPARE(toString(plan), name);
    QCOMPARE(planFromString(name), std::optional<Plan>(plan));
}

void TestTypes::statusRoundTrip_data() {
    QTest::addColumn<NumberStatus>("status");
    QTest::addColumn<QString>("name");
    QTest::newRow("available") << NumberStatus::Available << QStringLiteral("available");
    QTest::newRow("reserved") << NumberStatus::Reserved << QStringLiteral("reserved");
    QTest::newRow("in_use") << NumberStatus::InUse << QStringLiteral("in_use");
}

void TestTypes::statusRoundTrip() {
    QFETCH(NumberStatus, status);
    QFETCH(QString, name);
    QCOMPARE(toString(status), name);
    QCOMPARE(numberStatusFromString(name), std::optional<NumberStatus>(status));
}

void TestTypes::directionRoundTrip_data() {
    QTest::addColumn<Direction>("direction");
    QTest::addColumn<QString>("name");
    QTest::newRow("outbound") << Direction::Outbound << QStringLiteral("outbound");
    QTest::newRow("inbound") << Direction::Inbound << QStringLiteral("inbound");
}

void TestTypes::directionRoundTrip() {
    QFETCH(Direction, direction);
    QFETCH(QString, name);
    QCOMPARE(toString(direction), name);
    QCOMPARE(directionFromString(name), std::optional<Direction>(direction));
}

void TestTypes::lenientParsing() {
    // People type names in any case; Twilio reports outbound legs as "outbound-api"/"outbound-dial".
    QCOMPARE(planFromString(QStringLiteral(" Hybrid ")), std::optional<Plan>(Plan::Hybrid));
    QCOMPARE(planFromString(QStringLiteral("ENTERPRISE")), std::optional<Plan>(Plan::Enterprise));
    QCOMPARE(numberStatusFromString(QStringLiteral("in-use")),
             std::optional<NumberStatus>(NumberStatus::InUse));
    QCOMPARE(directionFromString(QStringLiteral("outbound-api")),
             std::optional<Direction>(Direction::Outbound));
    QCOMPARE(directionFromString(QStringLiteral("outbound-dial")),
             std::optional<Direction>(Direction::Outbound));
}

void TestTypes::unknownNamesRefused() {
    for (const QString &text : {QString(), QStringLiteral("premium"), QStringLiteral("standards")})
        QVERIFY(!planFromString(text));
    for (const QString &text : {QString(), QStringLiteral("busy"), QStringLiteral("inuse")})
        QVERIFY(!numberStatusFromString(text));
    for (const QString &text : {QString(), QStringLiteral("sideways"), QStringLiteral("inbound-api")})
        QVERIFY(!directionFromString(text));
}

void TestTypes::displayNamesDistinct() {
    const QStringList plans{displayName(Plan::Standard), displayName(Plan::Enterprise),
                            displayName(Plan::Hybrid)};
    const QStringList statuses{displayName(NumberStatus::Available), displayName(NumberStatus::Reserved),
                               displayName(NumberStatus::InUse)};
    for (const QStringList &names : {plans, statuses}) {
        for (const QString &name : names)
            QVERIFY(!name.isEmpty());
        QCOMPARE(QSet<QString>(names.cbegin(), names.cend()).size(), names.size());
    }
    QVERIFY(displayName(Direction::Inbound) != displayName(Direction::Outbound));
}

void TestTypes::environmentNames_data() {
    QTest::addColumn<QString>("name");
    QTest::addColumn<bool>("valid");
    QTest::newRow("development") << DevelopmentEnvironment << true;
    QTest::newRow("production") << ProductionEnvironment << true;
    QTest::newRow("staging-2") << QStringLiteral("staging-2") << true;
    QTest::newRow("eu_west") << QStringLiteral("eu_west") << true;
    QTest::newRow("empty") << QString() << false;
    QTest::newRow("capital") << QStringLiteral("Production") << false;
    QTest::newRow("leading digit") << QStringLiteral("2nd") << false;
    QTest::newRow("space") << QStringLiteral("my env") << false;
    QTest::newRow("33 characters") << QStringLiteral("a").repeated(33) << false;
    QTest::newRow("32 characters") << QStringLiteral("a").repeated(32) << true;
}

void TestTypes::environmentNames() {
    QFETCH(QString, name);
    QFETCH(bool, valid);
    QCOMPARE(isValidEnvironmentName(name), valid);
}

void TestTypes::billedMinutes_data() {
    QTest::addColumn<qint64>("seconds");
    QTest::addColumn<qint64>("minutes");
    QTest::newRow("unanswered") << qint64(0) << qint64(0);
    QTest::newRow("negative is nothing") << qint64(-5) << qint64(0);
    QTest::newRow("1 s") << qint64(1) << qint64(1);
    QTest::newRow("59 s") << qint64(59) << qint64(1);
    QTest::newRow("60 s") << qint64(60) << qint64(1);
    QTest::newRow("61 s") << qint64(61) << qint64(2);
    QTest::newRow("120 s") << qint64(120) << qint64(2);
    QTest::newRow("121 s") << qint64(121) << qint64(3);
    QTest::newRow("an hour") << qint64(3600) << qint64(60);
    QTest::newRow("an hour and a second") << qint64(3601) << qint64(61);
}

void TestTypes::billedMinutes() {
    QFETCH(qint64, seconds);
    QFETCH(qint64, minutes);
    QCOMPARE(billedMinutesFor(seconds), minutes);
}

QTEST_GUILESS_MAIN(TestTypes)
#include "tst_types.moc"
