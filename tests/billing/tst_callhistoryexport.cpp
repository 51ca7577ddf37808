#include "CostSeed.h"
#include "billing/CallHistory.h"

#include <QBuffer>

using namespace PoolDesk;

class TestCallHistoryExport : public QObject {
    Q_OBJECT
private slots:
    void exportsTheFilteredRows_data() { Test::addEngineRows(); }
    void exportsTheFilteredRows();
    void cancelStopsTheExport_data() { Test::addEngineRows(); }
    void cancelStopsTheExport();
};

void TestCallHistoryExport::exportsTheFilteredRows() {
    QFETCH(QString, engine);
    Test::CostFixture f = Test::seedCostMonth(engine);
    CallFilter filter;
    filter.fromSecs = Test::utc(2026, 3, 1);
    filter.toSecs = Test::utc(2026, 4, 1);
    QBuffer buffer;
    buffer.open(QIODevice::WriteOnly);
    CallHistory::ExportOptions options;
    options.csv.byteOrderMark = true;
    options.pageSize = 2; // several pages
    QList<std::pair<qint64, qint64>> progress;
    auto written = CallHistory::exportCsv(*f.db, filter, buffer, options, [&](qint64 done, qint64 total) {
        progress.append({done, total});
    });
    QVERIFY2(written, qPrintable(written ? QString() : written.error().message));
    QCOMPARE(written.value(), 4);
    QCOMPARE(progress.constLast(), std::make_pair(qint64(4), qint64(4)));
    QVERIFY(buffer.data().startsWith("\xEF\xBB\xBF"));
    const QStringList lines =
        QString::fromUtf8(buffer.data().mid(3)).split(QStringLiteral("\r\n"), Qt::SkipEmptyParts);
    QCOMPARE(lines.size(), 5);
    QCOMPARE(lines[0].split(QLatin1Char(',')).size(), CallHistory::csvHeader().size());
    // Newest first: Bank's call on 12 March, whose operator looks like a formula: neutralised.
    QVERIFY(
        lines[1].contains(QStringLiteral(",Bank Corp,'+15550000004,'=cmd|' /C calc'!A0,outbound,600,10,")));
    QVERIFY(lines[1].contains(QStringLiteral(",0.130000,estimate,0.130000,,production")));
    // Twilio's price is the cost where reported.
    QVERIFY(lines[4].contains(QStringLiteral(",125,3,0.040000,twilio,0.039000,0.040000,")));

    // Company filter: only Acme's March calls.
    filter.companyId = f.acme;
    QBuffer acme;
    acme.open(QIODevice::WriteOnly);
    auto acmeWritten = CallHistory::exportCsv(*f.db, filter, acme, {});
    QVERIFY(acmeWritten);
    QCOMPARE(acmeWritten.value(), 2);
    QCOMPARE(acme.data().count("\r\n"), 3);
}

void TestCallHistoryExport::cancelStopsTheExport() {
    QFETCH(QString, engine);
    Test::CostFixture f = Test::seedCostMonth(engine);
    QBuffer buffer;
    buffer.open(QIODevice::WriteOnly);
    std::atomic<bool> cancel{false};
    CallHistory::ExportOptions options;
    options.pageSize = 1;
    auto written = CallHistory::exportCsv(
        *f.db, {}, buffer, options, [&](qint64 done, qint64) { cancel = done >= 2; }, &cancel);
    QVERIFY(!written);
    QCOMPARE(written.error().code, Error::Code::Cancelled);
}

QTEST_GUILESS_MAIN(TestCallHistoryExport)
#include "tst_callhistoryexport.moc"
