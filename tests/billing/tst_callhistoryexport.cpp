#include "CostSeed.h"
#include "billing/CallHistory.h"
#include "billing/SqliteRows.h"
#include "pool/Companies.h"
#include "storage/Settings.h"

#include <QBuffer>

using namespace PoolDesk;

class TestCallHistoryExport : public QObject {
    Q_OBJECT
private slots:
    void exportsTheFilteredRows_data() { Test::addEngineRows(); }
    void exportsTheFilteredRows();
    void cancelStopsTheExport_data() { Test::addEngineRows(); }
    void cancelStopsTheExport();
    void sqliteReaderWritesTheSameBytes_data();
    void sqliteReaderWritesTheSameBytes();
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

void TestCallHistoryExport::sqliteReaderWritesTheSameBytes_data() {
    Test::addEngineRows();
}

// On SQLite the export reads rows through SQLite's C API; it must write exactly what the Qt path
// writes, in every order, for the awkward cells too (Japanese, quotes, commas, newlines, formulas,
// NULLs, a deleted company, negative amounts).
void TestCallHistoryExport::sqliteReaderWritesTheSameBytes() {
    QFETCH(QString, engine);
    qputenv("TZ", "Asia/Tokyo"); // offsets in the times (+09:00)
    Test::CostFixture f = Test::seedCostMonth(engine);
    Database &db = *f.db;
    QCOMPARE(SqliteRows::available(db), engine == QLatin1String("sqlite")); // the fast path is the one tested
    const Actor actor{QStringLiteral("user:test")};
    const qint64 sakura =
        Companies(db).add(actor, QStringLiteral("さくら歯科, \"本店\""), Plan::Standard)->id;
    Test::seedCall(db, f.s2, QStringLiteral("+15550000002"), sakura, QStringLiteral("inbound"),
                   Test::utc(2026, 3, 20, 14, 59) + 59, 61, -1'500'000, 2'500'001, QStringLiteral("本番"),
                   QStringLiteral("受付\n2番"));
    Test::seedCall(db, f.s3, QStringLiteral("+15550000003"), std::nullopt, QStringLiteral("outbound"),
                   Test::utc(2026, 3, 21, 0, 0), 0, 0, std::nullopt, QStringLiteral("production"),
                   QStringLiteral("@SUM(A1)"));
    QVERIFY(
        Sql::exec(db.connection(),
                  QStringLiteral("UPDATE call_records SET session = ?, call_sid = ?, operator = NULL WHERE "
                                 "company_id = ?"), // Cafe's one call
                  {QStringLiteral("-s,1"), QStringLiteral("CA\"x\""), f.cafe}));
    QVERIFY(Sql::exec(db.connection(),
                      QStringLiteral("UPDATE call_records SET session = ? WHERE id = (SELECT MIN(id) FROM "
                                     "call_records WHERE company_id = ?)"),
                      {QStringLiteral("+\r\n"), f.acme}));

    const auto exportWith = [&](CallHistory::ExportOptions options) {
        QBuffer buffer;
        buffer.open(QIODevice::WriteOnly);
        auto written = CallHistory::exportCsv(db, {}, buffer, options);
        if (!written)
            qWarning() << written.error().message;
        return written ? buffer.data() : QByteArray();
    };
    for (int s = 0; s <= static_cast<int>(CallSort::Environment); ++s) {
        for (const Qt::SortOrder order : {Qt::AscendingOrder, Qt::DescendingOrder}) {
            CallHistory::ExportOptions options;
            options.csv.byteOrderMark = true;
            options.sort = static_cast<CallSort>(s);
            options.order = order;
            options.pageSize = 3;
            options.reader = CallHistory::ExportOptions::Reader::Qt;
            const QByteArray viaQt = exportWith(options);
            options.reader = CallHistory::ExportOptions::Reader::Automatic;
            const QByteArray automatic = exportWith(options);
            QCOMPARE(viaQt.count("\r\n"), 10); // header, 8 calls, one call with a CRLF in a cell
            QCOMPARE(automatic, viaQt);
        }
    }
    const QByteArray csv = exportWith({});
    QVERIFY(csv.contains(
        "2026-03-20T23:59:59+09:00,2026-03-21T00:01:00+09:00,\"さくら歯科, \"\"本店\"\"\","
        "'+15550000002,\"受付\n2番\",inbound,61,2,2.500001,twilio,-1.500000,2.500001,本番,,\r\n"));
    QVERIFY(csv.contains(
        "2026-03-21T09:00:00+09:00,2026-03-21T09:00:00+09:00,,'+15550000003,'@SUM(A1),outbound,0,"
        "0,0.000000,estimate,0.000000,,production,,\r\n"));
    QVERIFY(csv.contains(",Cafe Hybrid,'+15550000001,,outbound,30,1,0.013000,estimate,0.013000,,production,"
                         "\"'-s,1\",\"CA\"\"x\"\"\"\r\n"));
    QVERIFY(csv.contains(",production,\"'+\r\n\",\r\n"));
    qunsetenv("TZ");

    // Times follow the billing zone, across its change of clocks: New York's 01:59:59 EST is
    // followed by 03:00:00 EDT on 8 March 2026.
    QVERIFY(Settings::set(db, actor, SettingKeys::BillingTimeZone, QStringLiteral("America/New_York")));
    Test::seedCall(db, f.s1, QStringLiteral("+15550000001"), f.acme, QStringLiteral("outbound"),
                   Test::utc(2026, 3, 8, 6, 59) + 59, 1, 13'000);
    for (const auto reader :
         {CallHistory::ExportOptions::Reader::Qt, CallHistory::ExportOptions::Reader::Automatic}) {
        CallHistory::ExportOptions options;
        options.reader = reader;
        const QByteArray newYork = exportWith(options);
        QVERIFY(newYork.contains("\r\n2026-03-08T01:59:59-05:00,2026-03-08T03:00:00-04:00,Acme Dental,"));
        QVERIFY(newYork.contains("\r\n2026-03-20T10:59:59-04:00,"));
    }
}

QTEST_GUILESS_MAIN(TestCallHistoryExport)
#include "tst_callhistoryexport.moc"
