// Pool sizing: the smallest number of lines whose Erlang B blocking is under the target.
// Expected values are from published Erlang B tables.
#include "pool/ErlangB.h"

#include <QTest>

using namespace PoolDesk;

class TestErlangB : public QObject {
    Q_OBJECT

private slots:
    void linesFor_data();
    void linesFor();
    void blockingValues_data();
    void blockingValues();
    void targetIsMetAndMinimal_data();
    void targetIsMetAndMinimal();
    void noTrafficNeedsNoLines();
    void largeTrafficIsStable();
};

void TestErlangB::linesFor_data() {
    QTest::addColumn<double>("erlangs");
    QTest::addColumn<double>("blocking");
    QTest::addColumn<int>("lines");
    // The design's own check values.
    QTest::newRow("10 E @ 1%") << 10.0 << 0.01 << 18;
    QTest::newRow("20 E @ 1%") << 20.0 << 0.01 << 30;
    // Erlang B table, 1% column: N lines carry 1.36, 2.50, 5.16, 46.95 (60), 51.0 (64), 100.0 (117) E.
    QTest::newRow("1 E @ 1%") << 1.0 << 0.01 << 5;
    QTest::newRow("2 E @ 1%") << 2.0 << 0.01 << 7;
    QTest::newRow("5 E @ 1%") << 5.0 << 0.01 << 11;
    QTest::newRow("50 E @ 1%") << 50.0 << 0.01 << 64;
    QTest::newRow("100 E @ 1%") << 100.0 << 0.01 << 117;
    // Other columns.
    QTest::newRow("10 E @ 0.1%") << 10.0 << 0.001 << 21;
    QTest::newRow("10 E @ 2%") << 10.0 << 0.02 << 17;
    QTest::newRow("10 E @ 5%") << 10.0 << 0.05 << 15;
    QTest::newRow("20 E @ 5%") << 20.0 << 0.05 << 26;
    QTest::newRow("5 E @ 0.1%") << 5.0 << 0.001 << 14;
    // Less than one erlang still needs a line or more.
    QTest::newRow("0.1 E @ 1%") << 0.1 << 0.01 << 2;
}

void TestErlangB::linesFor() {
    QFETCH(double, erlangs);
    QFETCH(double, blocking);
    QFETCH(int, lines);
    QCOMPARE(ErlangB::linesFor(erlangs, blocking), lines);
}

void TestErlangB::blockingValues_data() {
    QTest::addColumn<double>("erlangs");
    QTest::addColumn<int>("lines");
    QTest::addColumn<double>("blocking");
    QTest::newRow("1 E, 1 line") << 1.0 << 1 << 0.5;
    QTest::newRow("2 E, 2 lines") << 2.0 << 2 << 0.4;
    QTest::newRow("1 E, 0 lines") << 1.0 << 0 << 1.0;
    QTest::newRow("10 E, 18 lines") << 10.0 << 18 << 0.0071424;
    QTest::newRow("10 E, 17 lines") << 10.0 << 17 << 0.0129489;
    QTest::newRow("20 E, 30 lines") << 20.0 << 30 << 0.0084575;
}

void TestErlangB::blockingValues() {
    QFETCH(double, erlangs);
    QFETCH(int, lines);
    QFETCH(double, blocking);
    QVERIFY2(qAbs(ErlangB::blocking(erlangs, lines) - blocking) < 1e-6,
             qPrintable(QString::number(ErlangB::blocking(erlangs, lines), 'g', 10)));
}

void TestErlangB::targetIsMetAndMinimal_data() {
    QTest::addColumn<double>("erlangs");
    QTest::addColumn<double>("target");
    for (const double erlangs : {0.5, 3.7, 12.0, 33.3, 250.0})
        for (const double target : {0.001, 0.01, 0.05})
            QTest::addRow("%g E @ %g", erlangs, target) << erlangs << target;
}

void TestErlangB::targetIsMetAndMinimal() {
    QFETCH(double, erlangs);
    QFETCH(double, target);
    const int lines = ErlangB::linesFor(erlangs, target);
    QVERIFY(lines >= 1);
    QVERIFY(ErlangB::blocking(erlangs, lines) <= target);
    QVERIFY(ErlangB::blocking(erlangs, lines - 1) > target);
    // More traffic never needs fewer lines; a stricter target never needs fewer lines.
    QVERIFY(ErlangB::linesFor(erlangs * 1.1, target) >= lines);
    QVERIFY(ErlangB::linesFor(erlangs, target / 2) >= lines);
}

void TestErlangB::noTrafficNeedsNoLines() {
    QCOMPARE(ErlangB::linesFor(0.0), 0);
    QCOMPARE(ErlangB::linesFor(-1.0), 0);
    QCOMPARE(ErlangB::blocking(0.0, 5), 0.0);
}

void TestErlangB::largeTrafficIsStable() {
    // The recurrence stays finite where the textbook formula (E^N / N!) overflows a double.
    const int lines = ErlangB::linesFor(5000.0, 0.01);
    QVERIFY(lines > 5000);
    QVERIFY(lines < 5200);
    QVERIFY(ErlangB::blocking(5000.0, lines) <= 0.01);
}

QTEST_GUILESS_MAIN(TestErlangB)
#include "tst_erlangb.moc"
